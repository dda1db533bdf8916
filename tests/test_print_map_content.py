"""What a print map tells its reader (issue 17): where the district is, what the dots mean, money with its unit,
sources named for people, and the author's title, subtitle and note — read from the figure's artists.

The CLI (``export-map --subtitle --note``) and the map page's print panel put the same texts on paper; a text
that cannot be printed (a control character) is refused with a sentence naming the field, and no file is made.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from PIL import Image
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from geo.analysis import funding
from geo.cli.main import main
from geo.model import schema
from geo.output.maps import render, webmap
from geo.output.maps.styles import STATUS_COLORS
from geo.text.i18n import t

TEXTS = {"vi": ("Vốn còn thiếu theo xã", "Bản nháp cho hội nghị xúc tiến đầu tư", "Số liệu minh họa; chờ số liệu của Phòng TC-KH"),
         "en": ("Funding gap by commune", "Draft for the investment conference", "Illustrative figures; official ones to follow")}
#: A path or file name on paper ("data/build_layers.py", "SOURCES.md", "C:\\maps\\x.shp").
PATHLIKE = re.compile(r"\w[\w.-]*[/\\][\w./\\-]*\.\w{2,7}\b|\b[\w-]+\.(?:py|md|csv|geojson|json|gpkg|shp|tif)\b")


def _gid(fig, gid: str):
    found = [a for a in fig.findobj() if a.get_gid() == gid]
    assert found, f"no artist {gid!r}"
    return found[0]


def _bounds(collection) -> np.ndarray:
    """(x0, y0, x1, y1) of every path of a PatchCollection, in data units (metres)."""
    pts = np.concatenate([p.vertices for p in collection.get_paths()])
    return np.array([*pts.min(axis=0), *pts.max(axis=0)])


def _inside(inner: np.ndarray, outer: np.ndarray) -> bool:
    return bool(inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3])


@pytest.fixture(scope="module", params=["vi", "en"])
def page(request, ds):
    lang = request.param
    title, subtitle, note = TEXTS[lang]
    fig = render.render_map(ds, "gap", lang=lang, layers=("projects",), title=title, subtitle=subtitle, note=note,
                            date="2026-12-04")
    return lang, fig


def test_the_locator_shows_viet_nam_the_province_and_the_district_inside_both(page, ds):
    lang, fig = page
    inset = _gid(fig, "inset")
    country, province, district = (_gid(inset, g) for g in ("locator-country", "locator-province", "locator-district"))
    c, p, d = _bounds(country), _bounds(province), _bounds(district)
    assert _inside(d, p) and _inside(p, c)
    # a country, not a close-up: Viet Nam spans over 1,500 km north to south, the district a few tens
    assert c[3] - c[1] > 1_500_000 and d[3] - d[1] < 60_000
    # the district is marked so it can be found at that scale, in a colour of its own
    assert _gid(inset, "locator-district-ring").get_offsets().shape == (1, 2)
    heading = " ".join(_locator_heading(inset).split())  # wrapped to the inset's width
    assert ds.config.province(lang) in heading and ds.config.name(lang) in heading
    assert t("print.locator_approx", lang) in heading  # the province outline is not a boundary, and says so


def _locator_heading(inset) -> str:
    inside = [a for a in inset.texts if a.get_gid() == "locator-title"]
    return inside[0].get_text() if inside else inset.get_title(loc="left")


def test_with_every_layer_the_locator_moves_into_the_maps_corner_with_its_heading_inside(ds):
    fig = render.render_map(ds, "gap", lang="vi", layers=render.MAP_LAYERS)
    inset, the_map = _gid(fig, "inset"), _gid(fig, "map")
    fig.canvas.draw()
    box, map_box = inset.get_window_extent(), the_map.get_window_extent()
    assert map_box.x0 <= box.x0 and box.x1 <= map_box.x1 and map_box.y0 <= box.y0 and box.y1 <= map_box.y1
    heading = _gid(inset, "locator-title")
    hb = heading.get_window_extent()
    assert box.x0 <= hb.x0 and hb.x1 <= box.x1 and box.y0 <= hb.y0 and hb.y1 <= box.y1  # not over the map
    assert "Việt Nam" in heading.get_text()


def test_the_legend_lists_the_statuses_on_the_map_in_the_web_maps_colours(page, ds):
    lang, fig = page
    projects, _ = funding.apply_filters(ds.projects, ds.funding, funding.Filters(), ds.risk_zones)
    placed = projects[projects["lon"].notna() & projects["lat"].notna()]
    shown = {s.key for s in schema.STATUSES if s.key in set(placed["status"])}
    assert len(shown) >= 2  # the bundled pipeline has several steps on the map
    legend = _gid(fig, "legend")
    rows = {text.get_text().replace("\n", " "): handle for text, handle in zip(legend.get_texts(), legend.legend_handles)}
    for s in schema.STATUSES:
        label = s(lang)
        if s.key in shown:
            assert label in rows, (label, list(rows))
            assert rows[label].get_color() == STATUS_COLORS[s.key]
        else:
            assert label not in rows
    # the dots on the map have the same colours, one set per status, as many as the projects placed
    dots = [a for a in _gid(fig, "map").findobj(PathCollection) if str(a.get_gid()).startswith("projects-")]
    assert {a.get_gid().removeprefix("projects-") for a in dots} == shown
    assert sum(len(a.get_offsets()) for a in dots) == len(placed)
    for a in dots:
        hexes = {tuple(np.round(c[:3], 3)) for c in a.get_facecolors()}
        expected = tuple(np.round(np.array(
            [int(STATUS_COLORS[a.get_gid().removeprefix("projects-")][i:i + 2], 16) / 255 for i in (1, 3, 5)]), 3))
        assert hexes == {expected}
    assert webmap.STATUS_COLORS is STATUS_COLORS  # one table for the screen and paper


def test_money_is_written_with_its_unit_in_the_readers_language(page, ds):
    lang, fig = page
    labels = {a.get_gid(): a.get_text() for a in fig.texts + _gid(fig, "map").texts
              if str(a.get_gid()).startswith("value-")}
    table = render.reform.indicators(ds, "2021", funding.Filters())
    small = table[(table["gap"] > 0) & (table["gap"] < 1e9)]["gap"]
    assert len(small), "the bundled data has a commune with a gap under a billion"
    code, gap = small.index[0], float(small.iloc[0])
    millions = f"{gap / 1e6:.1f}"
    expected = f"{millions.replace('.', ',')} triệu ₫" if lang == "vi" else f"VND {millions} million"
    assert labels[f"value-{code}"] == expected  # e.g. "931,0 triệu ₫" / "VND 931.0 million"
    big = table["gap"].idxmax()
    assert labels[f"value-{big}"].endswith(" tỷ ₫") if lang == "vi" else labels[f"value-{big}"].startswith("VND ")
    assert _gid(fig, "legend").get_title().get_text().endswith("(tỷ ₫)" if lang == "vi" else "(VND billion)")


def test_the_footer_names_sources_for_people_not_file_paths(page, ds):
    lang, fig = page
    footer = " ".join(a.get_text() for a in fig.texts if a.get_gid() in ("footer", "footer_quality"))
    flat = footer.replace("\n    ", " ").replace("\n", " ")
    assert not PATHLIKE.findall(flat), PATHLIKE.findall(flat)
    for layer in render.used_layers("gap", ("projects",)):
        assert ds.provenance[layer].title(lang) in flat
    assert "Natural Earth" in flat and "vietnamadminunits" in flat  # the locator's sources, with their licences
    assert ("Phạm vi công cộng" if lang == "vi" else "Public domain") in flat


def test_title_subtitle_and_note_are_the_authors(page):
    lang, fig = page
    title, subtitle, note = TEXTS[lang]
    assert _gid(fig, "title").get_text() == title
    assert _gid(fig, "subtitle").get_text() == subtitle
    assert _gid(fig, "note").get_text().replace("\n", " ") == note


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_png_renders_in_both_languages(ds, lang, tmp_path):
    title, subtitle, note = TEXTS[lang]
    data = render.render_bytes(ds, "gap", fmt="png", dpi=100, lang=lang, layers=("projects",), title=title,
                               subtitle=subtitle, note=note)
    (tmp_path / f"map-{lang}.png").write_bytes(data)  # looked at by hand when the layout changes
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.size == pytest.approx((297 / 25.4 * 100, 210 / 25.4 * 100), abs=1.5)


def _pdf_text(data: bytes) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages)


def test_cli_prints_the_subtitle_and_note(tmp_path):
    out = tmp_path / "gap.pdf"
    rc = main(["export-map", "--indicator", "gap", "--lang", "en", "--out", str(out), "--title", "Gap for JICA",
               "--subtitle", "Prepared for the December meeting", "--note", "Figures are illustrative drafts"])
    assert rc == 0
    text = " ".join(_pdf_text(out.read_bytes()).split())
    assert "Gap for JICA" in text and "Prepared for the December meeting" in text
    assert "Figures are illustrative drafts" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_cli_refuses_a_note_it_cannot_print_and_writes_nothing(tmp_path, capsys, lang):
    out = tmp_path / "gap.png"
    rc = main(["--lang", lang, "export-map", "--indicator", "gap", "--out", str(out), "--note", "Ghi chú\x07"])
    assert rc != 0 and not out.exists()
    err = capsys.readouterr().err
    assert "--note" in err and "U+0007" in err
    assert t("err.loc.file", lang, file="export-map").split("export-map")[0] in err  # in the reader's language


def _panel_script():
    import streamlit as st

    from geo.analysis.funding import Filters
    from pages import _print_export, _shared

    original = st.download_button

    def capture(label, data, **kwargs):
        st.session_state["served"] = data() if callable(data) else data
        return original(label, data, **kwargs)

    st.download_button = capture
    try:
        _print_export.print_export_panel(_shared.dataset(), "gap", Filters(), st.session_state.get("lang", "en"),
                                         ("projects",), "quantiles")
    finally:
        st.download_button = original


def test_print_panel_puts_the_typed_title_subtitle_and_note_on_the_page():
    at = AppTest.from_function(_panel_script, default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    assert [a.label for a in at.text_input] == [t("print.title", "en"), t("print.subtitle", "en")]
    assert [a.label for a in at.text_area] == [t("print.note", "en")]
    at.selectbox(key="print_format").select("pdf").run()
    at.text_input(key="print_title").input("Gap for the donors' round table").run()
    at.text_input(key="print_subtitle").input("Communes of Tam Duong, all sources").run()
    at.text_area(key="print_note").input("Draft: figures are illustrative").run()
    assert not at.exception
    text = " ".join(_pdf_text(at.session_state["served"]).split())
    assert "Gap for the donors' round table" in text and "Communes of Tam Duong, all sources" in text
    assert "Draft: figures are illustrative" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_print_panel_refuses_a_title_with_a_line_break_and_offers_no_download(lang):
    at = AppTest.from_function(_panel_script, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.text_input(key="print_title").input("Bản đồ\u2028hai dòng").run()
    assert not at.exception
    said = " ".join(e.value for e in at.error)
    assert t("print.title", lang) in said and t("print.fix_text", lang) in said
    assert not at.get("download_button")
