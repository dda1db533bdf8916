"""The interactive web map: a folium/Leaflet map that runs with no internet connection.

Communes are coloured by their class in a :class:`geo.analysis.classify.Classification`
(via ``style_function``, never ``folium.Choropleth`` or branca colour maps, which
load d3 from a CDN). Crop zones, risk zones, reported landslides and located
projects are optional layers; commune names are text labels, so the map is
readable without any basemap. Every script and stylesheet the map needs is
served by the app itself (Leaflet vendored in ``static/vendor/leaflet``);
:func:`asset_links` lists them so tests can prove none is remote.

User text (project names, places) is HTML-escaped before it reaches a tooltip,
and the legend, the provenance note and the labels are built with
``textContent`` in the browser, so nothing in the data can run as code.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from geo.analysis.classify import ZERO_COLOR, classify
>>> communes = gpd.GeoDataFrame({"code": ["00001", "00002"], "name": ["Một", "Hai"],
...     "gap": [0, 5_000_000_000]}, geometry=[box(103.5, 22.3, 103.6, 22.4),
...     box(103.6, 22.3, 103.7, 22.4)], crs="EPSG:4326")
>>> c = classify(communes["gap"], "equal_interval", k=2)
>>> m = build_map(communes, "gap", c, "en")
>>> commune_colors(m) == {"00001": ZERO_COLOR, "00002": c.colors[0]}
True
>>> non_local_links(m)
[]
"""

from __future__ import annotations

import html
import json
import logging
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import branca
import folium
import geopandas as gpd
import pandas as pd
import shapely
from folium.template import Template

from geo.analysis import funding, indicators
from geo.analysis.classify import NO_DATA_COLOR, Classification
from geo.model import schema
from geo.model.basemap import BASEMAP_LAYER, Basemap
from geo.output.figures import class_label, indicator_value
from geo.output.maps import basemap_image, tiles
from geo.output.maps.styles import STATUS_COLORS  # one colour per status, the print maps' too
from geo.output.maps.tiles import LAYER as TILE_LAYER
from geo.output.maps.tiles import CommuneTiles
from geo.text import fmt
from geo.text.i18n import t

#: Where Streamlit serves ``static/`` (``server.enableStaticServing``); prefixed with any base URL path.
STATIC_URL = "/app/static"
LEAFLET_VERSION = "1.9.4"
PROTOMAPS_LEAFLET_VERSION = "5.1.0"

#: Colour scheme per indicator (sequential, light → dark).
INDICATOR_PALETTES: dict[str, str] = {k: i.palette for k, i in indicators.INDICATORS.items()}
CROP_COLORS: dict[str, str] = dict(zip(schema.CROPS, ("#4daf4a", "#1b5e20", "#e6c229", "#a6d854", "#ff7f00")))
RISK_COLORS: dict[str, str] = {"very_high": "#67001f", "high": "#b2182b", "medium": "#ef8a62", "low": "#92c5de",
                               "very_low": "#4393c3"}
EVENT_COLOR = "#4a1486"
OUTLINE_COLOR = "#3a3a3a"
COMMUNE_CLASS = "td-commune"  # CSS class of every commune polygon (tests count them)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
#: Coordinates sent to the browser: 5 decimals (~1 m), far below a pixel at any useful zoom.
DISPLAY_DECIMALS = 5
#: Width assumed for the map when fitting its initial zoom (Streamlit sizes it to the column).
MAP_WIDTH_PX = 800
#: More communes than this: names are drawn only when zoomed in, and only those in view.
LABELS_ALWAYS_MAX = 300
#: More located projects than this are not drawn as markers (the browser would crawl); the note says so.
MAX_POINTS = 3000


@dataclass(frozen=True)
class MapLayers:
    """Which optional layers are drawn. Hashable, so it can key a cache."""

    crop_zones: bool = True
    risk_zones: bool = True
    landslide_events: bool = True
    projects: bool = True
    labels: bool = True
    online_basemap: bool = False
    #: The store's offline basemap (issue 19), when there is one; off by default: it costs its bytes.
    offline_basemap: bool = False


@dataclass(frozen=True)
class Overlays:
    """The optional layers' data, all in EPSG:4326 (any may be empty)."""

    crop_zones: gpd.GeoDataFrame | None = None
    risk_zones: gpd.GeoDataFrame | None = None
    landslide_events: gpd.GeoDataFrame | None = None
    projects: gpd.GeoDataFrame | None = None  # from :func:`project_points`
    #: The risk zones' quality, named in their legend unless official (an imported zoning map may be).
    risk_quality: schema.Quality = schema.Quality.ILLUSTRATIVE
    basemap: Basemap | None = None  # ``Dataset.basemap``


# --- assets ------------------------------------------------------------------------
def leaflet_assets(static_url: str = STATIC_URL) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(js, css)`` link lists of the vendored Leaflet, as folium's ``default_js``/``default_css``.

    >>> js, css = leaflet_assets("/base/app/static")
    >>> js
    [('leaflet', '/base/app/static/vendor/leaflet/leaflet.js')]
    """
    base = f"{static_url.rstrip('/')}/vendor/leaflet"
    return [("leaflet", f"{base}/leaflet.js")], [("leaflet_css", f"{base}/leaflet.css")]


def tiles_url(static_url: str = STATIC_URL) -> str:
    """Where the app serves :mod:`geo.output.maps.tiles` files: ``static/tiles`` of the app folder."""
    return f"{static_url.rstrip('/')}/tiles"


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def asset_links(m: folium.Map) -> list[str]:
    """Every script and stylesheet URL the map loads, the way ``streamlit-folium`` collects them.

    That is each element's ``default_js``/``default_css``, plus d3 for any branca
    colour map, plus any ``src``/``href`` left in the rendered page.
    """
    links: list[str] = []
    for el in _walk(m):
        if isinstance(el, branca.colormap.ColorMap):
            links.append("https://d3js.org/d3.v4.min.js")  # what streamlit-folium injects for it
        links += [url for _, url in getattr(el, "default_js", [])]
        links += [url for _, url in getattr(el, "default_css", [])]
    page = m.get_root().render()
    links += re.findall(r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)""", page, flags=re.I)
    links += re.findall(r"""@import\s+(?:url\()?["']?([^"')\s;]+)""", page, flags=re.I)
    return list(dict.fromkeys(links))


def is_local(url: str) -> bool:
    """True for a path on the app's own server (``/app/static/...``), not another host."""
    return url.startswith("/") and not url.startswith("//")


def non_local_links(m: folium.Map) -> list[str]:
    """Links in :func:`asset_links` that would reach another host (must be empty)."""
    return [u for u in asset_links(m) if not is_local(u)]


# --- values and labels -----------------------------------------------------------------
#: An indicator value with its unit, per language: the print map's function, so both read alike.
format_value = indicator_value


def legend_rows(c: Classification, indicator: str, lang: str) -> list[tuple[str, str]]:
    """``(colour, label)`` per class of :meth:`~geo.analysis.classify.Classification.legend_classes`: zero,
    each range (or value), no data: the same rows as the print legend.

    >>> from geo.analysis.classify import classify
    >>> legend_rows(classify([1, 10, 20, 30], "equal_interval", k=2), "ha_tea", "en")
    [('#fee5d9', '1 ha – 15.5 ha'), ('#a50f15', '15.5 ha – 30 ha')]
    >>> [label for _, label in legend_rows(classify([0, 0, 800.4]), "ha_tea", "vi")]
    ['0 ha', '800,4 ha']
    """
    return [(cls.color, class_label(indicator, cls, lang)) for cls in c.legend_classes()]


def provenance_note(provenance: Mapping[str, schema.Provenance], layer_ids: tuple[str, ...], lang: str) -> list[str]:
    """The honesty note printed on the map: per quality below official, the shown layers that have it.

    >>> from geo.storage.store import BundledStore
    >>> provenance_note(BundledStore().load().provenance, ("communes", "projects", "units_2025"), "en")
    ['APPROXIMATE: commune boundaries', 'ILLUSTRATIVE: projects']
    """
    by_quality: dict[schema.Quality, list[str]] = {}
    for layer in dict.fromkeys(layer_ids):
        p = provenance.get(layer)
        if p is not None and not p.is_official:
            by_quality.setdefault(p.quality, []).append(t(f"map.short_{layer}", lang))
    order = [schema.Quality.APPROXIMATE, schema.Quality.ILLUSTRATIVE]
    return [f"{schema.QUALITY_LABELS[q](lang).upper()}: {', '.join(by_quality[q])}"
            for q in order if q in by_quality]


def shown_layers(indicator: str, layers: MapLayers) -> tuple[str, ...]:
    """Layer ids whose data a map shows (for its provenance note)."""
    ids = ["communes", *indicators.INDICATORS[indicator].layers]
    ids += [lid for lid, on in (("crop_zones", layers.crop_zones), ("risk_zones", layers.risk_zones),
                                ("landslide_events", layers.landslide_events), ("projects", layers.projects),
                                (BASEMAP_LAYER, layers.offline_basemap)) if on]
    return tuple(dict.fromkeys(ids))


def project_points(projects: pd.DataFrame, lines: pd.DataFrame, lang: str) -> gpd.GeoDataFrame:
    """Projects that have coordinates, as points with name (in ``lang``), status, need and gap.

    Projects without coordinates are not placed anywhere: inventing a location would mislead.

    >>> p = pd.DataFrame({"project_id": ["A", "B"], "name_vi": ["Một", "Hai"], "name_en": ["One", ""],
    ...     "commune_code": ["00001", "00002"], "status": ["proposal", "proposal"], "lon": [103.5, None], "lat": [22.3, None]})
    >>> f = pd.DataFrame({"project_id": ["A"], "source": ["ngo"], "need": [10], "committed": [4], "disbursed": [0]})
    >>> project_points(p, f, "en")[["project_id", "name", "need", "gap"]].to_dict("records")
    [{'project_id': 'A', 'name': 'One', 'need': 10, 'gap': 6}]
    """
    located = projects[projects["lon"].notna() & projects["lat"].notna()].copy()
    totals = funding.project_totals(lines) if len(lines) else pd.DataFrame(columns=["need", "gap"])
    located["need"] = located["project_id"].map(totals["need"]).fillna(0).astype("int64")
    located["gap"] = located["project_id"].map(totals["gap"]).fillna(0).astype("int64")
    name_en = located["name_en"] if "name_en" in located else pd.Series("", index=located.index)
    located["name"] = located["name_vi"] if lang != "en" else name_en.where(name_en.fillna("") != "", located["name_vi"])
    cols = ["project_id", "name", "commune_code", "status", "need", "gap"]
    return gpd.GeoDataFrame(located[cols].reset_index(drop=True),
                            geometry=gpd.points_from_xy(located["lon"], located["lat"]), crs=schema.GEOGRAPHIC_CRS)


def selected_code(drawing: Mapping | None, codes: set[str] | list[str]) -> str | None:
    """The commune GSO code of a clicked feature (streamlit-folium's ``last_active_drawing``), if any.

    Communes, crop zones and projects carry their commune's ``code`` property; a
    click on anything else selects nothing.

    >>> selected_code({"type": "Feature", "properties": {"code": "03390"}}, {"03390"})
    '03390'
    >>> selected_code({"properties": {"code": "<b>"}}, {"03390"}) is None
    True
    """
    if not isinstance(drawing, Mapping):
        return None
    code = (drawing.get("properties") or {}).get("code")
    return code if isinstance(code, str) and code in codes else None


def code_at(display: gpd.GeoSeries, clicked: Mapping | None) -> str | None:
    """The commune under a map click (streamlit-folium's ``last_clicked``: ``{"lat", "lng"}``), by the same
    display polygons the map draws; for the vector-tile map, whose polygons are pixels in the browser.

    >>> import shapely.geometry as sg
    >>> s = gpd.GeoSeries([sg.box(103.5, 22.3, 103.6, 22.4)], index=["03322"], crs="EPSG:4326")
    >>> code_at(s, {"lat": 22.35, "lng": 103.55}), code_at(s, {"lat": 22.35, "lng": 104.0}), code_at(s, None)
    ('03322', None, None)
    """
    if not isinstance(clicked, Mapping):
        return None
    try:
        point = shapely.Point(float(clicked["lng"]), float(clicked["lat"]))
    except (KeyError, TypeError, ValueError):
        return None
    hits = display.sindex.query(point, predicate="intersects")
    return str(display.index[min(hits)]) if len(hits) else None


# --- lean display geometry --------------------------------------------------------------
def fit_zoom(bounds: tuple[float, float, float, float], width_px: int = MAP_WIDTH_PX, height_px: int = 600) -> float:
    """The (fractional) Leaflet zoom at which lon/lat ``bounds`` fill a ``width_px`` × ``height_px`` map.

    >>> round(fit_zoom((103.41, 22.16, 103.78, 22.50)), 1)  # Tam Đường in 800 × 600 px
    11.2
    >>> round(fit_zoom((103.0, 17.0, 108.0, 22.0)), 1)  # ~10,000 communes of northern Vietnam
    7.3
    """
    minx, miny, maxx, maxy = bounds
    zx = math.log2(width_px * 360 / (256 * max(maxx - minx, 1e-9)))

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    zy = math.log2(height_px * 2 * math.pi / (256 * max(merc(maxy) - merc(miny), 1e-12)))
    return min(zx, zy)


def display_tolerance(bounds: tuple[float, float, float, float], height_px: int = 600, detail_zooms: int = 2,
                      width_px: int = MAP_WIDTH_PX) -> float:
    """Simplification tolerance (degrees): one screen pixel at ``detail_zooms`` levels past the fitted view.

    So borders look exact at the initial view and stay sharp while zooming in ``detail_zooms`` levels.

    >>> tol = display_tolerance((103.41, 22.16, 103.78, 22.50), 600, 2)
    >>> 5 < tol * 111_000 < 40  # metres: ~15 m for the district, ~200 m for the whole country
    True
    """
    z = fit_zoom(bounds, width_px, height_px) + detail_zooms
    lat = math.radians((bounds[1] + bounds[3]) / 2)
    return 360 / (256 * 2 ** z) * math.cos(lat)


def lean_geometry(geoms: gpd.GeoSeries, tolerance: float, decimals: int = DISPLAY_DECIMALS) -> gpd.GeoSeries:
    """Display geometry: simplified as one coverage (shared borders stay shared, no gaps or overlaps
    appear; ``shapely.coverage_simplify``, Visvalingam–Whyatt: a vertex goes when the triangle it
    makes with its neighbours is under ``tolerance²``), then coordinates rounded to ``decimals``.

    Only for drawing: every area, join and indicator uses the full geometry. A layer that is not a
    valid coverage (overlaps in the source) is simplified polygon by polygon, topology preserved.

    >>> from shapely.geometry import Polygon
    >>> wiggly = [(0, 0), (0.5, 0.00001), (1, 0), (1, 1), (0.5, 1.00001), (0, 1)]
    >>> g = gpd.GeoSeries([Polygon(wiggly)], crs="EPSG:4326")
    >>> lean_geometry(g, 0.01).iloc[0].wkt
    'POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))'
    """
    arr = geoms.to_numpy()
    if tolerance > 0 and len(arr):
        if shapely.coverage_is_valid(arr):
            arr = shapely.coverage_simplify(arr, tolerance, simplify_boundary=True)
        else:
            arr = shapely.simplify(arr, tolerance, preserve_topology=True)
    # Pointwise rounding maps equal vertices to equal vertices, so neighbours still match exactly.
    rounded = shapely.set_precision(arr, 10.0 ** -decimals, mode="pointwise")
    bad = ~shapely.is_valid(rounded)
    if bad.any():  # a sliver collapsed by rounding: keep that one unrounded rather than draw it broken
        rounded[bad] = arr[bad]
    return gpd.GeoSeries(rounded, index=geoms.index, crs=geoms.crs)


def lean_communes(communes: gpd.GeoDataFrame, height_px: int = 600, detail_zooms: int = 2,
                  bounds: tuple[float, float, float, float] | None = None) -> gpd.GeoSeries:
    """Display geometry of a commune layer (EPSG:4326), indexed by ``code``; cache it per data version."""
    communes = communes.to_crs(schema.GEOGRAPHIC_CRS)
    tol = display_tolerance(tuple(bounds or communes.total_bounds), height_px, detail_zooms)
    return lean_geometry(communes.geometry.set_axis(pd.Index(communes["code"], name="code")), tol)


# --- building the map --------------------------------------------------------------
def _e(value: object) -> str:
    """Text for a tooltip cell: HTML-escaped (folium's tooltips insert properties as HTML)."""
    return html.escape("" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value))


def _features(gdf: gpd.GeoDataFrame, props: pd.DataFrame, ids: pd.Series | None = None) -> dict:
    """A GeoJSON FeatureCollection with exactly ``props`` as properties, coordinates rounded (~1 m)."""
    geoms = shapely.set_precision(gdf.geometry.to_numpy(), 10.0 ** -DISPLAY_DECIMALS, mode="pointwise")
    feats = []
    for i, (geom, (_, row)) in enumerate(zip(geoms, props.iterrows())):
        feat = {"type": "Feature", "id": str(ids.iloc[i]) if ids is not None else str(i),
                "properties": {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()},
                "geometry": json.loads(shapely.to_geojson(geom))}
        feats.append(feat)
    return {"type": "FeatureCollection", "features": feats}


class _GeoJson(folium.GeoJson):
    """A GeoJson layer that works out its per-feature style map once.

    streamlit-folium renders the map three times on every rerun; folium recomputes the style of every
    feature each time (seconds at 10,000 communes). The map object is cached and never mutated, so
    its styles cannot change.
    """

    def render(self, **kwargs):
        if getattr(self, "_styled", False):
            # folium declares parent_map as None and sets it to the map in render(), as here
            self.parent_map = folium.utilities.get_obj_in_upper_tree(self, folium.Map)  # type: ignore[assignment]
            return super(folium.GeoJson, self).render(**kwargs)
        super().render(**kwargs)
        self._styled = True


def _tooltip(fields: list[str], aliases: list[str]) -> folium.GeoJsonTooltip:
    return folium.GeoJsonTooltip(fields=fields, aliases=[html.escape(a) for a in aliases], sticky=True)


class _Css(branca.element.MacroElement):
    """Our few style rules, inline in the page header (no stylesheet download)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: #f4f1ea; }
        .leaflet-interactive:focus { outline: none; }
        .td-box { background: rgba(255,255,255,.94); padding: 6px 9px; font: 12px/1.35 sans-serif; color: #222;
                  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.35); max-width: 290px; }
        .td-box .td-title { font-weight: 700; margin-bottom: 3px; }
        .td-box .td-sub { font-weight: 700; margin-top: 5px; }
        .td-box .td-row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
        .td-box .td-sw { width: 16px; height: 11px; border: 1px solid #555; flex: none; }
        .td-box .td-sw.td-circle { width: 10px; height: 10px; border-radius: 50%; margin: 0 3px; }
        .td-box .td-sw.td-line { height: 0; border: 0; border-top: 2px dashed; }
        .td-box.td-note { background: #fff4e5; border-left: 4px solid #c45100; max-width: 340px; }
        .td-box.td-note .td-title { color: #8a3a00; }
        .foliumtooltip { font-size: 12.5px; }
        .foliumtooltip table { border-collapse: collapse; }
        .foliumtooltip th { text-align: left; padding: 1px 8px 1px 0; white-space: nowrap; vertical-align: top; }
        .foliumtooltip td { min-width: 140px; max-width: 300px; white-space: normal; }
        .td-label { background: none; border: none; }
        .td-label span { display: block; transform: translate(-50%, -50%); white-space: nowrap; font: 600 11px sans-serif;
                         color: #1d1d1d; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none; }
        </style>
        {% endmacro %}
    """)


class _InfoBox(branca.element.MacroElement):
    """A Leaflet control (legend or note) whose text is set with textContent, never as HTML."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var spec = {{ this.spec|tojson }};
            var box = L.control({position: spec.position});
            box.onAdd = function () {
                var div = L.DomUtil.create("div", "td-box " + spec.css_class);
                div.setAttribute("data-testid", spec.testid);
                function line(cls, text) {
                    var d = L.DomUtil.create("div", cls, div); d.textContent = text; return d;
                }
                line("td-title", spec.title);
                spec.sections.forEach(function (sec) {
                    if (sec.title) { line("td-sub", sec.title); }
                    sec.rows.forEach(function (r) {
                        var row = L.DomUtil.create("div", "td-row", div);
                        if (r.color) {
                            var sw = L.DomUtil.create("span", "td-sw " + (r.shape ? "td-" + r.shape : ""), row);
                            if (r.shape === "line") { sw.style.borderTopColor = r.color; }
                            else { sw.style.background = r.color; }
                        }
                        var tx = L.DomUtil.create("span", "", row); tx.textContent = r.label;
                    });
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            box.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, sections: list[dict], position: str, css_class: str, testid: str):
        super().__init__()
        self._name = "InfoBox"
        self.spec = {"title": title, "sections": sections, "position": position, "css_class": css_class,
                     "testid": testid}


class _MapSetup(branca.element.MacroElement):
    """Fit the district without animation, and keep the first click from scrolling the page.

    Leaflet focuses the map on mousedown; focusing an iframe that is partly off-screen
    scrolls the page, so the mouse is released over another feature and the click is lost.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            map.fitBounds({{ this.bounds|tojson }}, {animate: false, padding: [8, 8]});
            if (map.keyboard) {
                map.keyboard.disable();
                L.Map.Keyboard.prototype._onMouseDown = function () {
                    if (!this._focused) { this._map._container.focus({preventScroll: true}); }
                };
                map.keyboard.enable();
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]):
        super().__init__()
        self._name = "MapSetup"
        self.bounds = bounds


class _Labels(branca.element.MacroElement):
    """Commune names as non-interactive text markers (readable with no basemap)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var labels = {{ this.labels|tojson }}, minZoom = {{ this.min_zoom|tojson }}, cap = 400;
            var group = L.layerGroup().addTo(map);
            function label(l) {
                var span = document.createElement("span"); span.textContent = l.text;
                return L.marker([l.lat, l.lon], {icon: L.divIcon({className: "td-label", html: span, iconSize: null}),
                                                 interactive: false, keyboard: false});
            }
            if (minZoom === null) { labels.forEach(function (l) { label(l).addTo(group); }); return; }
            // Many communes: names only when zoomed in, only those in view (a few hundred DOM nodes at most).
            function draw() {
                group.clearLayers();
                if (map.getZoom() < minZoom) { return; }
                var b = map.getBounds(), n = 0;
                for (var i = 0; i < labels.length && n < cap; i++) {
                    if (b.contains([labels[i].lat, labels[i].lon])) { label(labels[i]).addTo(group); n++; }
                }
            }
            map.on("moveend", draw); draw();
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, labels: list[dict], min_zoom: float | None = None):
        super().__init__()
        self._name = "Labels"
        self.labels = labels
        self.min_zoom = min_zoom


class _VectorCommunes(branca.element.MacroElement):
    """The communes from PMTiles (:mod:`geo.output.maps.tiles`), drawn by protomaps-leaflet on canvas tiles.

    Colours arrive as one character per commune (``classes[i]`` indexes ``palette``), so the map document
    stays a few kilobytes whatever the number of communes; names come from the labels file, from
    ``label_zoom`` on. The layer sits in its own pane between the basemap tiles and the overlays.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var spec = {{ this.spec|tojson }};
            var pane = map.createPane("atlasCommunes");
            pane.style.zIndex = 350;
            function fill(z, f) { return spec.palette[spec.classes.charCodeAt(f.props.i) - 48] || spec.none; }
            // hairlines while communes are a few pixels wide, full outlines once names show
            function outline(z) { return z < spec.label_zoom - 1 ? 0.4 : 1; }
            var sources = {c: {url: spec.polygons, maxDataZoom: spec.max_zoom}};
            var labels = [];
            if (spec.labels) {
                sources.l = {url: spec.labels, maxDataZoom: spec.label_zoom};
                labels.push({dataSource: "l", dataLayer: spec.layer, minzoom: spec.label_zoom,
                             symbolizer: new protomapsL.CenteredTextSymbolizer({labelProps: ["name"],
                                 fill: "#1d1d1d", stroke: "#ffffff", width: 3, font: "600 11px sans-serif"})});
            }
            var layer = protomapsL.leafletLayer({sources: sources, pane: "atlasCommunes", attribution: "",
                paintRules: [{dataSource: "c", dataLayer: spec.layer, symbolizer: new protomapsL.PolygonSymbolizer(
                    {fill: fill, opacity: spec.opacity, stroke: spec.outline, width: outline})}],
                labelRules: labels});
            layer.addTo(map);
            map.setMinZoom(spec.min_zoom);
            window.atlasCommunes = layer;
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, tiles: CommuneTiles, url: str, colors: Mapping[str, str], opacity: float, labels: bool):
        super().__init__()
        self._name = "VectorCommunes"
        self.codes = tiles.codes
        self.palette = palette = sorted(set(colors.values()))
        index = {c: i for i, c in enumerate(palette)}
        self.classes = "".join(chr(48 + index[colors[c]]) for c in tiles.codes)
        self.spec = {
            "polygons": f"{url}/{tiles.polygons}", "labels": f"{url}/{tiles.labels}" if labels else None,
            "layer": TILE_LAYER, "min_zoom": tiles.min_zoom, "max_zoom": tiles.max_zoom,
            "label_zoom": tiles.label_zoom, "opacity": opacity, "outline": OUTLINE_COLOR, "none": NO_DATA_COLOR,
            "palette": palette, "classes": self.classes,
        }


def _lean_zones(zones: gpd.GeoDataFrame | None, tolerance: float) -> gpd.GeoDataFrame | None:
    """A zone layer with display geometry (:func:`lean_geometry`); areas are never measured from it."""
    if zones is None or not len(zones):
        return zones
    zones = zones.to_crs(schema.GEOGRAPHIC_CRS)
    return zones.set_geometry(lean_geometry(zones.geometry, tolerance).to_numpy(), crs=schema.GEOGRAPHIC_CRS)


def _stable_ids(m: folium.Map) -> None:
    """Give every element a deterministic id, the way streamlit-folium renames them.

    The same inputs then render byte-identical HTML, so Streamlit sends the map
    once and afterwards only its hash, and the map in the browser is not redrawn.
    """
    def visit(el: branca.element.Element, base: str) -> None:
        el._id = base
        for i, child in enumerate(el._children.values()):
            visit(child, f"{base}_{i}")

    visit(m, "div")


def _basemap_overlay(basemap: Basemap, lang: str, pane: str = "overlayPane") -> folium.raster_layers.ImageOverlay:
    """The offline basemap as one image overlay (a ``data:`` URL: no tile server, no network). Not
    interactive, so a click still reaches the commune under it."""
    w, s, e, n = basemap.bounds
    p = basemap.provenance
    return folium.raster_layers.ImageOverlay(
        basemap_image.data_url(basemap), bounds=[[s, w], [n, e]], name="basemap", interactive=False, pane=pane,
        attribution=_e(f"{p.title(lang)}: {p.source_in(lang)} ({p.licence_in(lang)})"))


def build_map(
    communes: gpd.GeoDataFrame,
    indicator: str,
    classification: Classification,
    lang: str,
    layers: MapLayers = MapLayers(),
    overlays: Overlays = Overlays(),
    note: list[str] | None = None,
    static_url: str = STATIC_URL,
    height: int = 600,
    *,
    display_geometry: gpd.GeoSeries | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    detail_zooms: int = 2,
    metric_crs: str = schema.METRIC_CRS,
    tiles: CommuneTiles | None = None,
) -> folium.Map:
    """The explorer map: communes coloured by ``indicator`` per ``classification``, plus optional layers.

    ``communes`` needs ``code``, ``name`` and the ``indicator`` column (EPSG:4326).
    ``note`` lines (see :func:`provenance_note`) are printed on the map.
    No tiles unless ``layers.online_basemap``; all scripts come from ``static_url``.

    Polygons are drawn from ``display_geometry`` (indexed by code; :func:`lean_communes`, which
    callers cache per data version) or, if not given, simplified here the same way. ``bounds``
    (lon/lat) is the initial view (the config's ``map.bbox``; default: the communes').
    ``metric_crs`` places the name labels. With ``tiles`` (:func:`geo.output.maps.tiles.commune_tiles` of
    the same display polygons, served under :func:`tiles_url`) the communes and their names are drawn from
    vector tiles instead of GeoJSON: the map document no longer grows with the number of communes; a click
    then reaches the page as a point (:func:`code_at`), and there is no hover tooltip.
    """
    ind = indicators.INDICATORS[indicator]
    communes = communes.to_crs(schema.GEOGRAPHIC_CRS)
    if display_geometry is None:
        display_geometry = lean_communes(communes, height, detail_zooms, bounds)
    full = communes
    communes = communes.set_geometry(display_geometry.reindex(communes["code"]).to_numpy(), crs=schema.GEOGRAPHIC_CRS)
    minx, miny, maxx, maxy = bounds or full.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11, tiles=None,
                   control_scale=True, height=height, zoom_snap=0.25)
    # Leaflet only, from the app's own server; folium's jQuery/Bootstrap/Font Awesome are not needed.
    m.default_js, m.default_css = leaflet_assets(static_url)
    if tiles is not None:
        m.default_js.append(("protomaps_leaflet", f"{static_url.rstrip('/')}/vendor/protomaps-leaflet/protomaps-leaflet.js"))
    _MapSetup([[float(miny), float(minx)], [float(maxy), float(maxx)]]).add_to(m)
    _Css().add_to(m)

    if layers.online_basemap:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19).add_to(m)

    values = communes[indicator]
    colors = {code: classification.color_of(None if pd.isna(v) else float(v)) for code, v in zip(communes["code"], values)}
    props = pd.DataFrame({
        "code": communes["code"].to_numpy(),
        "name": [_e(n) for n in communes["name"]],
        "value": [_e(format_value(indicator, None if pd.isna(v) else v, lang)) for v in values],
        "quality": _e(t("map.boundary_quality", lang)),
    })

    basemap = overlays.basemap if layers.offline_basemap else None
    if basemap is not None and basemap.kind == "image":  # a picture under the fills: they let it show through
        # under the vector tiles' pane too (the tile pane is below it; the overlay pane above)
        _basemap_overlay(basemap, lang, "tilePane" if tiles is not None else "overlayPane").add_to(m)
    fill = 0.55 if basemap is not None and basemap.kind == "image" else 0.78

    def commune_style(feature: dict) -> dict:
        return {"fillColor": colors[feature["properties"]["code"]], "fillOpacity": fill, "color": OUTLINE_COLOR,
                "weight": 1.2}

    commune_layer: folium.GeoJson | None = None
    if tiles is not None:
        _VectorCommunes(tiles, tiles_url(static_url), colors, fill, layers.labels).add_to(m)
    else:
        commune_layer = _GeoJson(
            _features(communes, props, communes["code"]), name="communes", style_function=commune_style,
            highlight_function=lambda f: {"weight": 3, "color": "#000000", "fillOpacity": 0.9},
            tooltip=_tooltip(["name", "value", "quality"],
                             [t("common.commune", lang), ind.label(lang), t("map.tt_boundary", lang)]),
            bubblingMouseEvents=False, class_name=COMMUNE_CLASS,
        )
        commune_layer.add_to(m)

    if basemap is not None and basemap.kind == "relief":  # shadows over the fills, as on print maps
        _basemap_overlay(basemap, lang).add_to(m)

    legend = [{"title": "", "rows": [{"color": c, "label": lbl} for c, lbl in legend_rows(classification, indicator, lang)]}]
    names = dict(zip(communes["code"], communes["name"]))

    # The zones' outlines are drawn as leanly as the communes' (one pixel two zooms in): at full resolution
    # the bundled crop and risk circles were three quarters of the map's bytes (issue 20).
    tol = display_tolerance((minx, miny, maxx, maxy), height, detail_zooms)
    risk = _lean_zones(overlays.risk_zones, tol)
    if layers.risk_zones and risk is not None and len(risk):
        levels = risk["risk_level"].astype(str)
        rprops = pd.DataFrame({"level": levels.to_numpy()})
        # Not clickable: zones span several communes and must not swallow a click meant for a commune.
        _GeoJson(
            _features(risk, rprops, risk["zone_id"]), name="risk_zones",
            style_function=lambda f: {"color": RISK_COLORS.get(f["properties"]["level"], "#000000"), "weight": 2,
                                      "dashArray": "6 4", "fillColor": RISK_COLORS.get(f["properties"]["level"]),
                                      "fillOpacity": 0.12},
            interactive=False,
        ).add_to(m)

    crops = _lean_zones(overlays.crop_zones, tol)
    if layers.crop_zones and crops is not None and len(crops):
        cprops = pd.DataFrame({
            "code": crops["commune_code"].astype(str).to_numpy(),
            "crop": crops["crop"].to_numpy(),
            "crop_label": [_e(schema.CROPS[c](lang) if c in schema.CROPS else c) for c in crops["crop"]],
            "commune": [_e(names.get(c, "")) for c in crops["commune_code"]],
            "reported": [_e(fmt.hectares(a, lang) if pd.notna(a) else t("map.not_reported", lang))
                         for a in crops["area_ha_reported"]],
            "quality": _e(t("map.shape_invented", lang)),
        })
        _GeoJson(
            _features(crops, cprops, crops["zone_id"]), name="crop_zones",
            style_function=lambda f: {"color": CROP_COLORS.get(f["properties"]["crop"], "#000000"), "weight": 1.5,
                                      "fillColor": CROP_COLORS.get(f["properties"]["crop"], "#000000"),
                                      "fillOpacity": 0.35},
            tooltip=_tooltip(["crop_label", "commune", "reported", "quality"],
                             [t("map.tt_crop", lang), t("common.commune", lang), t("map.tt_reported_area", lang),
                              t("map.tt_shape", lang)]),
            bubblingMouseEvents=False,
        ).add_to(m)

    events = overlays.landslide_events
    if layers.landslide_events and events is not None and len(events):
        eprops = pd.DataFrame({
            "code": events["commune_code"].astype(str).to_numpy(),
            "date": [_e(d or t("map.date_unknown", lang)) for d in events["date"].fillna("")],
            "what": [_e(d) for d in events["description_en" if lang == "en" else "description_vi"]],
            "accuracy": [_e(a) for a in events["location_accuracy"]],
            "source": [_e(s) for s in events["source"]],
        })
        _GeoJson(
            _features(events, eprops, events["event_id"]), name="landslide_events",
            marker=folium.CircleMarker(radius=6, fill=True),
            style_function=lambda f: {"color": "#ffffff", "weight": 1.5, "fillColor": EVENT_COLOR, "fillOpacity": 0.95},
            tooltip=_tooltip(["date", "what", "accuracy", "source"],
                             [t("map.tt_date", lang), t("map.tt_event", lang), t("map.tt_accuracy", lang),
                              t("common.source", lang)]),
            bubblingMouseEvents=False,
        ).add_to(m)

    pts = overlays.projects
    if layers.projects and pts is not None and len(pts) > MAX_POINTS:
        note = [*(note or []), t("map.points_hidden", lang, n=fmt.number(len(pts), lang), max=fmt.number(MAX_POINTS, lang))]
    elif layers.projects and pts is not None and len(pts):
        pprops = pd.DataFrame({
            "code": pts["commune_code"].astype(str).to_numpy(),
            "status_key": pts["status"].to_numpy(),
            "name": [_e(n) for n in pts["name"]],
            "status": [_e(schema.STATUS_BY_KEY[s](lang)) for s in pts["status"]],
            "need": [_e(fmt.vnd_short(v, lang)) for v in pts["need"]],
            "gap": [_e(fmt.vnd_short(v, lang)) for v in pts["gap"]],
            "quality": _e(t("map.illustrative", lang)),
        })
        _GeoJson(
            _features(pts, pprops, pts["project_id"]), name="projects",
            marker=folium.CircleMarker(radius=7, fill=True),
            style_function=lambda f: {"color": "#ffffff", "weight": 2, "fillOpacity": 0.95,
                                      "fillColor": STATUS_COLORS.get(f["properties"]["status_key"], "#000000")},
            tooltip=_tooltip(["name", "status", "need", "gap", "quality"],
                             [t("map.tt_project", lang), t("filters.status", lang), t("common.need", lang),
                              t("common.gap", lang), t("common.quality", lang)]),
            bubblingMouseEvents=False,
        ).add_to(m)

    if layers.labels and tiles is None:  # the vector tiles carry their names
        reps = full.to_crs(metric_crs).representative_point().to_crs(schema.GEOGRAPHIC_CRS)
        many = len(full) > LABELS_ALWAYS_MAX
        min_zoom = round(fit_zoom((minx, miny, maxx, maxy), MAP_WIDTH_PX, height) + detail_zooms, 2) if many else None
        _Labels([{"text": str(n), "lat": round(p.y, 5), "lon": round(p.x, 5)}
                 for n, p in zip(full["name"], reps)], min_zoom).add_to(m)

    _InfoBox(ind.label(lang), legend, "bottomright", "td-legend", "map-legend").add_to(m)
    _Selection(commune_layer).add_to(m)  # last: its outline is drawn above every other layer
    if note:
        _InfoBox(t("map.note_title", lang), [{"title": "", "rows": [{"label": n} for n in note]}],
                 "topright", "td-note", "map-note").add_to(m)
    _stable_ids(m)
    return m


def overlay_legend(layers: MapLayers, overlays: Overlays, lang: str) -> list[dict]:
    """Legend sections (title, rows of colour/shape/label) for the optional layers a map shows."""
    out: list[dict] = []
    risk, crops, events, pts = overlays.risk_zones, overlays.crop_zones, overlays.landslide_events, overlays.projects
    if layers.risk_zones and risk is not None and len(risk):
        qualifier = "" if overlays.risk_quality == schema.Quality.OFFICIAL else \
            f" ({schema.QUALITY_LABELS[overlays.risk_quality](lang)})"
        out.append({"title": t("map.legend_risk", lang) + qualifier, "rows": [
            {"color": RISK_COLORS[k], "shape": "line", "label": schema.RISK_LEVELS[k](lang)}
            for k in RISK_COLORS if k in set(risk["risk_level"])]})
    if layers.crop_zones and crops is not None and len(crops):
        out.append({"title": t("map.legend_crops", lang), "rows": [
            {"color": CROP_COLORS[k], "label": schema.CROPS[k](lang)} for k in schema.CROPS if k in set(crops["crop"])]})
    if layers.landslide_events and events is not None and len(events):
        out.append({"title": t("map.legend_events_title", lang), "rows": [
            {"color": EVENT_COLOR, "shape": "circle", "label": t("map.legend_events", lang)}]})
    if layers.projects and pts is not None and len(pts):
        out.append({"title": t("map.legend_projects", lang), "rows": [
            {"color": STATUS_COLORS[s.key], "shape": "circle", "label": s(lang)}
            for s in schema.STATUSES if s.key in set(pts["status"])]})
    return out


def legend_html(sections: list[dict]) -> str:
    """Legend sections as a small HTML block for the page; every label is escaped.

    >>> out = legend_html([{"title": "<b>", "rows": [{"color": "#ff0000", "label": "a & b"}]}])
    >>> "<b>&lt;b&gt;</b>" in out, "a &amp; b" in out
    (True, True)
    """
    swatch = {"circle": "border-radius:50%;width:11px;height:11px",
              "line": "width:18px;height:0;border:0;border-top:3px dashed {c};background:none"}
    parts = ['<div class="td-legend-app">']
    for sec in sections:
        parts.append(f'<div class="td-legend-sec"><b>{html.escape(sec["title"])}</b>')
        for row in sec["rows"]:
            color = row["color"] if re.fullmatch(r"#[0-9a-fA-F]{6}", row["color"]) else NO_DATA_COLOR
            style = swatch.get(row.get("shape", ""), "width:16px;height:11px").format(c=color)
            parts.append(f'<div style="display:flex;align-items:center;gap:6px;margin:1px 0">'
                         f'<span style="display:inline-block;flex:none;background:{color};border:1px solid #555;{style}">'
                         f'</span><span>{html.escape(row["label"])}</span></div>')
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def commune_colors(m: folium.Map) -> dict[str, str]:
    """GSO code → fill colour of each commune polygon in a map built by :func:`build_map` (GeoJSON or tiles)."""
    vector = next((el for el in _walk(m) if isinstance(el, _VectorCommunes)), None)
    if vector is not None:  # what the browser's fill() reads: palette[classes[i]] for feature i
        return {code: vector.palette[ord(ch) - 48] for code, ch in zip(vector.codes, vector.classes)}
    layer = next(el for el in _walk(m) if isinstance(el, folium.GeoJson) and el.layer_name == "communes")
    return {f["properties"]["code"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}


def layer_names(m: folium.Map) -> list[str]:
    """Names of the GeoJSON layers in a map, in drawing order."""
    return [el.layer_name for el in _walk(m) if isinstance(el, folium.GeoJson)]


__all__ = [
    "MapLayers", "Overlays", "build_map", "asset_links", "non_local_links", "is_local", "leaflet_assets",
    "format_value", "legend_rows", "provenance_note", "shown_layers", "project_points", "selected_code",
    "commune_colors", "layer_names", "overlay_legend", "legend_html", "fit_zoom", "display_tolerance",
    "lean_geometry", "lean_communes", "DISPLAY_DECIMALS", "MAX_POINTS", "selection_script", "view_for",
    "code_at", "shape_of", "tiles_url", "vector_tiles",
]


# --- the selected commune (issue 18, issue 20) -------------------------------------------------
SELECTION_STYLE = {"color": "#111111", "weight": 4, "opacity": 1.0, "fill": False}
#: What the page's selection script sets in the app's window and the map reads when it is (re)built.
SELECTION_GLOBAL = "__atlasSelection"


class _Selection(branca.element.MacroElement):
    """The selected commune's outline and the list's zoom, drawn by the browser from the map's own polygons.

    The selection is not part of the map document: the page sends a few bytes of script
    (:func:`selection_script`) that calls ``window.atlasSelect`` here, so the map's component arguments
    stay byte-identical across a click and Streamlit re-sends only their hash, not the polygons (issue 20).
    A click outlines its commune at once, before the page's answer. The outline is not interactive, so a
    click on it reaches the commune underneath. A view is applied once per ``token`` and map object.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, communes) {
            var style = {{ this.style|tojson }}, outline = null;
            function outlineOf(geojson) {
                return L.geoJSON(geojson, {style: function () { return style; }, interactive: false,
                                           className: "atlas-selected"}).addTo(map);
            }
            function draw(code, shape) {
                if (outline) { map.removeLayer(outline); outline = null; }
                if (!code) { return; }
                if (!communes) {  // vector tiles: the page sends the selected commune's shape
                    if (shape) { outline = outlineOf(shape); }
                    return;
                }
                communes.eachLayer(function (l) {
                    if (l.feature && l.feature.properties.code === code) { outline = outlineOf(l.feature); }
                });
            }
            window.atlasSelect = function (sel) {
                draw(sel.code, sel.shape);
                if (sel.view && sel.token !== map._atlasViewToken) {
                    map._atlasViewToken = sel.token;
                    map.setView(sel.view[0], sel.view[1], {animate: false});
                }
            };
            if (communes) { communes.on("click", function (e) { draw(e.layer.feature.properties.code); }); }
            try {  // the page's script may have run before this map was built (first visit, a new indicator)
                var sel = window.parent[{{ this.name|tojson }}];
                if (sel) { window.atlasSelect(sel); }
            } catch (err) { /* no parent window to read: nothing selected yet */ }
        })({{ this._parent.get_name() }}, {{ this.layer.get_name() if this.layer else "null" }});
        {% endmacro %}
    """)

    def __init__(self, layer: folium.GeoJson | None):
        super().__init__()
        self._name = "Selection"
        self.layer = layer
        self.style = {**SELECTION_STYLE, "className": "atlas-selected"}
        self.name = SELECTION_GLOBAL


def selection_script(code: str | None, view: tuple[list[float], int] | None = None, token: int = 0,
                     shape: Mapping | None = None) -> str:
    """A ``<script>`` for the page (not the map) that outlines ``code`` on the map and, once per ``token``,
    moves the map to ``view`` (centre, zoom; :func:`view_for`). A vector-tile map has no polygons to find
    the code in: ``shape`` (GeoJSON geometry, :func:`shape_of`) is the outline then.

    It keeps the choice in the app window's ``SELECTION_GLOBAL`` (read by a map built later) and calls the
    map's ``atlasSelect`` as soon as the map frame has it. A few hundred bytes instead of the map.

    >>> s = selection_script("03424", ([22.3, 103.6], 12), 2)
    >>> '"code": "03424"' in s and '"token": 2' in s and "</script>" in s
    True
    >>> "<" not in selection_script("</script><b>")[8:-9]  # a code cannot close the script
    True
    """
    sel = json.dumps({"code": code, "view": view, "token": token, "shape": shape}).replace("<", "\\u003c")
    return (f"<script>(function () {{ var sel = {sel}; window[{json.dumps(SELECTION_GLOBAL)}] = sel;"
            " function push() { var f = document.querySelector('iframe[title=\"streamlit_folium.st_folium\"]');"
            " try { if (f && f.contentWindow && f.contentWindow.atlasSelect) { f.contentWindow.atlasSelect(sel);"
            " return true; } } catch (err) { /* a frame from elsewhere */ } return false; }"
            " if (!push()) { var n = 0, timer = setInterval(function () {"
            " if (push() || ++n > 600) { clearInterval(timer); } }, 100); } })();</script>")


def vector_tiles(display: gpd.GeoSeries, names: pd.Series, folder: Path, height_px: int = 600, detail_zooms: int = 2,
                 bounds: tuple[float, float, float, float] | None = None) -> CommuneTiles | None:
    """The vector tiles the map draws the communes from, or None for GeoJSON (a small layer, or a folder
    that cannot be written: the map still works, its first bytes just grow with the communes).

    Zooms: from two levels out of the fitted view to ``detail_zooms`` in (where the display polygons are
    exact to a pixel; deeper zooms stretch the deepest tiles); names from the zoom :func:`build_map` uses.
    """
    if len(display) < tiles.VECTOR_TILES_MIN:
        return None
    fit = fit_zoom(tuple(bounds or display.total_bounds), MAP_WIDTH_PX, height_px)
    deepest = math.ceil(fit + detail_zooms)
    try:
        return tiles.commune_tiles(display, names, folder, min_zoom=max(0, math.floor(fit) - 2), max_zoom=deepest,
                                   label_zoom=deepest)
    except (OSError, RuntimeError) as err:  # a read-only app folder, a full disk, GDAL refusing (pyogrio's)
        logging.getLogger(__name__).warning("vector tiles not written to %s (%s); the map sends GeoJSON", folder, err)
        return None


def shape_of(display: gpd.GeoSeries, code: str | None) -> dict | None:
    """GeoJSON geometry of commune ``code`` in the display polygons (the vector-tile map's outline).

    >>> import shapely.geometry as sg
    >>> s = gpd.GeoSeries([sg.box(0, 0, 1, 1)], index=["03322"], crs="EPSG:4326")
    >>> shape_of(s, "03322")["type"], shape_of(s, "99999")
    ('Polygon', None)
    """
    if code is None or code not in display.index:
        return None
    return json.loads(shapely.to_geojson(display.loc[code]))


def view_for(display: gpd.GeoSeries, code: str, height_px: int = 600) -> tuple[list[float], int] | None:
    """Centre ``[lat, lon]`` and the closest zoom that shows all of commune ``code`` in ``height_px``.

    >>> import shapely.geometry as sg
    >>> s = gpd.GeoSeries([sg.box(103.5, 22.3, 103.65, 22.45)], index=["03322"], crs="EPSG:4326")
    >>> view_for(s, "03322")
    ([22.375, 103.575], 11)
    """
    if code not in display.index:
        return None
    x0, y0, x1, y1 = display.loc[code].bounds
    span = max(x1 - x0, y1 - y0, 1e-4)
    # at zoom z a degree spans 256·2^z/360 px; fit the commune in 360 px, which the map's
    # width leaves at 1024 px, and in two thirds of its height
    fit_px = min(height_px * 2 / 3, 360)
    zoom = int(math.floor(math.log2(fit_px * 360 / (256 * span))))
    return [round((y0 + y1) / 2, 6), round((x0 + x1) / 2, 6)], max(6, min(zoom, 16))
