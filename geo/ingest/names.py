"""Match Vietnamese commune names, typed any way, to GSO codes.

Users type ``"Xã Thèn Sin"``, ``"then xin"``, ``"TT. Tam Đường"`` or paste NFD text
from old Excel files. :func:`match_commune` resolves all of them to a code, and
reports ambiguity instead of guessing.

Examples
--------
>>> idx = NameIndex.from_records([("03394", "Thèn Sin"), ("03390", "Tam Đường")])
>>> idx.match("xa then xin").code
'03394'
>>> idx.match("Thị trấn Tam Duong").code
'03390'
>>> idx.match("Hà Nội").code is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from geo.model.text import nfc, strip_accents
from geo.text.i18n import t

# Longest first so "thi tran" wins over "tt".
_PREFIXES = ("thi tran", "phuong", "xa", "tt.", "tt", "p.", "x.")

# Spelling variants seen in official lists (Vietnamese s/x and similar).
_VARIANTS: dict[str, str] = {"then xin": "then sin"}


def fold(text: str) -> str:
    """Accent-, case-, space- and prefix-insensitive key for a commune name.

    >>> fold("  Xã  Bản   Bo ")
    'ban bo'
    >>> fold("TT. Tam Đường")
    'tam duong'
    """
    key = strip_accents(nfc(str(text))).lower()
    key = re.sub(r"[\-_,;()]+", " ", key)
    key = re.sub(r"\s+", " ", key).strip()
    for prefix in _PREFIXES:
        if key.startswith(prefix + " ") or (prefix.endswith(".") and key.startswith(prefix)):
            key = key[len(prefix):].strip()
            break
    key = key.replace(".", " ").strip()
    key = re.sub(r"\s+", " ", key)
    return _VARIANTS.get(key, key)


def search(query: str, names: dict[str, str], limit: int = 50) -> list[str]:
    """Codes of the communes whose name contains ``query`` typed any way (accents, case, ``Xã``/``Thị trấn``
    prefixes ignored), names that start with it first, then by name; at most ``limit``. For the commune list at
    province and country scale, where thousands of names would not fit in one drop-down.

    >>> names = {"03394": "Xã Thèn Sin", "03390": "Thị trấn Tam Đường", "03391": "Xã Sơn Bình", "03397": "Xã Bình Lư"}
    >>> search("binh", names), search("tt tam duong", names), search("  ", names)
    (['03397', '03391'], ['03390'], [])
    """
    key = fold(query)
    if not key:
        return []
    folded = {code: fold(name) for code, name in names.items()}
    hits = [code for code, f in folded.items() if key in f]
    hits.sort(key=lambda c: (not folded[c].startswith(key), folded[c], c))
    return hits[:limit]


@dataclass(frozen=True)
class Match:
    """Result of matching one name. ``code`` is None when unknown or ambiguous."""

    query: str
    code: str | None
    candidates: tuple[str, ...] = ()
    exact: bool = False

    @property
    def ambiguous(self) -> bool:
        return self.code is None and len(self.candidates) > 1

    def problem_key(self) -> tuple[str, dict[str, str]] | None:
        """Catalog key and params of the problem (for :meth:`geo.ingest.validate.Problem.of`), or None when matched."""
        if self.code is not None:
            return None
        if self.ambiguous:
            return "err.ambiguous_commune", {"name": self.query, "options": ", ".join(self.candidates)}
        return "err.unknown_commune", {"name": self.query}

    def problem(self, lang: str = "vi") -> str | None:
        """A sentence for the user, or None when matched.

        >>> Match("Hà Nội", None).problem("vi")
        "Không tìm thấy xã/thị trấn 'Hà Nội'"
        """
        found = self.problem_key()
        if found is None:
            return None
        key, params = found
        return t(key, lang, **params)


@dataclass
class NameIndex:
    """Folded name → set of codes. Build once, match many."""

    names: dict[str, set[str]] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[tuple[str, str]]) -> NameIndex:
        """Index ``(code, name)`` pairs; a code may appear with several names."""
        idx = cls()
        for code, name in records:
            idx.add(str(code), str(name))
        return idx

    def add(self, code: str, name: str) -> None:
        self.names.setdefault(fold(name), set()).add(code)
        self.display.setdefault(code, nfc(name))

    def match(self, query: object) -> Match:
        """Match a name or a 5-digit code (leading zeros may be lost by Excel)."""
        text = nfc(str(query)).strip()
        digits = text.split(".")[0] if re.fullmatch(r"\d{1,5}(\.0)?", text) else None
        if digits is not None:
            code = digits.zfill(5)
            known = code in self.display
            return Match(text, code if known else None, (code,) if known else (), known)
        codes = self.names.get(fold(text), set())
        if len(codes) == 1:
            (code,) = codes
            return Match(text, code, (code,), nfc(text) == self.display.get(code))
        return Match(text, None, tuple(sorted(codes)))


def match_commune(query: object, index: NameIndex) -> Match:
    """Functional alias of :meth:`NameIndex.match`."""
    return index.match(query)
