"""The periodic report (sơ kết / tổng kết) workbook, and CSV/Excel downloads of single tables.

:func:`build_report` writes one Excel workbook for a period: sheets by content area,
by commune, by funding source, the project list, counterpart funds and the data
provenance. Every sheet opens with the illustrative-data banner when any layer it
uses is not official. Money is written as numbers with a VND number format; text a
spreadsheet would run as a formula is neutralised; each totals row is the sum of the
rows above it (which are sums of funding lines, :mod:`geo.analysis.funding`).

A project belongs to the period when its years overlap it, and its whole amounts
count (amounts are not split by year); cancelled projects are left out. The
provenance sheet says so.

Tables by commune follow ``unit_version`` (:data:`geo.model.schema.UNIT_VERSIONS`): ``"2021"`` the 13
old units, ``"2025"`` the units from 1 July 2025, each project mapped by
:func:`geo.analysis.units.unit_codes`. In the old view a project keyed by a new unit that fits no single
old commune gets its own "not allocated" row (never split). Every sheet says which units it uses.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> import io, openpyxl
>>> wb = openpyxl.load_workbook(io.BytesIO(build_report(BundledStore().load(), 2021, 2025, "en")))
>>> wb.sheetnames[0], wb.sheetnames[-1]
('By content area', 'Data provenance')
>>> wb["By commune"]["A2"].value
'Administrative units: Units 2021–2025'
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from geo.analysis import counterpart, exposure, funding, gaps, units
from geo.model import schema
from geo.model.dataset import Dataset
from geo.output.exports.exporting import (
    neutralise,
    provenance_header,
    quality_notice,
    unit_version_line,
    with_unit_notes,
)
from geo.text import fmt
from geo.text.i18n import t
from geo.text.provenance_text import provenance_lines

#: Layers every report figure derives from.
REPORT_LAYERS: tuple[str, ...] = ("communes", "projects", "funding")
SHEETS: tuple[str, ...] = ("by_area", "by_commune", "by_source", "projects", "counterpart", "exposure", "results",
                           "provenance")
#: Layers behind the risk-exposure tables: the (illustrative) risk zones as well as the projects.
EXPOSURE_LAYERS: tuple[str, ...] = ("communes", "projects", "risk_zones")
BANNER_FILL = PatternFill("solid", fgColor="FFF3CD")
HEADER_FILL = PatternFill("solid", fgColor="DDEBE3")


@dataclass(frozen=True)
class Column:
    """One output column: a frame column, its header key in the catalog and how to format it."""

    key: str
    header: str  # i18n key
    kind: str = "text"  # text | money | int | pct | num | dec
    label: str = ""  # literal header (e.g. a user's indicator name) instead of the catalog's
    summable: bool = True  # False where a totals-row sum would double count (projects per source)

    def title(self, lang: str) -> str:
        return self.label or t(self.header, lang)


# Workbook cells hold numbers with Excel format codes, not text from geo.text.fmt: Excel then sums and
# sorts them, and shows the separators of the reader's own Excel locale. The codes follow fmt's rules
# (whole VND, "₫" after / "VND" before; counts whole) except that percent keeps one fixed decimal:
# Excel has no "at most one decimal" code ("0.#%" prints "15.%").
def money_format(lang: str) -> str:
    """Excel number format for VND, the cell counterpart of :func:`geo.text.fmt.vnd`."""
    return '#,##0 "₫"' if lang != "en" else '"VND "#,##0'


FORMATS = {"int": "0", "pct": "0.0%", "num": "#,##0", "dec": "0.00"}


def check_period(start: int, end: int) -> tuple[int, int]:
    """The period as ints; ValueError with a plain sentence when it is reversed or out of range.

    >>> check_period(2021, 2025)
    (2021, 2025)
    >>> check_period(2026, 2021)
    Traceback (most recent call last):
    ...
    ValueError: period start 2026 is after its end 2021: use --from ≤ --to
    """
    start, end = int(start), int(end)
    if start > end:
        raise ValueError(f"period start {start} is after its end {end}: use --from ≤ --to")
    lo, hi = schema.SANE_YEARS
    if start < lo or end > hi:
        raise ValueError(f"period {start}–{end} is outside the years {lo}–{hi} the atlas accepts")
    return start, end


def report_kind(start: int, end: int) -> str:
    """``"final"`` (tổng kết) when the period covers the whole plan, else ``"interim"`` (sơ kết)."""
    lo, hi = schema.PLAN_YEARS
    return "final" if start <= lo and end >= hi else "interim"


def report_layers(unit_version: str = schema.DEFAULT_UNIT_VERSION) -> tuple[str, ...]:
    """Layers behind the figures: the crosswalk too when they are by the units from 1/7/2025."""
    return (*REPORT_LAYERS, "crosswalk_2025") if unit_version == "2025" else REPORT_LAYERS


def is_illustrative(ds: Dataset, layer_ids: Sequence[str]) -> bool:
    """True when any of the layers is not official (the banner must show)."""
    return any(not ds.provenance[i].is_official for i in layer_ids if i in ds.provenance)


# --- report tables (pure frames; the workbook only lays them out) -------------------------
def project_name(projects: pd.DataFrame, lang: str) -> pd.Series:
    """English name where given (for en), else the Vietnamese one."""
    if lang == "en":
        return projects["name_en"].where(projects["name_en"].str.strip() != "", projects["name_vi"])
    return projects["name_vi"]


#: Unit code of the "not allocated to a former commune" row (old view only).
UNALLOCATED = ""


def keyed_by_unit(ds: Dataset, projects: pd.DataFrame, unit_version: str) -> pd.DataFrame:
    """``projects`` with ``commune_code`` replaced by the unit code under ``unit_version``
    (:func:`geo.analysis.units.unit_codes`); :data:`UNALLOCATED` where a new code fits no single old commune."""
    return projects.assign(commune_code=units.unit_codes(projects, ds, unit_version).fillna(UNALLOCATED))


def unit_names(ds: Dataset, unit_version: str, lang: str) -> dict[str, str]:
    """Code → full name of each unit of ``unit_version``, plus the label of the unallocated row."""
    return {**units.unit_table(ds, unit_version)["full_name"].to_dict(),
            UNALLOCATED: t("units.unallocated_row", lang)}


def gap_tables(ds: Dataset, projects: pd.DataFrame, lines: pd.DataFrame, lang: str,
               unit_version: str = schema.DEFAULT_UNIT_VERSION) -> dict[str, pd.DataFrame]:
    """Labelled gap tables for already-filtered projects/lines: ``by_area``, ``by_commune``
    (every unit of ``unit_version``, population-relative measures, plus a "not allocated" row when
    a project fits no unit), ``by_source`` (every source) and ``detail`` (unit × content area ×
    source). Shared by the page and the report."""
    projects = keyed_by_unit(ds, projects, unit_version)
    names = unit_names(ds, unit_version, lang)
    by_area = gaps.gap_table(projects, lines, ["content_area"]).reindex(list(schema.CONTENT_AREAS))
    by_area = fill_money(by_area).reset_index()
    by_area.insert(0, "label", by_area["content_area"].map(lambda c: schema.content_area_label(c, lang)))

    population = units.unit_table(ds, unit_version)["population"]
    by_commune = gaps.commune_gaps(projects, lines, population)
    stuck = projects["commune_code"] == UNALLOCATED
    if stuck.any():  # counted once, in its own row: never split over the former communes
        row = fill_money(gaps.gap_table(projects[stuck], lines, ["commune_code"]))
        by_commune = pd.concat([by_commune, row.assign(population=float("nan"), committed_per_person=float("nan"))])
    by_commune = by_commune.reset_index()
    by_commune.insert(1, "label", by_commune["commune_code"].map(names))
    by_commune.insert(2, "note", by_commune["commune_code"].map(with_unit_notes(units.unit_table(ds, unit_version), lang)["note"])
                      .fillna(""))

    keys = [s.key for s in schema.FUNDING_SOURCES]
    by_source = fill_money(gaps.gap_table(projects, lines, ["source"]).reindex(keys)).reset_index()
    by_source.insert(0, "label", by_source["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang)))
    by_source.insert(1, "group", by_source["source"].map(
        lambda k: schema.SOURCE_GROUPS[schema.SOURCE_BY_KEY[k].group](lang)))

    detail = gaps.gap_table(projects, lines, gaps.BREAKDOWNS["commune_area_source"]).reset_index()
    detail["commune"] = detail["commune_code"].map(names)
    detail["area"] = detail["content_area"].map(lambda c: schema.content_area_label(c, lang))
    detail["source_label"] = detail["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang))
    return {"by_area": by_area, "by_commune": by_commune, "by_source": by_source, "detail": detail}


def report_tables(ds: Dataset, start: int, end: int, lang: str,
                  ratios: Mapping[str, float] = counterpart.DEFAULT_RATIOS,
                  unit_version: str = schema.DEFAULT_UNIT_VERSION) -> dict[str, pd.DataFrame]:
    """The data of each sheet (without totals rows), keyed like :data:`SHEETS` (minus results and provenance)."""
    start, end = check_period(start, end)
    projects, lines = funding.apply_filters(ds.projects, ds.funding, funding.Filters(years=(start, end)), ds.risk_zones)
    tables = gap_tables(ds, projects, lines, lang, unit_version)
    projects = keyed_by_unit(ds, projects, unit_version)
    names = unit_names(ds, unit_version, lang)

    totals = funding.project_totals(lines)
    plist = projects.set_index("project_id").join(totals, how="left")
    plist[gaps.MONEY] = plist[gaps.MONEY].fillna(0).astype("int64")
    plist = plist.reset_index().sort_values(["commune_code", "content_area", "project_id"])
    plist["name"] = project_name(plist, lang)
    plist["commune"] = plist["commune_code"].map(names)
    plist["area"] = plist["content_area"].map(lambda c: schema.content_area_label(c, lang))
    plist["status_label"] = plist["status"].map(lambda k: schema.STATUS_BY_KEY[k](lang))

    cp = counterpart.by_project(lines, ratios).reindex(plist["project_id"]).fillna(0).astype("int64").reset_index()
    cp = cp.merge(plist[["project_id", "name", "commune"]], on="project_id", how="left")
    cp_source = counterpart.by_source(lines, ratios).reset_index()
    cp_source.insert(0, "label", cp_source["source"].map(lambda k: schema.SOURCE_BY_KEY[k](lang)))
    return {**tables, "projects": plist, "counterpart": cp, "counterpart_sources": cp_source,
            **exposure_tables(ds, projects, lines, lang, unit_version)}


def exposure_tables(ds: Dataset, projects: pd.DataFrame, lines: pd.DataFrame, lang: str,
                    unit_version: str = schema.DEFAULT_UNIT_VERSION) -> dict[str, pd.DataFrame]:
    """Projects inside each landslide-risk class (:mod:`geo.analysis.exposure`), for already-filtered projects:
    ``exposure_by_unit`` (every unit of ``unit_version``: projects in each class, their names, and the share of
    the unit's area in each class, ``share_<class>``; ``attrs["levels"]``: the classes the layer uses) and
    ``exposure_projects`` (one row per exposed project, highest class first, with its gap).

    A pure spatial join of project points and ``ds.risk_zones``; projects without coordinates are in no zone
    (their number is ``exposure_by_unit.attrs["unlocated"]``).
    """
    keyed = keyed_by_unit(ds, projects, unit_version)
    names = unit_names(ds, unit_version, lang)
    codes = units.unit_table(ds, unit_version).index.tolist()
    if (keyed["commune_code"] == UNALLOCATED).any():
        codes.append(UNALLOCATED)
    hits = exposure.exposed(keyed, ds.risk_zones)
    hits = hits.assign(name=project_name(hits, lang), commune=hits["commune_code"].map(names),
                       risk_label=hits["risk_level"].map(lambda k: schema.RISK_LEVELS[k](lang)),
                       status_label=hits["status"].map(lambda k: schema.STATUS_BY_KEY[k](lang)))
    gap = funding.project_totals(lines)["gap"] if len(lines) else pd.Series(dtype="int64")
    hits["gap"] = hits["project_id"].map(gap).fillna(0).astype("int64")
    by_unit = exposure.counts_by_commune(keyed, ds.risk_zones, codes).reset_index()
    by_unit.insert(1, "label", by_unit["commune_code"].map(names))
    for level in exposure.LEVELS:
        listed = hits[hits["risk_level"] == level].groupby("commune_code")["name"].agg("; ".join)
        by_unit[f"{level}_projects"] = [listed.get(code, "") for code in by_unit["commune_code"]]
    shares = exposure.class_shares(ds.risk_zones, units.shapes(ds, unit_version), ds.metric_crs)
    for level in exposure.LEVELS:  # the unallocated row has no area: its shares stay blank
        by_unit[f"share_{level}"] = by_unit["commune_code"].map(shares[level])
    by_unit.attrs["unlocated"] = int((projects["lon"].isna() | projects["lat"].isna()).sum())
    by_unit.attrs["levels"] = exposure.levels_in(ds.risk_zones)
    plist = hits[["project_id", "name", "commune_code", "commune", "risk_level", "risk_label", "status_label", "gap"]]
    return {"exposure_by_unit": by_unit, "exposure_projects": plist.reset_index(drop=True)}


def exposure_method(n_unlocated: int, lang: str) -> str:
    """How a project is counted in a zone, how many projects could not be (no coordinates), and how the area
    shares are measured."""
    return t("exposure.method", lang, n=n_unlocated) + " " + t("exposure.shares_method", lang)


def fill_money(table: pd.DataFrame) -> pd.DataFrame:
    """Zero-fill money and counts of rows with no line (a source or area nobody funds); recompute the share."""
    for col in [*gaps.MONEY, "n_projects"]:
        table[col] = table[col].fillna(0).astype("int64")
    table["share_covered"] = gaps.share_covered(table["need"], table["gap"])
    return table


#: Columns a totals row sums (others stay blank or are recomputed from the sums, like share_covered).
SUMMED: tuple[str, ...] = (*gaps.MONEY, *counterpart.COLUMNS, "n_projects", "committed", "required", *exposure.LEVELS)
MONEY_COLUMNS = [Column(c, f"common.{c}", "money") for c in gaps.MONEY]
#: A project with several sources counts once per source row: its sum is not a project count.
PROJECTS_PER_ROW = Column("n_projects", "gaps.col.n_projects", "int", summable=False)
LAYOUTS: dict[str, list[Column]] = {
    "by_area": [Column("label", "gaps.col.content_area"), *MONEY_COLUMNS,
                Column("share_covered", "gaps.col.share_covered", "pct"), Column("n_projects", "gaps.col.n_projects", "int")],
    "by_commune": [Column("commune_code", "common.code"), Column("label", "common.commune"), *MONEY_COLUMNS,
                   Column("share_covered", "gaps.col.share_covered", "pct"), Column("n_projects", "gaps.col.n_projects", "int"),
                   Column("population", "common.population", "num"),
                   Column("committed_per_person", "gaps.col.committed_per_person", "money")],
    "by_source": [Column("label", "gaps.col.source"), Column("group", "gaps.col.group"), *MONEY_COLUMNS,
                  Column("share_covered", "gaps.col.share_covered", "pct"), PROJECTS_PER_ROW],
    "projects": [Column("project_id", "gaps.col.project_id"), Column("name", "gaps.col.project"),
                 Column("commune", "common.commune"), Column("area", "gaps.col.content_area"),
                 Column("status_label", "gaps.col.status"), Column("start_year", "gaps.col.start_year", "int"),
                 Column("end_year", "gaps.col.end_year", "int"), Column("donor", "gaps.col.donor"),
                 Column("lead_agency", "gaps.col.lead_agency"), *MONEY_COLUMNS],
    "counterpart": [Column("project_id", "gaps.col.project_id"), Column("name", "gaps.col.project"),
                    Column("commune", "common.commune"),
                    *[Column(c, f"counterpart.col.{c}", "money") for c in counterpart.COLUMNS]],
    "detail": [Column("commune_code", "common.code"), Column("commune", "common.commune"),
               Column("area", "gaps.col.content_area"), Column("source_label", "gaps.col.source"), *MONEY_COLUMNS,
               Column("share_covered", "gaps.col.share_covered", "pct"), PROJECTS_PER_ROW],
    "exposure_by_unit": [Column("commune_code", "common.code"), Column("label", "common.commune"),
                         *[Column(f"share_{lvl}", f"exposure.col.share_{lvl}", "pct") for lvl in exposure.LEVELS],
                         *[Column(lvl, f"exposure.col.n_{lvl}", "int") for lvl in exposure.LEVELS],
                         *[Column(f"{lvl}_projects", f"exposure.col.projects_{lvl}") for lvl in exposure.LEVELS]],
    # The page shows the counts; the names are in the project list beside them (a names column would be cut).
    "exposure_counts": [Column("commune_code", "common.code"), Column("label", "common.commune"),
                        *[Column(f"share_{lvl}", f"exposure.col.share_{lvl}", "pct") for lvl in exposure.LEVELS],
                        *[Column(lvl, f"exposure.col.n_{lvl}", "int") for lvl in exposure.LEVELS]],
    "exposure_projects": [Column("project_id", "gaps.col.project_id"), Column("name", "gaps.col.project"),
                          Column("commune", "common.commune"), Column("risk_label", "exposure.col.level"),
                          Column("status_label", "gaps.col.status"), Column("gap", "common.gap", "money")],
    "counterpart_sources": [Column("label", "gaps.col.source"), Column("committed", "counterpart.col.international_committed", "money"),
                            Column("ratio", "counterpart.col.ratio", "pct"), Column("required", "counterpart.col.required", "money")],
}


def layout(key: str, unit_version: str = schema.DEFAULT_UNIT_VERSION,
           levels: Sequence[str] | None = None) -> list[Column]:
    """:data:`LAYOUTS` ``[key]``, its commune column headed "commune or ward (from 1/7/2025)" for the new units.

    ``levels``: the risk classes to keep in an exposure layout (the frame's ``attrs["levels"]``); the columns of
    the other classes are left out.
    """
    base = LAYOUTS[key]
    if levels is not None:
        dropped = {k for lvl in exposure.LEVELS if lvl not in levels for k in (lvl, f"{lvl}_projects", f"share_{lvl}")}
        base = [c for c in base if c.key not in dropped]
    if unit_version != "2025":
        return base
    cols = [Column(c.key, "units.unit", c.kind, c.label, c.summable) if c.header == "common.commune" else c
            for c in base]
    if key == "by_commune":  # which new units hold land outside the old district
        cols.insert(2, Column("note", "units.note"))
    return cols


# --- workbook ---------------------------------------------------------------------------------
def _banner(ws: Worksheet, ds: Dataset, lang: str, layer_ids: Sequence[str], width: int,
            unit_version: str | None = None) -> int:
    """Row 1: the illustrative banner (or the provenance line when all official); row 2, with
    ``unit_version``, which administrative units the figures use. Returns the next row."""
    text = quality_notice(ds, lang, tuple(layer_ids)) or " · ".join(provenance_lines(ds, lang, tuple(layer_ids)))
    ws.cell(row=1, column=1, value=neutralise(text)).font = Font(bold=True, color="8A4B00")
    for col in range(1, max(width, 1) + 1):
        ws.cell(row=1, column=col).fill = BANNER_FILL
    if unit_version is None:
        return 2
    ws.cell(row=2, column=1, value=neutralise(unit_version_line(unit_version, lang))).font = Font(bold=True)
    return 3


def provenance_block(ws: Worksheet, row: int, facts: Sequence[tuple[str, str]], layers: Sequence[schema.Provenance],
                     lang: str) -> int:
    """A provenance sheet's body from ``row``: label/value ``facts``, then one row per layer (title, quality,
    source, licence, date, method). Returns the last row written."""
    for label, value in facts:
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        ws.cell(row=row, column=2, value=neutralise(value))
        row += 1
    row += 1
    headers = ["common.layer", "common.quality", "common.source", "common.licence", "common.date", "common.method"]
    for j, key in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=j, value=t(key, lang))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for p in layers:
        row += 1
        values = [p.title(lang), schema.QUALITY_LABELS[p.quality](lang), p.source_in(lang), p.licence_in(lang),
                  fmt.date(p.date, lang), p.method_in(lang)]
        for j, value in enumerate(values, start=1):
            ws.cell(row=row, column=j, value=neutralise(value))
    return row


def write_table(ws: Worksheet, row: int, frame: pd.DataFrame, layout: list[Column], lang: str,
                total_label: str | None = None) -> int:
    """Header + rows (+ a totals row summing money/int columns when ``total_label``). Returns next free row."""
    for j, col in enumerate(layout, start=1):
        cell = ws.cell(row=row, column=j, value=neutralise(col.title(lang)))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first = row + 1
    for i, rec in enumerate(frame.to_dict("records")):
        for j, col in enumerate(layout, start=1):
            _put(ws.cell(row=first + i, column=j), rec.get(col.key), col, lang)
    row = first + len(frame)
    if total_label is not None:
        ws.cell(row=row, column=1, value=total_label).font = Font(bold=True)
        for j, col in enumerate(layout, start=1):
            if col.summable and col.kind in ("money", "int") and col.key in SUMMED:
                cell = ws.cell(row=row, column=j, value=int(frame[col.key].sum()))
                cell.number_format = money_format(lang) if col.kind == "money" else FORMATS["int"]
                cell.font = Font(bold=True)
            elif col.key == "share_covered":
                need, gap = frame["need"].sum(), frame["gap"].sum()
                _put(ws.cell(row=row, column=j), (need - gap) / need if need else None, col, lang)
        row += 1
    return row


def _put(cell, value: Any, col: Column, lang: str) -> None:  # value: a frame cell (number, text or NA)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        cell.value = None  # unknown stays blank, never 0
        return
    if col.kind == "money":
        cell.value, cell.number_format = int(round(float(value))), money_format(lang)
    elif col.kind in FORMATS:
        cell.value, cell.number_format = (int(value) if col.kind == "int" else float(value)), FORMATS[col.kind]
    else:
        cell.value = neutralise(str(value))


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


def build_report(ds: Dataset, start: int, end: int, lang: str = "vi",
                 ratios: Mapping[str, float] = counterpart.DEFAULT_RATIOS, today: date | None = None,
                 unit_version: str = schema.DEFAULT_UNIT_VERSION, money: pd.DataFrame | None = None) -> bytes:
    """The periodic report workbook for ``[start, end]`` as ``.xlsx`` bytes (sheet names and headers in ``lang``).

    Tables by commune use the units of ``unit_version``; every sheet states it under the banner. With ``money``
    (the store's dated money records, issue 16) a sheet before the provenance counts what was committed and
    disbursed in the period (1 January of ``start`` to 31 December of ``end``) and up to its end, undated apart.
    """
    ratios = counterpart.check_ratios(ratios)
    units.version_label(unit_version, lang)
    tables = report_tables(ds, start, end, lang, ratios, unit_version)
    used = report_layers(unit_version)
    kind = report_kind(start, end)
    title = t(f"report.title_{kind}", lang, start=start, end=end)
    total = t("report.total", lang)
    wb = Workbook()
    wb.remove(wb.active)
    for key in ("by_area", "by_commune", "by_source", "projects"):
        cols = layout(key, unit_version)
        ws = wb.create_sheet(t(f"report.sheet.{key}", lang)[:31])
        row = _banner(ws, ds, lang, used, len(cols), unit_version)
        ws.cell(row=row, column=1, value=f"{title} — {t(f'report.sheet.{key}', lang)}").font = Font(bold=True, size=13)
        header_row = row + 1
        write_table(ws, header_row, tables[key], cols, lang, total)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        _widths(ws, [12 if c.kind != "text" else 18 for c in cols])
        ws.column_dimensions["A" if key != "by_commune" else "B"].width = 44
        if key == "projects":
            ws.column_dimensions["B"].width = 52

    ws = wb.create_sheet(t("report.sheet.counterpart", lang)[:31])
    row = _banner(ws, ds, lang, used, 7, unit_version)
    ws.cell(row=row, column=1, value=f"{title} — {t('report.sheet.counterpart', lang)}").font = Font(bold=True, size=13)
    ws.cell(row=row + 1, column=1, value=t("counterpart.formula", lang))
    row = write_table(ws, row + 3, tables["counterpart_sources"], LAYOUTS["counterpart_sources"], lang, total)
    ws.cell(row=row, column=1, value=t("counterpart.assumption_note", lang)).font = Font(italic=True)
    row = write_table(ws, row + 2, tables["counterpart"], layout("counterpart", unit_version), lang, total)
    _widths(ws, [34, 48, 24, 18, 18, 18, 18])

    ws = wb.create_sheet(t("report.sheet.exposure", lang)[:31])
    exposure_layers = tuple(dict.fromkeys([*used, *EXPOSURE_LAYERS]))  # the banner names the risk zones' quality
    row = _banner(ws, ds, lang, exposure_layers, 6, unit_version)
    ws.cell(row=row, column=1, value=f"{title} — {t('report.sheet.exposure', lang)}").font = Font(bold=True, size=13)
    method = exposure_method(tables["exposure_by_unit"].attrs.get("unlocated", 0), lang)
    ws.cell(row=row + 1, column=1, value=neutralise(method)).font = Font(italic=True)
    row = write_table(ws, row + 3, tables["exposure_by_unit"],
                      layout("exposure_by_unit", unit_version, tables["exposure_by_unit"].attrs.get("levels")), lang, total)
    write_table(ws, row + 1, tables["exposure_projects"], layout("exposure_projects", unit_version), lang)
    _widths(ws, [14, 48, 24, 18, 48, 48])

    from geo.output.reports.results_report import add_results_sheet  # it lays out with this module's helpers

    add_results_sheet(wb, ds, list(tables["projects"]["project_id"]), start, end, lang, unit_version)

    if money is not None:  # right before the provenance: the money sheet reads with it (undated amounts apart)
        from geo.output.reports.money_report import add_period_sheet  # it lays out with this module's helpers

        add_period_sheet(wb, ds, money, date(start, 1, 1), date(end, 12, 31), lang, units_note=True)

    ws = wb.create_sheet(t("report.sheet.provenance", lang)[:31])
    row = _banner(ws, ds, lang, used, 6, unit_version)
    ws.cell(row=row, column=1, value=title).font = Font(bold=True, size=13)
    facts = [
        (t("report.period", lang), f"{start}–{end}"),
        (t("report.generated", lang), (today or date.today()).isoformat()),
        (t("report.scope", lang), t("report.scope_text", lang)),
        (t("units.switch", lang), unit_version_line(unit_version, lang)),
    ]
    row = provenance_block(ws, row + 2, facts, list(ds.provenance.values()), lang) + 2
    ws.cell(row=row, column=1, value=t("counterpart.assumption_note", lang)).font = Font(italic=True)
    for key, ratio in ratios.items():
        row += 1
        ws.cell(row=row, column=1, value=schema.SOURCE_BY_KEY[key](lang))
        ws.cell(row=row, column=2, value=ratio).number_format = FORMATS["pct"]
    _widths(ws, [34, 26, 60, 28, 12, 60])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- single-table downloads ------------------------------------------------------------------
def export_frame(frame: pd.DataFrame, layout: list[Column], lang: str) -> pd.DataFrame:
    """``frame`` reduced to ``layout``'s columns with translated headers and neutralised text."""
    out = pd.DataFrame({neutralise(c.title(lang)): frame[c.key].map(neutralise) if c.kind == "text" else frame[c.key]
                        for c in layout})
    return out


def table_csv(ds: Dataset, frame: pd.DataFrame, layout: list[Column], lang: str,
              layer_ids: Sequence[str] = REPORT_LAYERS, title: str = "", unit_version: str | None = None) -> str:
    """CSV text: ``#`` lines (title, illustrative banner, unit version when given, provenance) then the
    table (money as plain VND)."""
    head = f"# {title}\n" if title else ""
    if notice := quality_notice(ds, lang, tuple(layer_ids)):
        head += f"# {notice}\n"
    head += provenance_header(ds, lang, tuple(layer_ids), unit_version)
    return head + export_frame(frame, layout, lang).to_csv(index=False, lineterminator="\n")


def table_xlsx(ds: Dataset, frame: pd.DataFrame, layout: list[Column], lang: str,
               layer_ids: Sequence[str] = REPORT_LAYERS, title: str = "", total: bool = False,
               unit_version: str | None = None) -> bytes:
    """A one-sheet workbook: banner, unit version (when given), title, provenance lines, then the table
    (with a totals row if asked)."""
    wb = Workbook()
    ws = wb.active
    ws.title = (title or "data")[:31].translate({ord(c): " " for c in "[]:*?/\\"})
    row = _banner(ws, ds, lang, layer_ids, len(layout), unit_version)
    if title:
        ws.cell(row=row, column=1, value=neutralise(title)).font = Font(bold=True, size=13)
        row += 1
    for line in provenance_lines(ds, lang, tuple(layer_ids)):
        ws.cell(row=row, column=1, value=neutralise(line)).font = Font(italic=True, color="555555")
        row += 1
    write_table(ws, row + 1, frame, layout, lang, t("report.total", lang) if total else None)
    _widths(ws, [14 if c.kind != "text" else 28 for c in layout])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
