"""Raster PMTiles as the offline basemap (issue 19): tiles of known colours over the district, written here with
protomaps' own ``pmtiles`` writer, land where they belong in the stored picture and under the communes on print
maps; the zoom read is the one the picture needs; a file near the 2 GB limit is read by byte ranges; vector,
damaged and disguised files are refused by name in both languages and neither store changes.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import math
import random
import sqlite3
import tracemalloc
import zipfile

import numpy as np
import pytest
from PIL import Image
from pmtiles.tile import Compression, TileType, deserialize_header, zxy_to_tileid
from pmtiles.writer import write as write_pmtiles
from rasterio.warp import transform_bounds

from geo.cli.main import main
from geo.ingest.basemap import MAX_BASEMAP_BYTES, MAX_SIDE, prepare_basemap
from geo.ingest.validate import DataError
from geo.model import schema
from geo.model.basemap import BASEMAP_LAYER, BASEMAP_TITLE
from geo.output.maps import render
from geo.text.i18n import t
from tests.helpers import assert_basemap_refused, bundled_dataset, district_bounds
from tests.stores import assert_unchanged, snapshot

PROV = schema.Provenance(layer=BASEMAP_LAYER, title=BASEMAP_TITLE, source="OpenStreetMap raster tiles (test)",
                         licence="ODbL 1.0", date="2026-11-30", quality=schema.Quality.APPROXIMATE)
HALF = 20037508.342789244
#: Zoom 10 tiles around the district (it lies over columns 806–807, rows 446–447 with its margin).
COLS, ROWS = range(805, 809), range(445, 449)


def _colour(x: int, y: int) -> tuple[int, int, int]:
    """A different colour for every zoom-10 tile around the district."""
    return 40 * (x - COLS[0]) + 60, 40 * (y - ROWS[0]) + 60, 200


def _picture(colour, side: int = 256, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, side), colour).save(out, format=fmt)
    return out.getvalue()


def _pmtiles(path, tiles: dict, tile_type=TileType.PNG, bounds=(103.0, 21.9, 104.2, 22.8)):
    """Write ``tiles`` ({(z, x, y): bytes}) as a PMTiles 3 file whose header claims ``bounds`` (degrees)."""
    w, s, e, n = bounds
    with write_pmtiles(str(path)) as writer:
        for (z, x, y), data in sorted(tiles.items(), key=lambda kv: zxy_to_tileid(*kv[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize({"tile_type": tile_type, "tile_compression": Compression.NONE,
                         "min_lon_e7": round(w * 1e7), "min_lat_e7": round(s * 1e7),
                         "max_lon_e7": round(e * 1e7), "max_lat_e7": round(n * 1e7), "center_zoom": 10,
                         "center_lon_e7": round((w + e) / 2 * 1e7), "center_lat_e7": round((s + n) / 2 * 1e7)},
                        {"name": "test tiles", "attribution": "test"})
    return path


def _coloured(path):
    """One grey zoom-9 tile and sixteen coloured zoom-10 tiles over the district."""
    tiles = {(9, 403, 223): _picture((128, 128, 128))}
    tiles.update({(10, x, y): _picture(_colour(x, y)) for x in COLS for y in ROWS})
    return _pmtiles(path, tiles)


def _pixels(basemap):
    return np.asarray(Image.open(io.BytesIO(basemap.image)).convert("RGBA"))


def _tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    size = 2 * HALF / 2**z
    return -HALF + x * size, HALF - (y + 1) * size, -HALF + (x + 1) * size, HALF - y * size


def _with_leaves(path):
    """The coloured tiles plus every tile of zooms 0–7 (filler of random lengths): too many entries for the
    16 KB root directory, so the writer puts them in leaf directories."""
    rng = random.Random(19)
    tiles = {(z, x, y): b"%d/%d/%d" % (z, x, y) + b"." * rng.randrange(300)
             for z in range(8) for x in range(2**z) for y in range(2**z)}
    tiles.update({(10, x, y): _picture(_colour(x, y)) for x in COLS for y in ROWS})
    _pmtiles(path, tiles)
    assert _header_of(path)["leaf_directory_length"] > 0
    return path


def _assert_tiles_shown(b) -> None:
    """Every zoom-10 tile well inside the picture shows its own colour at its centre."""
    px = _pixels(b)
    x0, y0, x1, y1 = transform_bounds("EPSG:4326", "EPSG:3857", *b.bounds)
    checked = 0
    for x in COLS:
        for y in ROWS:
            tx0, ty0, tx1, ty1 = _tile_bounds(10, x, y)
            ix0, iy0, ix1, iy1 = max(tx0, x0), max(ty0, y0), min(tx1, x1), min(ty1, y1)
            if ix1 - ix0 < 0.15 * (tx1 - tx0) or iy1 - iy0 < 0.15 * (ty1 - ty0):
                continue  # the tile is (nearly) outside the picture
            col = int(((ix0 + ix1) / 2 - x0) / (x1 - x0) * b.width)
            row = int((y1 - (iy0 + iy1) / 2) / (y1 - y0) * b.height)
            r, g, bl, a = (int(v) for v in px[row, col])
            want = _colour(x, y)
            assert a == 255 and max(abs(r - want[0]), abs(g - want[1]), abs(bl - want[2])) <= 8, (x, y)
            checked += 1
    assert checked == 4  # the district and its margin span 2 × 2 tiles at zoom 10


def test_each_tile_lands_where_it_belongs_in_the_stored_picture_from_the_deepest_zoom(tmp_path):
    b = prepare_basemap(_coloured(tmp_path / "osm.pmtiles"), district_bounds(), PROV)
    assert b.kind == "image" and b.provenance == PROV
    w, s, e, n = district_bounds()
    assert b.bounds[0] < w and b.bounds[1] < s and b.bounds[2] > e and b.bounds[3] > n  # the margin is drawn
    _assert_tiles_shown(b)
    grey = (np.abs(_pixels(b)[..., :3].astype(int) - 128).max(axis=-1) <= 8).sum()
    assert grey == 0  # the coarser zoom-9 tile is not what is shown


def test_tiles_behind_leaf_directories_are_found(tmp_path):
    _assert_tiles_shown(prepare_basemap(_with_leaves(tmp_path / "world.pmtiles"), district_bounds(), PROV))


@pytest.mark.parametrize("side, expected", [(256, 13), (512, 12)])
def test_the_zoom_read_is_the_coarsest_that_gives_the_pictures_full_size(tmp_path, side, expected):
    # zoom 12 gives ~1,200 px of 256 px tiles over the district, 13 ~2,400: 13 is needed for 1,600 px;
    # with 512 px tiles zoom 12 already gives ~2,400
    colours = {11: (220, 40, 40), 12: (40, 200, 40), 13: (40, 40, 220), 14: (230, 200, 30)}
    mx0, my0, mx1, my1 = transform_bounds("EPSG:4326", "EPSG:3857", 103.3, 22.05, 103.9, 22.6)
    tiles = {}
    for z, colour in colours.items():
        data = _picture(colour, side)
        size = 2 * HALF / 2**z
        for x in range(math.floor((mx0 + HALF) / size), math.floor((mx1 + HALF) / size) + 1):
            for y in range(math.floor((HALF - my1) / size), math.floor((HALF - my0) / size) + 1):
                tiles[(z, x, y)] = data
    b = prepare_basemap(_pmtiles(tmp_path / "levels.pmtiles", tiles), district_bounds(), PROV)
    r, g, bl, _ = (int(v) for v in _pixels(b)[b.height // 2, b.width // 2])
    want = colours[expected]
    assert max(abs(r - want[0]), abs(g - want[1]), abs(bl - want[2])) <= 8
    assert max(b.width, b.height) == MAX_SIDE


def test_a_file_near_the_size_limit_is_read_by_byte_ranges_not_whole(tmp_path):
    small = _coloured(tmp_path / "small.pmtiles").read_bytes()
    h = deserialize_header(small[:127])
    start = h["tile_data_offset"]
    hole = MAX_BASEMAP_BYTES - len(small) - 4096  # sparse: the tile data sits ~2 GB into the file
    path = tmp_path / "big.pmtiles"
    with path.open("wb") as fh:
        fh.write(small[:56] + (start + hole).to_bytes(8, "little") + small[64:start])
        fh.seek(start + hole)
        fh.write(small[start:])
    assert path.stat().st_size > 1.99 * 2**30
    tracemalloc.start()
    try:
        b = prepare_basemap(path, district_bounds(), PROV)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert b.kind == "image" and _pixels(b)[..., 3].all()
    assert peak < 100 * 2**20  # reading the file whole would hold 2 GB


def test_the_format_is_known_from_the_bytes_not_the_name(tmp_path):
    named_tif = _coloured(tmp_path / "osm.pmtiles").rename(tmp_path / "relief.tif")
    assert prepare_basemap(named_tif, district_bounds(), PROV).kind == "image"
    con = sqlite3.connect(tmp_path / "v.pmtiles")  # vector MBTiles under a PMTiles name
    con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    con.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
    con.execute("INSERT INTO metadata VALUES ('format', 'pbf')")
    con.commit()
    con.close()
    with pytest.raises(DataError) as err:
        prepare_basemap(tmp_path / "v.pmtiles", district_bounds(), PROV)
    assert err.value.problems[0].key == "err.basemap_vector"
    assert "this MBTiles file holds vector tiles (pbf)" in err.value.text("en")


# --- bad files ----------------------------------------------------------------------------------------------
def _patched(path, at: int, data: bytes):
    raw = bytearray(_coloured(path).read_bytes())
    raw[at:at + len(data)] = data
    path.write_bytes(bytes(raw))
    return path


def _header_of(path):
    return deserialize_header(path.read_bytes()[:127])


def _cut(path, at):
    raw = _coloured(path).read_bytes()
    path.write_bytes(raw[:at(deserialize_header(raw[:127]))])
    return path


def _zip(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("tiles/10/806/446.png", _picture((1, 2, 3)))
    return path


def _leaves_moved(path):
    raw = bytearray(_with_leaves(path).read_bytes())
    raw[40:48] = (10**9).to_bytes(8, "little")  # the header's leaf-directory offset
    path.write_bytes(bytes(raw))
    return path


def _garbled_root(path):
    h = _header_of(_coloured(path))
    return _patched(path, h["root_offset"], b"\x1f\x8b" + b"\x00" * (h["root_length"] - 2))


BAD = {
    "header cut short": ("err.basemap_pmtiles_short", lambda p: _cut(p / "short.pmtiles", lambda h: 60)),
    "spec version 2": ("err.basemap_pmtiles_version", lambda p: _patched(p / "v2.pmtiles", 7, b"\x02")),
    "root directory past the end": ("err.basemap_pmtiles_past_end", lambda p: _patched(
        p / "root.pmtiles", 16, (10**9).to_bytes(8, "little"))),
    "leaf directories past the end": ("err.basemap_pmtiles_past_end", lambda p: _leaves_moved(p / "leaf.pmtiles")),
    "tiles cut off": ("err.basemap_pmtiles_past_end", lambda p: _cut(p / "cut.pmtiles",
                                                                       lambda h: h["tile_data_offset"] + 10)),
    "garbled directory": ("err.basemap_pmtiles_directory", lambda p: _garbled_root(p / "garbled.pmtiles")),
    "brotli directories": ("err.basemap_pmtiles_compression", lambda p: _patched(p / "br.pmtiles", 97, b"\x03")),
    "tile not a picture": ("err.basemap_pmtiles_tile", lambda p: _pmtiles(
        p / "html.pmtiles", {(10, x, y): b"<html>not a tile</html>" for x in COLS for y in ROWS})),
    "bounds elsewhere": ("err.basemap_outside", lambda p: _pmtiles(
        p / "hanoi.pmtiles", {(10, 824, 451): _picture((9, 9, 9))}, bounds=(105.7, 20.9, 105.95, 21.15))),
    "vector tiles": ("err.basemap_vector", lambda p: _pmtiles(
        p / "roads.pmtiles", {(10, 806, 446): gzip.compress(b"\x1a\x00")}, tile_type=TileType.MVT)),
    "a zip renamed": ("err.basemap_format", lambda p: _zip(p / "tiles.pmtiles")),
}


@pytest.mark.parametrize("case", list(BAD))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_bad_pmtiles_are_refused_by_name_in_the_users_language(tmp_path, case, lang):
    key, make = BAD[case]
    assert_basemap_refused(make(tmp_path), key, lang, PROV)


def test_the_refusals_say_what_is_wrong_in_words_a_gis_office_can_act_on(tmp_path):
    def en(case):
        with pytest.raises(DataError) as err:
            prepare_basemap(BAD[case][1](tmp_path), district_bounds(), PROV)
        return err.value.text("en"), err.value.text("vi")

    text, vi = en("root directory past the end")
    size = (tmp_path / "root.pmtiles").stat().st_size
    assert f"it points to bytes 127–1,000,000,127, but it has only {size:,} bytes" in text
    assert f"1.000.000.127 nhưng chỉ có {size:,} byte".replace(",", ".") in vi
    assert "version 3 is needed" in en("spec version 2")[0]
    assert "tile 10/806/446 (zoom/column/row)" in en("tile not a picture")[0]
    text, _ = en("vector tiles")
    assert "this PMTiles file holds vector tiles (MVT); a basemap needs raster tiles" in text
    assert "or a GeoTIFF" in text


# --- the command, both stores -------------------------------------------------------------------------------
def test_import_basemap_stores_a_pmtiles_picture_and_bad_files_change_nothing(tmp_path, backend, request,
                                                                              monkeypatch, capsys):
    if backend.name == "postgis":  # the command opens default_store(): point it at this test's database
        monkeypatch.setenv("ATLAS_DATABASE_URL", request.getfixturevalue("postgis_url"))
    provenance = ["--source", PROV.source, "--licence", PROV.licence, "--date", PROV.date, "--quality", "approximate"]
    before = snapshot(backend.open())
    for case, (key, make) in BAD.items():
        path = make(tmp_path)
        assert main(["--lang", "vi", "import-basemap", str(path), *provenance]) == 1, case
        err = capsys.readouterr().err
        assert path.name in err and t(key, "vi").split("{")[0][:12] in err, case
    assert_unchanged(before, backend.open())

    good = _coloured(tmp_path / "osm.pmtiles")
    assert main(["import-basemap", str(good), *provenance]) == 0
    assert "Stored the offline basemap (image" in capsys.readouterr().out
    stored = backend.open().basemap()
    assert stored is not None and stored.kind == "image" and stored.provenance.source == PROV.source
    assert stored.provenance.licence == "ODbL 1.0" and stored.provenance.date == "2026-11-30"
    entry = backend.open().audit_log(1)[0]
    assert entry.action == "replace-basemap" and "osm.pmtiles" in entry.note


# --- on the print map ---------------------------------------------------------------------------------------
def test_a_print_map_draws_the_tiles_under_the_communes_and_names_their_source(tmp_path):
    b = prepare_basemap(_coloured(tmp_path / "osm.pmtiles"), district_bounds(), PROV)
    fig = render.render_map(dataclasses.replace(bundled_dataset(), basemap=b), "gap", lang="en")
    art = {a.get_gid(): a for a in fig.findobj() if a.get_gid()}
    image, fills = art["basemap"], art["choropleth"]
    assert image.get_zorder() < fills.get_zorder() and fills.get_alpha() == pytest.approx(0.62)
    pixels = image.get_array()
    opaque = pixels[pixels[..., 3] == 255][:, :3].astype(int)
    # the tiles' own colours, not shadows: every zoom-10 tile over the district shows
    for x in (806, 807):
        for y in (446, 447):
            assert (np.abs(opaque - _colour(x, y)).max(axis=1) <= 8).sum() > 100, (x, y)
    assert "Offline basemap: OpenStreetMap raster tiles (test) (ODbL 1.0" in art["footer"].get_text()
