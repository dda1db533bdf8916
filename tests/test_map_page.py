"""The map explorer page in Streamlit's AppTest: what it sends to the map component and the detail panel."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.classify import classify
from geo.analysis.indicators import INDICATORS, commune_indicators
from geo.output.maps import webmap
from geo.text.i18n import t
from tests.helpers import XSS, html_tables, share_link, styler_colors


def map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("st_folium")]
    return json.loads(component.proto.json_args)


def in_js(text: str, script: str) -> bool:
    """Whether ``text`` is in the script, as it appears inside a JSON string there."""
    return text in script or json.dumps(text)[1:-1] in script


def sent_colors(args: dict) -> dict[str, str]:
    """Commune code → fill colour, from the JavaScript sent to the browser."""
    layer = next(v for v in styler_colors(args["script"]).values() if "03390" in v or "03394" in v)
    return {code: layer.get(code, layer["default"]) for code in (set(layer) - {"default"}) | {"03390", "03394"}}


def _projects(at: AppTest):
    """The detail panel's project table (the one with project codes)."""
    return next(d for d in html_tables(at) if {"Project", "Code"} <= set(d.columns))


def expected_colors(ds, indicator: str, scheme: str = "quantiles") -> dict[str, str]:
    table = commune_indicators(ds)
    c = classify(table[indicator], scheme=scheme, k=5, palette=webmap.INDICATOR_PALETTES[indicator])
    return {code: c.color_of(v) for code, v in table[indicator].items()}


def test_changing_the_indicator_changes_the_colours_sent_to_the_map(app_page, ds):
    at = app_page("pages/map.py")
    assert not at.exception
    before = map_args(at)
    colors = sent_colors(before)
    assert {k: v for k, v in expected_colors(ds, "gap").items() if k in colors} == colors

    at.selectbox(key="map_indicator_vi").set_value("n_events").run()
    after = map_args(at)
    assert sent_colors(after) != colors
    new = sent_colors(after)
    assert {k: v for k, v in expected_colors(ds, "n_events").items() if k in new} == new
    assert in_js(INDICATORS["n_events"].label("vi"), after["script"])  # the legend title follows


def test_changing_the_scheme_changes_the_classes(app_page, ds):
    at = app_page("pages/map.py", "en")
    at.radio(key="map_scheme_en").set_value("equal_interval").run()
    colors = sent_colors(map_args(at))
    assert {k: v for k, v in expected_colors(ds, "gap", "equal_interval").items() if k in colors} == colors


def test_every_script_and_stylesheet_of_the_map_is_local(app_page):
    args = map_args(app_page("pages/map.py"))
    links = args["js_links"] + args["css_links"]
    assert links and all(webmap.is_local(u) for u in links), links
    assert "/app/static/vendor/leaflet/leaflet.js" in args["js_links"]
    for part in ("header", "html", "script"):
        assert not re.search(r"""(?:src|href)\s*=\s*["']https?://""", args[part]), part
        assert "cdn" not in args[part].lower(), part


def test_layer_toggles_reach_the_map(app_page):
    at = app_page("pages/map.py")
    assert "crop_zones" in map_args(at)["script"] or "CZ-" in map_args(at)["script"]
    at.toggle(key="map_layer_crop_zones").set_value(False).run()
    assert "CZ-03424-tea" not in map_args(at)["script"]
    assert "tile.openstreetmap.org" not in map_args(at)["script"]
    at.toggle(key="map_online").set_value(True).run()
    assert "tile.openstreetmap.org" in map_args(at)["script"]


def test_map_carries_the_provenance_note(app_page):
    script = map_args(app_page("pages/map.py", "en"))["script"]
    assert in_js(t("map.note_title", "en"), script)
    assert in_js("APPROXIMATE: commune boundaries", script) and in_js("ILLUSTRATIVE: projects", script)


def test_no_commune_selected_prompts_to_click(app_page):
    at = app_page("pages/map.py", "en")
    assert any(t("map.click_prompt", "en") in i.value for i in at.info)
    assert html_tables(at) == [] and len(at.dataframe) == 0


def test_filters_change_the_detail_table(app_page, hostile_store, hostile_ds):
    at = app_page("pages/map.py", "en")
    at.selectbox(key="map_commune").set_value("03390").run()
    assert not at.exception
    assert "Thị trấn Tam Đường" in [h.value for h in at.main.subheader]
    figures, projects, *_ = html_tables(at)
    assert INDICATORS["gap"].label("en") in figures.index
    mine = hostile_ds.projects[hostile_ds.projects["commune_code"] == "03390"]
    assert sorted(projects["Code"]) == sorted(mine.loc[mine["status"] != "cancelled", "project_id"])
    # The hostile project name is a cell's text (the HTML table escapes it)...
    assert XSS in projects["Project"].tolist()
    # ...and nothing renders it as HTML (markdown with HTML allowed, st.html), where it would become an <img>.
    assert not any(XSS in m.value for m in at.markdown if m.proto.allow_html)
    assert not any(XSS in h.proto.body for h in at.get("html"))
    # The panel loads neither Streamlit's grid nor its Arrow tables (seconds on a rural link, issue 20).
    assert not at.dataframe and not at.table

    at.sidebar.multiselect(key="f_statuses").set_value(["proposal"]).run()
    narrowed = _projects(at)
    assert sorted(narrowed["Code"]) == sorted(mine.loc[mine["status"] == "proposal", "project_id"])
    assert len(narrowed) < len(projects)


def test_detail_figures_match_the_indicator_table(app_page, ds):
    at = app_page("pages/map.py", "en")
    at.selectbox(key="map_commune").set_value("03424").run()
    figures = html_tables(at)[0]
    ha = commune_indicators(ds).loc["03424", "ha_tea"]
    assert ha > 0
    expected = f"{ha:,.0f} ha" if float(ha).is_integer() else f"{ha:,.1f} ha"
    assert figures.loc[INDICATORS["ha_tea"].label("en")].iloc[0] == expected


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_choices_survive_a_language_switch(app_page, lang):
    other = "en" if lang == "vi" else "vi"
    at = app_page("pages/map.py", lang)
    at.selectbox(key=f"map_indicator_{lang}").set_value("ha_tea").run()
    at.session_state["lang"] = other  # what the sidebar language radio sets
    at.run()
    assert not at.exception
    assert at.selectbox(key=f"map_indicator_{other}").value == "ha_tea"
    assert in_js(INDICATORS["ha_tea"].label(other), map_args(at)["script"])


def test_units_2025_switch_redraws_six_units_and_details_follow_the_reform(app_page, ds):
    from geo.analysis import funding

    at = app_page("pages/map.py", "en")
    at.sidebar.radio(key="units").set_value("2025").run()
    assert not at.exception
    script = map_args(at)["script"]
    codes_2025 = set(ds.units_2025["code"])
    # Tân Phong (03408) exists only after the reform: its polygon is on the map now.
    assert in_js('"code": "03408"', script) or in_js('"code":"03408"', script)
    names = at.selectbox(key="map_commune").options
    assert len(names) == len(codes_2025) == 6

    at.selectbox(key="map_commune").set_value("03424").run()  # new Bản Bo = old Bản Bo + Nà Tăm
    assert not at.exception
    shown = set(_projects(at)["Code"])
    projects, _ = funding.apply_filters(ds.projects, ds.funding, funding.Filters())
    expected = set(projects.loc[projects["commune_code"].isin(["03424", "03427"]), "project_id"])
    assert shown == expected and len(expected) > len(set(projects.loc[projects["commune_code"] == "03424", "project_id"]))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_terrain_toggle_appears_once_a_basemap_is_stored_and_draws_it_only_when_on(app_page, lang):
    from geo.output.maps import basemap_image
    from geo.storage.store import default_store
    from tests.helpers import tiny_basemap

    label = t("map.offline_basemap", lang)
    assert label not in [tg.label for tg in app_page("pages/map.py", lang).toggle]  # nothing imported yet
    default_store().replace_basemap(tiny_basemap())  # what python -m geo import-basemap stores
    at = app_page("pages/map.py", lang)
    toggle = next(tg for tg in at.toggle if tg.label == label)
    assert "data:image/webp" not in map_args(at)["script"]  # off by default: a slow link pays for it only on demand
    toggle.set_value(True).run()
    assert not at.exception
    script = map_args(at)["script"]
    assert in_js(basemap_image.data_url(tiny_basemap()), script)
    assert in_js(t("map.short_basemap", lang), script)  # the map's honesty note names it (approximate)
    link = share_link(at)  # a link keeps the switch, and opens with it on
    assert link is not None and "terrain=1" in link
    from urllib.parse import parse_qs, urlsplit

    from tests.helpers import APP

    opened = AppTest.from_file(APP, default_timeout=120)
    opened.query_params.update(parse_qs(urlsplit(link).query))
    opened.switch_page("pages/map.py").run()
    assert next(tg for tg in opened.toggle if tg.label == label).value is True


def test_at_province_scale_the_commune_list_is_searched_by_name(app_page, monkeypatch, tmp_path):
    import geopandas as gpd

    from geo import synthetic
    from geo.model.text import strip_accents

    bundle = synthetic.country(tmp_path / "bundle", 400, 20, seed=1)
    monkeypatch.setenv("ATLAS_BUNDLE_DIR", str(bundle))
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "data"))
    communes = gpd.read_file(bundle / "communes.geojson")
    at = app_page("pages/map.py", "vi")
    assert not at.exception
    assert at.selectbox(key="map_commune").options == []  # not 400 names in one drop-down
    one = communes.iloc[5]
    # typed without accents and in lower case, as on a phone
    at.text_input(key="map_search").input(strip_accents(one["name"]).lower()).run()
    options = at.selectbox(key="map_commune").options
    assert f"Xã {one['name']}" in options and len(options) <= 50
    at.selectbox(key="map_commune").select(one["code"]).run()
    assert not at.exception
    assert f"Xã {one['name']}" in [h.value for h in at.subheader]
    at.text_input(key="map_search").input("qqqq").run()
    assert t("map.search_none", "vi", q="qqqq") in [c.value for c in at.caption]
    # the chosen commune stays in the list (and shown) while another search finds nothing
    assert at.selectbox(key="map_commune").options == [f"Xã {one['name']}"]
