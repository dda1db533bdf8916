"""Nothing in a deck or one-pager overflows (issue 17): every bundled kind of deck is rendered to PDF by
LibreOffice (one ``soffice`` call for all of them) and every one-pager is read as made; the text lines'
positions (pdfminer.six) must lie inside the page and no line may overprint another.

A deck made on purpose with two overlapping boxes and one off the page shows the check can fail.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextBox, LTTextLine
from pptx import Presentation
from pptx.util import Inches, Pt

from geo.analysis import funding
from geo.analysis.indicators import commune_indicators
from geo.ingest import donors
from geo.output.pitch import deck, onepager
from geo.output.pitch import pack as pitch

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
needs_office = pytest.mark.skipif(not Path(SOFFICE).exists() and not os.environ.get("ATLAS_REQUIRE_OFFICE"),
                                  reason="LibreOffice (soffice) is not installed")
PROFILES = donors.by_id(donors.profiles_from_frame(donors.bundled_frame()))
#: Overlaps smaller than this (points, in both directions) are the touching of adjacent lines, not overprint.
TOLERANCE = 1.5


def lines_of(pdf: bytes) -> list[tuple[tuple[float, float, float, float], list[tuple[str, tuple]]]]:
    """Per page: its box and its text lines (text, bbox)."""
    out = []
    for page in extract_pages(io.BytesIO(pdf), laparams=LAParams()):
        found = []
        for element in page:
            if isinstance(element, LTTextBox):
                found += [(line.get_text().strip(), line.bbox) for line in element
                          if isinstance(line, LTTextLine) and line.get_text().strip()]
        out.append((page.bbox, found))
    return out


def problems(pdf: bytes, name: str) -> list[str]:
    """Lines that leave the page or overprint another line, named with page and text."""
    bad = []
    for n, (page, lines) in enumerate(lines_of(pdf), start=1):
        px0, py0, px1, py1 = page
        for text, (x0, y0, x1, y1) in lines:
            if x0 < px0 - 1 or y0 < py0 - 1 or x1 > px1 + 1 or y1 > py1 + 1:
                bad.append(f"{name} p{n}: off the page: {text[:50]!r}")
        for i, (ta, a) in enumerate(lines):
            for tb, b in lines[i + 1:]:
                w = min(a[2], b[2]) - max(a[0], b[0])
                h = min(a[3], b[3]) - max(a[1], b[1])
                if w > TOLERANCE and h > TOLERANCE:
                    bad.append(f"{name} p{n}: {ta[:40]!r} overlaps {tb[:40]!r}")
    return bad


def to_pdf(pptx: dict[str, bytes], folder: Path) -> dict[str, bytes]:
    """Every deck to PDF in one LibreOffice run (its own profile, so parallel runs do not share a lock)."""
    for name, data in pptx.items():
        (folder / f"{name}.pptx").write_bytes(data)
    profile = (folder / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(folder), *[str(folder / f"{n}.pptx") for n in pptx]], check=True, capture_output=True,
                   timeout=300)
    return {name: (folder / f"{name}.pdf").read_bytes() for name in pptx}


def bundled_packs(ds) -> dict[str, pitch.PitchPack]:
    """A deck of every kind on the bundled data: donors (a lender, a grant-maker, both), a long theme, one and all
    communes, both languages and both unit versions."""
    table = commune_indicators(ds, funding.Filters())
    every = tuple(ds.communes["code"])
    return {  # the JICA deck with a (test) sourced USD rate: every amount then also in USD, longer lines
        "jica-en-usd": pitch.build_pack(ds, pitch.Target("donor", donor=PROFILES["jica"]), lang="en",
                                        indicator_table=table, usd=(26_000.0, "test rate, not a market figure")),
        "world-bank-vi-2025": pitch.build_pack(ds, pitch.Target("donor", donor=PROFILES["world_bank"]), lang="vi",
                                               unit_version="2025"),
        "unicef-vi": pitch.build_pack(ds, pitch.Target("donor", donor=PROFILES["unicef"]), lang="vi",
                                      indicator_table=table),
        "theme-3-en": pitch.build_pack(ds, pitch.Target("theme", theme=3), lang="en", top=10),
        "communes-all-en": pitch.build_pack(ds, pitch.Target("communes", communes=every), lang="en",
                                            indicator_table=table),
        "ban-bo-vi-2025": pitch.build_pack(ds, pitch.Target("communes", communes=("03424", "03427")), lang="vi",
                                           unit_version="2025"),
    }


@pytest.fixture(scope="module")
def rendered(ds, tmp_path_factory):
    packs = bundled_packs(ds)
    decks = {name: deck.build_deck(p, lambda spec: deck.TINY_PNG) for name, p in packs.items()}
    pdfs = to_pdf(decks, tmp_path_factory.mktemp("decks"))
    onepagers = {f"{name}/{onepager.file_name(o)}": onepager.build_onepager(p, o, deck.TINY_PNG)
                 for name, p in packs.items() for o in p.opportunities}
    return packs, decks, pdfs, onepagers


@needs_office
def test_every_bundled_deck_renders_without_overlap_or_overflow(rendered):
    packs, decks, pdfs, _ = rendered
    for name, pdf in pdfs.items():
        pages = lines_of(pdf)
        assert len(pages) == deck.slide_count(packs[name]) == len(Presentation(io.BytesIO(decks[name])).slides)
        assert sum(len(lines) for _, lines in pages) > 10 * len(pages) / 2  # the text is really there
    assert [p for name, pdf in pdfs.items() for p in problems(pdf, name)] == []


def test_every_one_pager_has_no_overlap_or_overflow(rendered):
    _, _, _, onepagers = rendered
    assert len(onepagers) >= 20
    assert [p for name, pdf in onepagers.items() for p in problems(pdf, name)] == []


@needs_office
def test_the_check_finds_overprinted_and_off_page_text(tmp_path):
    prs = Presentation()
    prs.slide_width, prs.slide_height = deck.WIDTH, deck.HEIGHT
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    for top, text in ((1.0, "First box of text on the slide"), (1.1, "Second box printed over the first")):
        box = slide.shapes.add_textbox(Inches(1), Inches(top), Inches(6), Inches(0.5))
        box.text_frame.text = text
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(20)
    box = slide.shapes.add_textbox(Inches(12.5), Inches(7.2), Inches(4), Inches(0.5))
    box.text_frame.text = "This line runs off the page edge"
    buf = io.BytesIO()
    prs.save(buf)
    found = problems(to_pdf({"bad": buf.getvalue()}, tmp_path)["bad"], "bad")
    assert any("overlaps" in p for p in found) and any("off the page" in p for p in found)
