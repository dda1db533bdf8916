"""Map explorer: communes coloured by an indicator, optional layers, click a commune for its details."""

import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.analysis import funding, units
from geo.analysis.classify import SCHEMES, classify
from geo.analysis.indicators import INDICATORS
from geo.ingest.names import search as name_search
from geo.model import view
from geo.output import html_table
from geo.output.maps import basemap_image, webmap
from geo.output.maps.details import commune_detail
from geo.storage.store import default_store
from geo.text import fmt
from geo.text.i18n import t
from geo.text.safe import md_text
from pages import _folium, _print_export, _shared

MAP_HEIGHT = 600
#: More communes than this: the list is searched by name first (thousands of names in one drop-down are
#: unusable, and the widget would send them all on every change: 180 KB at 10,000 communes).
LIST_MAX = 300
LIST_SHOWN = 50
#: Streamlit serves the app folder's ``static/`` (``server.enableStaticServing``); vector tiles go in it.
TILES_DIR = Path(__file__).resolve().parent.parent / "static" / "tiles"


@st.cache_resource(show_spinner=False, max_entries=4)
def _display(version: str, unit_version: str):
    """Simplified, rounded display polygons of a unit version (indexed by code), once per data version:
    at country scale simplifying takes seconds, and an indicator switch must not pay it again."""
    ds = _shared.dataset()
    return webmap.lean_communes(units.shapes(ds, unit_version), MAP_HEIGHT, ds.config.detail_zooms, ds.config.bbox)


@st.cache_resource(show_spinner=False, max_entries=4)
def _tiles(version: str, unit_version: str):
    """The communes' vector tiles at province and country scale (None: GeoJSON), once per data version."""
    ds = _shared.dataset()
    names = _shared.unit_view(funding.Filters(), unit_version).set_index("code")["name"]  # cached: no second dissolve
    return webmap.vector_tiles(_display(version, unit_version), names, TILES_DIR, MAP_HEIGHT, ds.config.detail_zooms,
                               ds.config.bbox)


@st.cache_resource(show_spinner=False, max_entries=48)
def _map(version: str, indicator: str, scheme: str, filters: funding.Filters, lang: str,
         layers: webmap.MapLayers, static_url: str, unit_version: str):
    """The folium map and a lock, built once per inputs: a click reruns the page but reuses this object,
    which renders to the same bytes, so Streamlit sends only its hash and the browser keeps the map."""
    ds = _shared.dataset()
    communes = _shared.unit_view(filters, unit_version)
    c = classify(communes[indicator], scheme=scheme, k=5, palette=webmap.INDICATOR_PALETTES[indicator])
    projects, lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    overlays = webmap.Overlays(ds.crop_zones, ds.risk_zones, ds.landslide_events,
                               webmap.project_points(projects, lines, lang),
                               risk_quality=ds.provenance["risk_zones"].quality, basemap=ds.basemap)
    note = webmap.provenance_note(ds.all_provenance, webmap.shown_layers(indicator, layers), lang)
    m = webmap.build_map(communes, indicator, c, lang, layers, overlays, note, static_url, height=MAP_HEIGHT,
                         display_geometry=_display(version, unit_version), bounds=ds.config.bbox,
                         detail_zooms=ds.config.detail_zooms, metric_crs=ds.metric_crs, tiles=_tiles(version, unit_version))
    legend = webmap.legend_html(webmap.overlay_legend(layers, overlays, lang))
    n_located, n_total = len(overlays.projects), len(projects)
    return m, legend, (n_located, n_total), threading.Lock(), {}


def _pick(widget, state: str, label: str, options: list, fmt, **kw):
    """A choice that survives a language switch. Streamlit keeps a widget's value as its displayed text,
    which changes with the language, so the widget key carries the language and the chosen value is
    kept under a language-free key."""
    value = st.session_state.get(state)
    value = value if value in options else options[0]
    chosen = widget(label, options=options, index=options.index(value), format_func=fmt, key=f"{state}_{lang}", **kw)
    st.session_state[state] = chosen
    return chosen


def _zoom_to_choice() -> None:
    """A commune chosen from the list: the map zooms to it (a click on the map does not move it)."""
    st.session_state["_map_zoom_to"] = st.session_state.get("map_commune")


def _static_url() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}{webmap.STATIC_URL}" if base else webmap.STATIC_URL


lang = _shared.lang()
ds = _shared.dataset()
st.title(md_text(ds.config.title(lang)))  # the data folder's atlas.toml names the district
_shared.provenance_banner(ds, lang)
unit_version = _shared.unit_version_switch(lang)
filters = _shared.sidebar_filters(ds, lang)

st.subheader(t("map.heading", lang))
c1, c2 = st.columns([3, 2])
with c1:
    indicator = _pick(st.selectbox, "map_indicator", t("map.indicator", lang), list(INDICATORS),
                      lambda k: INDICATORS[k].label(lang))
with c2:
    scheme = _pick(st.radio, "map_scheme", t("map.scheme", lang), list(SCHEMES), lambda k: SCHEMES[k](lang),
                   horizontal=True)
toggles = [*st.columns(3), *st.columns(3)]  # two rows of three: six in one row cut the labels off at 1024 px
layer_keys = view.LAYERS
on = {k: col.toggle(t(f"map.layer_{k}", lang), **_shared.kept_widget(f"map_layer_{k}", True))
      for k, col in zip(layer_keys, toggles)}
online = toggles[5].toggle(t("map.online_basemap", lang), help=t("map.online_help", lang),
                           **_shared.kept_widget("map_online", False))
offline = False
if ds.basemap is not None:  # a GIS office imported one (python -m geo import-basemap): the user may draw it
    kb = fmt.number(round(len(basemap_image.data_url(ds.basemap)) / 1024), lang)
    offline = st.columns(3)[0].toggle(t("map.offline_basemap", lang), help=t("map.offline_help", lang, kb=kb),
                                      **_shared.kept_widget("map_offline", False))
layers = webmap.MapLayers(**on, online_basemap=online, offline_basemap=offline)

unit_layer = _shared.unit_view(filters, unit_version)
names = dict(zip(unit_layer["code"], unit_layer["full_name"]))
# The map's last answer is in session state before the page runs (its callback), so a click is
# known before the map is drawn and the outline follows it in the same run.
answer = st.session_state.get("atlas_map") or {}
display = _display(default_store().version(), unit_version)
tiled = _tiles(default_store().version(), unit_version) is not None
clicked = webmap.selected_code(answer.get("last_active_drawing"), set(names))
stamp = (clicked, str(answer.get("last_object_clicked")))
if clicked and st.session_state.get("_map_last_click") != stamp:
    # A new click wins over the list; the same click seen again on a rerun does not.
    st.session_state["_map_last_click"] = stamp
    _shared.remember("map_commune", clicked)
point = answer.get("last_clicked")
if tiled and point and st.session_state.get("_map_last_point") != str(point):
    # Vector tiles are pixels in the browser: the click comes as a point, located in the same polygons here.
    st.session_state["_map_last_point"] = str(point)
    at = webmap.code_at(display, point)
    if at in names:
        _shared.remember("map_commune", at)
kept_code = _shared.kept_value("map_commune")
selected = kept_code if kept_code in names else None  # another unit version's code (or a stale link): none
zoom_to = st.session_state.get("_map_zoom_to")
if zoom_to in names:  # chosen from the list or opened from a link: keep showing it until the next choice
    st.session_state["_map_view"] = webmap.view_for(display, zoom_to, MAP_HEIGHT)
    st.session_state["_map_view_n"] = st.session_state.get("_map_view_n", 0) + 1  # the map moves once per choice
    st.session_state["_map_zoom_to"] = None

left, right = st.columns([3, 2], gap="medium")
with left:
    m, legend, (n_located, n_total), lock, sent = _map(default_store().version(), indicator, scheme, filters, lang,
                                                  layers, _static_url(), unit_version)
    with lock:  # the cached map is shared by sessions; streamlit-folium renders it in place
        _folium.folium_once(m, sent, key="atlas_map", height=MAP_HEIGHT, use_container_width=True,
                            returned_objects=["last_active_drawing", "last_object_clicked",
                                              *(["last_clicked"] if tiled else [])])
    # The outline and the list's zoom: a few bytes of script beside the map, so the map's message is unchanged.
    st.html(webmap.selection_script(selected, st.session_state.get("_map_view"), st.session_state.get("_map_view_n", 0),
                                    webmap.shape_of(display, selected) if tiled else None),
            unsafe_allow_javascript=True)
    st.html(legend)  # labels escaped by webmap.legend_html
    if layers.projects:
        st.caption(t("map.located", lang, n=n_located, total=n_total))
    _shared.units_caption(unit_version, lang)  # it writes the caption itself
    _shared.partial_units_note(unit_layer, lang)
    shown_layers = tuple(k for k in ("crop_zones", "risk_zones", "landslide_events", "projects") if on[k])
    _print_export.print_export_panel(ds, indicator, filters, lang, shown_layers, scheme, unit_version=unit_version)

with right:
    options = list(names)
    if len(names) > LIST_MAX:  # a province or the country: search first, then choose among the matches
        query = st.text_input(t("map.search", lang), key="map_search", placeholder=t("map.search_hint", lang))
        found = name_search(query, names, limit=LIST_SHOWN + 1)
        options = list(dict.fromkeys([*([selected] if selected else []), *found[:LIST_SHOWN]]))
        if query.strip() and not found:
            st.caption(md_text(t("map.search_none", lang, q=query.strip())))
        elif len(found) > LIST_SHOWN:
            st.caption(t("map.search_more", lang, n=fmt.number(LIST_SHOWN, lang)))
    code = st.selectbox(t("map.choose", lang), options=options, format_func=names.get,
                        placeholder=t("map.choose_none", lang),
                        **_shared.kept_widget("map_commune", None, value=selected, on_change=_zoom_to_choice))
    if code is None:
        st.info(t("map.click_prompt", lang))
    else:
        table = unit_layer.set_index("code")
        d = commune_detail(ds, table, code, lang, filters, unit_version,
                           unit_layer if unit_version == "2025" else None)
        st.subheader(md_text(d.name))
        _shared.filters_caption(filters, lang)  # the figures below count only the filtered projects
        # HTML tables, not st.table/st.dataframe: those would make the first click fetch Streamlit's grid and
        # Arrow decoder (~450 KB compressed) for a few rows of text (issue 20).
        st.html(html_table.STYLE)
        figures = pd.DataFrame({t("map.detail_value", lang): [v for _, v in d.figures]},
                               index=pd.Index([k for k, _ in d.figures], name=t("map.detail_figure", lang)))
        st.html(html_table.html_table(figures, index=True, label=d.name))
        sections = [("map.detail_projects", d.projects, "map.no_projects"), ("exposure.heading", d.exposure, None),
                    ("map.detail_by_source", d.by_source, None), ("map.detail_crops", d.crops, None),
                    ("map.detail_events", d.events, "map.no_events")]
        for heading, frame, none_key in sections:
            st.markdown(f"#### {t(heading, lang)}")
            if none_key and frame.empty:
                st.caption(t(none_key, lang))
            else:
                st.html(html_table.html_table(frame, label=t(heading, lang)))
            if heading == "exposure.heading":
                st.caption(md_text(d.exposure_note))  # names the risk zones' quality (illustrative until replaced)
        with st.expander(t("map.detail_provenance", lang)):
            for line in d.provenance:
                st.caption(md_text(line))
