"""Result indicators and beneficiaries from the Excel project template (issue 16 item 3).

The template (:func:`geo.ingest.imports.write_template`) has two more sheets: ``Kết quả`` (one row per
indicator: project, name vi/en, unit, baseline and its year, target and its year, one ``Thực hiện YYYY`` /
``Actual YYYY`` column per year, note) and ``Người hưởng lợi`` (one row per project: people, households, ethnic
groups, share of women, note). Headers may be the column keys or their Vietnamese or English labels.
:func:`preview_results` reads them (streamed, within the spreadsheet limits) and checks every row; each
problem names the file and sheet, the row and the column as headed in the file. A file with any problem is
refused whole; the store writes a clean one in one transaction
(:meth:`geo.storage.interface.ResultsStore.apply_results`). A row without an indicator id updates the
project's indicator of the same Vietnamese name, so importing a file twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from geo.ingest.imports import check_size, read_xlsx
from geo.ingest.names import fold
from geo.ingest.results import clean_beneficiaries, clean_indicator
from geo.ingest.validate import DataError, Problem
from geo.model import schema

RESULTS_SHEET = "Kết quả"
BENEFICIARIES_SHEET = "Người hưởng lợi"
#: Header of each column of the two sheets (Vietnamese, English).
RESULT_LABELS: dict[str, schema.Label] = {
    "project_id": schema.Label("Mã dự án", "Project ID"),
    "indicator_id": schema.Label("Mã chỉ số", "Indicator ID"),
    "name_vi": schema.Label("Tên chỉ số tiếng Việt", "Indicator name in Vietnamese"),
    "name_en": schema.Label("Tên chỉ số tiếng Anh", "Indicator name in English"),
    "unit": schema.Label("Đơn vị", "Unit"),
    "baseline": schema.Label("Cơ sở", "Baseline"),
    "baseline_year": schema.Label("Năm cơ sở", "Baseline year"),
    "target": schema.Label("Mục tiêu", "Target"),
    "target_year": schema.Label("Năm mục tiêu", "Target year"),
    "note": schema.Label("Ghi chú", "Note"),
}
BENEFICIARY_LABELS: dict[str, schema.Label] = {
    "project_id": schema.Label("Mã dự án", "Project ID"),
    "people": schema.Label("Số người", "People"),
    "households": schema.Label("Số hộ", "Households"),
    "ethnic_groups": schema.Label("Dân tộc", "Ethnic groups"),
    "women_percent": schema.Label("Tỷ lệ nữ (%)", "Share of women (%)"),
    "note": schema.Label("Ghi chú", "Note"),
}
ACTUAL = schema.Label("Thực hiện {year}", "Actual {year}")
_ACTUAL = re.compile(r"^(?:thuc hien|actual|actual_)\s*(\d{4})$")


@dataclass
class ResultsImport:
    """What a user must see before confirming: the checked records and every problem; nothing stored yet."""

    file: str
    indicators: list[dict] = field(default_factory=list)
    beneficiaries: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.indicators or self.beneficiaries)


def _unit(text: str) -> str:
    """A unit key from its key or its Vietnamese or English name (as typed: ``hộ``, ``Households``)."""
    key = fold(text)
    for k, label in schema.RESULT_UNITS.items():
        if key in (fold(k), fold(label.vi), fold(label.en)):
            return k
    return text


def _headers(cells: list[str], labels: dict[str, schema.Label], actuals: bool) -> dict[int, str]:
    by_text = {fold(x): col for col, label in labels.items() for x in (col, label.vi, label.en)}
    out: dict[int, str] = {}
    for j, cell in enumerate(cells):
        key = fold(cell)
        if key in by_text:
            out[j] = by_text[key]
        elif actuals and (m := _ACTUAL.match(key)):
            out[j] = f"actual:{m.group(1)}"
    return out


def _sheet_rows(data: bytes, filename: str, sheet: str) -> list[tuple[int, list[str]]]:
    return [(i, cells) for i, cells in read_xlsx(data, filename, sheet) if any(c.strip() for c in cells)]


def preview_results(data: bytes, filename: str, project_ids: Iterable[str]) -> ResultsImport:
    """Read and check both sheets of a template workbook against the stored ``project_ids``; write nothing."""
    known = set(project_ids)
    check_size(data, filename)
    out = ResultsImport(filename)
    for sheet, labels, clean, target in (
        (RESULTS_SHEET, RESULT_LABELS, clean_indicator, out.indicators),
        (BENEFICIARIES_SHEET, BENEFICIARY_LABELS, clean_beneficiaries, out.beneficiaries),
    ):
        where = f"{filename} [{sheet}]"
        rows = _sheet_rows(data, filename, sheet)
        if not rows:
            continue
        (_, head), body = rows[0], rows[1:]
        cols = _headers(head, labels, actuals=sheet == RESULTS_SHEET)
        given = {c: head[j] for j, c in cols.items()}
        if "project_id" not in given:
            out.problems.append(Problem.of(where, "err.missing_column", name=labels["project_id"].vi))
            continue
        seen: set[str] = set()
        for i, cells in body:
            rec: dict = {}
            actual: dict[str, str] = {}
            for j, col in cols.items():
                value = cells[j].strip() if j < len(cells) else ""
                if col.startswith("actual:"):
                    if value:
                        actual[col[7:]] = value
                else:
                    rec[col] = value
            if sheet == RESULTS_SHEET:
                rec["actuals"] = actual
                rec["unit"] = _unit(rec.get("unit", ""))
            pid = rec.get("project_id", "")
            if pid not in known:
                out.problems.append(Problem.of(where, "err.unknown_project_id", i, given["project_id"],
                                               pid=pid or "—"))
                continue
            key = pid if sheet == BENEFICIARIES_SHEET else f"{pid}\x00{fold(rec.get('name_vi', ''))}"
            if key in seen:
                out.problems.append(Problem.of(where, "err.results.twice", i, given["project_id"], pid=pid))
            seen.add(key)
            try:
                target.append(clean(rec, where, i))
            except DataError as err:  # name each column as the file heads it
                head_of = {**given, "actuals": ", ".join(h for c, h in given.items() if c.startswith("actual:"))}
                out.problems += [replace(p, column=head_of.get(p.column or "", p.column)) for p in err.problems]
    if not out.indicators and not out.beneficiaries and not out.problems:
        out.problems.append(Problem.of(filename, "err.results.no_sheets", sheets=f"{RESULTS_SHEET}, {BENEFICIARIES_SHEET}"))
    return out


def add_template_sheets(wb, example_id: str) -> None:
    """The template's results and beneficiaries sheets: headers (Vietnamese) and one example row each."""
    from openpyxl.styles import Font

    lo, hi = schema.PLAN_YEARS
    years = list(range(lo, hi + 1))
    ws = wb.create_sheet(RESULTS_SHEET)
    ws.append([RESULT_LABELS[c].vi for c in RESULT_LABELS] + [ACTUAL.vi.format(year=y) for y in years])
    ws.append([example_id, "", "Ví dụ: Hộ có nước sạch (xóa dòng này)", "Example: households with clean water",
               schema.RESULT_UNITS["households"].vi, 40, lo, 200, hi, "", *[""] * len(years)])
    ws2 = wb.create_sheet(BENEFICIARIES_SHEET)
    ws2.append([BENEFICIARY_LABELS[c].vi for c in BENEFICIARY_LABELS])
    ws2.append([example_id, "", "", "", "", "Ví dụ (xóa dòng này) / Example (delete this row)"])
    for sheet in (ws, ws2):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 2)
        sheet.freeze_panes = "A2"
