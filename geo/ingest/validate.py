"""Check tables and layers against :mod:`geo.model.schema`, naming file, row and column.

Validators never raise on bad data: they return a list of :class:`Problem` so the
UI can show every problem at once. :class:`DataError` wraps such a list when a
caller must stop.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"project_id": ["P1"], "source": ["oda_grant"],
...                    "need": ["-5"], "committed": ["0"], "disbursed": ["0"]})
>>> [p.column for p in validate_funding(df, "f.csv")]
['need']
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from geo.model import schema
from geo.text import fmt, i18n

Param = tuple[str, object]
Quote = Callable[[str], str]


def _localise(value: object, lang: str, quote: Quote | None = None) -> object:
    """A bilingual param (a :class:`geo.model.schema.Label`) in ``lang``; anything else unchanged.

    ``quote`` (e.g. :func:`geo.text.safe.md_text`) is applied to text values: they may be user or file text.
    """
    value = value(lang) if isinstance(value, schema.Label) else value
    return quote(value) if quote is not None and isinstance(value, str) else value


def per_language(write: Callable[[str], str]) -> schema.Label:
    """A param written in each language, such as a figure: ``per_language(lambda l: fmt.number(x, l, 1))``.

    >>> from geo.text import fmt
    >>> per_language(lambda lang: fmt.number(2.5, lang, 1))
    Label(vi='2,5', en='2.5')
    """
    return schema.Label(write("vi"), write("en"))


def catalog_label(key: str) -> schema.Label:
    """Catalog entry ``key`` as a bilingual label, to pass as a :class:`Problem` param."""
    vi, en = i18n.CATALOG[key]
    return schema.Label(vi, en)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input. ``row`` is 1-based as in a spreadsheet (header = row 1).

    ``key`` names the sentence in :data:`geo.text.i18n.CATALOG` and ``params`` fills it
    (``(name, value)`` pairs; a :class:`geo.model.schema.Label` value is shown in the reader's
    language). ``message`` is the English sentence, for logs and ``str()``. A problem without
    a key shows ``message`` in every language. Build keyed problems with :meth:`of`.

    >>> p = Problem.of("f.csv", "err.negative_amount", 3, "need", value=-5)
    >>> str(p)
    "f.csv, row 3, column 'need': amount -5 is negative"
    >>> p.text("vi")
    "tệp f.csv, dòng 3, cột 'need': số tiền -5 là số âm"
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    key: str | None = None
    params: tuple[Param, ...] = ()

    @classmethod
    def of(cls, file: str, key: str, row: int | None = None, column: str | None = None,
           **params: object) -> Problem:
        """A problem whose sentence is catalog entry ``key`` filled with ``params``."""
        items = tuple(params.items())
        return cls(file, i18n.t(key, "en", **{k: _localise(v, "en") for k, v in items}), row, column, key, items)

    def sentence(self, lang: str, quote: Quote | None = None) -> str:
        """What is wrong, in ``lang``, without the location (text values passed through ``quote``)."""
        if self.key is None or self.key not in i18n.CATALOG:
            return quote(self.message) if quote else self.message
        return i18n.t(self.key, lang, **{k: _localise(v, lang, quote) for k, v in self.params})

    def where(self, lang: str, quote: Quote | None = None) -> str:
        """File, row and column in ``lang`` (file and column names passed through ``quote``)."""
        q = quote or str
        parts = [i18n.t("err.loc.file", lang, file=q(self.file))]
        if self.row is not None:
            parts.append(i18n.t("err.loc.row", lang, row=self.row))
        if self.column:
            parts.append(i18n.t("err.loc.column", lang, column=q(self.column)))
        return ", ".join(parts)

    def text(self, lang: str, quote: Quote | None = None) -> str:
        """The whole problem for a reader of ``lang``: location, then the sentence.

        ``quote`` makes the file's and user's text inert where it is shown, e.g. ``md_text`` for Markdown.
        """
        return f"{self.where(lang, quote)}: {self.sentence(lang, quote)}"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Note:
    """A keyed message that is not about a file location (a CRS note, a summary, a CLI error).

    >>> n = Note.of("err.geom.point")
    >>> n.text("vi"), str(n)
    ('điểm (point)', 'point')
    """

    key: str
    params: tuple[Param, ...] = ()

    @classmethod
    def of(cls, key: str, **params: object) -> Note:
        i18n.CATALOG[key]  # an unknown key is a bug: fail where the note is made
        return cls(key, tuple(params.items()))

    def text(self, lang: str, quote: Quote | None = None) -> str:
        return i18n.t(self.key, lang, **{k: _localise(v, lang, quote) for k, v in self.params})

    def __str__(self) -> str:
        return self.text("en")


class NoteError(ValueError):
    """A ValueError whose message is a :class:`Note`; ``str()`` is English, ``text(lang)`` localised."""

    def __init__(self, key: str, **params: object):
        self.note = Note.of(key, **params)
        super().__init__(str(self.note))

    def text(self, lang: str, quote: Quote | None = None) -> str:
        return self.note.text(lang, quote)


class DataError(ValueError):
    """Raised when input cannot be used; carries every problem found. ``str()`` is English."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def text(self, lang: str, quote: Quote | None = None) -> str:
        """Every problem in ``lang``, one per line."""
        return "\n".join(p.text(lang, quote) for p in self.problems)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def parse_int(value: object) -> int | None:
    """Parse a VND amount or year; accepts ``1.234.567`` and ``1,234,567``. None if not an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    for sep in (".", ","):
        parts = text.split(sep)
        if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]) and parts[0].lstrip("-").isdigit():
            text = "".join(parts)
    if text.endswith(".0"):
        text = text[:-2]
    try:
        return int(text)
    except ValueError:
        return None


def parse_decimal(value: object, lang: str) -> float | None:
    """Parse a number typed in ``lang`` (vi ``1.234,5``; en ``1,234.5``); None if it is not one.

    A point in Vietnamese that does not group thousands is read as a decimal point (``0.5``), as people type it.

    >>> parse_decimal("0,5", "vi"), parse_decimal("1.500", "vi"), parse_decimal("0.5", "vi")
    (0.5, 1500.0, 0.5)
    >>> parse_decimal("1,500.25", "en"), parse_decimal("", "en"), parse_decimal("abc", "vi")
    (1500.25, None, None)
    """
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    decimal, group = fmt.separators(lang)
    whole, _, frac = text.partition(decimal)
    if group in whole:
        head, *rest = whole.split(group)
        if head.lstrip("-").isdigit() and all(len(p) == 3 and p.isdigit() for p in rest):
            whole = head + "".join(rest)
        elif decimal not in text and whole.count(group) == 1:
            whole, frac = head, rest[0]  # "0.5" typed in Vietnamese
        else:
            return None
    if group in frac:
        return None
    try:
        out = float(whole + ("." + frac if frac else ""))
    except ValueError:
        return None
    return out if math.isfinite(out) else None


def _row(i: int) -> int:
    return i + 2  # header is row 1


def _rows(table: pd.DataFrame | Sequence[dict]) -> tuple[set[str], list[dict]]:
    """The column names and the rows of a frame, or of rows already as dicts (a form's few records: building a
    frame for them cost more than checking them)."""
    if isinstance(table, pd.DataFrame):
        return set(table.columns), table.to_dict("records")
    rows = list(table)
    return {c for r in rows for c in r}, rows


def validate_funding(df: pd.DataFrame | Sequence[dict], file: str) -> list[Problem]:
    """Amounts are non-negative integers, disbursed ≤ committed, source is a schema key (``df``: a frame, or
    its rows as dicts)."""
    problems: list[Problem] = []
    columns, rows = _rows(df)
    for col in schema.FUNDING_COLUMNS:
        if col not in columns:
            problems.append(Problem.of(file, "err.missing_column", name=col))
    if problems:
        return problems
    for i, rec in enumerate(rows):
        if rec["source"] not in schema.SOURCE_BY_KEY:
            problems.append(Problem.of(file, "err.unknown_source", _row(i), "source", value=rec["source"]))
        amounts: dict[str, int] = {}
        for col in schema.MONEY_COLUMNS:
            value = parse_int(rec[col]) if not _blank(rec[col]) else 0
            if value is None:
                problems.append(Problem.of(file, "err.not_whole_vnd", _row(i), col, value=rec[col]))
            elif value < 0:
                problems.append(Problem.of(file, "err.negative_amount", _row(i), col, value=value))
            elif value > schema.MAX_VND:
                problems.append(Problem.of(file, "err.amount_too_big", _row(i), col, value=value,
                                           limit=f"{schema.MAX_VND:,}"))
            else:
                amounts[col] = value
        if "disbursed" in amounts and "committed" in amounts and amounts["disbursed"] > amounts["committed"]:
            problems.append(Problem.of(file, "err.disbursed_over_committed", _row(i), "disbursed"))
    return problems


def validate_projects(
    df: pd.DataFrame | Sequence[dict], file: str, commune_codes: Iterable[str], unit_codes_2025: Iterable[str] = (),
) -> list[Problem]:
    """Required fields present, codes known, enums from the schema, years sane (``df``: a frame, or its rows as
    dicts).

    ``commune_code`` is read in the row's ``unit_version`` (optional column, default ``"2021"``):
    an old commune code for ``"2021"``, a code of a unit from 1/7/2025 for ``"2025"``. The version
    must be explicit because some codes name both an old and a new unit (03405 is old Giang Ma
    and new Tả Lèng).
    """
    known_by_version = {"2021": set(commune_codes), "2025": set(unit_codes_2025)}
    default_version = schema.PROJECT_OPTIONAL_COLUMNS["unit_version"][1]
    columns, rows = _rows(df)
    problems: list[Problem] = [
        Problem.of(file, "err.missing_column", name=c) for c in schema.PROJECT_REQUIRED if c not in columns
    ]
    if problems:
        return problems
    seen: set[str] = set()
    lo, hi = schema.SANE_YEARS
    for i, rec in enumerate(rows):
        r = _row(i)
        for col in schema.PROJECT_REQUIRED:
            if _blank(rec[col]):
                problems.append(Problem.of(file, "err.required_empty", r, col))
        pid = str(rec["project_id"])
        if pid in seen:
            problems.append(Problem.of(file, "err.duplicate_project_id", r, "project_id", pid=pid))
        seen.add(pid)
        version = default_version if _blank(rec.get("unit_version")) else str(rec["unit_version"]).strip()
        if version not in schema.UNIT_VERSIONS:
            problems.append(Problem.of(file, "err.bad_unit_version", r, "unit_version",
                                       options=", ".join(schema.UNIT_VERSIONS), value=version))
        code = str(rec["commune_code"]).strip()
        known = known_by_version.get(version)
        if not _blank(rec["commune_code"]) and known is not None and code not in known:
            other = next((v for v, codes in known_by_version.items() if v != version and code in codes), None)
            if other:
                problems.append(Problem.of(file, "err.unknown_commune_code_other", r, "commune_code", code=code,
                                           version=version, label=schema.UNIT_VERSIONS[other], other=other))
            else:
                problems.append(Problem.of(file, "err.unknown_commune_code", r, "commune_code", code=code,
                                           version=version))
        area = parse_int(rec["content_area"])
        if not _blank(rec["content_area"]) and area not in schema.CONTENT_AREAS:
            problems.append(Problem.of(file, "err.bad_content_area", r, "content_area",
                                       value=rec["content_area"]))
        if not _blank(rec["status"]) and rec["status"] not in schema.STATUS_BY_KEY:
            problems.append(Problem.of(file, "err.unknown_status", r, "status", value=rec["status"]))
        if not _blank(rec["quality"]) and rec["quality"] not in {q.value for q in schema.Quality}:
            problems.append(Problem.of(file, "err.unknown_quality", r, "quality", value=rec["quality"]))
        years = {}
        for col in ("start_year", "end_year"):
            if _blank(rec[col]):
                continue
            y = parse_int(rec[col])
            if y is None or not lo <= y <= hi:
                problems.append(Problem.of(file, "err.bad_year", r, col, value=rec[col], lo=lo, hi=hi))
            else:
                years[col] = y
        if len(years) == 2 and years["start_year"] > years["end_year"]:
            problems.append(Problem.of(file, "err.end_before_start", r, "end_year"))
        sectors = rec.get("dac_sectors")
        if not _blank(sectors) and schema.dac_sectors_of(str(sectors)) is None:
            problems.append(Problem.of(file, "err.bad_dac_sectors", r, "dac_sectors", value=str(sectors).strip()))
        for col in ("name_vi", "name_en", "description", "description_en"):
            val = rec.get(col)
            if isinstance(val, str) and not unicodedata.is_normalized("NFC", val):
                problems.append(Problem.of(file, "err.not_nfc", r, col))
    return problems


def validate_commune_layer(gdf, file: str) -> list[Problem]:
    """Codes are 5-digit text and unique; geometries are non-empty valid polygons."""
    problems: list[Problem] = []
    if "code" not in gdf.columns:
        return [Problem.of(file, "err.missing_column", name="code")]
    codes = gdf["code"].astype(str)
    for i, code in enumerate(codes):
        if not schema.CODE_PATTERN.match(code):
            problems.append(Problem.of(file, "err.bad_gso_code", _row(i), "code", code=code))
    for code in sorted(codes[codes.duplicated()].unique()):
        problems.append(Problem.of(file, "err.duplicate_code", column="code", code=code))
    for i, geom in enumerate(gdf.geometry):
        if geom is None or geom.is_empty:
            problems.append(Problem.of(file, "err.empty_geometry", _row(i), "geometry"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem.of(file, "err.wrong_geometry", _row(i), "geometry", geom_type=geom.geom_type,
                                       family=catalog_label("err.geom.polygon")))
        elif not geom.is_valid:
            problems.append(Problem.of(file, "err.invalid_polygon", _row(i), "geometry"))
    return problems


def validate_crosswalk(
    df: pd.DataFrame, file: str, old_codes: Iterable[str], new_units: pd.DataFrame,
) -> list[Problem]:
    """One row per old unit, every old code known and covered, every new code in ``units_2025``.

    ``new_units`` is the ``units_2025`` table (``code``, ``outside_territory``). Only whole mergers
    are supported: a split old unit would need a boundary the crosswalk cannot give.
    """
    problems = [Problem.of(file, "err.missing_column", name=c) for c in schema.CROSSWALK_COLUMNS if c not in df.columns]
    if problems:
        return problems
    old = set(old_codes)
    outside = dict(zip(new_units["code"], new_units["outside_territory"]))
    seen: set[str] = set()
    for i, rec in enumerate(df.to_dict("records")):
        r = _row(i)
        code, new = str(rec["old_code"]).strip(), str(rec["new_code"]).strip()
        if code not in old:
            problems.append(Problem.of(file, "err.unknown_old_code", r, "old_code", code=code))
        if code in seen:
            problems.append(Problem.of(file, "err.old_code_repeated", r, "old_code", code=code))
        seen.add(code)
        if new not in outside:
            problems.append(Problem.of(file, "err.new_code_unknown", r, "new_code", code=new))
        elif str(rec["new_unit_has_outside_territory"]).strip() != str(outside[new]).strip():
            problems.append(Problem.of(file, "err.outside_disagrees", r, "new_unit_has_outside_territory"))
        if str(rec["whole"]).strip() != "true":
            problems.append(Problem.of(file, "err.only_whole", r, "whole"))
        if _blank(rec["legal_source"]):
            problems.append(Problem.of(file, "err.required_empty", r, "legal_source"))
    problems += [Problem.of(file, "err.old_commune_no_row", column="old_code", code=c) for c in sorted(old - seen)]
    used = {str(c).strip() for c in df["new_code"]}
    problems += [Problem.of(file, "err.unit_no_former", column="new_code", code=c)
                 for c in sorted(set(outside) - used)]
    return problems
