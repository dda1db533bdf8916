"""Import dated money records (issue 16) from CSV or the Excel money template: check everything, write nothing.

One row is one money record (:data:`geo.model.schema.MONEY_RECORD_COLUMNS`): a yearly budget (``year``) or a
commitment, disbursement or expenditure (``date``, or empty when it is not known), in VND, with an optional
original currency, original amount and rate. Headers may be the template's Vietnamese or English ones or the
schema's column names; kind and funding source take a key or its Vietnamese/English label.

:func:`preview_money` reads the file (the same reader as the project import: any common encoding, ``;`` ``,``
or tab, ``.xlsx``, within :mod:`geo.ingest.limits`) and checks every row with
:func:`geo.ingest.money.clean_money` plus what needs the store: the project must exist. Every problem names
file, row and column. Only :meth:`geo.storage.interface.MoneyStore.apply_money` writes, all or nothing.

A row without a record id gets one made from its content (project, kind, source, date or year, amounts,
currency, rate, note, and how many identical rows came before it in the file): importing the same file twice
finds every record already there and changes nothing. A row with a record id creates or replaces that record.

Examples
--------
>>> money_header_key("Ngày (NNNN-TT-NN)"), money_header_key("Original currency"), money_header_key("rate")
('date', 'currency', 'rate')
>>> content_id({"project_id": "TD-001", "kind": "budget", "source": "ngo", "amount": 5, "year": 2024}, 0)[:4]
'imp-'
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from geo.ingest.imports import RawTable, read_raw
from geo.ingest.money import clean_money
from geo.ingest.names import fold
from geo.ingest.validate import DataError, Problem
from geo.model import schema

TEMPLATE_SHEET = "Tiền theo ngày"
EXAMPLE_PROJECT = "VD-001"

#: Template header of every money column (Vietnamese, English).
MONEY_LABELS: dict[str, schema.Label] = {
    "record_id": schema.Label("Mã khoản tiền", "Record ID"),
    "project_id": schema.Label("Mã dự án", "Project ID"),
    "kind": schema.Label("Loại", "Kind"),
    "source": schema.Label("Nguồn vốn", "Funding source"),
    "amount": schema.Label("Số tiền (VND)", "Amount (VND)"),
    "currency": schema.Label("Tiền tệ gốc", "Original currency"),
    "original_amount": schema.Label("Số tiền gốc", "Original amount"),
    "rate": schema.Label("Tỷ giá (đồng/đơn vị)", "Rate (VND per unit)"),
    "date": schema.Label("Ngày (NNNN-TT-NN)", "Date (YYYY-MM-DD)"),
    "year": schema.Label("Năm kế hoạch", "Budget year"),
    "note": schema.Label("Ghi chú", "Note"),
}
IMPORT_COLUMNS: tuple[str, ...] = tuple(MONEY_LABELS)
REQUIRED: tuple[str, ...] = ("project_id", "kind", "source")


def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for col, label in MONEY_LABELS.items():
        for text in (col, label.vi, label.en, f"{label.vi} / {label.en}", re.sub(r"\(.*?\)", "", label.vi), re.sub(r"\(.*?\)", "", label.en)):
            out[fold(text)] = col
    return out


_HEADERS = _aliases()
def _labels(items: tuple) -> dict[str, str]:
    """Key, Vietnamese and English label (also without their bracketed part, "Tổ chức phi chính phủ") → key."""
    return {fold(text): it.key for it in items for label in (it.key, it.vi, it.en)
            for text in (label, re.sub(r"\s*\(.*?\)", "", label))}


_KIND = _labels(schema.MONEY_KINDS)
_SOURCE = _labels(schema.FUNDING_SOURCES)


def money_header_key(header: object) -> str | None:
    """Schema column of a header cell, or None if unknown."""
    return _HEADERS.get(fold(str(header)))


def content_id(rec: dict, occurrence: int) -> str:
    """The record id of an imported row without one: a digest of what it says (and of how many identical rows
    came before it), so the same row imported again is the same record."""
    keys = ("project_id", "kind", "source", "amount", "currency", "original_amount", "rate", "date", "year", "note")
    body = json.dumps([rec.get(k) for k in keys] + [occurrence], ensure_ascii=False, default=str)
    return "imp-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def same_record(a: dict, b: dict) -> bool:
    """Whether two records say the same (numbers compared as numbers; revision and origin aside)."""
    def norm(rec: dict) -> tuple:
        out = []
        for col in schema.MONEY_RECORD_COLUMNS:
            if col == "origin":
                continue
            v = rec.get(col)
            if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                v = None
            elif col in ("original_amount", "rate"):
                v = float(v)
            elif col in ("amount", "year"):
                v = int(v)
            else:
                v = str(v)
            out.append(v)
        return tuple(out)

    return norm(a) == norm(b)


@dataclass
class MoneyImport:
    """Everything to show before the user confirms a money import; nothing is stored yet."""

    file: str
    encoding: str
    records: list[dict] = field(default_factory=list)
    #: Record id → the revision it had when previewed (None: new), so a later change by someone else conflicts.
    base_revisions: dict[str, int | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    unchanged_ids: list[str] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def table(self) -> pd.DataFrame:
        """The records as they would be stored, one per row read."""
        return pd.DataFrame(self.records, columns=list(schema.MONEY_RECORD_COLUMNS))


def _cell(cells: list[str], j: int) -> str:
    return cells[j].strip() if j < len(cells) and cells[j] is not None else ""


def preview_money(data: bytes, filename: str, project_ids: set[str], stored: pd.DataFrame,
                  today: date | None = None) -> MoneyImport:
    """Parse and check a money table against the store's projects and money records (``stored``: the frame of
    :meth:`~geo.storage.interface.MoneyStore.money_records`); write nothing. File-level problems (no header,
    unreadable file) raise :class:`DataError`."""
    raw = read_raw(data, filename)
    return _preview(raw, project_ids, stored, today or date.today())


def _preview(raw: RawTable, project_ids: set[str], stored: pd.DataFrame, today: date) -> MoneyImport:
    file = raw.file
    out = MoneyImport(file, raw.encoding)
    cols: dict[int, str] = {}
    seen: dict[str, str] = {}
    for j, h in enumerate(raw.header):
        if not h:
            continue
        key = money_header_key(h)
        if key is None:
            out.warnings.append(Problem.of(file, "err.unknown_column_ignored", raw.header_row, h))
        elif key in seen:
            out.problems.append(Problem.of(file, "err.column_twice", raw.header_row, h, other=seen[key]))
        else:
            cols[j], seen[key] = key, h
    missing = [c for c in REQUIRED if c not in seen]
    if "amount" not in seen and "original_amount" not in seen:
        missing.append("amount")
    for col in missing:
        out.problems.append(Problem.of(file, "err.money_import.missing_column", raw.header_row, None,
                                       name=MONEY_LABELS[col]))
    if missing or out.problems:
        return out
    header = seen
    existing = {r["record_id"]: r for r in stored.to_dict("records")} if len(stored) else {}
    occurrences: dict[str, int] = {}
    ids_in_file: dict[str, int] = {}
    for n, cells in raw.rows:
        out.rows_read += 1
        values = {col: _cell(cells, j) for j, col in cols.items()}
        if values.get("project_id", "") == EXAMPLE_PROJECT:
            continue
        for col, table in (("kind", _KIND), ("source", _SOURCE)):
            if values.get(col):
                values[col] = table.get(fold(values[col]), values[col])
        values["origin"] = "import"
        row_problems: list[Problem] = []
        try:
            rec = clean_money(values, today, file, n)
        except DataError as err:
            row_problems = [Problem(p.file, p.message, p.row, header.get(p.column or "", p.column), p.key, p.params)
                            for p in err.problems]
            rec = None
        pid = values.get("project_id", "")
        if not pid:
            row_problems.append(Problem.of(file, "err.money_import.no_project_id", n, header.get("project_id")))
        elif pid not in project_ids:
            row_problems.append(Problem.of(file, "err.money.no_project", n, header.get("project_id"), pid=pid))
        if row_problems or rec is None:
            out.problems.extend(row_problems)
            continue
        if not rec["record_id"]:
            digest = content_id(rec, 0)
            k = occurrences.get(digest, 0)
            occurrences[digest] = k + 1
            rec["record_id"] = content_id(rec, k)
        rid = rec["record_id"]
        if rid in ids_in_file:
            out.problems.append(Problem.of(file, "err.money_import.id_twice", n, header.get("record_id"), rid=rid,
                                           other=ids_in_file[rid]))
            continue
        ids_in_file[rid] = n
        cur = existing.get(rid)
        if cur is not None and cur["project_id"] != rec["project_id"]:
            out.problems.append(Problem.of(file, "err.money.project_fixed", n, header.get("project_id")))
            continue
        out.records.append(rec)
        if cur is None:
            out.base_revisions[rid] = None
            out.new_ids.append(rid)
        else:
            out.base_revisions[rid] = int(cur["revision"])
            (out.unchanged_ids if same_record(cur, rec) else out.changed_ids).append(rid)
    if not out.records and not out.problems:
        out.problems.append(Problem.of(file, "err.money_import.empty"))
    return out


def problems_frame(problems: list[Problem], lang: str) -> pd.DataFrame:
    """Problems as a table: row, column (as the file names it), what is wrong in ``lang``."""
    return pd.DataFrame([{"row": p.row, "column": p.column or "", "problem": p.sentence(lang)} for p in problems],
                        columns=["row", "column", "problem"]).astype({"row": "Int64"})


def write_money_template(path: Path | str | io.BytesIO) -> Path | io.BytesIO:
    """Excel money template: a sheet of bilingual headers (Vietnamese / English) with two example rows, and a
    sheet explaining each column and its valid values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    ws.append([f"{MONEY_LABELS[c].vi} / {MONEY_LABELS[c].en}" for c in IMPORT_COLUMNS])
    examples = [
        {"project_id": EXAMPLE_PROJECT, "kind": schema.MONEY_KIND_BY_KEY["budget"].vi,
         "source": schema.FUNDING_SOURCES[0].vi, "amount": 500_000_000, "year": 2025,
         "note": "Ví dụ, xóa dòng này / Example, delete this row"},
        {"project_id": EXAMPLE_PROJECT, "kind": schema.MONEY_KIND_BY_KEY["disbursement"].vi,
         "source": schema.FUNDING_SOURCES[0].vi, "currency": "USD", "original_amount": 10_000, "rate": 25_400,
         "date": "2025-03-31", "note": "Ví dụ, xóa dòng này / Example, delete this row"},
    ]
    for ex in examples:
        ws.append([ex.get(c, "") for c in IMPORT_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in ws.columns:
        ws.column_dimensions[col[0].column_letter].width = max(16, len(str(col[0].value)) + 2)
    ws.freeze_panes = "A2"
    lo, hi = schema.SANE_YEARS
    help_ws = wb.create_sheet("Hướng dẫn")
    help_ws.append(["Mỗi dòng là một khoản tiền của một dự án và một nguồn vốn. Ngày để trống = không rõ ngày "
                    "(không bao giờ được đoán). Nhập lại cùng một tệp không thay đổi gì."])
    help_ws.append(["One row per amount of one project and funding source. An empty date = date unknown (never "
                    "guessed). Importing the same file again changes nothing."])
    help_ws.append([])
    help_ws.append(["Cột", "Column", "Bắt buộc / Required", "Giá trị hợp lệ / Valid values"])
    valid = {
        "record_id": "để trống (tự tạo) hoặc mã để sửa khoản đã có / empty (made for you) or an id to replace",
        "project_id": "mã dự án đã có / an existing project ID",
        "kind": "; ".join(f"{k.vi} / {k.en} ({k.key})" for k in schema.MONEY_KINDS),
        "source": "xem bên dưới / see below",
        "amount": f"số nguyên đồng 0 … {schema.MAX_VND:,} (để trống nếu có số tiền gốc và tỷ giá) / whole VND "
                  "(empty when original amount and rate are given)",
        "currency": "ISO 4217 (USD, EUR …); trống = VND / empty = VND",
        "original_amount": "bắt buộc nếu tiền tệ khác VND / required for another currency",
        "rate": "đồng cho một đơn vị, bắt buộc nếu tiền tệ khác VND / VND per unit, required for another currency",
        "date": f"NNNN-TT-NN ({lo}–{hi}, không sau hôm nay), trống = không rõ; không dùng cho kế hoạch năm / "
                "YYYY-MM-DD, not after today, empty = unknown; not for a budget",
        "year": f"{lo}–{hi}, chỉ cho kế hoạch vốn năm / only for a yearly budget",
    }
    for c in IMPORT_COLUMNS:
        help_ws.append([MONEY_LABELS[c].vi, MONEY_LABELS[c].en, "x" if c in REQUIRED else "", valid.get(c, "")])
    help_ws.append([])
    help_ws.append(["Nguồn vốn / Funding sources"])
    for s in schema.FUNDING_SOURCES:
        help_ws.append([s.key, f"{s.vi} / {s.en}"])
    for row in help_ws.iter_rows():
        if row[0].value in ("Cột", "Nguồn vốn / Funding sources"):
            for cell in row:
                cell.font = Font(bold=True)
    help_ws.column_dimensions["A"].width = 28
    help_ws.column_dimensions["B"].width = 28
    help_ws.column_dimensions["D"].width = 90
    if not isinstance(path, io.BytesIO):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
