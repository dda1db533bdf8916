"""The periodic report's results sheet (issue 16 item 3): each result indicator of the report's projects with
its baseline, target, actual per year of the period, latest actual and share achieved (arithmetic in
:mod:`geo.analysis.results`), then the beneficiaries recorded. Nothing recorded is said, never shown as 0."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from geo.model.dataset import Dataset
from geo.output import results_text
from geo.output.exports.exporting import neutralise
from geo.output.reports import report
from geo.text.i18n import t

LAYERS: tuple[str, ...] = ("projects",)


def _frame(ws, row: int, frame: pd.DataFrame) -> int:
    for j, col in enumerate(frame.columns, start=1):
        ws.cell(row=row, column=j, value=neutralise(str(col))).font = Font(bold=True)
    for i, values in enumerate(frame.itertuples(index=False), start=row + 1):
        for j, value in enumerate(values, start=1):
            ws.cell(row=i, column=j, value=neutralise(str(value)))
    return row + len(frame) + 1


def add_results_sheet(wb: Workbook, ds: Dataset, project_ids: list[str], start: int, end: int, lang: str,
                      unit_version: str | None = None) -> None:
    """The "Results" sheet: indicators of ``project_ids`` with actuals of ``start``–``end`` (the share
    achieved counts the latest actual up to ``end``), then their beneficiaries. With ``unit_version`` the
    sheet says under its banner which units the report uses, like every other sheet."""
    ws = wb.create_sheet(t("report.sheet.results", lang)[:31])
    row = report._banner(ws, ds, lang, LAYERS, 8, unit_version)
    ws.cell(row=row, column=1, value=f"{t('report.sheet.results', lang)} {start}–{end}").font = Font(bold=True, size=13)
    ws.cell(row=row + 1, column=1, value=t("results.method", lang)).font = Font(italic=True)
    row += 3
    table = results_text.results_table(ds, project_ids, lang, (start, end))
    if table.empty:
        ws.cell(row=row, column=1, value=t("results.none", lang))
        row += 2
    else:
        row = _frame(ws, row, table) + 1
    ben = results_text.beneficiaries_table(ds, project_ids, lang)
    ws.cell(row=row, column=1, value=t("results.sheet_beneficiaries", lang)).font = Font(bold=True)
    if ben.empty:
        ws.cell(row=row + 1, column=1, value=t("results.none_project", lang))
    else:
        _frame(ws, row + 1, ben)
    report._widths(ws, [44, 36, 14, *[12] * max(5, len(table.columns) - 3)])
