"""The pitch deck as PowerPoint (python-pptx): a storyline laid out from a :class:`geo.output.pitch.pack.PitchPack`.

Slides, in order (issue 17): the **cover** with the three headline figures of what the pack contains (need,
committed, gap) in VND, and in USD only with a sourced rate (the rate and its source shown; otherwise the
cover says the figures are VND only); **the district and its people** (only figures from the bundled unit
table, each with its source, and the plan's ten content areas); **where the gaps are** (a full-slide map, then
the table by unit); per opportunity a slide with a **large map** and its story, beneficiaries, expected results,
the ask by instrument, the counterpart the district commits and, for a donor, **why this donor** in sentences;
the **counterpart** table; the **closing** slide (whom to contact, next steps); **data provenance** last.

Nothing overflows: every text box and table row is as tall as :mod:`geo.output.pitch.metrics` measures its
text in the named font (DejaVu Sans); what does not fit on a slide continues on the next one (the title says
"continued"), tables are split between rows with the header repeated, and no text is smaller than
:data:`MIN_PT`. Every slide carries the box ``illustrative_label`` when the pack shows illustrative data;
maps are pictures named ``map``; tables are named ``table``.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> from geo.output.pitch import pack as pitch
>>> ds = BundledStore().load()
>>> pack = pitch.build_pack(ds, pitch.Target("theme", theme=5), lang="en", top=1)
>>> from pptx import Presentation
>>> deck = Presentation(io.BytesIO(build_deck(pack, lambda spec: TINY_PNG)))
>>> len(deck.slides) == slide_count(pack), deck.slides[-1].shapes.title.text
(True, 'Data sources and quality')
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from geo.analysis import counterpart
from geo.model import schema
from geo.output.pitch import metrics
from geo.output.pitch.pack import MapSpec, Opportunity, PitchPack, money_cells, money_header
from geo.text import fmt
from geo.text.i18n import t

FONT = metrics.FONT
MIN_PT = 12
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

PT = 12700  # EMU per point
MARGIN = 0.5 * 72  # points
SLIDE_W, SLIDE_H = WIDTH / PT, HEIGHT / PT
LABEL_W = 2.9 * 72
FOOTER_H = MIN_PT * metrics.LINE + 4
BOTTOM = SLIDE_H - 0.3 * 72 - FOOTER_H - 6  # content ends above the footer
CELL_X, CELL_Y = 5.0, 3.0  # table cell margins, points
GAP = 8.0  # between blocks, points


# --- blocks: what a slide column holds, each measured before it is placed ------------------------------
@dataclass
class Text:
    """Paragraphs in one style; splits between paragraphs."""

    paragraphs: list[str]
    size: float = 14
    bold: bool = False
    color: RGBColor = INK
    bullets: bool = False
    name: str = "text"
    keep_with_next: bool = False

    def lines(self) -> list[str]:
        return [("• " if self.bullets else "") + p for p in self.paragraphs]

    def height(self, w: float) -> float:
        return metrics.height(self.lines(), self.size, w, self.bold)

    def split(self, w: float, room: float) -> tuple[Text | None, Text | None]:
        """(the paragraphs that fit in ``room`` points, the rest)."""
        n, used = 0, 0.0
        for line in self.lines():  # the same sum as metrics.height, one paragraph at a time
            used += metrics.height([line], self.size, w, self.bold) + (self.size * 0.35 if n else 0.0)
            if used > room:
                break
            n += 1
        if n == 0:
            return None, self
        head = Text(self.paragraphs[:n], self.size, self.bold, self.color, self.bullets, self.name)
        rest = Text(self.paragraphs[n:], self.size, self.bold, self.color, self.bullets, self.name) \
            if n < len(self.paragraphs) else None
        return head, rest


@dataclass
class Grid:
    """A table: header, rows, relative column widths; splits between rows, the header repeated."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    size: float = MIN_PT
    total: bool = True  # the last row is a total (bold)
    name: str = "table"
    _total_here: bool = field(default=True, repr=False)

    def col_widths(self, w: float) -> list[float]:
        scale = w / sum(self.widths)
        return [x * scale for x in self.widths]

    def row_height(self, row: list[str], w: float, bold: bool) -> float:
        cols = self.col_widths(w)
        lines = max(len(metrics.wrap(c, self.size, cw - 2 * CELL_X, bold)) for c, cw in zip(row, cols))
        return lines * self.size * metrics.LINE + 2 * CELL_Y + 2

    def heights(self, w: float) -> list[float]:
        last = len(self.rows) - 1
        return [self.row_height(self.header, w, True),
                *[self.row_height(r, w, self.total and self._total_here and i == last) for i, r in enumerate(self.rows)]]

    def height(self, w: float) -> float:
        return sum(self.heights(w))

    def split(self, w: float, room: float) -> tuple[Grid | None, Grid | None]:
        hs = self.heights(w)
        used, n = hs[0], 0
        while n < len(self.rows) and used + hs[n + 1] <= room:
            used += hs[n + 1]
            n += 1
        if n == 0:
            return None, self
        head = Grid(self.header, self.rows[:n], self.widths, self.size, self.total, self.name,
                    _total_here=n == len(self.rows) and self._total_here)
        rest = Grid(self.header, self.rows[n:], self.widths, self.size, self.total, self.name) \
            if n < len(self.rows) else None
        return head, rest


Block = Text | Grid


# --- the deck ---------------------------------------------------------------------------------------
def build_deck(pack: PitchPack, render: MapRenderer) -> bytes:
    """The deck as ``.pptx`` bytes; ``render(spec)`` returns the PNG of each map."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    _lay_out(_Builder(prs, pack, render))
    lang = pack.lang
    slides = list(prs.slides)
    for n, slide in enumerate(slides, start=1):
        footer = f"{t('app.title', lang)} · {t('pitch.made', lang, date=pack.made)} · {n}/{len(slides)}"
        _box(slide, MARGIN, SLIDE_H - 0.3 * 72 - FOOTER_H, SLIDE_W - 2 * MARGIN, FOOTER_H,
             Text([footer], MIN_PT, color=MUTED, name="footer"))
    prs.core_properties.title = f"{pack.title} — {pack.subtitle}"
    prs.core_properties.language = "vi-VN" if lang == "vi" else "en-GB"
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def slide_count(pack: PitchPack) -> int:
    """How many slides :func:`build_deck` makes for ``pack`` (laid out without drawing maps)."""
    counter = _Builder(None, pack, lambda spec: TINY_PNG)
    _lay_out(counter)
    return counter.n


def _lay_out(b: _Builder) -> None:
    pack = b.pack
    _cover(b)
    _people(b)
    _gaps(b)
    for i, opp in enumerate(pack.opportunities, start=1):
        _opportunity(b, opp, i)
    _counterpart(b)
    _closing(b)
    b.flow(t("sources.heading", pack.lang), [Text(pack.provenance, MIN_PT, bullets=True, name="provenance")])


class _Builder:
    """Adds slides (or only counts them when ``prs`` is None) and flows blocks across them."""

    def __init__(self, prs, pack: PitchPack, render: MapRenderer) -> None:
        self.prs, self.pack, self.render, self.n = prs, pack, render, 0

    def slide(self, title: str, subtitle: str = "", title_size: float = 26):
        """A new slide with its title (and subtitle); returns (slide or None, y where content starts, points)."""
        self.n += 1
        lang = self.pack.lang
        w = SLIDE_W - 2 * MARGIN - (LABEL_W + 12 if self.pack.illustrative else 0)
        size = title_size
        while size > 18 and len(metrics.wrap(title, size, w, True)) > 2:
            size -= 2
        title_block = Text([title], size, bold=True, color=ACCENT, name="title")
        y = 0.3 * 72
        h = title_block.height(w)
        slide = None
        if self.prs is not None:
            slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # "Title Only": a real title placeholder
            ph = slide.shapes.title
            _place(ph, MARGIN, y, w, h)
            _fill(ph.text_frame, title_block)
            if self.pack.illustrative:
                label = Text([t("pitch.illustrative_label", lang)], MIN_PT, bold=True, color=WARN,
                             name="illustrative_label")
                lh = label.height(LABEL_W - 12) + 10
                box = _box(slide, SLIDE_W - MARGIN - LABEL_W, y, LABEL_W, lh, label, pad=6)
                box.fill.solid()
                box.fill.fore_color.rgb = WARN_FILL
                box.line.color.rgb = WARN
                for p in box.text_frame.paragraphs:
                    p.alignment = PP_ALIGN.CENTER
        y += h + 6
        if subtitle:
            sub = Text([subtitle], 14, color=MUTED, name="subtitle")
            sh = sub.height(w)
            if slide is not None:
                _box(slide, MARGIN, y, w, sh, sub)
            y += sh + 6
        if self.pack.illustrative:
            y = max(y, 0.3 * 72 + Text([t("pitch.illustrative_label", lang)], MIN_PT, True).height(LABEL_W - 12) + 16)
        return slide, y + 4

    def place(self, slide, blocks: list[Block], x: float, y: float, w: float, bottom: float = BOTTOM
              ) -> list[Block]:
        """Place blocks from ``y`` down; returns the blocks (or the rest of one) that did not fit."""
        todo = list(blocks)
        while todo:
            block = todo[0]
            room = bottom - y
            need = block.height(w)
            if need <= room:
                if isinstance(block, Text) and block.keep_with_next and len(todo) > 1:
                    nxt = todo[1]
                    head, _ = nxt.split(w, room - need - GAP)
                    if head is None:
                        return todo
                self._draw(slide, block, x, y, w, need)
                y += need + GAP
                todo.pop(0)
                continue
            head, rest = block.split(w, room)
            if head is None:
                return todo
            self._draw(slide, head, x, y, w, head.height(w))
            todo[0] = rest  # type: ignore[assignment]
            return todo
        return []

    def flow(self, title: str, blocks: list[Block], subtitle: str = "", continued: bool = False) -> None:
        """Blocks across as many full-width slides as they need; later slides' titles say "continued"."""
        lang = self.pack.lang
        first = not continued
        todo = [b for b in blocks if b is not None]
        while todo:
            slide, y = self.slide(title if first else t("pitch.continued", lang, title=title), subtitle if first else "")
            rest = self.place(slide, todo, MARGIN, y, SLIDE_W - 2 * MARGIN)
            if rest and rest[0] is todo[0] and len(rest) == len(todo):
                raise ValueError(f"a block is taller than a whole slide: {rest[0]!r:.200}")
            todo, first = rest, False

    def _draw(self, slide, block: Block, x: float, y: float, w: float, h: float) -> None:
        if slide is None:
            return
        if isinstance(block, Text):
            _box(slide, x, y, w, h, block)
        else:
            _grid(slide, x, y, w, block)


# --- drawing ----------------------------------------------------------------------------------------
def _place(shape, x: float, y: float, w: float, h: float) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(int(x * PT)), Emu(int(y * PT)), Emu(int(w * PT)), \
        Emu(int(h * PT))


def _fill(tf, block: Text, pad: float = 0) -> None:
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.vertical_anchor = MSO_ANCHOR.TOP
    tf.margin_left = tf.margin_right = tf.margin_top = tf.margin_bottom = Emu(int(pad * PT))
    for i, text in enumerate(block.lines()):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.text = text
        p.alignment = PP_ALIGN.LEFT
        p.line_spacing = 1.0
        p.space_before = Pt(0)
        p.space_after = Pt(block.size * 0.35)
        for r in p.runs:
            _font(r, block.size, block.bold, block.color)


def _box(slide, x: float, y: float, w: float, h: float, block: Text, pad: float = 0):
    box = slide.shapes.add_textbox(Emu(int(x * PT)), Emu(int(y * PT)), Emu(int(w * PT)), Emu(int(h * PT)))
    box.name = block.name
    _fill(box.text_frame, block, pad)
    return box


def _font(run, size: float, bold: bool = False, color: RGBColor = INK) -> None:
    if size < MIN_PT:
        raise ValueError(f"text below {MIN_PT} pt: {size}")
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color


def _grid(slide, x: float, y: float, w: float, grid: Grid):
    heights = grid.heights(w)
    values = [grid.header, *grid.rows]
    shape = slide.shapes.add_table(len(values), len(grid.header), Emu(int(x * PT)), Emu(int(y * PT)),
                                   Emu(int(w * PT)), Emu(int(sum(heights) * PT)))
    shape.name = grid.name
    table = shape.table
    for j, cw in enumerate(grid.col_widths(w)):
        table.columns[j].width = Emu(int(cw * PT))
    last = len(values) - 1
    for i, row in enumerate(values):
        table.rows[i].height = Emu(int(heights[i] * PT))
        strong = i == 0 or (grid.total and grid._total_here and i == last)
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = value
            cell.margin_top = cell.margin_bottom = Emu(int(CELL_Y * PT))
            cell.margin_left = cell.margin_right = Emu(int(CELL_X * PT))
            cell.fill.solid()
            cell.fill.fore_color.rgb = HEAD_FILL if i == 0 else (RGBColor(0xF6, 0xF6, 0xF6) if i % 2 == 0
                                                                 else RGBColor(0xFF, 0xFF, 0xFF))
            for p in cell.text_frame.paragraphs:
                p.alignment = PP_ALIGN.LEFT if j == 0 else PP_ALIGN.RIGHT
                p.line_spacing = 1.0
                for r in p.runs:
                    _font(r, grid.size, bold=strong)
    return shape


def _picture(slide, png: bytes, x: float, y: float, w: float, h: float):
    """The map scaled to fit ``w`` × ``h`` points, centred in that box."""
    mw = min(w, h * MAP_RATIO)
    mh = mw / MAP_RATIO
    pic = slide.shapes.add_picture(io.BytesIO(png), Emu(int((x + (w - mw) / 2) * PT)), Emu(int(y * PT)),
                                   width=Emu(int(mw * PT)), height=Emu(int(mh * PT)))
    pic.name = "map"
    return pic


# --- money in words -----------------------------------------------------------------------------------
def money(amount: int, pack: PitchPack) -> str:
    """``93,6 tỷ ₫`` and, with a sourced rate, ``· 3,6 triệu USD``."""
    lang = pack.lang
    text = fmt.vnd_short(amount, lang)
    if pack.usd is not None:
        text += f" · {fmt.usd_short(amount, pack.usd[0], lang)}"
    return text


def rate_line(pack: PitchPack) -> str:
    lang = pack.lang
    if pack.usd is None:
        return t("pitch.vnd_only", lang)
    return t("pitch.rate_line", lang, rate=fmt.number(pack.usd[0], lang), source=pack.usd[1])


# --- slides -------------------------------------------------------------------------------------------
def _cover(b: _Builder) -> None:
    pack, lang = b.pack, b.pack.lang
    slide, y = b.slide(pack.title, pack.subtitle, title_size=32)
    tot = pack.pitch_totals
    w = SLIDE_W - 2 * MARGIN
    col = (w - 2 * 18) / 3
    y += 12
    figs = [("need", tot["need"]), ("committed", tot["committed"]), ("gap", tot["gap"])]
    fig_h = 0.0
    for k, (key, amount) in enumerate(figs):
        x = MARGIN + k * (col + 18)
        label = Text([t(f"pitch.head_{key}", lang)], 16, bold=True, color=MUTED, name=f"figure_{key}_label")
        value = Text([fmt.vnd_short(amount, lang)], 30, bold=True, color=ACCENT, name=f"figure_{key}")
        blocks: list[Block] = [label, value]
        if pack.usd:
            blocks.append(Text([fmt.usd_short(amount, pack.usd[0], lang)], 20, color=INK, name=f"figure_{key}_usd"))
        left = b.place(slide, blocks, x, y, col)
        assert not left
        fig_h = max(fig_h, sum(bl.height(col) for bl in blocks) + (len(blocks) - 1) * GAP)
    y += fig_h + GAP + 6
    lines = [
        rate_line(pack),
        t("pitch.cover_counts", lang, opps=len(pack.opportunities), ask=fmt.vnd_short(tot["ask"], lang)),
        t("pitch.cover_scope", lang, need=fmt.vnd_short(pack.totals["need"], lang),
          gap=fmt.vnd_short(pack.totals["gap"], lang), n=pack.totals["n_projects"]),
        t("print.district", lang) + " · " + t("pitch.made", lang, date=pack.made),
    ]
    left = b.place(slide, [Text(lines, 16, name="key_figures")], MARGIN, y, w)
    assert not left


def _people(b: _Builder) -> None:
    pack, lang = b.pack, b.pack.lang
    title = t("pitch.slide_people", lang)
    slide, y = b.slide(title, t("print.district", lang))
    map_w = 6.3 * 72
    if slide is not None:
        _picture(slide, b.render(pack.context_map), MARGIN, y, map_w, BOTTOM - y)
    x = MARGIN + map_w + 18
    w = SLIDE_W - MARGIN - x
    facts = Text([f"{label}: {value}" for label, value in pack.context], 14, bullets=True, name="context")
    people = Grid([t("pitch.col_fact", lang), t("pitch.col_value", lang), t("pitch.col_source", lang)],
                  [[a, v, s or "–"] for a, v, s in pack.people], [2.2, 2.2, 1.1], total=False, name="people")
    areas = Text([schema.content_area_label(a, lang) for a in schema.CONTENT_AREAS], 14, bullets=True,
                 name="content_areas")
    rest = b.place(slide, [facts], x, y, w)
    blocks: list[Block] = [*rest]
    if pack.people:
        blocks += [Text([t("pitch.people_heading", lang)], 16, True, ACCENT, keep_with_next=True), people]
    blocks += [Text([t("pitch.areas_heading", lang)], 16, True, ACCENT, keep_with_next=True), areas]
    b.flow(title, blocks, continued=True)


def _gaps(b: _Builder) -> None:
    pack, lang = b.pack, b.pack.lang
    title = t("pitch.slide_gaps", lang)
    slide, y = b.slide(title, t("pitch.gap_map_subtitle", lang, gap=money(pack.totals["gap"], pack)))
    if slide is not None:
        _picture(slide, b.render(pack.gap_map), MARGIN, y, SLIDE_W - 2 * MARGIN, BOTTOM - y)
    cols = ["need", "committed", "gap"]
    header = [t("units.unit" if pack.unit_version == "2025" else "common.commune", lang),
              *[money_header(t(f"common.{c}", lang), lang) for c in cols]]
    grid = Grid(header, money_cells(pack.unit_table, cols, lang), [1.7, 1.45, 1.45, 1.45])
    b.flow(t("pitch.slide_gap_table", lang), [grid],
           t("pitch.gap_subtitle", lang, units=schema.UNIT_VERSIONS[pack.unit_version](lang)))


def _opportunity(b: _Builder, opp: Opportunity, i: int) -> None:
    pack, lang = b.pack, b.pack.lang
    title = f"{i}. {opp.title}"
    slide, y = b.slide(title, opp.subtitle, title_size=24)
    map_w = 7.2 * 72
    if slide is not None:
        _picture(slide, b.render(opp.map), MARGIN - 6, y, map_w, BOTTOM - y)
    x = MARGIN + map_w
    w = SLIDE_W - MARGIN - x

    def head(key: str) -> Text:
        return Text([t(key, lang)], 15, True, ACCENT, keep_with_next=True)

    missing = t("pitch.not_recorded", lang)
    story = opp.story or (t("pitch.story_commune", lang) if opp.kind == "commune" else missing)
    if opp.story and lang == "en":
        story = t("pitch.story_as_entered", lang, text=opp.story)
    # only the instruments the ask uses: "Grants: VND 0.0 million" reads as a request for nothing
    parts = [t(key, lang, amount=money(value, pack))
             for key, value in (("pitch.ask_loan", opp.ask_loan), ("pitch.ask_grant", opp.ask_grant)) if value]
    blocks: list[Block] = [
        head("pitch.h_story"), Text([story], 14, name="story"),
        head("pitch.h_beneficiaries"), Text(opp.beneficiaries or [missing], 14, bullets=bool(opp.beneficiaries),
                                            name="beneficiaries"),
        head("pitch.h_results"), Text(opp.results or [missing], 14, bullets=bool(opp.results), name="results"),
        *([head("pitch.risk"), Text([opp.risk], 14, name="risk")] if opp.risk else []),
        head("pitch.h_ask"), Text([t("pitch.ask_total", lang, amount=money(opp.ask, pack)), *parts], 14,
                                  bullets=True, name="ask"),
        head("pitch.h_counterpart"),
        Text([t("pitch.cp_line", lang, committed=money(opp.counterpart_committed, pack),
                required=money(opp.counterpart_if_funded, pack))], 14, name="counterpart"),
    ]
    if opp.why_donor:
        blocks += [Text([t("pitch.h_why_donor", lang, donor=pack.target.the_donor.label(lang))], 15, True, ACCENT,
                        keep_with_next=True), Text(opp.why_donor, 14, name="why")]
    else:
        blocks += [head("pitch.why_heading"), Text(opp.why, 14, name="why")]
    cols = ["need", "committed", "gap"]
    blocks += [head("pitch.h_sources"),
               Grid([t("gaps.col.source", lang), *[money_header(t(f"common.{c}", lang), lang) for c in cols]],
                    money_cells(opp.sources, cols, lang), [2.2, 1.5, 1.5, 1.5])]
    if opp.why_donor:
        blocks += [Text([opp.why[-1]], 14, name="why_rank")]
    rest = b.place(slide, blocks, x, y, w)
    if rest:
        b.flow(title, rest, continued=True)


def _counterpart(b: _Builder) -> None:
    pack, lang = b.pack, b.pack.lang
    cols = ["ask", "required_if_funded", "counterpart_committed"]
    header = [t("pitch.cp_item", lang), *[money_header(t(f"pitch.cp_{c}", lang), lang) for c in cols]]
    d = pack.counterpart_totals
    notes = [
        t("pitch.cp_district", lang, required=fmt.vnd(d["required"], lang), committed=fmt.vnd(d["counterpart_committed"], lang),
          shortfall=fmt.vnd(d["shortfall"], lang)),
        t("pitch.cp_ratios", lang, ratios="; ".join(
            f"{schema.SOURCE_BY_KEY[k](lang)} {fmt.percent(v, lang)}" for k, v in pack.ratios.items()
            if k in counterpart.INTERNATIONAL)),
        t("counterpart.assumption_note", lang),
    ]
    b.flow(t("pitch.slide_counterpart", lang),
           [Grid(header, money_cells(pack.counterpart, cols, lang), [4.5, 2.6, 2.6, 2.6]), Text(notes, 14, name="notes")],
           t("pitch.cp_subtitle", lang))


def _closing(b: _Builder) -> None:
    lang = b.pack.lang
    blocks: list[Block] = [
        Text([t("pitch.h_contact", lang)], 18, True, ACCENT, keep_with_next=True),
        Text([t("pitch.contact_fp", lang), t("pitch.contact_ea", lang)], 16, bullets=True, name="contact"),
        Text([t("pitch.h_next", lang)], 18, True, ACCENT, keep_with_next=True),
        Text([t("pitch.next_1", lang), t("pitch.next_2", lang), t("pitch.next_3", lang)], 16, bullets=True,
             name="next_steps"),
    ]
    b.flow(t("pitch.slide_closing", lang), blocks, t("print.district", lang))
