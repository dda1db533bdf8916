"""Text is text: what a field may hold, checked where the text comes in (issue 13).

Every text a user types or a file brings is checked the same way, by :func:`text_problems`:

* **control characters** (NUL, BEL, ESC …, unpaired surrogates, U+FFFE/U+FFFF) are refused: they
  crash Excel exports (XML cannot hold them) and hide text on screen;
* **line breaks** (``\\n``, ``\\r``, U+2028, U+2029, U+0085) are refused in single-line fields (names,
  ids, donor names); multi-line fields (:data:`geo.model.schema.MULTI_LINE_COLUMNS`) keep them;
* **length**: :data:`geo.model.schema.MAX_LINE_CHARS` for one line, ``MAX_TEXT_CHARS`` for several;
* **legacy Vietnamese encodings**: text typed in the TCVN3 (ABC, ``.VnTime`` fonts) or VNI
  (``VNI-Times``) encodings reaches a Unicode file as Latin-1 look-alikes (``B¶o Th¾ng`` for *Bảo
  Thắng*, ``Xin chaøo`` for *Xin chào*). It is refused with advice (convert with Unikey); a TCVN3
  value is shown converted, so the user sees what it meant.

Each problem names the file, row and column it was given.

Examples
--------
>>> [p.key for p in text_problems("Bản\\x00Bo", "f.csv", 2, "name_vi")]
['err.text.control']
>>> [p.key for p in text_problems("Dòng 1\\nDòng 2", "f.csv", 2, "description", multi_line=True)]
[]
>>> [p.key for p in text_problems("Dòng 1\\nDòng 2", "f.csv", 2, "name_vi")]
['err.text.line_break']
>>> legacy_encoding("B¶o Th¾ng"), legacy_encoding("Xin chaøo caùc baïn"), legacy_encoding("Kreditanstalt für Wiederaufbau")
('tcvn3', 'vni', None)
>>> from_tcvn3("B¸t X¸t")
'Bát Xát'
"""

from __future__ import annotations

import re
import unicodedata

from geo.ingest.validate import Problem
from geo.model import schema

#: TCVN3 (ABC) bytes as Latin-1 look-alikes → the Vietnamese letters they stand for (lower-case set and the
#: upper-case base letters; TCVN3 writes toned capitals with a separate font).
_TCVN3 = dict(zip(
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
))
#: Symbols that TCVN3 uses as letters and Vietnamese (or any European language) never puts inside a word.
_TCVN3_SYMBOLS = "µ¸¶·¹¨»¾¼½©®ª«¬\xad¡¢§£¤¥¦"
_TCVN3_WORD = re.compile(
    rf"[A-Za-z][{_TCVN3_SYMBOLS}]|[{_TCVN3_SYMBOLS}][A-Za-z]"  # a symbol inside a word: B¶o, Th¾ng
    r"|[a-z][ÆÇÊÈÉËÌÐÎÏÑÒÕÓÔÖ×ÝØÜÞ]"  # a TCVN3 lower-case letter looks like a capital: ViÖt, tØnh
)
#: VNI writes a letter as the base vowel followed by its marks: chaøo (chào), caùc (các), Ñöôøng (Đường).
_VNI_WORD = re.compile(r"[aeiouyAEIOUY][ùøûõïÙØÛÕÏ]|[aeoAEO][âÂ][ùøûõïáàåãäÙØÛÕÏÁÀÅÃÄ]?|[aA][êÊ]|[ñÑ][öô]")
_LINE_BREAKS = {"\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c"}


def from_tcvn3(text: str) -> str:
    """``text`` read as TCVN3 (ABC) look-alikes, in Unicode (NFC)."""
    return unicodedata.normalize("NFC", "".join(_TCVN3.get(ch, ch) for ch in text))


def legacy_encoding(text: str) -> str | None:
    """``"tcvn3"`` or ``"vni"`` when ``text`` looks typed in that legacy encoding, else None.

    Conservative: real Vietnamese, French or German text never matches (``für``, ``où`` aside, see tests).
    """
    if _TCVN3_WORD.search(text):
        return "tcvn3"
    if len(_VNI_WORD.findall(text)) >= 1 and not _looks_french(text):
        return "vni"
    return None


def _looks_french(text: str) -> bool:
    return bool(re.search(r"\b(où|naïve?|Noël|Joël|Raphaël|Anaïs)\b", text))


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def text_problems(value: object, file: str, row: int | None, column: str | None, multi_line: bool = False,
                  legacy: bool = True) -> list[Problem]:
    """Problems of one text value (empty when it is fine); ``value`` that is not text is not checked."""
    if not isinstance(value, str) or not value:
        return []
    for pos, ch in enumerate(value, start=1):
        if ch in _LINE_BREAKS:
            if multi_line and ch in "\n\r":
                continue
            if not multi_line:
                return [Problem.of(file, "err.text.line_break", row, column, pos=pos)]
        cat = unicodedata.category(ch)
        if (cat == "Cc" and not (multi_line and ch == "\t")) or cat == "Cs" or ch in "\ufffe\uffff":
            return [Problem.of(file, "err.text.control", row, column, code=_code(ch), pos=pos)]
    limit = schema.MAX_TEXT_CHARS if multi_line else schema.MAX_LINE_CHARS
    if len(value) > limit:
        return [Problem.of(file, "err.limit.text_length", row, column, n=len(value), limit=limit)]
    if legacy:
        kind = legacy_encoding(value)
        shown = value if len(value) <= 60 else value[:57] + "…"
        if kind == "tcvn3":
            return [Problem.of(file, "err.text.tcvn3", row, column, value=shown, converted=from_tcvn3(shown))]
        if kind == "vni":
            return [Problem.of(file, "err.text.vni", row, column, value=shown)]
    return []


def is_multi_line(column: str | None) -> bool:
    return column in schema.MULTI_LINE_COLUMNS
