"""Landslide-risk exposure: which projects lie in each risk class, per commune; the "in a high-risk zone"
filter; and every place showing it (detail panel, funding page, report) says the zones are illustrative."""

from __future__ import annotations

import io

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box

from geo.analysis import exposure, funding, priority
from geo.analysis.indicators import commune_indicators
from geo.model.filters import Filters
from geo.output.maps.details import commune_detail
from geo.output.maps.render import filters_summary
from geo.output.reports import report
from geo.text.i18n import t
from tests.helpers import html_tables

ZONES = gpd.GeoDataFrame({"risk_level": ["medium", "high"]},
                         geometry=[box(103.0, 22.0, 103.2, 22.2), box(103.0, 22.0, 103.1, 22.1)], crs="EPSG:4326")


def projects_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "project_id": ["A", "B", "C", "D"], "commune_code": ["01", "01", "02", "02"],
        "lon": [103.05, 103.15, 103.5, None], "lat": [22.05, 22.15, 22.5, None],
        "content_area": [1, 1, 1, 1], "status": ["proposal"] * 4, "start_year": [2022] * 4, "end_year": [2024] * 4,
        "donor": [""] * 4})


def test_overlapping_zones_count_a_project_once_in_the_higher_class():
    levels = exposure.zone_levels(projects_frame(), ZONES)
    assert levels.tolist() == ["high", "medium", "", ""]  # D has no point: in no zone, never guessed
    counts = exposure.counts_by_commune(projects_frame(), ZONES, ["01", "02"])
    assert counts.loc["01"].to_dict() == {"very_high": 0, "high": 1, "medium": 1, "low": 0, "very_low": 0}
    assert counts.loc["02"].sum() == 0


def test_high_risk_filter_keeps_only_projects_in_high_zones_and_needs_the_zones():
    p = projects_frame()
    lines = pd.DataFrame({"project_id": list("ABCD"), "source": ["ngo"] * 4, "need": [10] * 4,
                          "committed": [0] * 4, "disbursed": [0] * 4})
    kept, kept_lines = funding.apply_filters(p, lines, Filters(high_risk=True), ZONES)
    assert kept["project_id"].tolist() == ["A"] and kept_lines["project_id"].tolist() == ["A"]
    with pytest.raises(ValueError, match="risk zones"):  # never silently unfiltered
        funding.apply_filters(p, lines, Filters(high_risk=True))
    assert len(funding.apply_filters(p, lines, Filters(), None)[0]) == 4
    assert filters_summary(Filters(high_risk=True), "vi") == t("filters.high_risk_short", "vi")


def test_bundled_exposure_agrees_with_the_priority_score(ds):
    # The same spatial join as the priority explanation: one count per project inside a zone.
    feats = priority.project_features(ds.projects, ds.funding, commune_indicators(ds), ds.risk_zones)
    counts = exposure.counts_by_commune(ds.projects, ds.risk_zones, ds.communes["code"].tolist())
    for level in exposure.LEVELS:
        by_commune = feats[feats["zone_level"] == level].groupby("commune_code").size()
        assert counts[level][counts[level] > 0].to_dict() == by_commune.to_dict()
    assert counts["high"].sum() >= 1  # the bundled data has exposed projects (else this test proves nothing)
    high, _ = funding.apply_filters(ds.projects, ds.funding, Filters(high_risk=True, include_cancelled=True),
                                    ds.risk_zones)
    assert len(high) == int(counts["high"].sum())


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_detail_panel_lists_exposed_projects_and_says_zones_are_illustrative(ds, lang):
    code = exposure.exposed(ds.projects, ds.risk_zones)["commune_code"].iloc[0]
    d = commune_detail(ds, commune_indicators(ds), code, lang)
    level_col, count_col, names_col = (t(f"exposure.col.{k}", lang) for k in ("level", "count", "names"))
    high = d.exposure.set_index(level_col).loc["Cao" if lang == "vi" else "High"]
    mine = ds.projects[(ds.projects["commune_code"] == code) & (ds.projects["status"] != "cancelled")]
    expected = exposure.exposed(mine, ds.risk_zones)
    assert high[count_col] == int((expected["risk_level"] == "high").sum()) >= 1
    name = expected.loc[expected["risk_level"] == "high", "name_vi" if lang == "vi" else "name_en"].iloc[0]
    assert name in high[names_col]
    risk_title = ds.provenance["risk_zones"].title(lang)
    assert risk_title in d.exposure_note and ("MINH HỌA" if lang == "vi" else "ILLUSTRATIVE") in d.exposure_note


def test_report_has_an_exposure_sheet_with_the_illustrative_banner(ds):
    wb = openpyxl.load_workbook(io.BytesIO(report.build_report(ds, 2021, 2025, "en")))
    ws = wb[t("report.sheet.exposure", "en")]
    assert ds.provenance["risk_zones"].title("en") in ws["A1"].value and "ILLUSTRATIVE" in ws["A1"].value
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, r in enumerate(values) if r[0] == t("common.code", "en"))
    total = next(r for r in values[header:] if r[0] == t("report.total", "en"))
    projects, _ = funding.apply_filters(ds.projects, ds.funding, Filters(years=(2021, 2025)), ds.risk_zones)
    hits = exposure.exposed(projects, ds.risk_zones)
    levels = exposure.levels_in(ds.risk_zones)
    counted = [values[header].index(t(f"exposure.col.n_{lvl}", "en")) for lvl in levels]
    assert [total[i] for i in counted] == [int((hits["risk_level"] == lvl).sum()) for lvl in levels]
    # only the classes the layer uses get columns (the bundled buffers: high and medium)
    assert t("exposure.col.n_very_high", "en") not in values[header] and levels == ("high", "medium")
    listed = {r[0] for r in values if r[0] in set(hits["project_id"])}
    assert listed == set(hits["project_id"])


def test_funding_page_shows_exposure_and_the_high_risk_filter_narrows_it(app_page, ds):
    at = app_page("pages/funding.py", "en")
    assert not at.exception
    assert t("exposure.heading", "en") in [s.value for s in at.subheader]
    notes = [w.value for w in at.warning if t("exposure.method", "en", n=0)[:30] in w.value]
    assert notes and ds.provenance["risk_zones"].title("en") in notes[0] and "ILLUSTRATIVE" in notes[0]
    listing = next(d.value for d in at.dataframe if t("exposure.col.level", "en") in d.value.columns)
    before = len(listing)
    need_before = at.metric[0].value
    at.sidebar.checkbox(key="f_risk").check().run()
    assert not at.exception
    listing = next(d.value for d in at.dataframe if t("exposure.col.level", "en") in d.value.columns)
    assert set(listing[t("exposure.col.level", "en")]) == {"High"} and len(listing) < before
    assert at.metric[0].value != need_before  # the whole page follows the filter


def test_map_detail_panel_shows_the_exposure_table(app_page, ds):
    code = exposure.exposed(ds.projects, ds.risk_zones)["commune_code"].iloc[0]
    at = app_page("pages/map.py", "vi")
    at.selectbox(key="map_commune").set_value(code).run()
    assert not at.exception
    table = next(d for d in html_tables(at) if t("exposure.col.level", "vi") in d.columns)
    assert table[t("exposure.col.count", "vi")].astype(int).sum() >= 1
    assert any(ds.provenance["risk_zones"].title("vi") in c.value and "MINH HỌA" in c.value for c in at.caption)


def test_print_map_command_takes_the_high_risk_filter():
    from geo.cli.main import build_parser
    from geo.cli.maps import filters_from_args

    argv = ["export-map", "--indicator", "gap", "--high-risk", "--out", "x.png"]
    assert filters_from_args(build_parser(argv).parse_args(argv)) == Filters(high_risk=True)
