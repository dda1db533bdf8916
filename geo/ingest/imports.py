"""Import projects from CSV or Excel: read any common encoding, check everything, write nothing.

:func:`preview_projects` turns an uploaded file into a :class:`ProjectImport`: the
parsed projects with their funding lines, every problem by row and column, and
the commune-name matching for review. Only :meth:`geo.storage.interface.ProjectStore.apply_projects`
writes, in one transaction, after the user confirmed.

The table is "long": one row per project × funding source; project fields repeat
(or are left blank) on the following rows of the same project. Headers may be the
template's Vietnamese ones, English ones or the schema's column names. Commune
cells take a GSO code or a name typed any way (``"xa Ban Bo"``); status, content
area, funding source and quality take a schema key or its Vietnamese/English label. The optional
``unit_version`` column (blank = 2021) says which units the commune cell names: ``2025`` (or the
label of :data:`geo.model.schema.UNIT_VERSIONS`) reads it as a unit from 1/7/2025 (03405 = new Tả Lèng,
not old Giang Ma).
Files larger than :data:`MAX_BYTES` (20 MB) are refused.

Examples
--------
>>> decode_text("Bản Bo".encode("utf-16"))
('Bản Bo', 'UTF-16')
>>> encode_cp1258("Bản Bo")  # Windows-1258 stores tone marks as combining marks
b'Ba\xd2n Bo'
>>> decode_text(encode_cp1258("Thèn Sin, Hồ Thầu"))
('Thèn Sin, Hồ Thầu', 'Windows-1258')
>>> header_key("Nhu cầu vốn (VND)"), header_key("Committed"), header_key("commune_code")
('need', 'committed', 'commune_code')
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from geo.ingest import limits, safe_gis
from geo.ingest.names import NameIndex, fold, nfc
from geo.ingest.records import LINE_COLUMNS, clean_lines, clean_project, record_change, validate_records
from geo.ingest.textcheck import is_multi_line, text_problems
from geo.ingest.validate import DataError, Problem, catalog_label, per_language
from geo.model import schema
from geo.model.dataset import Dataset
from geo.text import fmt
from geo.text.i18n import t

MAX_BYTES = limits.MAX_TABLE_BYTES
EXAMPLE_ID = "VD-001"
TEMPLATE_SHEET = "Dự án"

#: Template header of every importable column (Vietnamese, English).
COLUMN_LABELS: dict[str, schema.Label] = {
    "project_id": schema.Label("Mã dự án", "Project ID"),
    "name_vi": schema.Label("Tên dự án (tiếng Việt)", "Name (Vietnamese)"),
    "name_en": schema.Label("Tên dự án (tiếng Anh)", "Name (English)"),
    "description": schema.Label("Mô tả", "Description"),
    "description_en": schema.Label("Mô tả tiếng Anh", "English description"),  # no "(…)": stripped, it would read as description
    "dac_sectors": schema.Label("Lĩnh vực DAC", "DAC sectors"),
    "commune_code": schema.Label("Xã, thị trấn", "Commune"),
    "content_area": schema.Label("Nội dung thu hút", "Content area"),
    "status": schema.Label("Trạng thái", "Status"),
    "start_year": schema.Label("Năm bắt đầu", "Start year"),
    "end_year": schema.Label("Năm kết thúc", "End year"),
    "lead_agency": schema.Label("Cơ quan chủ trì", "Lead agency"),
    "donor": schema.Label("Nhà tài trợ", "Donor"),
    "lon": schema.Label("Kinh độ", "Longitude"),
    "lat": schema.Label("Vĩ độ", "Latitude"),
    "quality": schema.Label("Chất lượng dữ liệu", "Data quality"),
    "unit_version": catalog_label("data.col_unit_version"),
    "iati_identifier": schema.Label("Mã hoạt động IATI", "IATI identifier"),
    "source": schema.Label("Nguồn vốn", "Funding source"),
    "need": schema.Label("Nhu cầu vốn (VND)", "Need (VND)"),
    "committed": schema.Label("Đã cam kết (VND)", "Committed (VND)"),
    "disbursed": schema.Label("Đã giải ngân (VND)", "Disbursed (VND)"),
}
#: Columns exports add for readers; ignored on import.
INFO_COLUMNS: dict[str, schema.Label] = {"commune_name": schema.Label("Tên xã, thị trấn", "Commune name")}
IMPORT_COLUMNS: tuple[str, ...] = (*schema.ALL_PROJECT_COLUMNS, *LINE_COLUMNS)
assert set(COLUMN_LABELS) == set(IMPORT_COLUMNS), "COLUMN_LABELS must follow geo.model.schema"


def _aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for col, label in {**COLUMN_LABELS, **INFO_COLUMNS}.items():
        for text in (col, label.vi, label.en, re.sub(r"\(.*?\)", "", label.vi), re.sub(r"\(.*?\)", "", label.en)):
            out[fold(text)] = col
    return out


_HEADERS = _aliases()


def header_key(header: object) -> str | None:
    """Schema column for a header cell, or None if unknown."""
    return _HEADERS.get(fold(str(header)))


def _enum(pairs: list[tuple[object, tuple[str, ...]]]) -> dict[str, object]:
    return {fold(str(text)): key for key, texts in pairs for text in texts}


_STATUS = _enum([*((s.key, (s.key, s.vi, s.en)) for s in schema.STATUSES),  # and the names of before the workflow
                 *((schema.LEGACY_STATUSES[k], (k, lab.vi, lab.en)) for k, lab in schema.LEGACY_STATUS_LABELS.items())])
_SOURCE = _enum([(s.key, (s.key, s.vi, s.en)) for s in schema.FUNDING_SOURCES])
_QUALITY = _enum([(q.value, (q.value, schema.QUALITY_LABELS[q].vi, schema.QUALITY_LABELS[q].en)) for q in schema.Quality])
_AREA = _enum([(a.code, (str(a.code), a.key, a.vi, a.en)) for a in schema.CONTENT_AREAS.values()])
_UNIT_VERSION = _enum([(k, (k, v.vi, v.en)) for k, v in schema.UNIT_VERSIONS.items()])
_ENUMS = {"status": _STATUS, "source": _SOURCE, "quality": _QUALITY, "content_area": _AREA,
          "unit_version": _UNIT_VERSION}


_CP1258_TONES = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Encode text as Windows-1258 does: precomposed base letters plus a combining tone mark."""
    out = bytearray()
    for ch in nfc(text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts[1:] if c in _CP1258_TONES)
        base = nfc(parts[0] + "".join(c for c in parts[1:] if c not in _CP1258_TONES))
        out += (base + tones).encode("cp1258")
    return bytes(out)


# --- reading bytes -------------------------------------------------------------------------------
def check_size(data: bytes, file: str) -> None:
    """Refuse files over :data:`MAX_BYTES` before parsing anything."""
    if len(data) > MAX_BYTES:
        raise DataError([Problem.of(file, "err.file_too_big_split", mb=per_language(lambda lang: fmt.number(len(data) / 2**20, lang, 1)),
                                          limit=MAX_BYTES // 2**20)])


def decode_text(data: bytes, file: str = "file") -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 or Windows-1258; return NFC text and the encoding found.

    Bytes that break the encoding the file announces (a BOM) are refused naming the line and byte.
    """
    def fail(encoding: str, err: UnicodeDecodeError, offset: int = 0) -> DataError:
        pos = err.start + offset
        line = data.count(b"\n", 0, pos) + 1 if encoding != "UTF-16" else data[:pos].decode("utf-16-le", "replace").count("\n") + 1
        return DataError([Problem.of(file, "err.bad_text_at", encoding=encoding, line=line, pos=pos + 1)])

    if data.startswith(codecs.BOM_UTF8):
        try:
            return nfc(data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")), "UTF-8 (BOM)"
        except UnicodeDecodeError as err:
            raise fail("UTF-8", err, len(codecs.BOM_UTF8)) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return nfc(data.decode("utf-16")), "UTF-16"
        except UnicodeDecodeError as err:
            raise fail("UTF-16", err) from None
    if data[:2000].count(b"\x00") * 4 >= len(data[:2000]):  # UTF-16 without BOM: every other byte is NUL
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                return nfc(data.decode(enc)), "UTF-16"
            except UnicodeDecodeError:
                pass
    try:
        return nfc(data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return nfc(data.decode("cp1258")), "Windows-1258"
    except UnicodeDecodeError:
        raise DataError([Problem.of(file, "err.bad_encoding")]) from None


@dataclass
class RawTable:
    """Header cells and data rows as text, each row with its 1-based row number in the file."""

    file: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]
    encoding: str


def _is_comment(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c and c.strip()]
    return not filled or cells[0].strip().startswith("#")


def _is_hxl(cells: list[str]) -> bool:
    filled = [c.strip() for c in cells if c and c.strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _table(file: str, numbered: list[tuple[int, list[str]]], encoding: str) -> RawTable:
    i = 0
    while i < len(numbered) and _is_comment(numbered[i][1]):
        i += 1  # provenance lines written by our own exports
    if i == len(numbered):
        raise DataError([Problem.of(file, "err.no_header")])
    header_row, header = numbered[i]
    rows = [(n, cells) for n, cells in numbered[i + 1:] if any(c.strip() for c in cells) and not _is_hxl(cells)]
    return RawTable(file, [nfc(h).strip() for h in header], header_row, rows, encoding)


def _misnamed(data: bytes, file: str, ext: str) -> None:
    """Refuse content that is not what the extension says, saying what it is (an .xlsx named .csv …)."""
    is_zip = data.startswith((b"PK\x03\x04", b"PK\x05\x06"))
    is_ole = data.startswith(b"\xd0\xcf\x11\xe0")
    if ext in (".xlsx", ".xlsm"):
        if is_ole:
            raise DataError([Problem.of(file, "err.misnamed_old_excel", ext=ext)])
        if not is_zip and data.strip():
            try:
                data[:4096].decode("utf-8")
                raise DataError([Problem.of(file, "err.misnamed_text", ext=ext)])
            except UnicodeDecodeError:
                pass
        return
    if is_zip:
        raise DataError([Problem.of(file, "err.misnamed_excel", ext=ext)])
    if is_ole:
        raise DataError([Problem.of(file, "err.misnamed_old_excel", ext=ext)])
    kind = safe_gis.sniff(data[:65536])
    if kind in ("gpkg", "sqlite", "shp", "dbf") or data.startswith(b"%PDF"):
        found = schema.Label("PDF", "PDF") if data.startswith(b"%PDF") else catalog_label(f"err.fmt.{kind}")
        raise DataError([Problem.of(file, "err.misnamed_binary", found=found)])


def _delimiter(text: str, file: str) -> str:
    """The separator (``,`` ``;`` or tab) that splits the header line most, counted outside quotes.

    Only the first line that is not a ``#`` comment is read, and at most :data:`limits.MAX_HEADER_CHARS`
    of it, so detection takes the same time for any file (``csv.Sniffer`` is super-linear and misreads
    a ``;`` file whose cells hold commas and quotes).
    """
    pos = 0
    while True:
        nl = text.find("\n", pos, pos + limits.MAX_HEADER_CHARS + 1)
        line = text[pos:nl if nl >= 0 else pos + limits.MAX_HEADER_CHARS + 1]
        if nl < 0 and len(text) - pos > limits.MAX_HEADER_CHARS:
            raise DataError([Problem.of(file, "err.limit.header_line", limit=limits.MAX_HEADER_CHARS // 1024)])
        if not line.lstrip().startswith("#") or nl < 0:
            break
        pos = nl + 1
    counts = {d: 0 for d in ",;\t"}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_raw(data: bytes, filename: str) -> RawTable:
    """CSV (``,`` ``;`` or tab) or Excel ``.xlsx`` bytes → :class:`RawTable`, within :mod:`geo.ingest.limits`."""
    file = Path(filename).name
    check_size(data, file)
    ext = Path(filename).suffix.lower()
    if ext == ".xls":
        raise DataError([Problem.of(file, "err.old_xls")])
    if ext not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        raise DataError([Problem.of(file, "err.unsupported_table", ext=ext)])
    _misnamed(data, file, ext)
    if ext in (".xlsx", ".xlsm"):
        return _table(file, read_xlsx(data, file), "Excel")
    text, encoding = decode_text(data, file)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text, file), quotechar='"', doublequote=True)
    numbered = []
    try:
        for cells in reader:
            if len(cells) > limits.MAX_COLUMNS:
                raise DataError([Problem.of(file, "err.limit.columns", reader.line_num, n=len(cells),
                                            limit=limits.MAX_COLUMNS)])
            numbered.append((reader.line_num, cells))
            if len(numbered) > limits.MAX_ROWS + 1:
                raise DataError([Problem.of(file, "err.limit.rows", limit=limits.MAX_ROWS)])
    except csv.Error as err:
        raise DataError([Problem.of(file, "err.broken_csv", reader.line_num, error=str(err))]) from None
    return _table(file, numbered, encoding)


def read_xlsx(data: bytes, file: str, sheet: str | None = None) -> list[tuple[int, list[str]]]:
    """The template sheet (else the first) of a workbook as numbered text rows, streamed read-only; with
    ``sheet``, that sheet ([] when the workbook has none of that name).

    The sheet's declared dimension is checked against :data:`limits.MAX_ROWS` × :data:`limits.MAX_COLUMNS`
    before a row is read (a 5 KB file can declare cells up to XFD1048576), and rows are read within the
    same bounds whatever it declares. A formula cell without a saved result is refused naming the cell
    (reading it as blank would store 0).
    """
    from openpyxl import load_workbook

    try:
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if sheet is not None and sheet not in values.sheetnames:
            return []
        name = sheet or (TEMPLATE_SHEET if TEMPLATE_SHEET in values.sheetnames else values.sheetnames[0])
        ws_f, ws_v = formulas[name], values[name]
        max_row, max_col = ws_v.max_row, ws_v.max_column
        if (max_row or 0) > limits.MAX_ROWS + 1 or (max_col or 0) > limits.MAX_COLUMNS:
            raise DataError([Problem.of(file, "err.limit.sheet_size", sheet=name,
                                        cell=limits.cell_name(max_row or 1, max_col or 1), rows=max_row or 0,
                                        cols=max_col or 0, max_rows=limits.MAX_ROWS, max_cols=limits.MAX_COLUMNS)])
        bounds = {"max_row": limits.MAX_ROWS + 2, "max_col": limits.MAX_COLUMNS, "values_only": True}
        numbered: list[tuple[int, list[str]]] = []
        problems: list[Problem] = []
        for i, (row_v, row_f) in enumerate(zip(ws_v.iter_rows(**bounds), ws_f.iter_rows(**bounds)), start=1):
            if i > limits.MAX_ROWS + 1:
                raise DataError([Problem.of(file, "err.limit.rows", limit=limits.MAX_ROWS)])
            cells = []
            for j, (v, f) in enumerate(zip(row_v, row_f), start=1):
                formula = getattr(f, "text", f)  # an array formula is an object holding its text
                if v is None and isinstance(formula, str) and formula.startswith("="):
                    problems.append(Problem.of(file, "err.excel_formula", i, limits.column_letters(j),
                                               cell=limits.cell_name(i, j), formula=formula[:60]))
                cells.append("" if v is None else _excel_text(v))
            numbered.append((i, cells))
    except DataError:
        raise
    except Exception as err:  # openpyxl raises many kinds on a damaged file
        raise DataError([Problem.of(file, "err.bad_excel", error=type(err).__name__)]) from None
    if problems:
        raise DataError(problems[:50])
    return numbered


def _excel_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _unneutralise(text: str) -> str:
    """Undo the ``'`` our exports put before formula-like text."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


# --- preview -------------------------------------------------------------------------------------
@dataclass
class ProjectImport:
    """Everything the user must see before confirming an import; nothing is stored yet."""

    file: str
    encoding: str
    records: list[tuple[dict, list[dict]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    matches: pd.DataFrame = field(default_factory=pd.DataFrame)
    base_revisions: dict[str, int | None] = field(default_factory=dict)
    new_ids: list[str] = field(default_factory=list)
    changed_ids: list[str] = field(default_factory=list)
    overcommitted: list[str] = field(default_factory=list)
    #: Data rows read from the file, and each one's cells as read (file row number → cells), problem or not.
    rows_read: int = 0
    read_rows: dict[int, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem_rows(self) -> set[int]:
        """The file rows that have at least one problem."""
        return {p.row for p in self.problems if p.row}

    def valid_rows(self, lang: str) -> pd.DataFrame:
        """The rows without a problem, as read, with the user's column names: shown beside the problems, so a
        file with errors still shows what would be imported once they are fixed."""
        bad = self.problem_rows()
        def shown(col: str, value: object) -> object:  # codes the row was read as, in words
            if col == "status" and value in schema.STATUS_BY_KEY:
                return schema.STATUS_BY_KEY[str(value)](lang)
            if col == "source" and value in schema.SOURCE_BY_KEY:
                return schema.SOURCE_BY_KEY[str(value)](lang)
            if col == "content_area" and isinstance(value, int) and value in schema.CONTENT_AREAS:
                return schema.content_area_label(value, lang)
            return value

        rows = [{"row": n, **{c: shown(c, cells.get(c, "")) for c in IMPORT_COLUMNS}}
                for n, cells in self.read_rows.items() if n not in bad]
        frame = pd.DataFrame(rows, columns=["row", *IMPORT_COLUMNS])
        frame = frame.loc[:, [c for c in frame.columns if c == "row" or frame[c].astype(str).str.strip().ne("").any()]]
        return frame.rename(columns={c: (t("data.col_row", lang) if c == "row" else field_label(c, lang))
                                     for c in frame.columns})

    def table(self) -> pd.DataFrame:
        """The parsed rows (one per funding line) for the preview grid."""
        rows = []
        for p, lines in self.records:
            for line in lines or [dict.fromkeys(LINE_COLUMNS, "")]:
                rows.append({**p, **line})
        return pd.DataFrame(rows, columns=list(IMPORT_COLUMNS))


def commune_index(ds: Dataset, version: str = schema.DEFAULT_UNIT_VERSION) -> NameIndex:
    """Names, full names and ASCII names of every unit of ``version`` → code (the 13 old communes by default)."""
    from geo.analysis.units import unit_table

    idx = NameIndex()
    if version == "2021":
        records = ds.communes.to_dict("records")
    else:
        records = unit_table(ds, version).reset_index().to_dict("records")
    for rec in records:
        for col in ("name", "full_name", "name_ascii"):
            if isinstance(rec.get(col), str) and rec[col]:
                idx.add(rec["code"], rec[col])
    return idx


def preview_projects(data: bytes, filename: str, ds: Dataset, revisions: dict[str, int]) -> ProjectImport:
    """Parse and check an uploaded project table against the current data; write nothing.

    ``revisions`` are the stored projects' revisions (from the store), kept so that the
    later write fails with a conflict if someone changed one of them meanwhile.
    """
    raw = read_raw(data, filename)
    return _preview(raw, ds, revisions)


def _preview(raw: RawTable, ds: Dataset, revisions: dict[str, int]) -> ProjectImport:
    file = raw.file
    out = ProjectImport(file, raw.encoding)
    cols: dict[int, str] = {}
    header_of: dict[str, str] = {}
    for j, h in enumerate(raw.header):
        if not h:
            continue
        key = header_key(h)
        if key is None:
            out.warnings.append(Problem.of(file, "err.unknown_column_ignored", raw.header_row, h))
        elif key in header_of:
            out.problems.append(Problem.of(file, "err.column_twice", raw.header_row, h,
                                                  other=header_of[key]))
        elif key not in INFO_COLUMNS:
            cols[j] = key
            header_of[key] = h
    for col in (*schema.PROJECT_REQUIRED, "source", "need"):
        if col not in header_of:
            out.problems.append(Problem.of(file, "err.missing_column_labels", vi=COLUMN_LABELS[col].vi,
                                                 en=COLUMN_LABELS[col].en))
    if out.problems:
        return out
    if not raw.rows:
        out.problems.append(Problem.of(file, "err.no_data_rows"))
        return out

    def hdr(col: str) -> str:
        return header_of.get(col, col)

    indexes = {v: commune_index(ds, v) for v in schema.UNIT_VERSIONS}
    known = ds.communes["code"].tolist()
    known_2025 = ds.units_2025["code"].tolist()
    matches: list[dict[str, Any]] = []
    projects: dict[str, dict] = {}
    first_row: dict[str, int] = {}
    lines: dict[str, list[tuple[int, dict]]] = {}
    flagged: set[tuple[int, str]] = set()

    def problem(row: int, col: str, key: str, **params: object) -> None:
        out.problems.append(Problem.of(file, key, row, hdr(col), **params))
        flagged.add((row, col))

    out.rows_read = len(raw.rows)
    for n, cells in raw.rows:
        rec: dict[str, Any] = {key: _unneutralise(nfc(cells[j]).strip()) if j < len(cells) else "" for j, key in cols.items()}
        out.read_rows[n] = rec
        bad_text = [x for col, val in rec.items()
                    for x in text_problems(val, file, n, hdr(col), multi_line=is_multi_line(col))]
        if bad_text:  # refused at input, with row and column: nothing further is read from this row
            out.problems += bad_text
            flagged.update((n, col) for col in rec)
            continue
        pid = rec.get("project_id", "")
        if pid == EXAMPLE_ID:
            problem(n, "project_id", "err.template_example_row")
            continue
        for col, table in _ENUMS.items():
            val = rec.get(col, "")
            if val:
                value: object = table.get(fold(val))
                if value is None and col == "content_area":
                    lead = re.match(r"\s*(\d+)", val)
                    value = int(lead.group(1)) if lead and int(lead.group(1)) in schema.CONTENT_AREAS else None
                if value is None and col == "unit_version":
                    continue  # validation names the allowed versions (err.bad_unit_version)
                if value is None:
                    label = COLUMN_LABELS[col]
                    problem(n, col, "err.not_valid_value", value=val,
                            what=schema.Label(label.vi.lower(), label.en.lower()))
                else:
                    rec[col] = value
        commune = rec.get("commune_code", "")
        if commune:
            # the cell is read in the row's unit version (some codes name two units)
            version = rec.get("unit_version") or schema.DEFAULT_UNIT_VERSION
            idx = indexes.get(version, indexes[schema.DEFAULT_UNIT_VERSION])
            m = idx.match(commune)
            matches.append({"row": n, "value": commune, "code": m.code or "",
                            "name": idx.display.get(m.code, "") if m.code else "",
                            "exact": bool(m.exact or m.query == m.code)})
            if m.code is not None:
                rec["commune_code"] = m.code
            else:
                # a unit of the other version: keep its code, validation below says to set unit_version
                other = next((o.code for i in indexes.values() if i is not idx for o in [i.match(commune)]
                              if o.code), None)
                if other is not None:
                    rec["commune_code"] = other
                else:
                    unmatched = m.problem_key()
                    assert unmatched is not None  # m.code is None here
                    problem(n, "commune_code", unmatched[0], **unmatched[1])
        project = {c: rec.get(c, "") for c in schema.ALL_PROJECT_COLUMNS}
        if pid in projects:
            base = projects[pid]
            for c in schema.ALL_PROJECT_COLUMNS:
                if project[c] not in ("", None) and str(project[c]) != str(base[c]):
                    problem(n, c, "err.differs_from_first_row", first=first_row[pid], value=base[c])
        else:
            projects[pid] = project
            first_row[pid] = n
        line = {c: rec.get(c, "") for c in LINE_COLUMNS}
        if any(str(v).strip() for v in line.values()):
            lines.setdefault(pid, []).append((n, line))
    out.matches = pd.DataFrame(matches, columns=["row", "value", "code", "name", "exact"])

    checked = validate_records([(project, [ln for _, ln in lines.get(pid, [])]) for pid, project in projects.items()],
                               known, allow_overcommit=True, file=file, unit_codes_2025=known_2025,
                               extent=ds.config.extent, province=ds.config.province)
    for (pid, project), found in zip(projects.items(), checked):
        numbered = lines.get(pid, [])
        row0 = first_row[pid]
        for x in found:
            row = numbered[x.row - 1][0] if x.row else row0
            if (row, x.column) not in flagged:
                out.problems.append(replace(x, file=file, row=row, column=hdr(x.column or "")))
                flagged.add((row, x.column or ""))
        for n, ln in numbered:
            cl = clean_lines([ln])[0]
            if isinstance(cl["need"], int) and isinstance(cl["committed"], int) and cl["committed"] > cl["need"] >= 0:
                out.warnings.append(Problem.of(file, "err.overcommit", n, hdr("committed"),
                                               c=cl["committed"], n=cl["need"]))
                out.overcommitted.append(pid)
        if project["lon"] not in ("", None) and project["lat"] not in ("", None):
            try:
                point: tuple[float, float] | None = (float(project["lon"]), float(project["lat"]))
            except ValueError:
                point = None
            if point is not None and all(math.isfinite(v) for v in point) and (row0, "lon") not in flagged:
                lon, lat = point
                minx, miny, maxx, maxy = ds.communes.total_bounds
                if not (minx - 0.05 <= lon <= maxx + 0.05 and miny - 0.05 <= lat <= maxy + 0.05):
                    problem(row0, "lon", "err.point_outside", lon=lon, lat=lat)
    if not out.problems:
        out.problems += _total_problems(file, ds, projects, lines, hdr)
    out.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    if out.problems:
        return out
    existing = {}
    if len(ds.projects):
        from geo.ingest.records import frame_to_records

        existing = frame_to_records(ds.projects, ds.funding)
    for pid, project in projects.items():
        p, ls = clean_project(project), clean_lines([ln for _, ln in lines.get(pid, [])])
        out.records.append((p, ls))
        out.base_revisions[pid] = revisions.get(pid)
        change = record_change(existing, p, ls)
        if change != "unchanged":
            (out.new_ids if change == "new" else out.changed_ids).append(pid)
    for hit in matches:
        if hit["code"] and not hit["exact"]:
            out.warnings.append(Problem.of(file, "err.read_as", hit["row"], hdr("commune_code"),
                                           value=hit["value"], name=hit["name"], code=hit["code"]))
    return out


def _total_problems(file: str, ds: Dataset, projects: dict, lines: dict, hdr) -> list[Problem]:
    """Each amount column summed over the stored lines the import keeps and its own lines must stay within
    :data:`schema.MAX_TOTAL_VND` (Python integers: exact, so every later int64 sum is exact too)."""
    kept = ds.funding[~ds.funding["project_id"].astype(str).isin(set(projects))]
    problems = []
    for col in schema.MONEY_COLUMNS:
        total = sum(int(v) for v in kept[col].dropna())
        total += sum(v for ls in lines.values() for v in [clean_lines([ln])[0][col] for _, ln in ls]
                     if isinstance(v, int))
        if total > schema.MAX_TOTAL_VND:
            problems.append(Problem.of(file, "err.total_too_big", None, hdr(col), what=hdr(col),
                                       value=f"{total:,}", limit=f"{schema.MAX_TOTAL_VND:,}"))
    return problems


# --- the template --------------------------------------------------------------------------------
def write_template(path: Path | str | io.BytesIO, ds: Dataset) -> Path | io.BytesIO:
    """Excel template: Vietnamese headers + one example row, and a sheet explaining columns and valid values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from geo.analysis.units import unit_table

    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    ws.append([COLUMN_LABELS[c].vi for c in IMPORT_COLUMNS])
    commune = ds.communes.sort_values("code").iloc[-2]
    example = {
        "project_id": EXAMPLE_ID, "name_vi": "Ví dụ: Cấp nước sinh hoạt bản (xóa dòng này)",
        "name_en": "Example: village water supply (delete this row)", "description": "", "description_en": "", "dac_sectors": "",
        "commune_code": commune["name"], "content_area": schema.CONTENT_AREAS[1].vi,
        "status": schema.STATUSES[0].vi, "start_year": 2025, "end_year": 2026, "lead_agency": "",
        "donor": "", "lon": "", "lat": "", "quality": schema.QUALITY_LABELS[schema.NEW_PROJECT_QUALITY].vi,
        "unit_version": schema.DEFAULT_UNIT_VERSION, "iati_identifier": "",
        "source": schema.FUNDING_SOURCES[0].vi, "need": 1_000_000_000, "committed": 0, "disbursed": 0,
    }
    ws.append([example[c] for c in IMPORT_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in ws.columns:
        ws.column_dimensions[col[0].column_letter].width = max(14, len(str(col[0].value)) + 2)
    ws.freeze_panes = "A2"

    help_ws = wb.create_sheet("Hướng dẫn")
    bold = Font(bold=True)
    help_ws.append(["Mỗi dòng là một dự án × một nguồn vốn; dự án có nhiều nguồn vốn thì lặp lại mã dự án. "
                    "Xóa dòng ví dụ (VD-001) trước khi nhập."])
    help_ws.append(["One row per project × funding source; repeat the project ID for more sources. "
                    "Delete the example row (VD-001) before importing."])
    help_ws.append([])
    help_ws.append(["Cột", "Column", "Bắt buộc / Required", "Giá trị hợp lệ / Valid values"])
    for cell in help_ws[help_ws.max_row]:
        cell.font = bold
    valid = {
        "commune_code": "Mã GSO 5 chữ số hoặc tên xã (xem bên dưới) / 5-digit GSO code or commune name (below)",
        "unit_version": "; ".join(f"{k} = {v.vi}" for k, v in schema.UNIT_VERSIONS.items())
        + f" (để trống = {schema.DEFAULT_UNIT_VERSION}) / "
        + "; ".join(f"{k} = {v.en}" for k, v in schema.UNIT_VERSIONS.items())
        + f" (blank = {schema.DEFAULT_UNIT_VERSION})",
        "content_area": "1–10 hoặc tên nội dung / 1–10 or the label (below)",
        "status": ", ".join(s.vi for s in schema.STATUSES) + " / " + ", ".join(s.key for s in schema.STATUSES),
        "quality": ", ".join(f"{v.vi} / {q.value}" for q, v in schema.QUALITY_LABELS.items()),
        "source": "xem bên dưới / see below",
        "start_year": f"{schema.SANE_YEARS[0]}–{schema.SANE_YEARS[1]}",
        "end_year": f"{schema.SANE_YEARS[0]}–{schema.SANE_YEARS[1]}, ≥ năm bắt đầu / ≥ start year",
        "need": "số nguyên không âm, VND / whole number ≥ 0, VND",
        "committed": "≤ nhu cầu (cần xác nhận nếu vượt) / ≤ need (confirm if above)",
        "disbursed": "≤ đã cam kết / ≤ committed",
        "lon": "độ thập phân WGS 84 / decimal degrees WGS 84", "lat": "độ thập phân WGS 84 / decimal degrees WGS 84",
        "dac_sectors": "mã DAC 5 chữ số:phần trăm, cách nhau bởi ; tổng 100 (để trống = theo nội dung thu hút) / "
                       "5-digit DAC code:percent, separated by ; summing to 100 (blank = the content area's), "
                       "e.g. 31130:50;14030:50",
        "iati_identifier": "để trống; lệnh import-iati tự ghi / leave empty; import-iati fills it in",
    }
    for c in IMPORT_COLUMNS:
        required = "x" if c in schema.PROJECT_REQUIRED or c in ("source", "need") else ""
        help_ws.append([COLUMN_LABELS[c].vi, COLUMN_LABELS[c].en, required, valid.get(c, "")])
    sections = [
        ("Xã, thị trấn / Communes", [(r["code"], r["full_name"]) for r in ds.communes.to_dict("records")]),
        (f"{schema.UNIT_VERSIONS['2025'].vi} / {schema.UNIT_VERSIONS['2025'].en} (unit_version 2025)",
         list(unit_table(ds, "2025")["full_name"].items())),
        ("Nội dung thu hút / Content areas", [(a.code, f"{a.vi} / {a.en}") for a in schema.CONTENT_AREAS.values()]),
        ("Nguồn vốn / Funding sources", [(s.key, f"{s.vi} / {s.en}") for s in schema.FUNDING_SOURCES]),
        ("Trạng thái / Statuses", [(s.key, f"{s.vi} / {s.en}") for s in schema.STATUSES]),
    ]
    for title, rows in sections:
        help_ws.append([])
        help_ws.append([title])
        help_ws[help_ws.max_row][0].font = bold
        for row in rows:
            help_ws.append(list(row))
    help_ws.column_dimensions["A"].width = 28
    help_ws.column_dimensions["B"].width = 28
    help_ws.column_dimensions["D"].width = 80
    from geo.ingest.results_import import add_template_sheets  # it reads with this module's helpers

    add_template_sheets(wb, EXAMPLE_ID)
    if not isinstance(path, io.BytesIO):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def field_label(column: str | None, lang: str) -> str:
    """The label a user sees for a schema column (the column itself if unknown)."""
    label = COLUMN_LABELS.get(column or "")
    return label(lang) if label else (column or "")


def problems_frame(problems: list[Problem], lang: str, labels: bool = False) -> pd.DataFrame:
    """Problems as a table (row, column, sentence in ``lang``); ``labels`` maps schema columns to labels.

    >>> problems_frame([Problem.of("p.csv", "err.negative_amount", 3, "need", value=-5)], "vi")["problem"].iloc[0]
    'Số tiền -5 là số âm'
    """
    return pd.DataFrame(
        [{"row": p.row, "column": field_label(p.column, lang) if labels else (p.column or ""),
          "problem": _capitalised(p.sentence(lang))} for p in problems],
        columns=["row", "column", "problem"],
    ).astype({"row": "Int64"})


def _capitalised(sentence: str) -> str:
    """A table cell is a sentence of its own: first letter upper case (the catalog writes mid-sentence case)."""
    return sentence[:1].upper() + sentence[1:]
