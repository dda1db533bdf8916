"""Reported landslides and flash floods (issue 19): imported from a CSV with lon/lat or a point GeoJSON, bad
rows named by row and column with nothing stored, then on the web map and counted by the DEM screening."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pytest
import rasterio
import rasterio.warp
from rasterio.transform import from_origin

from geo.analysis.classify import classify
from geo.analysis.indicators import commune_indicators
from geo.cli.main import main
from geo.ingest.layer_import import preview_layer
from geo.model import schema
from geo.output.maps import webmap
from geo.text.i18n import t

PROV = ["--source", "Ban Chỉ huy PCTT huyện Tam Đường, sổ theo dõi thiên tai", "--licence", "nội bộ",
        "--date", "2025-10-31", "--quality", "official"]
CSV = ("ngay,loai,kinh do,vi do,so nguoi chet,bi thuong,nguon,dia diem\n"
       "2023-08-10,Sạt lở đất,103.61,22.33,1,,Báo Lai Châu,bản Nà Luồng\n"
       ",lũ quét,103.52,22.41,,2,UBND xã Bản Giang,\n")


def test_csv_events_are_stored_with_type_date_casualties_and_source(tmp_path, store):
    path = tmp_path / "su_kien.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["import-layer", "events", str(path), *PROV]) == 0
    ev = store.load().landslide_events
    assert ev["kind"].tolist() == ["landslide", "flash_flood"]
    assert ev["date"].tolist() == ["2023-08-10", ""]  # no date in the source: kept unknown, never guessed
    assert ev["deaths"].iloc[0] == 1 and np.isnan(ev["deaths"].iloc[1]) and ev["injured"].iloc[1] == 2
    assert ev["source"].tolist() == ["Báo Lai Châu", "UBND xã Bản Giang"]
    assert ev.geometry.x.tolist() == [103.61, 103.52]
    assert store.load().provenance["landslide_events"].quality is schema.Quality.OFFICIAL


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_bad_rows_are_named_by_row_and_column_and_nothing_is_stored(tmp_path, store, capsys, lang):
    bad = CSV + "2024-13-01,flood,105.9,22.3,-1,x,,\n"
    path = tmp_path / "su_kien.csv"
    path.write_text(bad, encoding="utf-8")
    before = store.load().landslide_events
    assert main(["--lang", lang, "import-layer", "events", str(path), *PROV]) == 1
    err = capsys.readouterr().err
    for column in ("ngay", "loai", "kinh do", "so nguoi chet", "bi thuong", "nguon"):
        assert f"'{column}'" in err  # every bad cell of row 4, by its column
    assert err.count("4") >= 6 and ("dòng 4" if lang == "vi" else "row 4") in err
    assert store.load().landslide_events.equals(before)


def test_geojson_events_in_another_crs_and_a_missing_source_column(ds):
    pts = gpd.GeoDataFrame({"type": ["rockslide"], "source": ["VnExpress"], "date": ["2022-07"], "deaths": [0]},
                           geometry=gpd.points_from_xy([103.6], [22.35]), crs="EPSG:4326").to_crs("EPSG:32648")
    li = preview_layer("events", pts.to_json(to_wgs84=False).encode(), "ev.geojson", ds)
    assert li.ok, [p.text("en") for p in li.problems]
    assert li.gdf["date"].tolist() == ["2022-07"] and li.gdf.geometry.x.round(6).tolist() == [103.6]
    li = preview_layer("events", pts.drop(columns="source").to_json().encode(), "ev.geojson", ds)
    assert not li.ok and "'source'" in li.problems[0].text("en")


def test_imported_events_are_drawn_on_the_web_map(tmp_path, store):
    path = tmp_path / "su_kien.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["import-layer", "events", str(path), *PROV]) == 0
    ds = store.load()
    table = commune_indicators(ds).reset_index()
    communes = ds.communes.merge(table, on="code")
    m = webmap.build_map(communes, "n_events", classify(communes["n_events"], "quantiles"), "en",
                         webmap.MapLayers(), webmap.Overlays(landslide_events=ds.landslide_events))
    layers = {el.layer_name: el for el in webmap._walk(m) if isinstance(el, folium.GeoJson)}
    props = [f["properties"] for f in layers["landslide_events"].data["features"]]
    assert [p["what"] for p in props] == ["Landslide – bản Nà Luồng", "Flash flood"]
    assert props[1]["date"] == t("map.date_unknown", "en") and props[0]["source"] == "Báo Lai Châu"


def _dem_under(tmp_path):
    """A DEM in Tam Đường (UTM 48N): west half 0.1 m/m (class 0), east half 1.2 m/m (class 5)."""
    z = np.zeros((100, 40))
    x = np.arange(40) * 10.0
    z[:] = np.where(x < 200, 0.1 * x, 20 + 1.2 * (x - 200))[None, :]
    path = tmp_path / "dem.tif"
    with rasterio.open(path, "w", driver="GTiff", height=100, width=40, count=1, dtype="float32",
                       crs="EPSG:32648", transform=from_origin(356_000, 2_475_000, 10.0, 10.0)) as f:
        f.write(z.astype("float32"), 1)
    with rasterio.open(path) as f:
        xs, ys = zip(*(f.xy(r, c) for r, c in [(50, 30), (60, 32), (50, 5)]), strict=True)
        lon, lat = rasterio.warp.transform(f.crs, "EPSG:4326", list(xs), list(ys))
    return path, lon, lat


def test_dem_screening_counts_the_stored_landslides_but_not_flash_floods(tmp_path, store, capsys):
    dem_path, lon, lat = _dem_under(tmp_path)
    csv = tmp_path / "ev.csv"
    csv.write_text("type,lon,lat,source\n"
                   f"landslide,{lon[0]},{lat[0]},press\nda lo,{lon[1]},{lat[1]},press\n"
                   f"flash flood,{lon[2]},{lat[2]},press\n", encoding="utf-8")
    assert main(["import-layer", "events", str(csv), *PROV]) == 0
    capsys.readouterr()
    assert main(["import-dem", str(dem_path)]) == 0  # no --events: the store's reported events
    out = capsys.readouterr().out
    rows = {line.split(" | ")[0]: line.split(" | ") for line in out.splitlines() if " | " in line}
    assert rows["> 45°"][2] == "2" and rows["0–8°"][2] == "0"  # two landslides on the steep half, the flood not


def test_data_page_previews_an_events_csv_before_storing_it(app_page, signed_in, store):
    at = app_page("pages/data.py", "en", **signed_in())
    at.selectbox(key="layer_kind").set_value("events").run()
    at.file_uploader(key="data_layer_upload").set_value(("su_kien.csv", CSV.encode(), "text/csv")).run()
    assert not at.exception
    assert any(b.label == t("data.confirm_layer", "en") for b in at.button)
    bad = CSV + "2024-01-01,flood,103.6,22.3,,,press,\n"
    at.file_uploader(key="data_layer_upload").set_value(("su_kien.csv", bad.encode(), "text/csv")).run()
    assert not any(b.label == t("data.confirm_layer", "en") for b in at.button)
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe) + " ".join(e.value for e in at.error)
    assert "'flood'" in shown
