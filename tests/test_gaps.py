"""Gap tables and relative measures on hand-made lines with known answers."""

import math

import pandas as pd
import pytest

from geo.analysis import gaps
from geo.analysis.funding import Filters, apply_filters
from geo.text import fmt


@pytest.fixture
def lines3():
    projects = pd.DataFrame({
        "project_id": ["P1", "P2", "P3"],
        "commune_code": ["00001", "00001", "00002"],
        "content_area": [1, 3, 3],
        "status": ["committed", "proposal", "implementing"],
        "start_year": [2021, 2022, 2023], "end_year": [2022, 2024, 2025], "donor": ["", "", ""],
    })
    lines = pd.DataFrame({
        "project_id": ["P1", "P1", "P2", "P3", "P3"],
        "source": ["oda_grant", "state_budget", "ngo", "oda_grant", "community"],
        "need": [1000, 200, 500, 300, 100],
        "committed": [600, 250, 0, 300, 40],   # P1 state budget is over-committed by 50
        "disbursed": [100, 0, 0, 300, 0],
    })
    return projects, lines


POP = pd.Series({"00001": 100.0, "00002": float("nan"), "00003": 50.0})


def test_commune_gaps_absolute_and_relative(lines3):
    projects, lines = lines3
    t = gaps.commune_gaps(projects, lines, POP)
    # 00001: need 1000+200+500, committed 600+250+0, gap 400+0+500
    assert t.loc["00001", ["need", "committed", "disbursed", "gap"]].tolist() == [1700, 850, 100, 900]
    # Share covered counts committed only up to each line's need: (1700 − 900) / 1700, not 850 / 1700.
    assert t.loc["00001", "share_covered"] == pytest.approx(800 / 1700)
    assert t.loc["00001", "committed_per_person"] == pytest.approx(850 / 100)
    # 00002: gap only on the community line (100 − 40); population unknown → NaN, never 0.
    assert t.loc["00002", "gap"] == 60 and t.loc["00002", "share_covered"] == pytest.approx(340 / 400)
    assert math.isnan(t.loc["00002", "committed_per_person"])
    # A commune without projects is listed with zeros; nothing to cover → share unknown.
    assert t.loc["00003", ["need", "gap", "n_projects"]].tolist() == [0, 0, 0]
    assert math.isnan(t.loc["00003", "share_covered"]) and t.loc["00003", "committed_per_person"] == 0


def test_breakdowns_sum_to_the_same_totals(lines3):
    projects, lines = lines3
    by_area = gaps.gap_table(projects, lines, ["content_area"])
    by_source = gaps.gap_table(projects, lines, ["source"])
    detail = gaps.gap_table(projects, lines, gaps.BREAKDOWNS["commune_area_source"])
    assert by_area.loc[3, "need"] == 900 and by_area.loc[3, "gap"] == 560
    assert by_source.loc["oda_grant", ["need", "committed", "gap"]].tolist() == [1300, 900, 400]
    for table in (by_area, by_source, detail):
        assert table["gap"].sum() == 400 + 500 + 60
        assert table["need"].sum() == lines["need"].sum()


def test_matrix_places_each_gap_in_its_cell(lines3):
    projects, lines = lines3
    m = gaps.matrix(projects, lines, "gap", ["00001", "00002", "00003"])
    assert m.shape == (3, 10)
    assert m.loc["00001", 1] == 400 and m.loc["00001", 3] == 500 and m.loc["00002", 3] == 60
    assert m.to_numpy().sum() == 960
    with pytest.raises(ValueError):
        gaps.matrix(projects, lines, "population", ["00001"])


def test_total_row_is_the_sum_and_per_person_only_when_complete(lines3):
    projects, lines = lines3
    t = gaps.commune_gaps(projects, lines, POP).reset_index()
    total = gaps.with_total(t, "commune_code", "Total").iloc[-1]
    assert total["need"] == 1700 + 400 and total["gap"] == 960 and total["n_projects"] == 3
    assert total["share_covered"] == pytest.approx((2100 - 960) / 2100)
    assert math.isnan(total["committed_per_person"])  # one commune's population is unknown
    known = gaps.commune_gaps(projects, lines, POP.fillna(90.0)).reset_index()
    total = gaps.with_total(known, "commune_code", "Total").iloc[-1]
    assert total["committed_per_person"] == pytest.approx((850 + 340) / (100 + 90 + 50))
    by_source = gaps.gap_table(projects, lines, ["source"]).reset_index()
    assert math.isnan(gaps.with_total(by_source, "source", "T", skip=("n_projects",)).iloc[-1]["n_projects"])


def test_filters_flow_through(lines3):
    projects, lines = lines3
    p, fl = apply_filters(projects, lines, Filters(content_areas=(3,)))
    t = gaps.commune_gaps(p, fl, POP)
    assert t.loc["00001", "need"] == 500 and t.loc["00002", "need"] == 400


def test_usd_uses_the_users_rate():
    assert fmt.usd(2_500_000, 25_000, "en") == "USD 100"
    assert fmt.usd(1_234_567_890, 24_691.3578, "vi") == "50.000 USD"
    assert fmt.usd_short(2_500_000_000_000, 25_000, "en") == "USD 100.0 million"
    assert fmt.usd_short(25_000_000, 25_000, "vi") == "1,0 nghìn USD"
    assert fmt.usd(float("nan"), 25_000, "en") == "–"
    with pytest.raises(ValueError):
        fmt.usd(1000, 0, "en")
