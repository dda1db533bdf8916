"""A commune's figure reads the same on the web map, on the print map and in the detail panel (issue 12.5)."""

from __future__ import annotations

import html

import folium
import pytest

from geo.analysis import units
from geo.analysis.classify import classify
from geo.analysis.indicators import INDICATORS
from geo.output.maps import details, render, webmap
from geo.text import fmt


def web_values(ds, indicator: str, lang: str) -> dict[str, str]:
    """Code → the value text of each commune's tooltip on the web map, as the browser shows it."""
    communes = units.view(ds, "2021")
    m = webmap.build_map(communes, indicator, classify(communes[indicator], "quantiles"), lang)
    layer = next(el for el in webmap._walk(m) if isinstance(el, folium.GeoJson) and el.layer_name == "communes")
    return {f["properties"]["code"]: html.unescape(f["properties"]["value"]) for f in layer.data["features"]}


def print_values(ds, indicator: str, lang: str) -> dict[str, str]:
    """Code → the value printed under each commune's name on the print map."""
    fig = render.render_map(ds, indicator, lang=lang, date="2026-01-02")
    return {a.get_gid().removeprefix("value-"): a.get_text() for a in fig.findobj()
            if str(a.get_gid()).startswith("value-")}


# Hectares and percentages are the two kinds the maps used to write differently ("812.3 ha" / "812 ha",
# "12.5 %" / "12.5%"); events are a counted unit with an English plural.
@pytest.mark.parametrize("indicator", ["ha_tea", "risk_share", "n_events"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_web_map_and_print_map_write_every_commune_value_identically(ds, indicator, lang):
    web, paper = web_values(ds, indicator, lang), print_values(ds, indicator, lang)
    assert set(web) == set(paper) == set(ds.communes["code"])
    assert web == paper
    if INDICATORS[indicator].kind == "hectares":
        # Bản Bo grows over 800 ha of tea: at most one decimal, the language's own separators.
        assert web["03424"] == fmt.hectares(units.view(ds, "2021").set_index("code").loc["03424", indicator], lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_detail_panel_writes_the_map_figures_with_money_in_full(ds, lang):
    layer = units.view(ds, "2021").set_index("code")
    panel = dict(details.commune_detail(ds, layer, "03424", lang).figures)
    web = {k: web_values(ds, k, lang)["03424"] for k in ("ha_tea", "risk_share", "gap")}
    assert panel[INDICATORS["ha_tea"].label(lang)] == web["ha_tea"]
    assert panel[INDICATORS["risk_share"].label(lang)] == web["risk_share"]
    # The map's label is short (tỷ ₫ / billion); the panel has room for every đồng.
    assert panel[INDICATORS["gap"].label(lang)] == fmt.vnd(layer.loc["03424", "gap"], lang)
    assert web["gap"] == fmt.vnd_short(layer.loc["03424", "gap"], lang)


@pytest.mark.parametrize(("kind", "value", "vi", "en"), [
    (fmt.hectares, 812.34, "812,3 ha", "812.3 ha"),
    (fmt.hectares, 1234.0, "1.234 ha", "1,234 ha"),
    (fmt.km2, 41.25, "41,2 km²", "41.2 km²"),
    (fmt.percent, 0.125, "12,5%", "12.5%"),
    (fmt.percent, 0.15, "15%", "15%"),
    (fmt.vnd, 931_000_000, "931.000.000 ₫", "VND 931,000,000"),
    (fmt.vnd_short, 931_000_000, "931,0 triệu ₫", "VND 931.0 million"),
    (fmt.vnd_short, 12_500_000_000, "12,5 tỷ ₫", "VND 12.5 billion"),
    (lambda v, lang: fmt.number(v, lang, 2), 1234.5, "1.234,50", "1,234.50"),
])
def test_one_formatter_per_kind_in_both_languages(kind, value, vi, en):
    assert (kind(value, "vi"), kind(value, "en")) == (vi, en)


def test_counts_take_the_indicator_unit_and_missing_figures_say_so():
    events = INDICATORS["n_events"]
    assert fmt.count(1, events.unit_for(1, "en"), "en") == "1 event"
    assert fmt.count(1200, events.unit_for(1200, "vi"), "vi") == "1.200 vụ"
    assert fmt.hectares(float("nan"), "vi") == fmt.vnd(None, "en") == fmt.percent(None, "en") == "–"
    assert fmt.percent(-0.0001, "en") == "0%"  # never "-0%"
