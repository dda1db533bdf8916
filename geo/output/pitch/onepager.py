"""A one-pager PDF per opportunity (project or commune), laid out with reportlab from a pitch pack.

Title and subtitle, the illustrative-data label (when the pack shows illustrative data), the highlight map
(:func:`geo.output.pitch.pack.render_png`), the story, beneficiaries and expected results (or a note that they
are not recorded yet), the ask by instrument, the counterpart, key facts, the funding table by source, why
(this donor) and the provenance lines with the unit version. No text is under 12 pt; reportlab flows what
does not fit onto a second page (the provenance, usually), so nothing is cut or overprinted. Text is set in DejaVu Sans
(bundled with matplotlib) so every Vietnamese letter renders and stays searchable.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> from geo.output.pitch import pack as pitch
>>> from geo.output.pitch.deck import TINY_PNG
>>> pack = pitch.build_pack(BundledStore().load(), pitch.Target("communes", communes=("03424",)), lang="vi")
>>> pdf = build_onepager(pack, pack.opportunities[0], TINY_PNG)
>>> pdf[:5]
b'%PDF-'
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from geo.output.pitch.pack import Opportunity, PitchPack, money_cells, money_header
from geo.text import fmt
from geo.text.i18n import t

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
#: No text smaller than this (issue 17); what does not fit on the first page flows onto the next.
MIN_PT = 12
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
MAP_RATIO = 11.69 / 8.27
ACCENT = colors.HexColor("#08306b")
WARN = colors.HexColor("#8b0000")
WARN_FILL = colors.HexColor("#fff3cd")
HEAD_FILL = colors.HexColor("#ddebe3")


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


def _style(size: float, bold: bool = False, color=colors.black, leading: float = 1.25) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}{bold}", fontName=FONT_BOLD if bold else FONT, fontSize=size,
                          leading=size * leading, textColor=color)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(unicodedata.normalize("NFC", str(text))), style)  # user text is never markup


def build_onepager(pack: PitchPack, opp: Opportunity, png: bytes) -> bytes:
    """One A4 page for ``opp`` as PDF bytes; ``png`` is its map."""
    _fonts()
    lang = pack.lang
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=1.3 * cm, rightMargin=1.3 * cm, topMargin=1.1 * cm,
                            bottomMargin=1.0 * cm, title=opp.title, author=t("app.title", lang),
                            subject=pack.subtitle, creator=t("app.title", lang))
    width = A4[0] - 2.6 * cm
    grey = colors.HexColor("#444444")
    story: list = [_p(opp.title, _style(18, True, ACCENT)), _p(f"{opp.subtitle} · {pack.subtitle}", _style(MIN_PT, color=grey))]
    story.append(Spacer(1, 4))
    if pack.illustrative:
        label = Table([[_p(t("pitch.illustrative_label", lang), _style(MIN_PT, True, WARN))]], colWidths=[width])
        label.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), WARN_FILL), ("BOX", (0, 0), (-1, -1), 0.8, WARN),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        story += [label, Spacer(1, 4)]
    map_w = width * 0.72
    story.append(Image(io.BytesIO(png), width=map_w, height=map_w / MAP_RATIO))
    story.append(Spacer(1, 4))

    body, bold = _style(MIN_PT), _style(MIN_PT, True)
    def heading(key: str, **kw) -> Paragraph:
        style = _style(13, True, ACCENT)
        style.keepWithNext = 1  # never a heading alone at the foot of a page
        return _p(t(key, lang, **kw), style)

    missing = t("pitch.not_recorded", lang)
    text = opp.story or (t("pitch.story_commune", lang) if opp.kind == "commune" else missing)
    if opp.story and lang == "en":
        text = t("pitch.story_as_entered", lang, text=opp.story)
    story += [heading("pitch.h_story"), _p(text, body), Spacer(1, 3)]
    story += [heading("pitch.h_beneficiaries"), *[_p(x, body) for x in (opp.beneficiaries or [missing])], Spacer(1, 3)]
    story += [heading("pitch.h_results"), *[_p(x, body) for x in (opp.results or [missing])], Spacer(1, 3)]
    story += [heading("pitch.h_ask"), _p("• " + t("pitch.ask_total", lang, amount=fmt.vnd_short(opp.ask, lang)), body),
              *[_p("• " + t(key, lang, amount=fmt.vnd_short(value, lang)), body)  # only the instruments it uses
                for key, value in (("pitch.ask_loan", opp.ask_loan), ("pitch.ask_grant", opp.ask_grant)) if value],
              Spacer(1, 3)]
    story += [heading("pitch.h_counterpart"),
              _p(t("pitch.cp_line", lang, committed=fmt.vnd_short(opp.counterpart_committed, lang),
                   required=fmt.vnd_short(opp.counterpart_if_funded, lang)), body), Spacer(1, 3)]

    facts = Table([[_p(k, bold), _p(v, body)] for k, v in opp.facts], colWidths=[width * 0.38, width * 0.62])
    facts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey)]))
    story += [facts, Spacer(1, 5)]

    cols = ["need", "committed", "gap"]
    head = [t("gaps.col.source", lang), *[money_header(t(f"common.{c}", lang), lang) for c in cols]]
    rows = money_cells(opp.sources, cols, lang)
    def cell(text: str, i: int, j: int) -> Paragraph:
        style = _style(MIN_PT, bold=i == 0 or i == len(rows))
        style.alignment = TA_RIGHT if j else TA_LEFT
        return _p(text, style)

    grid = [head, *rows]
    money = Table([[cell(c, i, j) for j, c in enumerate(r)] for i, r in enumerate(grid)],
                  colWidths=[width * 0.28] + [width * 0.24] * 3, repeatRows=1)
    money.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                               ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story += [heading("pitch.h_sources"), money, Spacer(1, 5)]
    if opp.why_donor:
        story.append(heading("pitch.h_why_donor", donor=pack.target.the_donor.label(lang)))
        story += [_p(line, body) for line in opp.why_donor]
        story.append(_p(opp.why[-1], body))
    else:
        story.append(heading("pitch.why_heading"))
        story += [_p("• " + line, body) for line in opp.why]
    story += [Spacer(1, 6), heading("sources.heading")]
    story += [_p(line, _style(MIN_PT, color=colors.HexColor("#333333"), leading=1.2)) for line in pack.provenance]
    doc.build(story)
    return buf.getvalue()


def file_name(opp: Opportunity) -> str:
    """A safe, readable file name: ``TD-009.pdf``, ``03424-xa-ban-bo.pdf``."""
    from geo.ingest.names import strip_accents

    slug = re.sub(r"[^a-z0-9]+", "-", strip_accents(opp.title).lower()).strip("-")[:40]
    key = re.sub(r"[^A-Za-z0-9_-]+", "-", opp.key)
    if key != opp.key:  # "A/1" and "A:1" both read "A-1": a digest of the real key keeps their files apart
        key += "-" + hashlib.sha1(opp.key.encode("utf-8")).hexdigest()[:8]
    return f"{key}.pdf" if opp.kind == "project" else f"{key}-{slug}.pdf"
