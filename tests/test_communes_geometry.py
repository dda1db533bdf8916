"""Checks on the committed approximate commune layer, data/communes.geojson."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

ROOT = Path(__file__).resolve().parents[1]
GEOJSON = ROOT / "data" / "communes.geojson"
SCRIPT = ROOT / "data" / "build_communes.py"
METRIC_CRS = "EPSG:9205"
DISTRICT_AREA_KM2 = 662.92

EXPECTED_CODES = [
    "03390", "03394", "03400", "03405", "03406", "03412", "03413",
    "03415", "03418", "03421", "03424", "03427", "03430",
]
PROPERTY_KEYS = [
    "code", "name", "full_name", "name_ascii", "unit_type", "successor_code", "successor_name",
    "successor_partial", "area_km2_reported", "area_source", "population_reported",
    "households_reported", "population_source", "area_km2_target", "target_basis",
    "area_km2_approx", "centroid_lon", "centroid_lat", "boundary_quality", "method",
]
# 2025 units lying wholly inside the old district: members and area (km²).
GROUPS_2025 = {
    "Bình Lư": (("03390", "03412", "03413"), 173.91),
    "Tả Lèng": (("03400", "03405", "03406"), 128.36),
    "Bản Bo": (("03424", "03427"), 100.82),
    "Khun Há": (("03430", "03421"), 149.35),
}


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gdf() -> gpd.GeoDataFrame:
    frame = gpd.read_file(GEOJSON)
    return frame.set_index(frame["code"].astype(str), drop=False)


@pytest.fixture(scope="module")
def areas(gdf: gpd.GeoDataFrame) -> dict[str, float]:
    metric = gdf.to_crs(METRIC_CRS)
    return {code: geom.area / 1e6 for code, geom in zip(metric["code"], metric.geometry)}


@pytest.fixture(scope="module")
def units() -> dict[str, dict[str, str]]:
    with (ROOT / "data" / "units.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def builder():
    spec = importlib.util.spec_from_file_location("build_communes", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


def test_thirteen_features_with_text_codes(raw: dict) -> None:
    assert raw["type"] == "FeatureCollection"
    assert raw["name"] == "communes"
    codes = [f["properties"]["code"] for f in raw["features"]]
    assert codes == EXPECTED_CODES  # sorted, as strings with leading zeros
    for feature in raw["features"]:
        assert list(feature["properties"]) == PROPERTY_KEYS
        assert feature["geometry"]["type"] == "Polygon"


def test_every_polygon_is_valid(gdf: gpd.GeoDataFrame) -> None:
    invalid = [c for c, g in zip(gdf["code"], gdf.geometry) if not shapely.is_valid(g)]
    assert invalid == []
    assert shapely.coverage_is_valid(np.array(gdf.geometry.values, dtype=object))


def test_no_overlaps(gdf: gpd.GeoDataFrame) -> None:
    metric = gdf.to_crs(METRIC_CRS)
    overlaps = {
        (a, b): ga.intersection(gb).area
        for (a, ga), (b, gb) in itertools.combinations(zip(metric["code"], metric.geometry), 2)
        if ga.intersection(gb).area >= 1.0
    }
    assert overlaps == {}


def test_no_gaps_single_outline(gdf: gpd.GeoDataFrame) -> None:
    metric = gdf.to_crs(METRIC_CRS)
    union = shapely.union_all(metric.geometry.values)
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0
    assert union.area == pytest.approx(metric.area.sum(), rel=1e-4)


def test_geocoded_centroid_inside_own_polygon(gdf: gpd.GeoDataFrame) -> None:
    outside = [
        code
        for code, geom, lon, lat in zip(gdf["code"], gdf.geometry, gdf["centroid_lon"], gdf["centroid_lat"])
        if not geom.contains(shapely.Point(lon, lat))
    ]
    assert outside == []


def test_total_area_close_to_district(areas: dict[str, float]) -> None:
    total = sum(areas.values())
    assert total == pytest.approx(DISTRICT_AREA_KM2, rel=0.10)
    assert total == pytest.approx(DISTRICT_AREA_KM2, rel=0.01)  # what the build aims for


def test_each_commune_near_its_target(gdf: gpd.GeoDataFrame, areas: dict[str, float]) -> None:
    off = {
        code: (round(areas[code], 2), target)
        for code, target in zip(gdf["code"], gdf["area_km2_target"])
        if abs(areas[code] - target) > 0.05 * target
    }
    assert off == {}
    assert set(gdf["target_basis"]) <= {"reported", "derived_2025_units", "split_by_bbox"}


def test_area_approx_property_matches_geometry(gdf: gpd.GeoDataFrame, areas: dict[str, float]) -> None:
    for code, approx in zip(gdf["code"], gdf["area_km2_approx"]):
        assert approx == pytest.approx(areas[code], abs=0.01)


def test_reported_areas_respected(units: dict[str, dict[str, str]], areas: dict[str, float]) -> None:
    reported = {c: float(u["area_km2_reported"]) for c, u in units.items() if u["area_km2_reported"]}
    assert set(reported) == {"03405", "03406", "03413", "03421", "03427"}
    off = {c: (round(areas[c], 2), a) for c, a in reported.items() if abs(areas[c] - a) > 0.05 * a}
    assert off == {}


@pytest.mark.parametrize("unit", sorted(GROUPS_2025))
def test_2025_unit_unions_match_2025_areas(unit: str, areas: dict[str, float]) -> None:
    members, area_2025 = GROUPS_2025[unit]
    assert sum(areas[c] for c in members) == pytest.approx(area_2025, rel=0.05)


def test_boundary_quality_is_approximate(gdf: gpd.GeoDataFrame) -> None:
    assert set(gdf["boundary_quality"]) == {"approximate"}


def test_names_are_nfc_and_consistent(raw: dict, units: dict[str, dict[str, str]]) -> None:
    for feature in raw["features"]:
        props = feature["properties"]
        for key in ("name", "full_name", "successor_name", "method"):
            assert unicodedata.is_normalized("NFC", props[key]), (props["code"], key)
        assert props["name"] == unicodedata.normalize("NFC", units[props["code"]]["name"])
        assert props["full_name"].endswith(props["name"])
        assert props["name_ascii"].isascii()
    names = {f["properties"]["code"]: f["properties"] for f in raw["features"]}
    assert names["03390"]["full_name"] == "Thị trấn Tam Đường"
    assert names["03390"]["name_ascii"] == "Tam Duong"
    assert names["03418"]["successor_name"] == "Phường Tân Phong"


def test_build_reproduces_committed_file(builder, raw: dict, gdf: gpd.GeoDataFrame) -> None:
    built = builder.build()
    assert list(built["code"]) == list(gdf["code"])
    for new, old in zip(built.geometry, gdf.geometry):
        a, b = shapely.get_coordinates(new), shapely.get_coordinates(old)
        assert a.shape == b.shape
        assert np.max(np.abs(a - b)) < 1e-9
    rebuilt = json.loads(builder.to_geojson_text(built))
    assert [f["properties"] for f in rebuilt["features"]] == [f["properties"] for f in raw["features"]]
    assert builder.to_geojson_text(built) == GEOJSON.read_text(encoding="utf-8")


def test_check_flag_passes_on_committed_file() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stderr
