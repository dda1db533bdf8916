import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.analysis.joins import area_share, assign_projects, count_by_commune, points_in_zones, zone_hectares


def test_zone_hectares_split_area_weighted(tiny_communes):
    zones = gpd.GeoDataFrame({"crop": ["tea", "tea", "banana"]}, geometry=[
        box(500_500, 2_470_000, 501_500, 2_471_000),   # half in each commune: 50 ha + 50 ha
        box(500_500, 2_470_000, 501_000, 2_470_500),   # overlaps the first: must not double-count
        box(501_000, 2_470_000, 501_100, 2_470_100),   # 1 ha in commune 2
    ], crs="EPSG:9205")
    ha = zone_hectares(zones, tiny_communes, "crop")
    assert ha.loc["00001", "tea"] == pytest.approx(50)
    assert ha.loc["00002", "tea"] == pytest.approx(50)
    assert ha.loc["00002", "banana"] == pytest.approx(1)
    assert ha.loc["00001", "banana"] == 0


def test_zone_hectares_computed_in_metres_even_for_degree_input(tiny_communes):
    zone = gpd.GeoDataFrame({"crop": ["tea"]}, geometry=[box(500_000, 2_470_000, 501_000, 2_471_000)], crs="EPSG:9205")
    ha = zone_hectares(zone.to_crs(4326), tiny_communes.to_crs(4326), "crop")
    assert ha.loc["00001", "tea"] == pytest.approx(100, rel=1e-3)


def test_area_share(tiny_communes):
    zone = gpd.GeoDataFrame(geometry=[box(500_000, 2_470_000, 500_250, 2_471_000)], crs="EPSG:9205")
    share = area_share(zone, tiny_communes)
    assert share["00001"] == pytest.approx(0.25)
    assert share["00002"] == pytest.approx(0.0)


def test_points_located_and_counted(tiny_communes):
    pts = gpd.GeoDataFrame(geometry=[Point(500_100, 2_470_100), Point(501_900, 2_470_900),
                                     Point(501_950, 2_470_950), Point(600_000, 2_470_000)], crs="EPSG:9205")
    counts = count_by_commune(pts, tiny_communes)
    assert counts.to_dict() == {"00001": 1, "00002": 2}


def test_points_in_zones(tiny_communes):
    pts = gpd.GeoDataFrame(geometry=[Point(500_100, 2_470_100), Point(501_900, 2_470_900)], crs="EPSG:9205")
    inside = points_in_zones(pts, tiny_communes.iloc[[0]])
    assert inside.tolist() == [True, False]


def test_assign_projects_by_code_and_point(tiny_communes):
    communes = tiny_communes.to_crs(4326)
    c1 = communes.geometry[0].centroid
    c2 = communes.geometry[1].centroid
    projects = pd.DataFrame({
        "project_id": ["code-only", "agrees", "disagrees", "point-only"],
        "commune_code": ["00001", "00001", "00001", ""],
        "lon": [float("nan"), c1.x, c2.x, c2.x],
        "lat": [float("nan"), c1.y, c2.y, c2.y],
    })
    out = assign_projects(projects, communes).set_index("project_id")
    assert out.loc["code-only", "commune_code"] == "00001" and pd.isna(out.loc["code-only", "located_code"])
    assert not out.loc["agrees", "location_mismatch"]
    assert out.loc["disagrees", "location_mismatch"] and out.loc["disagrees", "located_code"] == "00002"
    assert out.loc["point-only", "commune_code"] == "00002" and not out.loc["point-only", "location_mismatch"]
