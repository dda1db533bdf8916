"""Money over time (issue 16): hand-made projects with known answers; undated money is never spread."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo.analysis import money
from geo.analysis.money import UNDATED, flows, period_summary, unrecorded

PROJECTS = pd.DataFrame([
    {"project_id": "W", "commune_code": "03424", "content_area": 1, "status": "implementing"},  # water, Bản Bo
    {"project_id": "T", "commune_code": "03427", "content_area": 3, "status": "committed"},  # tea, Nà Tăm
])


def _rec(pid: str, kind: str, amount: int, day: str = "", source: str = "ngo", year: int | None = None) -> dict:
    return {"record_id": f"{pid}-{kind}-{day or year or 'u'}-{amount}", "project_id": pid, "kind": kind,
            "source": source, "amount": amount, "currency": "VND", "original_amount": None, "rate": None,
            "date": day, "year": year, "origin": "entry", "note": ""}


RECORDS = pd.DataFrame([
    _rec("W", "commitment", 1_000, "2022-06-30"),  # before the period
    _rec("W", "disbursement", 300, "2022-12-31"),  # before the period, last day of 2022
    _rec("W", "disbursement", 200, "2023-01-01"),  # first day of the period
    _rec("W", "disbursement", 150, "2024-12-31"),  # last day of the period
    _rec("W", "disbursement", 99, "2025-01-01"),  # after it
    _rec("W", "disbursement", 50),  # date unknown
    _rec("T", "commitment", 4_000, "2023-04-02", "oda_grant"),
    _rec("T", "commitment", 600, "", "state_budget"),  # date unknown
    _rec("T", "expenditure", 70, "2024-07-01", "oda_grant"),
    _rec("T", "budget", 2_000, "", "oda_grant", year=2023),
    _rec("T", "budget", 2_500, "", "oda_grant", year=2025),
])
START, END = date(2023, 1, 1), date(2024, 12, 31)


def test_the_period_counts_what_was_dated_inside_it_and_cumulatively_to_its_end():
    w = period_summary(RECORDS, START, END, PROJECTS, by="project_id").loc["W"]
    assert w["disbursed_in"] == 200 + 150  # both boundary days count; 2022 and 2025 do not
    assert w["disbursed_to_end"] == 300 + 200 + 150  # everything dated up to 31/12/2024
    assert w["committed_in"] == 0 and w["committed_to_end"] == 1_000
    assert w["disbursed_undated"] == 50  # reported on its own, in no period
    assert w["undated_share_disbursed"] == pytest.approx(50 / 700)
    assert pd.isna(w["undated_share_committed"]) is False and w["undated_share_committed"] == 0


def test_undated_money_is_reported_apart_and_never_put_in_a_year():
    table = flows(RECORDS, PROJECTS)
    assert list(table.index) == ["2022", "2023", "2024", "2025", UNDATED]
    assert table.loc[UNDATED, "disbursement"] == 50 and table.loc[UNDATED, "commitment"] == 600
    assert table.loc["2023", "disbursement"] == 200 and table.loc["2024", "disbursement"] == 150
    # nothing lost, nothing invented: the columns add up to the records
    for kind in ("commitment", "disbursement", "expenditure", "budget"):
        assert table[kind].sum() == RECORDS.loc[RECORDS["kind"] == kind, "amount"].sum()


def test_quarters_place_each_date_in_its_quarter_and_leave_budgets_to_yearly_tables():
    q = flows(RECORDS, PROJECTS, freq="quarter")
    assert "budget" not in q.columns
    assert q.loc["2022-Q4", "disbursement"] == 300 and q.loc["2023-Q1", "disbursement"] == 200
    assert q.loc["2023-Q2", "commitment"] == 4_000 and q.loc["2024-Q3", "expenditure"] == 70
    assert q.index[-1] == UNDATED and q.loc[UNDATED, "disbursement"] == 50
    assert flows(RECORDS, PROJECTS).loc["2023", "budget"] == 2_000  # a yearly plan figure, in its year


def test_by_commune_and_by_source():
    by_commune = period_summary(RECORDS, START, END, PROJECTS, by="commune_code")
    assert by_commune.loc["03427", "committed_in"] == 4_000 and by_commune.loc["03427", "committed_undated"] == 600
    assert by_commune.loc["03424", "disbursed_in"] == 350
    by_source = period_summary(RECORDS, START, END, PROJECTS, by="source")
    assert by_source.loc["state_budget", "committed_undated"] == 600 and by_source.loc["state_budget", "committed_in"] == 0
    assert by_source.loc["oda_grant", "expended_in"] == 70
    assert by_source.loc["oda_grant", "budget_in"] == 2_000  # 2023 is inside 2023–2024, 2025 is not
    yearly = flows(RECORDS, PROJECTS, by="content_area")
    assert yearly.loc[(3, "2023"), "commitment"] == 4_000 and yearly.loc[(1, UNDATED), "disbursement"] == 50


def test_a_budget_year_counts_only_when_the_period_holds_the_whole_year():
    part = period_summary(RECORDS, date(2023, 7, 1), date(2025, 12, 31)).iloc[0]
    assert part["budget_in"] == 2_500  # 2023 only half inside: not counted (a year is not split)


def test_projects_left_out_of_the_list_take_their_money_with_them():
    only_tea = period_summary(RECORDS, START, END, PROJECTS[PROJECTS["project_id"] == "T"]).iloc[0]
    assert only_tea["disbursed_in"] == 0 and only_tea["committed_in"] == 4_000


def test_no_records_give_zeros_not_an_error():
    empty = RECORDS.iloc[0:0]
    row = period_summary(empty, START, END).iloc[0]
    assert row["committed_in"] == 0 and pd.isna(row["undated_share_committed"])
    assert flows(empty).empty


def test_a_reversed_period_is_refused():
    with pytest.raises(ValueError, match="after its end"):
        period_summary(RECORDS, END, START)


def test_unrecorded_shows_where_a_total_and_its_records_disagree():
    funding = pd.DataFrame([{"project_id": "W", "source": "ngo", "need": 5_000, "committed": 1_000, "disbursed": 800},
                            {"project_id": "T", "source": "oda_grant", "need": 9_000, "committed": 4_000,
                             "disbursed": 0}])
    diff = unrecorded(RECORDS, funding)
    assert diff.loc[("W", "ngo"), "disbursed_diff"] == 800 - (300 + 200 + 150 + 99 + 50)
    assert ("T", "oda_grant") not in diff.index  # 4,000 committed in both
    assert diff.loc[("T", "state_budget"), "committed_diff"] == -600  # a record without a funding line


def test_period_keys():
    assert money.period_key("2025-12-31", "quarter") == "2025-Q4" and money.period_key(None) == UNDATED
