"""Unicode helpers every layer may use on names: NFC (how names are stored) and accent stripping.

Model layer: standard library only. Matching names to codes is :mod:`geo.ingest.names`.
"""

from __future__ import annotations

import unicodedata

__all__ = ["nfc", "strip_accents"]


def nfc(text: str) -> str:
    """Unicode NFC, the form every stored name uses."""
    return unicodedata.normalize("NFC", text)


def strip_accents(text: str) -> str:
    """Remove diacritics; ``Đ``/``đ`` become ``D``/``d``.

    >>> strip_accents("Đường Hồ Thầu")
    'Duong Ho Thau'
    """
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return bare.replace("Đ", "D").replace("đ", "d")
