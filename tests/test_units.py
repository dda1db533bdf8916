"""The 1 July 2025 reform: crosswalk, dissolved units, re-aggregation, new-code projects, CLI, switch."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from geo.analysis import units
from geo.analysis.funding import Filters
from geo.cli.main import main
from geo.ingest.validate import DataError
from geo.model import schema
from geo.output.exports.exporting import provenance_header, with_unit_notes
from geo.storage.store import BUNDLED_DATA_DIR, Dataset, load_dataset
from geo.text.i18n import t

DATA = Path(BUNDLED_DATA_DIR)
APP = str(Path(__file__).resolve().parent.parent / "app.py")
ROOT = Path(__file__).resolve().parent.parent
TOTALS = ["need", "committed", "disbursed", "gap", "n_projects"]

# The reform as the issue states it (Resolution 1670/NQ-UBTVQH15), written out by hand.
REFORM = {
    "03390": {"03390", "03412", "03413"},  # Bình Lư ← TT Tam Đường, Bình Lư, Sơn Bình
    "03405": {"03400", "03405", "03406"},  # Tả Lèng ← Tả Lèng, Giang Ma, Hồ Thầu
    "03424": {"03424", "03427"},           # Bản Bo ← Bản Bo, Nà Tăm
    "03430": {"03430", "03421"},           # Khun Há ← Khun Há, Bản Hon
    "03394": {"03394"},                    # Sin Suối Hồ ← Thèn Sin (+ Phong Thổ)
    "03408": {"03415", "03418"},           # Tân Phong ← Nùng Nàng, Bản Giang (+ Lai Châu city)
}
OUTSIDE = {"03394", "03408"}


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def data_copy(tmp_path: Path, projects: list[dict] = (), funding: list[dict] = (),
              crosswalk_edit=None) -> Path:
    """A copy of the bundled data with extra projects/funding lines (and an optional crosswalk edit)."""
    d = tmp_path / "data"
    shutil.copytree(DATA, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    if projects:
        p = read_csv(d / "projects.csv")
        p["unit_version"] = ""
        base = p.iloc[0].to_dict()
        extra = pd.DataFrame([{**base, "lon": "", "lat": "", **row} for row in projects])
        pd.concat([p, extra]).to_csv(d / "projects.csv", index=False)
        f = read_csv(d / "project_funding.csv")
        pd.concat([f, pd.DataFrame(list(funding))]).to_csv(d / "project_funding.csv", index=False)
    if crosswalk_edit:
        cw = read_csv(d / "crosswalk_2025.csv")
        crosswalk_edit(cw).to_csv(d / "crosswalk_2025.csv", index=False)
    return d


def new_code_project(pid: str, code: str, need: int, committed: int) -> tuple[dict, dict]:
    project = {"project_id": pid, "name_vi": f"Dự án {pid}", "name_en": f"Project {pid}", "commune_code": code,
               "unit_version": "2025", "status": "proposal", "content_area": "4"}
    line = {"project_id": pid, "source": "ngo", "need": str(need), "committed": str(committed), "disbursed": "0"}
    return project, line


# --- crosswalk -----------------------------------------------------------------------
def test_crosswalk_matches_the_resolution_and_round_trips(ds):
    cw = ds.crosswalk
    assert cw["old_code"].is_unique and len(cw) == 13
    back = cw.groupby("new_code")["old_code"].agg(set).to_dict()
    assert back == REFORM
    # old → new → set of olds contains each old code exactly once
    olds = [o for new in cw["new_code"].unique() for o in back[new]]
    assert sorted(olds) == sorted(ds.communes["code"])
    assert set(cw.loc[cw["new_unit_has_outside_territory"], "new_code"]) == OUTSIDE
    assert cw["whole"].all()
    assert cw["legal_source"].str.contains("1670/NQ-UBTVQH15").all()


def test_crosswalk_agrees_with_units_csv_and_communes_layer(ds):
    units_csv = read_csv(DATA / "units.csv").set_index("code")
    cw = ds.crosswalk.set_index("old_code")
    assert (cw["new_code"] == units_csv["successor_code"].reindex(cw.index)).all()
    assert (cw["new_unit_has_outside_territory"] == units_csv["successor_partial"].reindex(cw.index).eq("true")).all()
    layer = ds.communes.set_index("code")
    assert (cw["new_code"] == layer["successor_code"].reindex(cw.index)).all()
    assert (cw["new_name"] == layer["successor_name"].reindex(cw.index)).all()
    # A store that predates the crosswalk gets the same mapping from the communes' successor columns.
    derived = units.crosswalk_of(dataclasses.replace(ds, crosswalk=None)).set_index("old_code")
    assert derived[["new_code", "new_name", "new_unit_has_outside_territory"]].equals(
        cw[["new_code", "new_name", "new_unit_has_outside_territory"]])


def test_crosswalk_file_is_reproducible():
    out = subprocess.run([sys.executable, "data/build_crosswalk.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_dataset_still_constructs_without_crosswalk(ds):
    fields = {f.name: getattr(ds, f.name) for f in dataclasses.fields(Dataset) if f.name != "crosswalk"}
    old_style = Dataset(**fields)
    layer = units.view(old_style, "2025")
    assert len(layer) == 6


@pytest.mark.parametrize("edit, column, message", [
    (lambda cw: pd.concat([cw, cw.iloc[[0]]]), "old_code", "more than once"),
    (lambda cw: cw.assign(new_code=cw["new_code"].where(cw["old_code"] != "03400", "09999")), "new_code",
     "not in units_2025"),
    (lambda cw: cw[cw["old_code"] != "03427"], "old_code", "03427"),
    (lambda cw: cw.assign(whole=cw["whole"].where(cw["old_code"] != "03421", "false")), "whole", "whole"),
    (lambda cw: cw.assign(new_code=cw["new_code"].where(cw["old_code"] != "03394", "03390")), "new_code",
     "'03394' of units_2025 has no former commune"),
])
def test_bad_crosswalk_is_refused_naming_the_column(tmp_path, edit, column, message):
    d = data_copy(tmp_path, crosswalk_edit=edit)
    with pytest.raises(DataError) as err:
        load_dataset(d)
    hits = [p for p in err.value.problems if p.file == "crosswalk_2025.csv" and p.column == column]
    assert hits and any(message in p.message for p in hits), err.value.problems


# --- dissolve ----------------------------------------------------------------------------
def test_dissolve_tiny_layer_has_known_areas():
    # three 1 km² squares: two merge into X (whole, inside), one becomes Y (partial)
    old = gpd.GeoDataFrame(
        {"code": ["00001", "00002", "00003"], "full_name": ["Xã A", "Xã B", "Xã C"]},
        geometry=[box(500_000, 2_470_000, 501_000, 2_471_000), box(501_000, 2_470_000, 502_000, 2_471_000),
                  box(500_000, 2_471_000, 501_000, 2_472_000)], crs=schema.METRIC_CRS).to_crs(schema.GEOGRAPHIC_CRS)
    cw = pd.DataFrame({"old_code": ["00001", "00002", "00003"], "new_code": ["00010", "00010", "00020"]})
    new = pd.DataFrame({"code": ["00010", "00020"], "name": ["X", "Y"], "unit_type": ["xa", "phuong"],
                        "area_km2": ["2.0", "7.5"], "outside_territory": ["false", "true"]})
    out = with_unit_notes(units.dissolve_to_2025(old, cw, new), "en").set_index("code")
    assert out.crs.to_epsg() == 4326
    assert out.loc["00010", "area_km2"] == pytest.approx(2.0, abs=0.01)
    assert out.loc["00020", "area_km2"] == pytest.approx(1.0, abs=0.01)
    assert out.loc["00010"].geometry.geom_type == "Polygon"  # merged, not two touching squares
    assert out.loc["00020", "full_name"] == "Phường Y"
    assert out.loc["00020", "official_area_km2"] == 7.5
    assert not out.loc["00010", "partial"] and out.loc["00010", "note"] == ""
    assert out.loc["00020", "partial"]
    assert out.loc["00020", "note"] == "Part of the new unit: only the former Tam Đường communes are shown"


def test_dissolve_refuses_commune_without_crosswalk_row(ds):
    with pytest.raises(ValueError, match="03430"):
        units.dissolve_to_2025(ds.communes, ds.crosswalk[ds.crosswalk["old_code"] != "03430"], ds.units_2025)


def test_bundled_dissolve_gives_six_valid_polygons_with_summed_areas(ds):
    layer = units.dissolve_to_2025(ds.communes, ds.crosswalk, ds.units_2025).set_index("code")
    assert sorted(layer.index) == sorted(REFORM) == sorted(ds.units_2025["code"])
    assert layer.geometry.is_valid.all()
    assert set(layer.geom_type) <= {"Polygon", "MultiPolygon"}
    part_km2 = ds.communes.to_crs(schema.METRIC_CRS).set_index("code").geometry.area / 1e6
    for new, olds in REFORM.items():
        assert layer.loc[new, "area_km2"] == pytest.approx(part_km2[sorted(olds)].sum(), abs=0.01)
        assert layer.loc[new, "n_former"] == len(olds)
        assert bool(layer.loc[new, "partial"]) == (new in OUTSIDE)
    # The whole-merger units were built to their official areas; the partial ones are smaller.
    for new in OUTSIDE:
        assert layer.loc[new, "area_km2"] < layer.loc[new, "official_area_km2"]


# --- aggregation -----------------------------------------------------------------------
@pytest.mark.parametrize("filters", [Filters(), Filters(content_areas=(1, 3)), Filters(sources=("oda_grant",)),
                                     Filters(statuses=("committed", "implementing"))])
def test_totals_identical_in_both_views_and_equal_to_source_rows(ds, filters):
    old = units.view(ds, "2021", filters)
    new = units.view(ds, "2025", filters)
    t_old = units.district_totals(old, units.unallocated_projects(ds, filters))
    t_new = units.district_totals(new)
    assert t_old.to_dict() == t_new.to_dict()
    assert len(new) == 6 and len(old) == 13


def test_new_unit_money_is_the_sum_of_its_projects(ds):
    new = units.view(ds, "2025")
    new = new.set_index("code")
    live = ds.projects[ds.projects["status"] != "cancelled"]
    for code, olds in REFORM.items():
        ids = live.loc[live["commune_code"].isin(olds), "project_id"]
        lines = ds.funding[ds.funding["project_id"].isin(ids)]
        assert new.loc[code, "need"] == lines["need"].sum()
        assert new.loc[code, "gap"] == (lines["need"] - lines["committed"]).clip(lower=0).sum()
        assert new.loc[code, "n_projects"] == len(ids)


def test_crops_risk_events_recomputed_on_dissolved_units(ds):
    old = units.view(ds, "2021")
    new = units.view(ds, "2025")
    old, new = old.set_index("code"), new.set_index("code")
    metric_km2 = ds.communes.to_crs(schema.METRIC_CRS).set_index("code").geometry.area / 1e6
    for code, olds in REFORM.items():
        olds = sorted(olds)
        assert new.loc[code, "ha_tea"] == pytest.approx(old.loc[olds, "ha_tea"].sum(), abs=0.5)
        weighted = (old.loc[olds, "risk_share"] * metric_km2[olds]).sum() / metric_km2[olds].sum()
        assert new.loc[code, "risk_share"] == pytest.approx(weighted, abs=0.2)
    assert new["n_events"].sum() == len(ds.landslide_events)


def test_population_summed_only_when_every_part_is_known(ds):
    communes = ds.communes.copy()
    communes["population_reported"] = "1000"
    communes.loc[communes["code"] == "03427", "population_reported"] = ""  # Nà Tăm unknown → Bản Bo unknown
    new = units.view(dataclasses.replace(ds, communes=communes), "2025")
    pop = new.set_index("code")["population"]
    assert pd.isna(pop["03424"])
    for code in set(REFORM) - {"03424"}:
        assert pop[code] == 1000 * len(REFORM[code])


# --- projects keyed by a new unit ------------------------------------------------------------
def test_new_code_project_lands_in_new_unit_and_is_flagged_in_old_view(ds, tmp_path):
    # 03405 is old Giang Ma AND new Tả Lèng; unit_version says which.
    p1, f1 = new_code_project("NEW-1", "03405", 7_000_000_000, 2_000_000_000)
    # 03408 exists only as a new unit (Phường Tân Phong).
    p2, f2 = new_code_project("NEW-2", "03408", 3_000_000_000, 3_000_000_000)
    d = data_copy(tmp_path, [p1, p2], [f1, f2])
    ds2 = load_dataset(d)

    new_before = units.view(ds, "2025").set_index("code")
    new_after = units.view(ds2, "2025").set_index("code")
    assert new_after.loc["03405", "need"] - new_before.loc["03405", "need"] == 7_000_000_000
    assert new_after.loc["03405", "gap"] - new_before.loc["03405", "gap"] == 5_000_000_000
    assert new_after.loc["03408", "n_projects"] - new_before.loc["03408", "n_projects"] == 1

    old_before = units.view(ds, "2021").set_index("code")
    old_after = units.view(ds2, "2021").set_index("code")
    # Not silently added to old Giang Ma (same code) nor split across Tả Lèng's former communes.
    pd.testing.assert_frame_equal(old_after[TOTALS], old_before[TOTALS])
    stuck = units.unallocated_projects(ds2).set_index("project_id")
    assert set(stuck.index) == {"NEW-1", "NEW-2"}
    assert set(stuck.loc["NEW-1", "former_codes"].split(", ")) == REFORM["03405"]
    assert stuck.loc["NEW-1", "need"] == 7_000_000_000 and not stuck.loc["NEW-1", "outside"]
    assert stuck.loc["NEW-2", "outside"]

    t_old = units.district_totals(units.view(ds2, "2021"), units.unallocated_projects(ds2))
    t_new = units.district_totals(units.view(ds2, "2025"))
    assert t_old.to_dict() == t_new.to_dict()
    assert t_new["need"] - units.district_totals(new_before)["need"] == 10_000_000_000


def test_new_unit_with_one_former_commune_and_no_outside_land_is_placed():
    projects = pd.DataFrame({"commune_code": ["00010", "00020", "00001"], "unit_version": ["2025", "2025", ""]})
    cw = pd.DataFrame({"old_code": ["00001", "00002", "00003"], "new_code": ["00010", "00020", "00020"]})
    new = pd.DataFrame({"code": ["00010", "00020"], "name": ["X", "Y"], "unit_type": ["xa", "xa"],
                        "area_km2": ["1", "2"], "outside_territory": ["false", "false"]})
    placed = units.codes_in_2021(projects, cw, new)
    assert placed.tolist()[0] == "00001" and pd.isna(placed.tolist()[1]) and placed.tolist()[2] == "00001"
    # …but not when the new unit also holds land outside the old district.
    new.loc[0, "outside_territory"] = "true"
    assert pd.isna(units.codes_in_2021(projects, cw, new).iloc[0])


def test_new_only_code_without_unit_version_is_refused_with_a_hint(tmp_path):
    p, f = new_code_project("NEW-3", "03408", 1, 0)
    d = data_copy(tmp_path, [{**p, "unit_version": ""}], [f])
    with pytest.raises(DataError) as err:
        load_dataset(d)
    (problem,) = [q for q in err.value.problems if q.column == "commune_code"]
    assert problem.file == "projects.csv" and problem.row == 60  # the row after the 59 shipped projects
    assert "03408" in problem.message and "unit_version" in problem.message and "2025" in problem.message


def test_unknown_unit_version_is_refused(tmp_path):
    p, f = new_code_project("NEW-4", "03405", 1, 0)
    d = data_copy(tmp_path, [{**p, "unit_version": "2030"}], [f])
    with pytest.raises(DataError) as err:
        load_dataset(d)
    assert [q.column for q in err.value.problems] == ["unit_version"]


def test_bundled_projects_default_to_old_units(ds):
    assert (ds.projects["unit_version"] == "2021").all()


# --- exports and command line ---------------------------------------------------------------
def test_exports_state_the_unit_version(ds):
    header = provenance_header(ds, "en", ("communes",), "2025")
    assert header.splitlines()[0] == ("# Administrative units: Units from 1/7/2025 "
                                      "(Resolution 1670/NQ-UBTVQH15 of 16/6/2025, in force 1/7/2025)")
    vi = provenance_header(ds, "vi", ("communes",), "2021")
    assert vi.splitlines()[0] == "# Đơn vị hành chính: Đơn vị 2021–2025"


def test_indicators_csv_says_it_is_by_old_units(tmp_path):
    out = tmp_path / "ind.csv"
    assert main(["--lang", "en", "indicators", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == "# Administrative units: Units 2021–2025"


@pytest.mark.parametrize("version, n", [("2025", 6), ("2021", 13)])
def test_units_cli_writes_layer_with_provenance(tmp_path, capsys, ds, version, n):
    out = tmp_path / f"units{version}.geojson"
    assert main(["units", "--version", version, "--out", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["features"]) == n
    assert doc["unit_version"]["key"] == version
    assert doc["provenance"]["quality"] == "illustrative"
    assert {p["layer"] for p in doc["provenance"]["layers"]} >= {"communes", "projects", "funding", "crosswalk_2025"}
    live = ds.funding[ds.funding["project_id"].isin(ds.projects.loc[ds.projects["status"] != "cancelled", "project_id"])]
    assert doc["totals"]["need"] == live["need"].sum()
    assert sum(f["properties"]["need"] for f in doc["features"]) == live["need"].sum()
    layer = gpd.read_file(out)
    assert layer.is_valid.all() and layer.crs.to_epsg() == 4326
    if version == "2025":
        assert sorted(layer["code"]) == sorted(REFORM)
        partial = layer.set_index("code")["note"]
        assert partial["03394"] == t("units.partial_note", "en") and partial["03424"] == ""


def test_units_geojson_lists_unallocated_projects(tmp_path):
    from geo.cli.units import units_geojson

    p, f = new_code_project("NEW-5", "03390", 4_000_000_000, 0)
    ds2 = load_dataset(data_copy(tmp_path, [p], [f]))
    old, new = units_geojson(ds2, "2021", "en"), units_geojson(ds2, "2025", "en")
    assert [u["project_id"] for u in old["unallocated"]] == ["NEW-5"]
    assert old["unallocated"][0]["need"] == 4_000_000_000
    assert old["totals"] == new["totals"]
    assert sum(f["properties"]["need"] for f in old["features"]) + 4_000_000_000 == old["totals"]["need"]


# --- the switch on the overview -----------------------------------------------------------
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_overview_switch_shows_six_units_with_partial_note(app_page, lang, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    at = app_page("pages/overview.py", lang)
    assert len(at.dataframe[0].value) == 13
    metrics_before = [m.value for m in at.metric]
    switch = next(r for r in at.sidebar.radio if r.key == "units")
    assert switch.label == t("units.switch", lang)
    switch.set_value("2025").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 6
    note = t("units.partial_note", lang)
    notes = dict(zip(table[t("common.code", lang)], table[t("units.note", lang)]))
    assert notes["03394"] == note and notes["03408"] == note and notes["03390"] == ""
    assert any(note in i.value for i in at.info)
    assert any(schema.UNIT_VERSIONS["2025"](lang) in s.value or "1/7/2025" in s.value for s in at.caption)
    assert [m.value for m in at.metric] == metrics_before  # same district totals


def test_overview_old_view_lists_unplaceable_project_and_keeps_totals(app_page, tmp_path, monkeypatch):
    from geo.storage.store import BundledStore
    from pages import _shared

    p, f = new_code_project("NEW-6", "03405", 9_000_000_000, 0)
    d = data_copy(tmp_path, [p], [f])
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "store"))
    monkeypatch.setattr(_shared, "default_store", lambda: BundledStore(d))
    at = app_page("pages/overview.py", "en")
    assert not at.exception
    assert t("units.unallocated_heading", "en") in [h.value for h in at.subheader]
    stuck = at.dataframe[1].value
    assert stuck[t("units.project", "en")].tolist() == ["Project NEW-6"]
    assert stuck[t("units.could_lie_in", "en")].tolist() == ["03400, 03405, 03406"]
    old_metrics = [m.value for m in at.metric]
    next(r for r in at.sidebar.radio if r.key == "units").set_value("2025").run()
    assert t("units.unallocated_heading", "en") not in [h.value for h in at.subheader]
    assert [m.value for m in at.metric] == old_metrics


def test_unit_choice_survives_a_visit_to_the_sources_page(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/overview.py")
    at.run()
    next(r for r in at.sidebar.radio if r.key == "units").set_value("2025").run()
    at.switch_page("pages/sources.py")
    at.run()
    at.switch_page("pages/overview.py")
    at.run()
    assert len(at.dataframe[0].value) == 6
