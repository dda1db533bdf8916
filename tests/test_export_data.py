"""Every export format reads back equal to the store, carries provenance, and neutralises formulas."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal
from openpyxl import load_workbook

from geo.cli.main import main
from geo.ingest.imports import preview_projects
from geo.output.exports import export_data

EVIL = {"project_id": "EV-1", "name_vi": "=1+2 <b>đậm</b>", "name_en": "@SUM(A1)", "description": "-x",
        "commune_code": "03424", "content_area": 1, "status": "proposal", "start_year": 2024, "end_year": 2025,
        "lead_agency": "+84 số", "donor": "", "lon": None, "lat": None, "quality": "official"}


@pytest.fixture
def ds(store):
    store.create_project(EVIL, [{"source": "ngo", "need": 7, "committed": 0, "disbursed": 0}], "Lan")
    return store.load()


def _long(ds) -> pd.DataFrame:
    """The store's projects × funding lines, built independently of export_data.project_table."""
    t = ds.projects.merge(ds.funding, on="project_id", how="left")
    return t.sort_values(["project_id", "source"]).reset_index(drop=True)


def test_gpkg_round_trip_opens_with_gdal_and_equals_the_store(tmp_path, ds):
    out = tmp_path / "atlas.gpkg"
    assert main(["export", "--format", "gpkg", "--out", str(out)]) == 0
    layers = dict(pyogrio.list_layers(out))
    assert {"communes", "crop_zones", "risk_zones", "landslide_events", "projects", "project_funding",
            "provenance"} <= set(layers)
    for name in ("communes", "crop_zones", "risk_zones", "landslide_events"):
        back = gpd.read_file(out, layer=name)
        assert_geodataframe_equal(back, getattr(ds, name), check_dtype=False, check_less_precise=True)
    projects = gpd.read_file(out, layer="projects")
    pd.testing.assert_frame_equal(pd.DataFrame(projects[ds.projects.columns]), ds.projects, check_dtype=False)
    located = projects.dropna(subset=["lon"])
    assert (located.geometry.x == located["lon"]).all()
    funding = pd.DataFrame(gpd.read_file(out, layer="project_funding"))
    pd.testing.assert_frame_equal(funding[ds.funding.columns], ds.funding, check_dtype=False)
    prov = pd.DataFrame(gpd.read_file(out, layer="provenance"))
    assert set(prov["quality"]) == {p.quality.value for p in ds.provenance.values()}


def test_geojson_zip_has_one_file_per_layer_with_provenance(tmp_path, ds):
    out = tmp_path / "layers.zip"
    export_data.export(ds, "geojson", out)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"communes.geojson", "crop_zones.geojson", "risk_zones.geojson", "landslide_events.geojson",
                "projects.geojson", "provenance.json"} <= names
        for name in ("communes", "risk_zones"):
            doc = json.loads(zf.read(f"{name}.geojson"))
            assert doc["provenance"]["quality"] == ds.provenance[name].quality.value
            back = gpd.read_file(zf.open(f"{name}.geojson"))
            assert_geodataframe_equal(back, getattr(ds, name), check_dtype=False, check_less_precise=True,
                                      check_like=True)


def test_csv_round_trip_with_hxl_and_provenance_header(tmp_path, ds, store):
    out = tmp_path / "p.csv"
    assert main(["--lang", "en", "export", "--format", "csv", "--out", str(out), "--hxl"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    comments = [ln for ln in lines if ln.startswith("# ")]
    assert any("illustrative" in ln for ln in comments)
    header, hxl = lines[len(comments)].split(","), lines[len(comments) + 1].split(",")
    tags = dict(zip(header, hxl))
    assert tags["commune_code"] == "#adm3+code" and tags["need"] == "#value+funding+required"
    assert tags["content_area"].startswith("#sector") and tags["donor"].startswith("#org")
    back = pd.read_csv(out, comment=None, skiprows=len(comments), dtype=str, keep_default_na=False).iloc[1:]
    back = back.sort_values(["project_id", "source"]).reset_index(drop=True)
    want = _long(ds)
    assert back["project_id"].tolist() == want["project_id"].tolist()
    assert back["need"].astype(int).tolist() == want["need"].astype(int).tolist()
    assert back["commune_code"].tolist() == want["commune_code"].tolist()
    evil = back[back.project_id == "EV-1"].iloc[0]
    assert evil["name_vi"] == "'=1+2 <b>đậm</b>" and evil["name_en"] == "'@SUM(A1)"
    assert evil["lead_agency"] == "'+84 số" and evil["description"] == "'-x"
    # Importing the export back changes nothing.
    pre = preview_projects(out.read_bytes(), "p.csv", ds, store.project_revisions())
    assert pre.ok, pre.problems
    assert pre.new_ids == [] and pre.changed_ids == []


def test_xlsx_round_trip_equals_store_and_neutralises_formulas(tmp_path, ds, store):
    out = tmp_path / "p.xlsx"
    assert main(["export", "--format", "xlsx", "--out", str(out)]) == 0
    wb = load_workbook(out)
    assert {"projects", "provenance"} <= set(wb.sheetnames)
    rows = list(wb["projects"].values)
    back = pd.DataFrame(rows[1:], columns=rows[0])
    back = back.sort_values(["project_id", "source"]).reset_index(drop=True)
    want = _long(ds)
    assert back["project_id"].tolist() == want["project_id"].tolist()
    assert back["committed"].tolist() == want["committed"].tolist()
    cells = [c for r in wb["projects"].iter_rows() for c in r if isinstance(c.value, str)]
    assert not any(c.value.startswith(("=", "+", "-", "@")) for c in cells)
    assert all(c.data_type != "f" for c in cells)
    pre = preview_projects(out.read_bytes(), "p.xlsx", ds, store.project_revisions())
    assert pre.ok and pre.new_ids == [] and pre.changed_ids == []


def test_export_reflects_edits(tmp_path, store):
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Quỹ X"), rec.funding, rec.revision, "Lan")
    out = tmp_path / "p.csv"
    export_data.export(store.load(), "csv", out)
    back = pd.read_csv(out, comment="#", dtype=str, keep_default_na=False)
    assert set(back.loc[back.project_id == "TD-001", "donor"]) == {"Quỹ X"}
