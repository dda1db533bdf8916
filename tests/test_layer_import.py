"""Layer imports: VN-2000 with the official shift, official boundaries replacing approximate ones,
name/code matching for review, and the other layer kinds."""

from __future__ import annotations

import io
import zipfile

import geopandas as gpd
import pytest
from pyproj import CRS, Geod, Transformer
from shapely.geometry import box

from geo.cli.main import main
from geo.ingest import layer_import
from geo.ingest.layer_import import preview_layer
from geo.model import schema
from geo.storage.layer_commit import commit_layer

GEOD = Geod(ellps="WGS84")
PROV = dict(source="Sở TN&MT Lai Châu, bản đồ địa giới", licence="nội bộ", date="2025-06-30", quality="official")

# An ESRI .prj as cadastral offices write it: VN-2000 TM-3 103°, no TOWGS84, a datum name PROJ does not know.
ESRI_PRJ = ('PROJCS["VN2000_Lai_Chau",GEOGCS["GCS_VN2000",DATUM["VN2000",SPHEROID["WGS_1984",6378137.0,'
            '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
            'PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
            'PARAMETER["Central_Meridian",103.0],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],'
            'UNIT["Meter",1.0]]')


def _zip_shp(gdf: gpd.GeoDataFrame, tmp_path, prj: str | None = None) -> bytes:
    """Zipped Shapefile; its .prj replaced by ``prj`` text, or left out when ``prj`` is None."""
    d = tmp_path / "shp"
    d.mkdir(exist_ok=True)
    gdf.to_file(d / "x.shp")
    (d / "x.prj").unlink()
    if prj is not None:
        (d / "x.prj").write_text(prj)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in d.iterdir():
            zf.write(f, f.name)
    return buf.getvalue()


def test_official_shift_matches_epsg_6960_and_differs_from_ballpark():
    x, y = 530_000.0, 2_470_000.0  # a point in Tam Đường on the TM-3 103° grid
    official = Transformer.from_crs("EPSG:9205", "EPSG:4326", always_xy=True)
    assert "VN-2000 to WGS 84" in official.description  # PROJ's own EPSG:6960 path
    expected = official.transform(x, y)
    ours = Transformer.from_crs(layer_import.with_official_shift(CRS.from_wkt(ESRI_PRJ)), "EPSG:4326",
                                always_xy=True).transform(x, y)
    ballpark = Transformer.from_crs(CRS.from_wkt(ESRI_PRJ), "EPSG:4326", always_xy=True).transform(x, y)
    assert GEOD.inv(*ours, *expected)[2] < 0.01  # metres
    shift = GEOD.inv(*ballpark, *expected)[2]
    assert 150 < shift < 400  # the few hundred metres a missing TOWGS84 costs


def test_prj_without_towgs84_lands_where_epsg_9205_says(tmp_path, ds):
    # The true (official) position of every commune, written to VN-2000 metres with a TOWGS84-less .prj.
    metric = ds.communes[["code", "geometry"]].to_crs("EPSG:9205")
    data = _zip_shp(metric, tmp_path, prj=ESRI_PRJ)
    li = preview_layer("communes", data, "ranh_gioi.zip", ds)
    assert li.ok, li.problems
    assert any("EPSG:6960" in str(n) for n in li.notes)
    got = li.gdf.set_index("code").to_crs(schema.METRIC_CRS).centroid.to_crs(schema.GEOGRAPHIC_CRS)
    want = ds.communes.set_index("code").to_crs(schema.METRIC_CRS).centroid.to_crs(schema.GEOGRAPHIC_CRS)
    for code in want.index:
        assert GEOD.inv(got[code].x, got[code].y, want[code].x, want[code].y)[2] < 1.0


def test_no_prj_asks_for_the_grid_then_imports_with_the_confirmed_crs(tmp_path, ds):
    metric = ds.communes[["code", "geometry"]].to_crs("EPSG:9205")
    data = _zip_shp(metric, tmp_path)
    with pytest.raises(layer_import.CRSNeeded) as err:
        preview_layer("communes", data, "x.zip", ds)
    assert err.value.suggestions == ["EPSG:9205", "EPSG:3405"]
    li = preview_layer("communes", data, "x.zip", ds, crs="EPSG:9205")
    assert li.ok
    # EPSG:3405 would put the district ~200 km east: refused as a wrong CRS.
    with pytest.raises(layer_import.DataError, match="wrong CRS"):
        preview_layer("communes", data, "x.zip", ds, crs="EPSG:3405")


def test_official_boundaries_replace_approximate_ones_with_provenance(tmp_path, store, ds):
    metric = ds.communes[["name", "geometry"]].to_crs("EPSG:9205").rename(columns={"name": "TEN"})
    metric["TEN"] = ["Xa " + n for n in ds.communes["name_ascii"]]  # names without diacritics, with prefix
    metric["geometry"] = metric.geometry.buffer(-20)  # "surveyed" shapes differ from the approximate ones
    data = _zip_shp(metric, tmp_path, prj=CRS("EPSG:9205").to_wkt("WKT1_ESRI"))
    ds = store.load()
    li = preview_layer("communes", data, "official.zip", ds)
    assert li.ok, li.problems
    assert set(li.matches["code"]) == set(ds.communes["code"])
    assert (li.matches["how"] == "name (fuzzy)").all()  # shown for review
    commit_layer(store, li, ds, **PROV, user="Lan")
    after = store.load()
    assert after.provenance["communes"].quality is schema.Quality.OFFICIAL
    assert after.provenance["communes"].source == PROV["source"]
    assert (after.communes["boundary_quality"] == "official").all()
    # Geometry replaced (smaller by the 20 m buffer), attributes (names, populations) kept.
    assert (after.communes.to_crs(schema.METRIC_CRS).area < ds.communes.to_crs(schema.METRIC_CRS).area).all()
    assert after.communes["full_name"].tolist() == ds.communes["full_name"].tolist()


def test_partial_official_boundaries_keep_the_layer_marked_approximate(store):
    ds = store.load()
    two = ds.communes.iloc[:2][["code", "geometry"]]
    li = preview_layer("communes", two.to_json().encode(), "two.geojson", ds)
    assert li.ok
    commit_layer(store, li, ds, **PROV)
    after = store.load()
    assert after.provenance["communes"].quality is schema.Quality.APPROXIMATE
    assert "2 of 13" in after.provenance["communes"].source
    assert sorted(after.communes["boundary_quality"].value_counts().to_dict().items()) == [
        ("approximate", 11), ("official", 2)]


def test_crop_zones_from_geopackage_get_communes_by_location(tmp_path, store):
    ds = store.load()
    c = ds.communes.set_index("name").loc["Bản Bo", "geometry"].representative_point()
    zones = gpd.GeoDataFrame({"crop": ["Chè", "banana"]},
                             geometry=[box(c.x - .01, c.y - .01, c.x + .01, c.y + .01),
                                       box(c.x - .003, c.y - .003, c.x + .003, c.y + .003)], crs="EPSG:4326")
    path = tmp_path / "vung.gpkg"
    zones.to_file(path)
    assert main(["import-layer", "crops", str(path), *sum(([f"--{k}", v] for k, v in PROV.items()), [])]) == 0
    after = store.load()
    assert after.crop_zones["crop"].tolist() == ["tea", "banana"]
    assert set(after.crop_zones["commune_code"]) == {ds.communes.set_index("name").loc["Bản Bo", "code"]}
    assert after.provenance["crop_zones"].quality is schema.Quality.OFFICIAL


def test_project_locations_from_kml_update_projects_with_audit(tmp_path, store):
    ds = store.load()
    pts = gpd.GeoDataFrame({"project_id": ["TD-002"]}, geometry=gpd.points_from_xy([103.6012], [22.3456]),
                           crs="EPSG:4326")
    path = tmp_path / "diem.kml"
    pts.to_file(path, driver="KML")
    li = preview_layer("project-locations", path.read_bytes(), "diem.kml", ds)
    assert li.ok, li.problems
    commit_layer(store, li, ds, **PROV, user="Lan")
    rec = store.get_project("TD-002")
    assert (rec.project["lon"], rec.project["lat"]) == (103.6012, 22.3456)
    assert store.history("TD-002")[-1].note.startswith("locations from diem.kml")
