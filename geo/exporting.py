"""Shared pieces of every export: the provenance header/footer and safe cells.

Examples
--------
>>> neutralise("=1+2")
"'=1+2"
>>> neutralise("Bản Bo")
'Bản Bo'
"""

from __future__ import annotations

from geo.store import Dataset

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def provenance_header(ds: Dataset, lang: str, layer_ids: tuple[str, ...]) -> str:
    """``# ``-prefixed lines naming each layer's source and quality, for CSV and text exports."""
    return "".join(f"# {line}\n" for line in ds.provenance_lines(lang, layer_ids))
