"""Provenance in the reader's language: one footer line per layer, with its quality, source, licence and
date, the same on web map panels, print maps, reports, decks and exports.

Examples
--------
>>> from geo.model import schema
>>> p = schema.Provenance("x", schema.Label("Lớp", "Layer"), "Survey", "CC BY 4.0", "2026-11-26",
...                       schema.Quality.APPROXIMATE, notes={"source_vi": "Khảo sát"})
>>> provenance_line(p, "vi")
'Lớp: gần đúng — Khảo sát (CC BY 4.0, 26/11/2026)'
>>> provenance_line(p, "en")
'Layer: approximate — Survey (CC BY 4.0, 26 Nov 2026)'
"""

from __future__ import annotations

from geo.model import schema
from geo.model.dataset import Dataset
from geo.text import fmt


def provenance_line(p: schema.Provenance, lang: str) -> str:
    """``Title: quality — source (licence, date)``."""
    quality = schema.QUALITY_LABELS[p.quality](lang)
    return f"{p.title(lang)}: {quality} — {p.source_in(lang)} ({p.licence_in(lang)}, {fmt.date(p.date, lang)})"


def provenance_lines(ds: Dataset, lang: str, layer_ids: tuple[str, ...] | None = None) -> list[str]:
    """Footer lines for maps and exports, one per layer (every layer when ``layer_ids`` is None)."""
    ids = layer_ids or tuple(ds.provenance)
    return [provenance_line(ds.provenance[i], lang) for i in ids if i in ds.provenance]
