"""Shared pieces of every export: the provenance header/footer and safe cells.

Examples
--------
>>> neutralise("=1+2")
"'=1+2"
>>> neutralise("Bản Bo")
'Bản Bo'
>>> unit_version_line("2025", "en")
'Administrative units: Units from 1/7/2025 (Resolution 1670/NQ-UBTVQH15 of 16/6/2025, in force 1/7/2025)'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from geo.model import schema
from geo.model.dataset import Dataset
from geo.model.schema import Quality
from geo.text import i18n
from geo.text.i18n import t
from geo.text.provenance_text import provenance_lines
from geo.text.safe import one_line

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


#: Characters an XML worksheet cannot hold (openpyxl refuses the whole workbook for one of them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``; make it writable (:func:`xml_safe`).

    Every export cell goes through here, so text stored before input was checked cannot crash a workbook.
    """
    value = xml_safe(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def xml_safe(value: object) -> object:
    r"""A text cell any export can write: characters XML cannot hold become U+FFFD (text stored before
    input was checked must not crash an Excel export).

    >>> xml_safe("ab")
    'a�b'
    """
    if isinstance(value, str) and _XML_ILLEGAL.search(value):
        return _XML_ILLEGAL.sub("\ufffd", value)
    return value


def unit_version_line(unit_version: str, lang: str) -> str:
    """The line every export carries to say which administrative units its figures use."""
    label = schema.UNIT_VERSIONS[unit_version](lang)
    if unit_version == "2025":
        return i18n.t("units.version_line_2025", lang, label=label,
                      source=schema.REFORM_LEGAL_SOURCE_LABEL(lang))
    return i18n.t("units.version_line", lang, label=label)


def unit_note(partial: bool, lang: str) -> str:
    """The note shown on a new unit that also holds territory from outside the old district ("" otherwise)."""
    return t("units.partial_note", lang) if partial else ""


def with_unit_notes(layer, lang: str):
    """``layer`` (a unit view or :func:`geo.analysis.units.unit_table`) with a ``note`` column in ``lang``."""
    partial = layer["partial"] if "partial" in layer else [False] * len(layer)
    return layer.assign(note=[unit_note(bool(p), lang) for p in partial])


def provenance_header(ds: Dataset, lang: str, layer_ids: tuple[str, ...], unit_version: str | None = None) -> str:
    """``# ``-prefixed lines naming each layer's source and quality, for CSV and text exports.

    With ``unit_version`` the first line says which administrative units the figures use.
    """
    lines = [unit_version_line(unit_version, lang)] if unit_version else []
    # one_line: a line break planted in a source or licence must not start an uncommented line (a formula).
    return "".join(f"# {one_line(line)}\n" for line in [*lines, *provenance_lines(ds, lang, layer_ids)])


def quality_notice(ds: Dataset, lang: str, layer_ids: tuple[str, ...] | None = None,
                   quote: Callable[[str], str] = str) -> str | None:
    """The honesty banner: which layers are illustrative, which approximate (None when all official).

    Built from the layers' own provenance, so a user's official files silence it layer by layer
    and another district's bundle says what is true of *its* data.

    >>> from geo.storage.store import BundledStore
    >>> print(quality_notice(BundledStore().load(), "en", ("communes", "projects")))
    ILLUSTRATIVE, not official figures: Project pipeline. APPROXIMATE: Boundaries of the 13 communes (before 1 July 2025). Replace them with official data before use.
    """
    provs = [ds.provenance[i] for i in (layer_ids or tuple(ds.provenance)) if i in ds.provenance]
    parts = []
    for quality, key in ((Quality.ILLUSTRATIVE, "common.notice_illustrative"),
                         (Quality.APPROXIMATE, "common.notice_approximate")):
        titles = [quote(p.title(lang)) for p in provs if p.quality is quality]  # quote: md_text for Markdown
        if titles:
            parts.append(t(key, lang, layers="; ".join(titles)))
    return " ".join([*parts, t("common.notice_replace", lang)]) if parts else None
