"""Vector tiles at country scale (issue 20): the communes as PMTiles, served with range requests, drawn by
protomaps-leaflet; colours and clicks by commune code, offline, at 10,000 synthetic communes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import synthetic
from geo.analysis.classify import classify
from geo.output.maps import tiles, webmap
from tests.helpers import http_get, require_browser, streamlit_server, wait_app_idle

TILES = Path(__file__).resolve().parent.parent / "static" / "tiles"  # where the app writes them


@pytest.fixture(scope="module")
def cov() -> gpd.GeoDataFrame:
    return synthetic.coverage(60, seed=4).to_crs("EPSG:4326")


def _read(path: Path, zoom: int) -> gpd.GeoDataFrame:
    """One zoom level of a PMTiles file, read by a fresh GDAL: this process keeps only the upload drivers."""
    code = ("import sys, pyogrio; g = pyogrio.read_dataframe(sys.argv[1], layer=sys.argv[2], ZOOM_LEVEL=int(sys.argv[3]));"
            " sys.stdout.write(g.to_crs(4326).to_json())")
    out = subprocess.run([sys.executable, "-c", code, str(path), tiles.LAYER, str(zoom)], capture_output=True,
                         text=True, check=True)
    return gpd.GeoDataFrame.from_features(json.loads(out.stdout)["features"], crs="EPSG:4326")


def _display(cov: gpd.GeoDataFrame) -> gpd.GeoSeries:
    return webmap.lean_communes(cov)


def _names(cov: gpd.GeoDataFrame) -> pd.Series:
    return cov.set_index("code")["name"]


# --- the files ----------------------------------------------------------------------------
def test_the_tiles_hold_every_commune_at_every_zoom_and_the_names(cov, tmp_path):
    t = tiles.commune_tiles(_display(cov), _names(cov), tmp_path, min_zoom=7, max_zoom=10, label_zoom=9)
    assert set(t.codes) == set(cov["code"])
    for z in (7, 10):  # none dropped at the coarsest level the map shows, none at the deepest
        feats = _read(tmp_path / t.polygons, z)
        assert set(feats["i"]) == set(range(len(t.codes)))
    labels = _read(tmp_path / t.labels, 9)
    assert set(labels["name"]) == set(cov["name"])
    # each name sits inside its own commune (a centroid could fall outside a bent one)
    by_name = cov.set_index("name").geometry
    assert all(by_name[n].buffer(0.002).contains(p) for n, p in zip(labels["name"], labels.geometry))


def test_files_are_named_by_content_so_a_browser_may_keep_them(cov, tmp_path):
    a = tiles.commune_tiles(_display(cov), _names(cov), tmp_path, min_zoom=7, max_zoom=9, label_zoom=9)
    again = tiles.commune_tiles(_display(cov), _names(cov), tmp_path, min_zoom=7, max_zoom=9, label_zoom=9)
    renamed = _names(cov).copy()
    renamed.iloc[0] = "Xã Mới"
    b = tiles.commune_tiles(_display(cov), renamed, tmp_path, min_zoom=7, max_zoom=9, label_zoom=9)
    assert again == a and b.polygons != a.polygons and b.labels != a.labels
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([a.polygons, a.labels, b.polygons, b.labels])


def test_small_layers_keep_geojson_and_an_unwritable_folder_falls_back(cov, tmp_path):
    assert len(cov) < tiles.VECTOR_TILES_MIN
    assert webmap.vector_tiles(_display(cov), _names(cov), tmp_path) is None
    big = synthetic.coverage(tiles.VECTOR_TILES_MIN, seed=2).to_crs("EPSG:4326")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    assert webmap.vector_tiles(webmap.lean_communes(big), _names(big), blocked / "tiles") is None


# --- the map document ------------------------------------------------------------------------
def _html(m) -> str:
    return m.get_root().render()


def test_a_tiled_map_sends_one_character_per_commune_not_its_polygons(tmp_path):
    big = synthetic.coverage(tiles.VECTOR_TILES_MIN, seed=2).to_crs("EPSG:4326")
    big["gap"] = [float(i % 7) * 1e9 for i in range(len(big))]
    display = webmap.lean_communes(big)
    t = webmap.vector_tiles(display, _names(big), tmp_path)
    assert t is not None
    c = classify(big["gap"], scheme="quantiles", k=5)
    tiled = webmap.build_map(big, "gap", c, "vi", display_geometry=display, tiles=t)
    plain = webmap.build_map(big, "gap", c, "vi", display_geometry=display)
    # the same colour for every commune, whichever way it is drawn
    assert webmap.commune_colors(tiled) == webmap.commune_colors(plain)
    assert "communes" not in webmap.layer_names(tiled) and webmap.non_local_links(tiled) == []
    assert any("protomaps-leaflet" in a for a in webmap.asset_links(tiled))
    small, large = len(_html(tiled)), len(_html(plain))
    assert small < 40_000 + 2 * len(big) and large > 10 * small
    assert f"/app/static/tiles/{t.polygons}" in _html(tiled)


def test_a_click_point_finds_its_commune_and_the_outline_is_its_shape(cov):
    display = _display(cov)
    code = cov["code"].iloc[7]
    p = display.loc[code].representative_point()
    assert webmap.code_at(display, {"lat": p.y, "lng": p.x}) == code
    assert webmap.code_at(display, {"lat": 0.0, "lng": 0.0}) is None
    assert webmap.code_at(display, {"lat": "x", "lng": None}) is None
    assert shapely.geometry.shape(webmap.shape_of(display, code)).equals(display.loc[code])


# --- in a real browser at 10,000 communes ------------------------------------------------------
N = 10_000


@pytest.fixture(scope="module")
def country(tmp_path_factory):
    """The app on 10,000 synthetic communes (seeded once; the tiles are written on the first map)."""
    require_browser()
    bundle = synthetic.country(tmp_path_factory.mktemp("country") / "bundle", N, 200, seed=0)
    data = tmp_path_factory.mktemp("country-data")
    with streamlit_server(env={"ATLAS_DATA_DIR": str(data), "ATLAS_BUNDLE_DIR": str(bundle)}) as url:
        yield url, gpd.read_file(bundle / "communes.geojson").to_crs("EPSG:4326")


MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _map_frame(page):
    page.locator(MAP_FRAME).wait_for(timeout=180_000)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("() => !!window.map && !!window.atlasCommunes", timeout=180_000)
    return frame


def _inside(poly) -> shapely.Point:
    """A point well inside ``poly``, away from its border (the outline) and its name (at its point on surface)."""
    r = poly.area ** 0.5
    core = poly.buffer(-0.15 * r).difference(poly.point_on_surface().buffer(0.3 * r))
    return (core if not core.is_empty else poly).point_on_surface()


PIXEL = """([lat, lng]) => {
    // the colour the communes' tiles drew at a place: the canvas under it, read in device pixels
    const pt = window.map.latLngToContainerPoint([lat, lng]);
    const box = window.map.getContainer().getBoundingClientRect();
    const x = box.left + pt.x, y = box.top + pt.y;
    const canvas = [...document.querySelectorAll('.leaflet-atlasCommunes-pane canvas.leaflet-tile-loaded')].find(c => {
        const r = c.getBoundingClientRect(); return x >= r.left && x < r.right && y >= r.top && y < r.bottom; });
    if (!canvas) { return null; }
    const r = canvas.getBoundingClientRect();
    const px = Math.floor((x - r.left) * canvas.width / r.width), py = Math.floor((y - r.top) * canvas.height / r.height);
    const d = canvas.getContext('2d').getImageData(px, py, 1, 1).data;
    return d[3] > 0 ? [d[0], d[1], d[2]] : null;
}"""


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", css)[:3])


@pytest.mark.browser
def test_ten_thousand_communes_drawn_from_tiles_and_a_click_selects_the_right_one(country, offline_browser):
    url, communes = country
    page = offline_browser.page
    responses: list[tuple[int, str, str | None]] = []
    page.on("response", lambda r: responses.append((r.status, r.url, r.request.headers.get("range"))))
    target = communes.iloc[4321]
    # Crop zones, events and projects take their own clicks (they select their commune too): hidden here, so
    # the click lands on the tiles.
    page.goto(f"{url}/?lang=en&commune={target['code']}&hide=crop_zones&hide=landslide_events&hide=projects",
              timeout=180_000)
    frame = _map_frame(page)
    page.get_by_role("heading", name=target["name"]).wait_for(timeout=120_000)
    wait_app_idle(page, timeout=120_000)
    frame.wait_for_function("() => document.querySelectorAll('path.atlas-selected').length === 1", timeout=60_000)

    # The commune the link named is in view, outlined, and painted in a class colour of the legend (at 78 %
    # over the map's background): drawn from the tiles, while the map document carries no polygon.
    spot = _inside(target.geometry)
    frame.wait_for_function("([lat, lng]) => window.map.getBounds().contains([lat, lng])", arg=[spot.y, spot.x])
    frame.wait_for_function(PIXEL, arg=[spot.y, spot.x], timeout=60_000)
    drawn = frame.evaluate(PIXEL, [spot.y, spot.x])
    assert frame.evaluate("() => document.querySelectorAll('path.td-commune').length") == 0
    legend = [_rgb(c) for c in frame.evaluate(
        "() => [...document.querySelectorAll('[data-testid=map-legend] .td-sw')].map(s => getComputedStyle(s).backgroundColor)")]
    bg = (0xF4, 0xF1, 0xEA)
    blended = [tuple(round(0.78 * c + 0.22 * b) for c, b in zip(col, bg)) for col in legend]
    assert any(all(abs(x - y) <= 6 for x, y in zip(drawn, b)) for b in blended), (drawn, blended)

    # The tiles came from the app in pieces (206 Partial Content, the file's own bytes), nothing from elsewhere.
    hits = [r for r in responses if "/app/static/tiles/communes-" in r[1]]
    assert hits and all(status == 206 and (rng or "").startswith("bytes=") for status, _, rng in hits)
    assert offline_browser.blocked == []
    name = hits[0][1].rsplit("/", 1)[1]
    status, headers, body = http_get(f"{url}/app/static/tiles/{name}", {"Range": "bytes=0-126"})
    assert status == 206 and body[:7] == b"PMTiles" and body == (TILES / name).read_bytes()[:127]
    assert headers["Content-Range"].startswith("bytes 0-126/")

    # A click on a neighbour selects that neighbour: its panel, the outline moves, the link follows.
    page.locator(MAP_FRAME).evaluate("f => f.scrollIntoView({block: 'center'})")  # all of the map on screen
    box = page.locator(MAP_FRAME).bounding_box()
    for _, other in communes[communes.geometry.touches(target.geometry)].iterrows():
        there = _inside(other.geometry)
        x, y = frame.evaluate("([lat, lng]) => { const p = window.map.latLngToContainerPoint([lat, lng]);"
                              " return [p.x, p.y]; }", [there.y, there.x])
        if 40 < x < box["width"] - 40 and 40 < y < box["height"] - 40:
            break
    else:
        pytest.fail("no neighbour in view to click")
    before = frame.evaluate("() => document.querySelector('path.atlas-selected').getAttribute('d')")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_role("heading", name=other["name"]).wait_for(timeout=60_000)
    frame.wait_for_function(f"""() => {{ const p = document.querySelectorAll('path.atlas-selected');
        return p.length === 1 && p[0].getAttribute('d') !== {before!r}; }}""", timeout=30_000)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('commune') === {other['code']!r}",
                           timeout=30_000)
