"""The priority score: components, weights and ranking on hand-made projects with known answers."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from geo.analysis import priority
from geo.ingest import indicator_csv, names
from geo.ingest.validate import DataError
from geo.output.reports import funding_tables
from geo.output.reports.funding_tables import Money

FEATURES = pd.DataFrame({
    "commune_code": ["c1", "c2", "c3"],
    "gap": [200, 100, 50],
    "zone_level": ["high", "", "medium"],
    "commune_risk_share": [0.0, 20.0, 10.0],
    "content_area": [3, 1, 3],
    "crop_ha": [10.0, 10.0, 0.0],
    "status": ["approved", "implementing", "proposal"],
}, index=pd.Index(["P", "Q", "R"], name="project_id"))


def test_components_by_hand():
    c = priority.components(FEATURES)
    assert c["gap"].tolist() == [1.0, 0.5, 0.25]           # gap / largest gap (200)
    assert c["risk"].tolist() == [1.0, 1.0, 0.5]           # max(zone score, share / largest share 20)
    assert c["crop_fit"].tolist() == [1.0, 0.0, 0.0]       # area 3 AND crop zone in the commune
    assert c["readiness"].tolist() == pytest.approx([3 / 5, 5 / 5, 1 / 5])


def test_filters_that_leave_no_project_give_an_empty_ranking_not_an_error():
    # Funding page with content area 3 and source NGO on the bundled data crashed here.
    none = FEATURES.iloc[0:0].astype({"status": "str"})
    c = priority.components(none)
    assert c.empty and list(c.columns) == ["gap", "risk", "crop_fit", "readiness"]
    assert priority.rank(c, {"gap": 1}).empty


def test_weights_decide_the_order():
    c = priority.components(FEATURES)
    assert priority.rank(c, {"gap": 1}).index.tolist() == ["P", "Q", "R"]
    assert priority.rank(c, {"readiness": 1}).index.tolist() == ["Q", "P", "R"]
    s = priority.score(c, {"gap": 2, "risk": 1, "crop_fit": 1, "readiness": 0})
    assert s.tolist() == pytest.approx([(2 + 1 + 1) / 4, (1 + 1 + 0) / 4, (0.5 + 0.5 + 0) / 4])
    ranked = priority.rank(c, {"gap": 2, "risk": 1, "crop_fit": 1})
    assert ranked["rank"].tolist() == [1, 2, 3]


def test_contributions_add_up_to_the_score():
    c = priority.components(FEATURES)
    w = {"gap": 40, "risk": 25, "crop_fit": 15, "readiness": 20}
    parts = priority.contributions(c.loc["R"], w)
    assert parts["points"].sum() == pytest.approx(priority.score(c, w).loc["R"])
    assert parts.loc["gap", "points"] == pytest.approx(0.25 * 0.40)


def test_user_indicator_rescaled_and_unknown_left_out_not_zero():
    c = priority.components(FEATURES)
    per_commune = pd.Series({"c1": 10.0, "c2": 30.0, "c3": float("nan")})
    c2 = priority.add_indicator(c, FEATURES, "poverty", per_commune)
    assert c2["extra:poverty"].tolist()[:2] == [0.0, 1.0]
    s = priority.score(c2, {"gap": 1, "extra:poverty": 1})
    # R has no poverty value: its score is its gap component alone (0.25), not (0.25 + 0) / 2.
    assert s.tolist() == pytest.approx([0.5, 0.75, 0.25])
    lower = priority.add_indicator(c, FEATURES, "poverty", per_commune, higher_is_priority=False)
    assert lower["extra:poverty"].tolist()[:2] == [1.0, 0.0]


def test_commune_score_is_mean_of_its_projects():
    c = priority.components(FEATURES)
    ranked = priority.rank(c, {"gap": 1})
    out = priority.commune_scores(ranked, pd.Series({"P": "c1", "Q": "c1", "R": "c3"}))
    assert out.loc["c1", "score"] == pytest.approx((1.0 + 0.5) / 2) and out.loc["c1", "n_projects"] == 2


def test_only_projects_seeking_funds_are_ranked():
    f = FEATURES.assign(status=["completed", "implementing", "proposal"], gap=[200, 0, 50])
    assert priority.rankable(f).tolist() == [False, False, True]


@pytest.mark.parametrize("weights", [{"gap": 0, "risk": 0}, {"gap": -1, "risk": 2}])
def test_bad_weights_are_refused(weights):
    with pytest.raises(ValueError):
        priority.score(priority.components(FEATURES), weights)


def test_features_locate_projects_in_risk_zones():
    projects = pd.DataFrame({
        "project_id": ["in_high", "in_medium", "no_point"],
        "commune_code": ["c1", "c1", "c2"], "content_area": [2, 3, 3], "status": ["proposal"] * 3,
        "lon": [103.05, 103.25, float("nan")], "lat": [22.05, 22.05, float("nan")],
    })
    lines = pd.DataFrame({"project_id": ["in_high", "no_point"], "source": ["ngo", "ngo"],
                          "need": [100, 40], "committed": [10, 0], "disbursed": [0, 0]})
    zones = gpd.GeoDataFrame({"risk_level": ["medium", "high"]},
                             geometry=[box(103.0, 22.0, 103.3, 22.1), box(103.0, 22.0, 103.1, 22.1)], crs="EPSG:4326")
    table = pd.DataFrame({"risk_share": [12.0, 0.0], "ha_tea": [5.0, 0.0]}, index=["c1", "c2"])
    f = priority.project_features(projects, lines, table, zones)
    assert f["zone_level"].tolist() == ["high", "medium", ""]
    assert f["gap"].tolist() == [90, 0, 40]
    assert f["crop_ha"].tolist() == [5.0, 5.0, 0.0]
    assert f["commune_risk_share"].tolist() == [12.0, 12.0, 0.0]


def test_uploaded_indicator_names_bad_rows():
    idx = names.NameIndex.from_records([("03394", "Thèn Sin"), ("03390", "Tam Đường")])
    good = indicator_csv.parse_indicator(pd.DataFrame({"xã": ["then sin", "03390"], "v": ["41,5", "12"]}), "p.csv", idx)
    assert good.to_dict() == {"03394": 41.5, "03390": 12.0}
    with pytest.raises(DataError) as err:
        indicator_csv.parse_indicator(pd.DataFrame({"xã": ["Hà Nội", "Tam Đường"], "v": ["1", "nhiều"]}), "p.csv", idx)
    text = str(err.value)
    assert "p.csv, row 2, column 'xã'" in text and "p.csv, row 3, column 'v'" in text


def test_indicator_csv_separators_and_decimal_comma_rows():
    semi = indicator_csv.read_indicator_csv("xã;tỷ lệ\nThèn Sin;45,5\n".encode(), "p.csv")
    assert semi.to_dict("list") == {"xã": ["Thèn Sin"], "tỷ lệ": ["45,5"]}
    comma = indicator_csv.read_indicator_csv("\ufeffxa,v\nBản Bo,\"12,5\"\n".encode(), "p.csv")
    assert comma.iloc[0].tolist() == ["Bản Bo", "12,5"]
    with pytest.raises(DataError, match=r"p.csv, row 2: has 3 fields"):
        indicator_csv.read_indicator_csv("xa,v\nThèn Sin,45,5\n".encode(), "p.csv")


def test_reported_events_raise_the_risk_of_projects_in_the_commune_hit():
    """A commune with landslides on record ranks its projects as exposed even where no zone was drawn."""
    projects = pd.DataFrame({
        "project_id": ["hit", "quiet", "zoned"], "commune_code": ["c1", "c2", "c2"], "content_area": [2, 2, 2],
        "status": ["proposal"] * 3, "lon": [float("nan"), float("nan"), 103.05], "lat": [float("nan"), float("nan"), 22.05],
    })
    lines = pd.DataFrame({"project_id": ["hit", "quiet", "zoned"], "source": ["ngo"] * 3,
                          "need": [100] * 3, "committed": [0] * 3, "disbursed": [0] * 3})
    zones = gpd.GeoDataFrame({"risk_level": ["medium"]}, geometry=[box(103.0, 22.0, 103.1, 22.1)], crs="EPSG:4326")
    table = pd.DataFrame({"risk_share": [0.0, 0.0], "n_events": [4, 1]}, index=["c1", "c2"])
    f = priority.project_features(projects, lines, table, zones)
    assert f["commune_events"].tolist() == [4, 1, 1]
    risk = priority.components(f)["risk"]
    # 4 of the most 4 events → 1; the quiet commune 1/4; the medium zone (0.5) beats its commune's 1/4
    assert risk.to_dict() == {"hit": 1.0, "quiet": 0.25, "zoned": 0.5}
    words = funding_tables.component_inputs(f.loc["hit"], f, Money("en"))["risk"]
    assert "landslides and flash floods reported in the commune: 4 (most 4)" in words
