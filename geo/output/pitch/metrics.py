"""Text measured with the real font (issue 17), so deck boxes and table rows are as tall as their text.

The deck names **DejaVu Sans** (Debian ``fonts-dejavu-core``, also bundled with matplotlib, which is where
these metrics are read from): LibreOffice and PowerPoint with the font installed set the same glyph widths
that :func:`width` measures with PIL, so a wrapped paragraph takes the lines :func:`wrap` says.

>>> wrap("Tam Đường district, Lai Châu province", 12, 120)
['Tam Đường district,', 'Lai Châu province']
>>> round(width("Tam Đường", 12), 1) > 0
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
from PIL import ImageFont

FONT = "DejaVu Sans"
_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FILES = {False: _DIR / "DejaVuSans.ttf", True: _DIR / "DejaVuSans-Bold.ttf"}
#: DejaVu Sans' line height (ascent 0.928 + descent 0.236 em, rounded up): what LibreOffice uses for 100 % spacing.
LINE = 1.17
_EM = 1000


@lru_cache(maxsize=2)
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FILES[bold]), _EM)


@lru_cache(maxsize=20_000)
def width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of ``text`` at ``size`` pt, in points."""
    return float(_font(bold).getlength(text)) * size / _EM


def wrap(text: str, size: float, box: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``box`` points (at spaces; a word wider than the box is broken
    between letters, as office suites do). Explicit newlines start a new line."""
    out: list[str] = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if width(trial, size, bold) <= box:
                line = trial
                continue
            if line:
                out.append(line)
            line = word
            while width(line, size, bold) > box and len(line) > 1:  # a word wider than the box
                cut = len(line)
                while cut > 1 and width(line[:cut], size, bold) > box:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
        out.append(line)
    return out


def height(paragraphs: list[str], size: float, box: float, bold: bool = False, space: float = 0.35) -> float:
    """Points the paragraphs take at ``size`` in a box ``box`` points wide, with ``space`` × size after each."""
    lines = sum(len(wrap(p, size, box, bold)) for p in paragraphs)
    return lines * size * LINE + max(len(paragraphs) - 1, 0) * size * space
