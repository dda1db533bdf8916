"""The Funding gaps page (Streamlit AppTest): tabs, weights that reorder, ratios that change totals, USD view."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from geo.text import fmt
from geo.text.i18n import t


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture(scope="module")
def page_vi(app_page):
    return app_page("pages/funding.py", "vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_renders_tabs_and_illustrative_labels(app_page, lang):
    at = app_page("pages/funding.py", lang)
    assert not at.exception
    assert [tab.label for tab in at.tabs] == [*[t(f"gaps.tab_{k}", lang) for k in ("gaps", "counterpart", "priorities")],
                                              t("money.tab", lang), t("gaps.tab_report", lang)]
    assert any(("MINH HỌA" if lang == "vi" else "ILLUSTRATIVE") in w.value for w in at.warning)
    tag = t("gaps.illustrative_tag", lang)
    assert sum(tag in c.value for c in at.caption) >= 6  # under every table and chart
    by_commune = frame_with(at, t("gaps.col.committed_per_person", lang))
    assert len(by_commune) == 13 + 1  # communes + totals row
    # Communes without a reported population read "unknown", never 0.
    assert t("gaps.unknown", lang) in set(by_commune[t("gaps.col.committed_per_person", lang)])


def test_totals_row_matches_headline(ds, page_vi):
    by_area = frame_with(page_vi, t("gaps.col.content_area", "vi"))
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    lines = lines[lines["status"] != "cancelled"]
    gap = int((lines["need"] - lines["committed"]).clip(lower=0).sum())
    assert by_area.iloc[-1][t("common.gap", "vi")] == fmt.vnd(gap, "vi")


def test_moving_a_weight_slider_changes_the_ranking(ds, page_vi):
    at = page_vi
    col_id = t("gaps.col.project_id", "vi")
    rank_col = t("priority.col.rank", "vi")

    def order():
        return frame_with(at, rank_col)[col_id].tolist()

    for key in ("risk", "crop_fit", "readiness"):
        at.slider(key=f"w_{key}").set_value(0)
    at.slider(key="w_gap").set_value(100).run()
    by_gap = order()
    # Gap weight alone: the project with the largest open gap comes first (computed from the funding lines).
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    lines = lines[~lines["status"].isin(["completed", "cancelled"])]
    gaps = (lines["need"] - lines["committed"]).clip(lower=0).groupby(lines["project_id"]).sum()
    assert by_gap[0] == gaps.idxmax()
    at.slider(key="w_gap").set_value(0)
    at.slider(key="w_readiness").set_value(100).run()
    by_readiness = order()
    assert by_readiness != by_gap
    first = ds.projects.set_index("project_id").loc[by_readiness[0], "status"]
    assert first == "implementing"  # readiness alone puts the furthest-along open project first


def test_counterpart_total_follows_the_ratio(app_page, ds):
    at = app_page("pages/funding.py", "vi")
    required_col = t("counterpart.col.required", "vi")

    def total_required():
        return frame_with(at, t("counterpart.col.ratio", "vi")).iloc[-1][required_col]

    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    lines = lines[lines["status"] != "cancelled"]

    def expected(oda):
        ratio = lines["source"].map({"oda_grant": oda, "concessional_loan": 0.20, "ngo": 0.10}).fillna(0)
        return fmt.vnd(int((lines["committed"] * ratio).round().sum()), "vi")

    assert total_required() == expected(0.15)
    at.number_input(key="cp_ratio_oda_grant").set_value(30).run()
    assert total_required() == expected(0.30) != expected(0.15)


def test_usd_view_shows_the_rate(app_page):
    at = app_page("pages/funding.py", "en")
    at.toggle(key="usd_on").set_value(True).run()
    at.number_input(key="usd_rate").set_value(20_000).run()
    assert not at.exception
    assert any("1 USD = VND 20,000" in c.value for c in at.caption)
    by_area = frame_with(at, t("gaps.col.content_area", "en"))
    assert all(v.startswith("USD ") for v in by_area[t("common.need", "en")])
    assert at.metric[0].value.startswith("USD ") and at.metric[0].value.endswith(" million")


def test_usd_view_starts_at_the_atlas_sourced_rate_and_names_a_typed_one_as_the_users(app_page, atlas_data_dir):
    import sqlite3

    from geo.ingest.atlas_toml import to_toml
    from geo.model.config import DEFAULT
    from geo.storage.gpkg_store import STORE_FILE

    cfg = dataclasses.replace(DEFAULT, usd_rate=24_500.0, usd_rate_source="Test rate, not a market figure")
    with sqlite3.connect(atlas_data_dir / STORE_FILE) as con:
        con.execute("UPDATE atlas_meta SET value = ? WHERE key = 'config'", (to_toml(cfg),))
    at = app_page("pages/funding.py", "en")
    at.toggle(key="usd_on").set_value(True).run()
    assert not at.exception
    assert at.number_input(key="usd_rate").value == 24_500
    assert any("1 USD = VND 24,500 (source: Test rate, not a market figure)" in c.value for c in at.caption)
    at.number_input(key="usd_rate").set_value(26_000).run()
    assert any("at the rate you entered: 1 USD = VND 26,000" in c.value for c in at.caption)
    assert not any("source: Test rate" in c.value for c in at.caption)


def test_reversed_report_period_shows_an_error(app_page):
    at = app_page("pages/funding.py", "en")
    at.number_input(key="report_from").set_value(2026)
    at.number_input(key="report_to").set_value(2021).run()
    assert any("2026" in e.value and "2021" in e.value for e in at.error)


def test_the_workflow_step_filter_narrows_the_gaps_to_that_step(app_page, ds):
    at = app_page("pages/funding.py", "en")
    statuses = at.sidebar.multiselect(key="f_statuses")
    assert statuses.options[:6] == ["Proposal", "Appraised", "Approved for pitching", "Committed", "Implementing",
                                    "Completed"]
    at = statuses.set_value(["approved"]).run()
    assert not at.exception
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    approved = lines[lines["status"] == "approved"]
    gap = int((approved["need"] - approved["committed"]).clip(lower=0).sum())
    assert 0 < gap < int((lines["need"] - lines["committed"]).clip(lower=0).sum())
    by_area = frame_with(at, t("gaps.col.content_area", "en"))
    assert by_area.iloc[-1][t("common.gap", "en")] == fmt.vnd(gap, "en")
    assert any("Approved for pitching" in c.value for c in [*at.caption, *at.markdown, *at.info])  # "Filtered: …"


# --- money over time (issue 16) ---------------------------------------------------------------------------
def _money_tab(at: AppTest, lang: str):
    return next(tab for tab in at.tabs if tab.label == t("money.tab", lang))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_over_time_tab_shows_the_undated_share_of_the_migrated_totals_apart(app_page, ds, lang):
    at = app_page("pages/funding.py", lang)
    assert not at.exception
    tab = _money_tab(at, lang)
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    lines = lines[lines["status"] != "cancelled"]
    disbursed = int(lines["disbursed"].sum())
    # a seeded store holds only the former totals: all of it is "date unknown", none of it in a period
    assert any(t("money.undated", lang) in i.value and fmt.vnd(disbursed, lang) in i.value for i in tab.info)
    per_year = next(d.value for d in tab.dataframe if t("money.period", lang) in d.value.columns)
    assert list(per_year[t("money.period", lang)]) == [t("money.undated", lang)]
    assert per_year.iloc[0][t("money.col.disbursement", lang)] == fmt.vnd(disbursed, lang)
    by_source = next(d.value for d in tab.dataframe if t("money.by.source", lang) in d.value.columns)
    assert by_source.iloc[-1][t("money.col.disbursed_in", lang)] == fmt.vnd(0, lang)
    assert by_source.iloc[-1][t("money.col.disbursed_undated", lang)] == fmt.vnd(disbursed, lang)
    assert any(t("money.chart_undated_note", lang) in c.value for c in tab.caption)


def test_a_dated_disbursement_appears_in_its_year_and_quarter(app_page, store):
    store.add_money({"project_id": "TD-001", "kind": "disbursement", "source": "oda_grant", "amount": 123_000_000,
                     "date": "2024-05-20"}, "Lan")
    at = app_page("pages/funding.py", "en")
    tab = _money_tab(at, "en")
    per_year = next(d.value for d in tab.dataframe if t("money.period", "en") in d.value.columns)
    assert list(per_year[t("money.period", "en")]) == ["2024", t("money.undated", "en")]
    assert per_year.iloc[0][t("money.col.disbursement", "en")] == fmt.vnd(123_000_000, "en")
    tab.radio(key="money_freq").set_value("quarter")
    at.run()
    per_quarter = next(d.value for d in _money_tab(at, "en").dataframe if t("money.period", "en") in d.value.columns)
    assert list(per_quarter[t("money.period", "en")])[0] == "Q2 2024"


def test_a_reversed_period_says_so_in_words(app_page):
    from datetime import date

    at = app_page("pages/funding.py", "vi")
    tab = _money_tab(at, "vi")
    tab.date_input(key="money_from").set_value(date(2025, 6, 1))
    tab.date_input(key="money_to").set_value(date(2024, 6, 1))
    at.run()
    assert not at.exception
    assert _money_tab(at, "vi").error[0].value == t("money.bad_period", "vi", start=fmt.date("2025-06-01", "vi"),
                                                    end=fmt.date("2024-06-01", "vi"))


def test_a_total_edited_without_its_money_records_is_pointed_out(app_page, store):
    rec = store.get_project("TD-001")
    lines = [dict(line, committed=line["committed"] + 5_000_000) if line["source"] == "oda_grant" else line
             for line in rec.funding]
    store.update_project("TD-001", rec.project, lines, rec.revision, "Lan", allow_overcommit=True)
    at = app_page("pages/funding.py", "en")
    tab = _money_tab(at, "en")
    assert any("TD-001" in w.value and fmt.vnd(5_000_000, "en") in w.value for w in tab.warning)


@pytest.mark.parametrize("group", ["content_area", "commune_code"])
def test_disbursements_split_by_area_or_commune_render(app_page, group):
    at = app_page("pages/funding.py", "en")
    _money_tab(at, "en").radio(key="money_group").set_value(group)
    at.run()
    assert not at.exception
