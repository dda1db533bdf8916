"""The active filters in one line, the same words on every panel, chart, print map and export.

Examples
--------
>>> from geo.model.filters import Filters
>>> filters_line(Filters(content_areas=(3,), years=(2022, 2024)), "en")
'Content area: 3 · Years 2022–2024'
>>> filters_line(Filters(), "vi")
'Mọi dự án trừ bị từ chối, đã hủy'
"""

from __future__ import annotations

from geo.model import schema
from geo.model.filters import Filters
from geo.text.i18n import t


def filters_line(filters: Filters, lang: str) -> str:
    """Short text of the active project filters ("all projects except rejected and cancelled" when none)."""
    parts = []
    if filters.content_areas:
        parts.append(f"{t('filters.content_area', lang)}: {', '.join(str(a) for a in filters.content_areas)}")
    if filters.sources:
        parts.append(f"{t('filters.source', lang)}: {', '.join(schema.SOURCE_BY_KEY[s](lang) for s in filters.sources)}")
    if filters.statuses:
        parts.append(f"{t('filters.status', lang)}: {', '.join(schema.STATUS_BY_KEY[s](lang) for s in filters.statuses)}")
    if filters.years:
        parts.append(t("print.years", lang, lo=filters.years[0], hi=filters.years[1]))
    if filters.donors:
        parts.append(f"{t('filters.donor', lang)}: {', '.join(filters.donors)}")
    if filters.high_risk:
        parts.append(t("filters.high_risk_short", lang))
    return " · ".join(parts) if parts else t("print.all_projects", lang)


def is_filtered(filters: Filters) -> bool:
    """True when the view is narrowed (the default hides only cancelled projects)."""
    return filters != Filters()
