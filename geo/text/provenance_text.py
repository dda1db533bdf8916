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

Paper is read by people: :func:`source_for_people` drops the file names a source sentence may cite.

>>> people_text("Built by data/build_communes.py from vietnamadminunits 1.0.4 (see SOURCES.md)", "en")
'Built for this atlas from vietnamadminunits 1.0.4'
>>> people_text("Resolution 1670/NQ-UBTVQH15 (16/6/2025); built by data/build_crosswalk.py from units.csv", "en")
'Resolution 1670/NQ-UBTVQH15 (16/6/2025)'
>>> people_text("Danh mục minh họa soạn cho bản đồ này (data/build_projects.py); không phải số liệu chính thức", "vi")
'Danh mục minh họa soạn cho bản đồ này; không phải số liệu chính thức'
"""

from __future__ import annotations

import re

from geo.model import schema
from geo.model.dataset import Dataset
from geo.text import fmt
from geo.text.i18n import t

#: A file path or name: ``data/build_layers.py``, ``C:\\x\\y.shp``, ``SOURCES.md`` (an extension a data folder
#: holds; a resolution number such as ``1670/NQ-UBTVQH15`` has none and stays).
_FILE = (r"(?:[\w.~-]*[/\\])*[\w~-][\w.~-]*\.(?:py|md|csv|tsv|geojson|json|gpkg|shp|zip|tif|tiff|xlsx|xls|toml|txt)"
         r"(?![\w])")
_PAREN = re.compile(rf"\s*\((?:(?:see|xem)\s+)?{_FILE}(?:\s*(?:,|and|và)\s*{_FILE})*\)", re.IGNORECASE)
_BY = re.compile(rf"\s(?:by|bằng)\s+{_FILE}", re.IGNORECASE)
_FILE_RE = re.compile(_FILE, re.IGNORECASE)


def provenance_line(p: schema.Provenance, lang: str) -> str:
    """``Title: quality — source (licence, date)``."""
    quality = schema.QUALITY_LABELS[p.quality](lang)
    return f"{p.title(lang)}: {quality} — {p.source_in(lang)} ({p.licence_in(lang)}, {fmt.date(p.date, lang)})"


def provenance_lines(ds: Dataset, lang: str, layer_ids: tuple[str, ...] | None = None) -> list[str]:
    """Footer lines for maps and exports, one per layer (every layer when ``layer_ids`` is None)."""
    ids = layer_ids or tuple(ds.provenance)
    return [provenance_line(ds.provenance[i], lang) for i in ids if i in ds.provenance]


def people_text(text: str, lang: str) -> str:
    """``text`` without file names: ``(see SOURCES.md)`` goes, ``built by data/x.py`` becomes ``built for this
    atlas``, and a clause still naming a file is left out (the data folder's SOURCES.md keeps the detail)."""
    text = _PAREN.sub("", text)
    text = _BY.sub(" " + t("print.built_here", lang), text)
    clauses = [c.strip() for c in text.split(";")]
    kept = [c for c in clauses if c and not _FILE_RE.search(c)]
    return "; ".join(kept)


def source_for_people(p: schema.Provenance, lang: str) -> str:
    """The layer's source sentence in ``lang`` for a printed page: no file paths (:func:`people_text`)."""
    return people_text(p.source_in(lang), lang) or p.title(lang)
