"""The web map (geo/webmap.py) on tiny hand-made layers: colours, escaping, layers, offline assets."""

from __future__ import annotations

import html
import re
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.analysis.classify import PALETTES, ZERO_COLOR, classify
from geo.model import schema
from geo.output.maps import webmap
from tests.helpers import styler_colors

ROOT = Path(__file__).resolve().parent.parent
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def communes() -> gpd.GeoDataFrame:
    """Four communes in a row with funding gaps 0, 10, 20, 30 (VND) and one hostile name."""
    return gpd.GeoDataFrame(
        {"code": ["00001", "00002", "00003", "00004"], "name": ["Một", "Hai", "Ba", XSS],
         "gap": [0, 10, 20, 30], "risk_share": [0.0, None, 50.0, 100.0]},
        geometry=[box(103.5 + i * 0.05, 22.3, 103.55 + i * 0.05, 22.35) for i in range(4)], crs="EPSG:4326",
    )


@pytest.fixture
def overlays() -> webmap.Overlays:
    crops = gpd.GeoDataFrame({"zone_id": ["Z1"], "crop": ["tea"], "commune_code": ["00001"],
                              "area_ha_reported": [800.0]}, geometry=[box(103.51, 22.31, 103.52, 22.32)],
                             crs="EPSG:4326")
    risk = gpd.GeoDataFrame({"zone_id": ["R1"], "risk_level": ["high"]},
                            geometry=[box(103.56, 22.31, 103.6, 22.34)], crs="EPSG:4326")
    events = gpd.GeoDataFrame({"event_id": ["E1"], "date": ["2020-07-03"], "commune_code": ["00002"],
                               "description_vi": [f"Sạt lở {XSS}"], "description_en": [f"Landslide {XSS}"],
                               "location_accuracy": ["commune"], "source": ["press"]},
                              geometry=[Point(103.57, 22.32)], crs="EPSG:4326")
    projects = pd.DataFrame({"project_id": ["P1", "P2"], "name_vi": [XSS, "Không tọa độ"], "name_en": [XSS, ""],
                             "commune_code": ["00003", "00004"], "status": ["proposal", "committed"],
                             "lon": [103.62, None], "lat": [22.32, None]})
    lines = pd.DataFrame({"project_id": ["P1", "P2"], "source": ["ngo", "ngo"], "need": [100, 50],
                          "committed": [0, 50], "disbursed": [0, 0]})
    return webmap.Overlays(crops, risk, events, webmap.project_points(projects, lines, "en"))



def test_each_commune_gets_the_colour_of_its_class(communes):
    c = classify(communes["gap"], scheme="equal_interval", k=2, palette="reds")
    m = webmap.build_map(communes, "gap", c, "en")
    light, dark = PALETTES["reds"][0], PALETTES["reds"][-1]
    # 0 is a class of its own; the other three (10, 20, 30) are one class each (few values: classes follow them).
    assert webmap.commune_colors(m) == {"00001": ZERO_COLOR, "00002": light, "00003": c.colors[1], "00004": dark}
    # ... and those are the colours the browser receives.
    page = m.get_root().render()
    layer = next(v for v in styler_colors(page).values() if "00001" in v or "00003" in v)
    sent = {code: layer.get(code, layer["default"]) for code in communes["code"]}
    assert sent == webmap.commune_colors(m)


def test_missing_values_are_grey_and_in_the_legend(communes):
    c = classify(communes["risk_share"], scheme="quantiles", k=3)
    m = webmap.build_map(communes, "risk_share", c, "vi")
    assert webmap.commune_colors(m)["00002"] == "#d9d9d9"
    rows = webmap.legend_rows(c, "risk_share", "vi")
    assert rows[-1] == ("#d9d9d9", "không có số liệu")
    assert all(label.endswith("%") and " %" not in label for _, label in rows[:-1])  # "12,5%", as on paper


def test_legend_labels_follow_language_and_unit():
    c = classify([0, 1_500_000_000, 3_000_000_000], scheme="equal_interval", k=2)
    vi = webmap.legend_rows(c, "gap", "vi")
    en = webmap.legend_rows(c, "gap", "en")
    # Zero is its own class (not a range starting at "0,0 triệu ₫"); two values, one class each.
    assert [r[1] for r in vi] == ["0 ₫ hoặc không có dự án", "1,5 tỷ ₫", "3,0 tỷ ₫"]
    assert [r[1] for r in en] == ["VND 0 or no project", "VND 1.5 billion", "VND 3.0 billion"]
    assert [r[0] for r in vi] == [ZERO_COLOR, *c.colors]
    many = webmap.legend_rows(classify([0, 2e8, 9e8, 1.5e9, 2e9, 2.6e9, 3e9], "equal_interval", k=3), "gap", "vi")
    assert many[0][1] == "0 ₫ hoặc không có dự án" and many[1][1].startswith("200,0 triệu ₫ – ")


def test_user_text_is_escaped_in_tooltips_and_never_raw_in_the_page(communes, overlays):
    c = classify(communes["gap"], "quantiles")
    m = webmap.build_map(communes, "gap", c, "en", webmap.MapLayers(), overlays, note=[XSS])
    page = m.get_root().render()
    assert "<img src=x" not in page
    layers = {el.layer_name: el for el in webmap._walk(m) if isinstance(el, folium.GeoJson)}
    names = [f["properties"]["name"] for f in layers["communes"].data["features"]]
    assert html.escape(XSS) in names
    assert layers["projects"].data["features"][0]["properties"]["name"] == html.escape(XSS)
    assert layers["landslide_events"].data["features"][0]["properties"]["what"] == html.escape(f"Landslide {XSS}")
    # Labels, legend and note go through textContent: the raw text is only inside JSON strings.
    assert "textContent = l.text" in page and "textContent = r.label" in page


def test_layer_toggles_add_and_remove_layers(communes, overlays):
    c = classify(communes["gap"], "quantiles")
    full = webmap.build_map(communes, "gap", c, "vi", webmap.MapLayers(), overlays)
    assert webmap.layer_names(full) == ["communes", "risk_zones", "crop_zones", "landslide_events", "projects"]
    bare = webmap.build_map(communes, "gap", c, "vi", webmap.MapLayers(False, False, False, False, False), overlays)
    assert webmap.layer_names(bare) == ["communes"]
    assert 'className: "td-label"' in full.get_root().render()
    assert 'className: "td-label"' not in bare.get_root().render()
    # Only located projects are drawn: P2 has no coordinates.
    proj = next(el for el in webmap._walk(full) if isinstance(el, folium.GeoJson) and el.layer_name == "projects")
    assert [f["id"] for f in proj.data["features"]] == ["P1"]


def test_no_basemap_unless_asked(communes):
    c = classify(communes["gap"], "quantiles")
    offline = webmap.build_map(communes, "gap", c, "vi")
    online = webmap.build_map(communes, "gap", c, "vi", webmap.MapLayers(online_basemap=True))
    assert not [el for el in webmap._walk(offline) if isinstance(el, folium.TileLayer)]
    assert "tile.openstreetmap.org" not in offline.get_root().render()
    assert [el.tiles for el in webmap._walk(online) if isinstance(el, folium.TileLayer)] == [webmap.OSM_TILES]


@pytest.mark.parametrize("layers", [webmap.MapLayers(), webmap.MapLayers(online_basemap=True),
                                    webmap.MapLayers(False, False, False, False, False)])
def test_every_script_and_stylesheet_is_served_locally(communes, overlays, layers):
    c = classify(communes["gap"], "quantiles")
    m = webmap.build_map(communes, "gap", c, "en", layers, overlays, note=["x"], static_url="/base/app/static")
    links = webmap.asset_links(m)
    assert links == ["/base/app/static/vendor/leaflet/leaflet.js", "/base/app/static/vendor/leaflet/leaflet.css"]
    assert webmap.non_local_links(m) == []
    page = m.get_root().render()
    assert not re.search(r"(?:src|href)=[\"']https?://", page)


def test_link_check_catches_folium_cdn_defaults():
    # The check can fail: a plain folium map pulls Leaflet, jQuery, Bootstrap and Font Awesome from CDNs.
    bad = webmap.non_local_links(folium.Map(tiles=None))
    assert any("jquery" in u for u in bad) and any("leaflet" in u for u in bad)


def test_vendored_leaflet_is_present_and_pinned():
    vendor = ROOT / "static" / "vendor" / "leaflet"
    js = (vendor / "leaflet.js").read_text(encoding="utf-8")
    assert f'version="{webmap.LEAFLET_VERSION}"' in js
    assert (vendor / "leaflet.css").stat().st_size > 10_000
    assert "BSD" in (vendor / "LICENSE").read_text(encoding="utf-8")
    assert {p.name for p in (vendor / "images").iterdir()} >= {"layers.png", "marker-icon.png"}
    # Every file the map links to exists under static/.
    for url in webmap.asset_links(webmap.build_map(
            gpd.GeoDataFrame({"code": ["00001"], "name": ["A"], "gap": [1]},
                             geometry=[box(103.5, 22.3, 103.6, 22.4)], crs="EPSG:4326"),
            "gap", classify([1]), "vi")):
        assert (ROOT / url.removeprefix("/app/")).is_file(), url


def test_same_inputs_render_identical_html(communes, overlays):
    """Byte-identical output lets Streamlit send a cached map by hash instead of resending geometry."""
    c = classify(communes["gap"], "quantiles")
    pages = [webmap.build_map(communes, "gap", c, "vi", webmap.MapLayers(), overlays).get_root().render()
             for _ in range(2)]
    assert pages[0] == pages[1]


def test_provenance_note_names_every_non_official_layer():
    def prov(layer, q):
        return schema.Provenance(layer, schema.Label(layer, layer), "s", "l", "d", q)
    provenance = {"communes": prov("communes", schema.Quality.APPROXIMATE),
                  "projects": prov("projects", schema.Quality.ILLUSTRATIVE),
                  "risk_zones": prov("risk_zones", schema.Quality.ILLUSTRATIVE),
                  "units_2025": prov("units_2025", schema.Quality.OFFICIAL)}
    assert webmap.provenance_note(provenance, ("communes", "projects", "risk_zones", "units_2025"), "en") == [
        "APPROXIMATE: commune boundaries", "ILLUSTRATIVE: projects, landslide risk zones"]
    shown = webmap.shown_layers("gap", webmap.MapLayers(crop_zones=False, risk_zones=False,
                                                        landslide_events=False, projects=False))
    assert shown == ("communes", "projects", "funding")


def test_note_is_drawn_on_the_map(communes):
    c = classify(communes["gap"], "quantiles")
    m = webmap.build_map(communes, "gap", c, "en", note=["ILLUSTRATIVE: projects"])
    page = m.get_root().render()
    assert "ILLUSTRATIVE: projects" in page and '"testid": "map-note"' in page


def test_clicked_commune_comes_from_the_code_property():
    codes = {"03390", "03394"}
    assert webmap.selected_code({"properties": {"code": "03394", "name": "Xã Tả Lèng"}}, codes) == "03394"
    assert webmap.selected_code({"properties": {"level": "high"}}, codes) is None
    assert webmap.selected_code(None, codes) is None
    assert webmap.selected_code({"properties": {"code": "99999"}}, codes) is None


def test_overlay_legend_is_escaped_html(overlays):
    sections = webmap.overlay_legend(webmap.MapLayers(), overlays, "en")
    assert [s["title"] for s in sections] == ["Landslide risk zones (illustrative)", "Crop zones (illustrative)",
                                              "Hazards", "Projects (illustrative), by status"]
    assert [r["label"] for r in sections[-1]["rows"]] == ["Proposal"]  # only the located project's status
    out = webmap.legend_html([{"title": XSS, "rows": [{"color": "red;background:url(x)", "label": XSS}]}])
    assert "<img" not in out and "url(x)" not in out


def test_zones_are_drawn_lean_like_the_communes(communes):
    """Issue 20: round zones (a crop area, a risk circle) are sent with few vertices, every zone still there."""
    import shapely

    ring = Point(103.55, 22.32).buffer(0.02, quad_segs=256)  # 1,025 vertices, ~2 km across
    crops = gpd.GeoDataFrame({"zone_id": ["Z1"], "crop": ["tea"], "commune_code": ["00001"],
                              "area_ha_reported": [800.0]}, geometry=[ring], crs="EPSG:4326")
    risk = gpd.GeoDataFrame({"zone_id": ["R1"], "risk_level": ["high"]}, geometry=[ring], crs="EPSG:4326")
    c = classify(communes["gap"], "quantiles", k=2)
    m = webmap.build_map(communes, "gap", c, "en", overlays=webmap.Overlays(crop_zones=crops, risk_zones=risk))
    for name in ("crop_zones", "risk_zones"):
        layer = next(el for el in webmap._walk(m) if isinstance(el, folium.GeoJson) and el.layer_name == name)
        (feature,) = layer.data["features"]
        drawn = shapely.geometry.shape(feature["geometry"])
        assert shapely.get_num_coordinates(drawn) < 200, name
        # still the zone's outline: the drawn shape covers it to within a hair
        assert drawn.symmetric_difference(ring).area < 0.01 * ring.area, name
