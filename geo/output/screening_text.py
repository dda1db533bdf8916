"""The DEM screening in words (issue 19): one table and the lines around it, shared by ``import-dem`` and the
data page's DEM preview, always under the label "screening, not an official zoning".

Figures come from :class:`geo.ingest.dem.Screening` (arithmetic in :mod:`geo.analysis.terrain`); words from
the catalogue; numbers from :mod:`geo.text.fmt`. A class without area has no ratio ("—"), never 0.
"""

from __future__ import annotations

import math

import pandas as pd

from geo.analysis import terrain
from geo.ingest import dem
from geo.text import fmt
from geo.text.i18n import t

_COLUMNS = ("terrain.col_class", "terrain.col_area", "terrain.col_events", "terrain.col_ratio")


def class_name(k: int) -> str:
    """Slope class ``k`` as degrees (the same in both languages).

    >>> class_name(0), class_name(len(terrain.SLOPE_BREAKS))
    ('0–8°', '> 45°')
    """
    lo = 0.0 if k == 0 else terrain.SLOPE_BREAKS[k - 1]
    return f"> {lo:g}°" if k == len(terrain.SLOPE_BREAKS) else f"{lo:g}–{terrain.SLOPE_BREAKS[k]:g}°"


def screening_table(s: dem.Screening, lang: str) -> pd.DataFrame:
    """One row per slope class: its share of the DEM's area, the reported events in it and the frequency ratio
    (share of events ÷ share of area), headed in ``lang``."""
    total = max(int(s.area_cells.sum()), 1)
    ratio = s.ratio
    rows = [(class_name(k), fmt.percent(s.area_cells[k] / total, lang), fmt.number(int(s.event_cells[k]), lang),
             "—" if math.isnan(ratio[k]) else fmt.number(float(ratio[k]), lang, 2))
            for k in range(terrain.N_CLASSES)]
    return pd.DataFrame(rows, columns=[t(k, lang) for k in _COLUMNS])


def screening_notes(s: dem.Screening, lang: str) -> list[str]:
    """What is said under the table: the AUC (or that no event fell on the DEM) and the events left out."""
    notes = [t("terrain.no_events", lang) if s.event_cells.sum() == 0
             else t("terrain.auc", lang, auc=fmt.number(s.auc, lang, 2))]
    if s.events_outside:
        notes.append(t("terrain.events_outside", lang, n=fmt.number(s.events_outside, lang)))
    return notes


def screening_heading(s: dem.Screening, lang: str) -> str:
    """The DEM's file, CRS and cell size in metres (and whether it was warped to a metric CRS)."""
    return t("terrain.heading", lang, file=s.file, crs=s.crs, dx=fmt.number(s.cell_m[0], lang, 1),
             dy=fmt.number(s.cell_m[1], lang, 1), warped=t("terrain.warped", lang) if s.reprojected else "")


def screening_lines(s: dem.Screening, lang: str) -> list[str]:
    """The screening as printed lines in ``lang``: label, heading, the table's rows, AUC."""
    table = screening_table(s, lang)
    return [t("terrain.screening_label", lang), screening_heading(s, lang), " | ".join(table.columns),
            *(" | ".join(row) for row in table.itertuples(index=False)), *screening_notes(s, lang)]
