"""The pitch deck as PowerPoint (python-pptx), laid out from a :class:`geo.output.pitch.pack.PitchPack`.

Slides, in order: title; district context map; funding-gap map with the table by unit;
one slide per opportunity (highlight map, funding table by source, why); the counterpart
the district commits; data provenance. So ``len(slides) == 5 + len(pack.opportunities)``.

Every slide carries a visible box named ``illustrative_label`` when the pack shows
illustrative data. Maps are PNG pictures named ``map``; tables are named ``table``.
Text uses Arial (Vietnamese glyphs on every office suite; LibreOffice substitutes
Liberation Sans, which has them too).

Examples
--------
>>> from geo.storage.store import BundledStore
>>> from geo.output.pitch import pack as pitch
>>> ds = BundledStore().load()
>>> pack = pitch.build_pack(ds, pitch.Target("theme", theme=5), lang="en", top=1)
>>> from pptx import Presentation
>>> deck = Presentation(io.BytesIO(build_deck(pack, lambda spec: TINY_PNG)))
>>> len(deck.slides), deck.slides[-1].shapes.title.text
(6, 'Data sources and quality')
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as Deck
from pptx.util import Emu, Inches, Pt

from geo.analysis import counterpart
from geo.model import schema
from geo.output.pitch.pack import MapSpec, Opportunity, PitchPack, money_cells, money_header
from geo.text import fmt
from geo.text.i18n import t

FONT = "Arial"
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x55, 0x55, 0x55)
ACCENT = RGBColor(0x08, 0x30, 0x6B)
WARN = RGBColor(0x8B, 0x00, 0x00)
WARN_FILL = RGBColor(0xFF, 0xF3, 0xCD)
HEAD_FILL = RGBColor(0xDD, 0xEB, 0xE3)
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MAP_RATIO = 11.69 / 8.27  # A4 landscape pages from geo.output.maps.render
#: A 1×1 white PNG, for tests and doctests that do not need real maps.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC")
MapRenderer = Callable[[MapSpec], bytes]


def build_deck(pack: PitchPack, render: MapRenderer) -> bytes:
    """The deck as ``.pptx`` bytes; ``render(spec)`` returns the PNG of each map."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    lang = pack.lang
    _title_slide(prs, pack)
    _context_slide(prs, pack, render(pack.context_map))
    _gap_slide(prs, pack, render(pack.gap_map))
    for i, opp in enumerate(pack.opportunities, start=1):
        _opportunity_slide(prs, pack, opp, i, render(opp.map))
    _counterpart_slide(prs, pack)
    _provenance_slide(prs, pack)
    for n, slide in enumerate(prs.slides, start=1):
        _text(slide, Inches(0.5), HEIGHT - Inches(0.4), WIDTH - Inches(1), Inches(0.3),
              [f"{t('app.title', lang)} · {pack.subtitle} · {t('pitch.made', lang, date=pack.made)} · {n}"],
              size=9, color=MUTED, name="footer")
    prs.core_properties.title = f"{pack.title} — {pack.subtitle}"
    prs.core_properties.language = "vi-VN" if lang == "vi" else "en-GB"
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# --- building blocks ----------------------------------------------------------------------------------
def _slide(prs: Deck, pack: PitchPack, title: str, subtitle: str = ""):
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": a real title placeholder
    ph = slide.shapes.title
    ph.left, ph.top, ph.width, ph.height = Inches(0.5), Inches(0.25), Inches(9.4), Inches(0.85)
    ph.text = title
    tf = ph.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    for p in tf.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for r in p.runs:
            _font(r, 26 if len(title) < 48 else (20 if len(title) < 70 else 16), bold=True, color=ACCENT)
    if subtitle:
        _text(slide, Inches(0.5), Inches(1.1), Inches(9.4), Inches(0.4), [subtitle], size=13, color=MUTED,
              name="subtitle")
    if pack.illustrative:
        _label(slide, pack.lang)
    return slide


def _label(slide, lang: str) -> None:
    box = slide.shapes.add_textbox(Inches(10.1), Inches(0.3), Inches(2.75), Inches(0.75))
    box.name = "illustrative_label"
    box.fill.solid()
    box.fill.fore_color.rgb = WARN_FILL
    box.line.color.rgb = WARN
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.MIDDLE
    tf.paragraphs[0].text = t("pitch.illustrative_label", lang)
    tf.paragraphs[0].alignment = PP_ALIGN.CENTER
    for r in tf.paragraphs[0].runs:
        _font(r, 12, bold=True, color=WARN)


def _font(run, size: float, bold: bool = False, color: RGBColor = INK) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color


def _text(slide, x, y, w, h, paragraphs: list[str], size: float = 14, color: RGBColor = INK, bold: bool = False,
          name: str = "text", bullets: bool = False):
    box = slide.shapes.add_textbox(x, y, w, h)
    box.name = name
    tf = box.text_frame
    tf.word_wrap = True
    for i, text in enumerate(paragraphs):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = ("• " if bullets else "") + text
        p.space_after = Pt(size * 0.4)
        for r in p.runs:
            _font(r, size, bold=bold, color=color)
    return box


def _table(slide, x, y, w, header: list[str], rows: list[list[str]], widths: list[float], size: float = 11,
           total: bool = True):
    n_rows = len(rows) + 1
    row_h = Pt(size * 2.0)
    shape = slide.shapes.add_table(n_rows, len(header), x, y, w, Emu(int(row_h * n_rows)))
    shape.name = "table"
    table = shape.table
    scale = w / sum(widths)
    for j, width in enumerate(widths):
        table.columns[j].width = Emu(int(width * scale))
    for i in range(n_rows):
        table.rows[i].height = Emu(int(row_h))
        values = header if i == 0 else rows[i - 1]
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Pt(2)
            strong = i == 0 or (total and i == n_rows - 1)
            if i == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = HEAD_FILL
            elif i % 2 == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(0xF6, 0xF6, 0xF6)
            else:
                cell.fill.solid()
                cell.fill.fore_color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            for p in cell.text_frame.paragraphs:
                p.alignment = PP_ALIGN.LEFT if j == 0 else PP_ALIGN.RIGHT
                for r in p.runs:
                    _font(r, size, bold=strong)
    return shape


def _picture(slide, png: bytes, x, y, w):
    pic = slide.shapes.add_picture(io.BytesIO(png), x, y, width=w, height=Emu(int(w / MAP_RATIO)))
    pic.name = "map"
    return pic


def _money_header(lang: str, cols: list[str]) -> list[str]:
    return [money_header(t(f"common.{c}", lang), lang) for c in cols]


# --- slides -------------------------------------------------------------------------------------------
def _title_slide(prs, pack: PitchPack) -> None:
    lang = pack.lang
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    title, sub = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = Inches(0.8), Inches(1.6), Inches(11.7), Inches(1.5)
    sub.left, sub.top, sub.width, sub.height = Inches(0.8), Inches(3.1), Inches(11.7), Inches(0.9)
    title.text = pack.title
    sub.text = pack.subtitle
    for p in title.text_frame.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for r in p.runs:
            _font(r, 36, bold=True, color=ACCENT)
    for p in sub.text_frame.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for r in p.runs:
            _font(r, 22, color=INK)
    tot = pack.totals
    share = (tot["need"] - tot["gap"]) / tot["need"] if tot["need"] else None
    lines = [
        t("print.district", lang),
        f"{t('common.need', lang)}: {fmt.vnd(tot['need'], lang)} · {t('common.committed', lang)}: "
        f"{fmt.vnd(tot['committed'], lang)} · {t('common.gap', lang)}: {fmt.vnd(tot['gap'], lang)}",
        t("pitch.title_counts", lang, n=tot["n_projects"], covered=fmt.percent(share, lang), opps=len(pack.opportunities)),
        t("pitch.made", lang, date=pack.made),
    ]
    _text(slide, Inches(0.8), Inches(4.2), Inches(11.7), Inches(2.2), lines, size=16, name="key_figures")
    if pack.illustrative:
        _label(slide, lang)


def _context_slide(prs, pack: PitchPack, png: bytes) -> None:
    lang = pack.lang
    slide = _slide(prs, pack, t("pitch.slide_context", lang), t("print.district", lang))
    _picture(slide, png, Inches(0.4), Inches(1.5), Inches(8.1))
    _text(slide, Inches(8.8), Inches(1.6), Inches(4.1), Inches(5.2),
          [f"{label}: {value}" for label, value in pack.context], size=14, bullets=True, name="context")


def _gap_slide(prs, pack: PitchPack, png: bytes) -> None:
    lang = pack.lang
    slide = _slide(prs, pack, t("pitch.slide_gaps", lang),
                   t("pitch.gap_subtitle", lang, units=schema.UNIT_VERSIONS[pack.unit_version](lang)))
    _picture(slide, png, Inches(0.3), Inches(1.55), Inches(6.7))
    cols = ["need", "committed", "gap"]
    rows = money_cells(pack.unit_table, cols, lang)
    header = [t("units.unit" if pack.unit_version == "2025" else "common.commune", lang), *_money_header(lang, cols)]
    size = 9 if len(rows) > 10 else 10
    _table(slide, Inches(7.15), Inches(1.55), Inches(5.95), header, rows, [1.55, 1.45, 1.45, 1.45], size=size)


def _opportunity_slide(prs, pack: PitchPack, opp: Opportunity, i: int, png: bytes) -> None:
    lang = pack.lang
    slide = _slide(prs, pack, f"{i}. {opp.title}", opp.subtitle)
    _picture(slide, png, Inches(0.3), Inches(1.55), Inches(6.6))
    cols = ["need", "committed", "gap"]
    header = [t("gaps.col.source", lang), *_money_header(lang, cols)]
    rows = money_cells(opp.sources, cols, lang)
    _table(slide, Inches(7.1), Inches(1.55), Inches(5.95), header, rows, [1.9, 1.35, 1.35, 1.35], size=10)
    y = Inches(1.65) + Pt(10 * 2.0) * (len(rows) + 1)
    facts = [f"{label}: {value}" for label, value in opp.facts]
    _text(slide, Inches(7.1), y, Inches(5.95), Inches(1.9), facts, size=11, name="facts")
    _text(slide, Inches(7.1), y + Inches(1.95), Inches(5.95), HEIGHT - y - Inches(2.4),
          [t("pitch.why_heading", lang), *opp.why], size=10, name="why")


def _counterpart_slide(prs, pack: PitchPack) -> None:
    lang = pack.lang
    slide = _slide(prs, pack, t("pitch.slide_counterpart", lang), t("pitch.cp_subtitle", lang))
    cols = ["ask", "required_if_funded", "counterpart_committed"]
    header = [t("pitch.cp_item", lang), *[money_header(t(f"pitch.cp_{c}", lang), lang) for c in cols]]
    rows = money_cells(pack.counterpart, cols, lang)
    _table(slide, Inches(0.5), Inches(1.6), Inches(12.3), header, rows, [4.5, 2.6, 2.6, 2.6], size=12)
    y = Inches(1.8) + Pt(12 * 2.0) * (len(rows) + 1)
    d = pack.counterpart_totals
    notes = [
        t("pitch.cp_district", lang, required=fmt.vnd(d["required"], lang), committed=fmt.vnd(d["counterpart_committed"], lang),
          shortfall=fmt.vnd(d["shortfall"], lang)),
        t("pitch.cp_ratios", lang, ratios="; ".join(
            f"{schema.SOURCE_BY_KEY[k](lang)} {fmt.percent(v, lang)}" for k, v in pack.ratios.items()
            if k in counterpart.INTERNATIONAL)),
        t("counterpart.assumption_note", lang),
    ]
    _text(slide, Inches(0.5), y, Inches(12.3), HEIGHT - y - Inches(0.5), notes, size=12, name="notes")


def _provenance_slide(prs, pack: PitchPack) -> None:
    lang = pack.lang
    slide = _slide(prs, pack, t("sources.heading", lang))
    size = 11 if len(pack.provenance) > 10 else 12
    _text(slide, Inches(0.5), Inches(1.3), Inches(12.3), Inches(5.7), pack.provenance, size=size, bullets=True,
          name="provenance")
