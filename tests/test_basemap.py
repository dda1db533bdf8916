"""The offline basemap (issue 19): a DEM, hillshade, image or raster MBTiles becomes one picture of the district
that print maps and the web map draw under the communes, with its provenance; bad files are refused by name.

Store behaviour (both stores, permissions, audit) is in tests/test_store_contract.py.
"""

from __future__ import annotations

import base64
import io
import json
import math
import sqlite3

import numpy as np
import pytest
import rasterio
import rasterio.shutil
from PIL import Image
from rasterio.transform import from_bounds, from_origin
from rasterio.warp import transform_bounds

from geo.cli.main import main
from geo.ingest.basemap import MAX_BASEMAP_BYTES, prepare_basemap
from geo.ingest.validate import DataError
from geo.model import schema
from geo.model.basemap import BASEMAP_LAYER, BASEMAP_TITLE
from geo.output.maps import basemap_image, render, webmap
from geo.storage.store import default_store
from tests.helpers import assert_basemap_refused, bundled_dataset, district_bounds

PROV = schema.Provenance(layer=BASEMAP_LAYER, title=BASEMAP_TITLE, source="SRTM 1 arc-second (NASA/USGS)",
                         licence="Public domain", date="2014-09-23", quality=schema.Quality.APPROXIMATE)


def _dem(path, z_of, margin_m: float = 3000.0, res: float = 60.0, crs: str = "EPSG:32648", nodata=-9999.0):
    """A GeoTIFF DEM over the district (plus ``margin_m``) in ``crs`` with heights ``z_of(x_m, y_m)``."""
    x0, y0, x1, y1 = transform_bounds("EPSG:4326", crs, *district_bounds())
    width, height = int((x1 - x0 + 2 * margin_m) / res), int((y1 - y0 + 2 * margin_m) / res)
    xs = np.arange(width) * res
    ys = (height - 1 - np.arange(height)) * res  # metres north of the bottom row
    z = z_of(*np.meshgrid(xs, ys)).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=1, dtype="float32", crs=crs,
                       transform=from_origin(x0 - margin_m, y1 + margin_m, res, res), nodata=nodata) as dst:
        dst.write(z, 1)
    return path


def _rgb(path, colour=(200, 30, 30), driver="GTiff"):
    """A plain-coloured RGB picture over the district in Web Mercator (GeoTIFF or MBTiles)."""
    w, s, e, n = district_bounds()
    x0, y0, x1, y1 = transform_bounds("EPSG:4326", "EPSG:3857", w - 0.1, s - 0.1, e + 0.1, n + 0.1)
    tif = path.with_suffix(".src.tif")
    with rasterio.open(tif, "w", driver="GTiff", width=512, height=512, count=3, dtype="uint8", crs="EPSG:3857",
                       transform=from_bounds(x0, y0, x1, y1, 512, 512)) as dst:
        for band, value in enumerate(colour, start=1):
            dst.write(np.full((512, 512), value, dtype="uint8"), band)
    if driver == "GTiff":
        tif.rename(path)
    else:
        rasterio.shutil.copy(tif, path, driver="MBTiles", TILE_FORMAT="PNG")
    return path


def _pixels(basemap):
    return np.asarray(Image.open(io.BytesIO(basemap.image)).convert("RGBA"))


def test_a_flat_dem_gives_the_hand_computed_shade_and_a_slope_facing_the_light_is_brighter(tmp_path):
    flat = prepare_basemap(_dem(tmp_path / "flat.tif", lambda x, y: 0 * x + 1200.0), district_bounds(), PROV)
    px = _pixels(flat)
    centre = px[px.shape[0] // 2, px.shape[1] // 2]
    # flat ground lit from 45° above the horizon: cos(45°) × 254 + 1 = 180.6
    assert flat.kind == "relief" and abs(int(centre[0]) - 180.6) <= 2 and centre[3] == 255
    # a plane falling towards the north-west faces the light (azimuth 315°): brighter than flat ground
    lit = prepare_basemap(_dem(tmp_path / "lit.tif", lambda x, y: 0.3 * x - 0.3 * y + 800.0), district_bounds(), PROV)
    dark = prepare_basemap(_dem(tmp_path / "dark.tif", lambda x, y: -0.3 * x + 0.3 * y + 8000.0), district_bounds(), PROV)
    mid = lambda b: int(_pixels(b)[_pixels(b).shape[0] // 2, _pixels(b).shape[1] // 2][0])  # noqa: E731
    assert mid(lit) > 200 > 180 > mid(dark)


def test_the_picture_covers_the_district_in_web_mercator_within_the_size_cap(tmp_path):
    b = prepare_basemap(_dem(tmp_path / "d.tif", lambda x, y: 1000 + 200 * np.sin(x / 900.0)), district_bounds(), PROV)
    w, s, e, n = district_bounds()
    bw, bs, be, bn = b.bounds
    assert bw < w and bs < s and be > e and bn > n  # the margin around the district is drawn too
    assert max(b.width, b.height) <= 1600 and (b.width, b.height) == Image.open(io.BytesIO(b.image)).size
    assert b.provenance == PROV
    # Web Mercator pixels are square: the width/height ratio is the projected extent's
    x0, y0, x1, y1 = transform_bounds("EPSG:4326", "EPSG:3857", *b.bounds)
    assert math.isclose(b.width / b.height, (x1 - x0) / (y1 - y0), rel_tol=0.02)


def test_where_the_dem_has_no_data_the_picture_is_transparent(tmp_path):
    # the DEM stops short of the district's margin: those pixels are see-through, not black
    b = prepare_basemap(_dem(tmp_path / "d.tif", lambda x, y: 0 * x + 500.0, margin_m=0.0), district_bounds(), PROV)
    px = _pixels(b)
    assert px[0, 0, 3] == 0 and px[px.shape[0] // 2, px.shape[1] // 2, 3] == 255


@pytest.mark.parametrize("driver", ["GTiff", "MBTiles"])
def test_a_colour_image_or_raster_mbtiles_keeps_its_colours(tmp_path, driver):
    b = prepare_basemap(_rgb(tmp_path / f"img.{driver.lower()}", driver=driver), district_bounds(), PROV)
    r, g, bl, a = _pixels(b)[b.height // 2, b.width // 2]
    assert b.kind == "image" and a == 255 and r > 150 and g < 80 and bl < 80


def _mbtiles(path, fmt="pbf", trigger=False):
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    con.execute("INSERT INTO metadata VALUES ('format', ?)", (fmt,))
    if trigger:
        con.execute("CREATE TRIGGER t AFTER INSERT ON tiles BEGIN DELETE FROM metadata; END")
    con.commit()
    con.close()
    return path


BAD = {
    "no CRS": ("err.basemap_no_crs", lambda p: _no_crs(p / "nocrs.tif")),
    "elsewhere": ("err.basemap_outside", lambda p: _dem(p / "hanoi.tif", lambda x, y: 0 * x, crs="EPSG:32648",
                                                        margin_m=-1.0) and _shifted(p / "hanoi.tif")),
    "vector tiles": ("err.basemap_vector", lambda p: _mbtiles(p / "v.mbtiles")),
    "active MBTiles": ("err.basemap_active", lambda p: _mbtiles(p / "t.mbtiles", "png", trigger=True)),
    "text named .tif": ("err.basemap_format", lambda p: _write(p / "x.tif", b"elevation,1200\n")),
    "a VRT pointing at a server file": ("err.basemap_format", lambda p: _write(
        p / "v.tif", b'<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand><SimpleSource>'
                     b'<SourceFilename>/etc/passwd</SourceFilename></SimpleSource></VRTRasterBand></VRTDataset>')),
    "all no data": ("err.basemap_empty", lambda p: _dem(p / "nd.tif", lambda x, y: 0 * x - 9999.0)),
}


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _no_crs(path):
    with rasterio.open(path, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as dst:
        dst.write(np.ones((8, 8), dtype="uint8"), 1)
    return path


def _shifted(path):
    """The same DEM moved 300 km south (around Hà Nội's latitude): it misses the district."""
    with rasterio.open(path, "r+") as dst:
        a, b, c, d, e, f = dst.transform[:6]
        dst.transform = rasterio.Affine(a, b, c, d, e, f - 300_000)
    return path


@pytest.mark.parametrize("case", list(BAD))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_bad_basemap_files_are_refused_by_name_in_the_users_language(tmp_path, case, lang):
    key, make = BAD[case]
    assert_basemap_refused(make(tmp_path), key, lang, PROV)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.tif"
    with path.open("wb") as fh:  # sparse: the size check must not read it
        fh.write(b"II*\x00")
        fh.truncate(MAX_BASEMAP_BYTES + 1)
    with pytest.raises(DataError) as err:
        prepare_basemap(path, district_bounds(), PROV)
    assert err.value.problems[0].key == "err.basemap_too_big"


# --- on the maps ------------------------------------------------------------------------------------------
@pytest.fixture
def relief(tmp_path):
    return prepare_basemap(_dem(tmp_path / "r.tif", lambda x, y: 900 + 300 * np.sin(x / 1500.0) * np.cos(y / 1100.0)),
                           district_bounds(), PROV)


def test_a_print_map_draws_relief_over_the_fills_under_the_lines_and_names_its_source(relief):
    import dataclasses

    ds = dataclasses.replace(bundled_dataset(), basemap=relief)
    fig = render.render_map(ds, "gap", lang="en")
    art = {a.get_gid(): a for a in fig.findobj() if a.get_gid()}
    image = art["basemap"]
    assert art["choropleth"].get_zorder() < image.get_zorder() < 6  # boundaries (zorder 6) stay on top
    footer = art["footer"].get_text()
    assert "Offline basemap: SRTM 1 arc-second (NASA/USGS) (Public domain" in footer
    assert "Offline basemap — approximate" in art["footer_quality"].get_text()
    # relief is drawn as shadows: black, transparent where lit
    pixels = image.get_array()
    assert pixels[..., :3].max() == 0 and pixels[..., 3].max() > 0
    plain = render.render_map(ds, "gap", lang="en", basemap=False)
    assert "basemap" not in {a.get_gid() for a in plain.findobj()}
    assert "Offline basemap" not in next(a for a in plain.findobj() if a.get_gid() == "footer").get_text()


def test_the_web_map_draws_the_basemap_only_when_asked_and_credits_it(relief):
    ds = bundled_dataset()
    communes = ds.communes.assign(gap=1.0, name=ds.communes["code"])
    from geo.analysis.classify import classify

    c = classify(communes["gap"], scheme="quantiles", k=5, palette="reds")
    on = webmap.build_map(communes, "gap", c, "vi", webmap.MapLayers(offline_basemap=True),
                          webmap.Overlays(basemap=relief)).get_root().render()
    off = webmap.build_map(communes, "gap", c, "vi", webmap.MapLayers(),
                           webmap.Overlays(basemap=relief)).get_root().render()
    assert basemap_image.data_url(relief) in on and "data:image/webp" not in off
    credit = "Nền địa hình ngoại tuyến: SRTM 1 arc-second (NASA/USGS) (Public domain)"
    assert json.dumps(credit)[1:-1] in on  # Leaflet's attribution option, as folium writes it (JSON)


# --- the command ----------------------------------------------------------------------------------------
def test_import_basemap_stores_it_and_refuses_without_provenance(tmp_path, capsys):
    dem = _dem(tmp_path / "dem.tif", lambda x, y: 700 + 0.05 * x)
    assert main(["--lang", "vi", "import-basemap", str(dem)]) == 1  # provenance is required
    assert "'source'" in capsys.readouterr().err and default_store().basemap() is None
    assert main(["import-basemap", str(dem), "--source", "SRTM", "--licence", "Public domain",
                 "--date", "2014-09-23", "--quality", "approximate"]) == 0
    assert "Stored the offline basemap (relief shading" in capsys.readouterr().out
    stored = default_store().load().basemap
    assert stored is not None and stored.provenance.source == "SRTM" and stored.kind == "relief"
    assert default_store().audit_log(1)[0].action == "replace-basemap"
    assert main(["import-basemap", "--remove"]) == 0
    assert default_store().load().basemap is None


def test_the_web_picture_is_capped_for_slow_links_and_keeps_its_proportions(tmp_path):
    big = prepare_basemap(_dem(tmp_path / "fine.tif", lambda x, y: 900 + 300 * np.sin(x / 700.0), res=20.0),
                          district_bounds(), PROV)
    assert max(big.width, big.height) > basemap_image.WEB_SIDE  # the stored one is sharp enough to print
    web = Image.open(io.BytesIO(base64.b64decode(basemap_image.data_url(big).split(",", 1)[1])))
    assert max(web.size) == basemap_image.WEB_SIDE
    assert math.isclose(web.width / web.height, big.width / big.height, rel_tol=0.01)
