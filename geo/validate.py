"""Check tables and layers against :mod:`geo.schema`, naming file, row and column.

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
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from geo import schema


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input. ``row`` is 1-based as in a spreadsheet (header = row 1)."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataError(ValueError):
    """Raised when input cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


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


def _row(i: int) -> int:
    return i + 2  # header is row 1


def validate_funding(df: pd.DataFrame, file: str) -> list[Problem]:
    """Amounts are non-negative integers, disbursed ≤ committed, source is a schema key."""
    problems: list[Problem] = []
    for col in schema.FUNDING_COLUMNS:
        if col not in df.columns:
            problems.append(Problem(file, f"missing column '{col}'"))
    if problems:
        return problems
    for i, rec in enumerate(df.to_dict("records")):
        if rec["source"] not in schema.SOURCE_BY_KEY:
            problems.append(Problem(file, f"unknown funding source '{rec['source']}'", _row(i), "source"))
        amounts: dict[str, int] = {}
        for col in schema.MONEY_COLUMNS:
            value = parse_int(rec[col]) if not _blank(rec[col]) else 0
            if value is None:
                problems.append(Problem(file, f"'{rec[col]}' is not a whole number of VND", _row(i), col))
            elif value < 0:
                problems.append(Problem(file, f"amount {value} is negative", _row(i), col))
            else:
                amounts[col] = value
        if "disbursed" in amounts and "committed" in amounts and amounts["disbursed"] > amounts["committed"]:
            problems.append(Problem(file, "disbursed exceeds committed", _row(i), "disbursed"))
    return problems


def validate_projects(
    df: pd.DataFrame, file: str, commune_codes: Iterable[str], unit_codes_2025: Iterable[str] = (),
) -> list[Problem]:
    """Required fields present, codes known, enums from the schema, years sane.

    ``commune_code`` is read in the row's ``unit_version`` (optional column, default ``"2021"``):
    an old commune code for ``"2021"``, a code of a unit from 1/7/2025 for ``"2025"``. The version
    must be explicit because some codes name both an old and a new unit (03405 is old Giang Ma
    and new Tả Lèng).
    """
    known_by_version = {"2021": set(commune_codes), "2025": set(unit_codes_2025)}
    default_version = schema.PROJECT_OPTIONAL_COLUMNS["unit_version"][1]
    problems: list[Problem] = [
        Problem(file, f"missing column '{c}'") for c in schema.PROJECT_REQUIRED if c not in df.columns
    ]
    if problems:
        return problems
    seen: set[str] = set()
    lo, hi = schema.SANE_YEARS
    for i, rec in enumerate(df.to_dict("records")):
        r = _row(i)
        for col in schema.PROJECT_REQUIRED:
            if _blank(rec[col]):
                problems.append(Problem(file, "required value is empty", r, col))
        pid = str(rec["project_id"])
        if pid in seen:
            problems.append(Problem(file, f"duplicate project_id '{pid}'", r, "project_id"))
        seen.add(pid)
        version = default_version if _blank(rec.get("unit_version")) else str(rec["unit_version"]).strip()
        if version not in schema.UNIT_VERSIONS:
            problems.append(Problem(file, f"unit_version must be one of {', '.join(schema.UNIT_VERSIONS)}, "
                                          f"got '{version}'", r, "unit_version"))
        code = str(rec["commune_code"]).strip()
        known = known_by_version.get(version)
        if not _blank(rec["commune_code"]) and known is not None and code not in known:
            other = next((v for v, codes in known_by_version.items() if v != version and code in codes), None)
            hint = f"; it is a code of '{schema.UNIT_VERSIONS[other].en}': set unit_version to {other}" if other else ""
            problems.append(Problem(file, f"unknown commune code '{code}' for unit_version {version}{hint}",
                                    r, "commune_code"))
        area = parse_int(rec["content_area"])
        if not _blank(rec["content_area"]) and area not in schema.CONTENT_AREAS:
            problems.append(Problem(file, f"content area must be 1–10, got '{rec['content_area']}'", r, "content_area"))
        if not _blank(rec["status"]) and rec["status"] not in schema.STATUS_BY_KEY:
            problems.append(Problem(file, f"unknown status '{rec['status']}'", r, "status"))
        if not _blank(rec["quality"]) and rec["quality"] not in {q.value for q in schema.Quality}:
            problems.append(Problem(file, f"unknown quality '{rec['quality']}'", r, "quality"))
        years = {}
        for col in ("start_year", "end_year"):
            if _blank(rec[col]):
                continue
            y = parse_int(rec[col])
            if y is None or not lo <= y <= hi:
                problems.append(Problem(file, f"year '{rec[col]}' outside {lo}–{hi}", r, col))
            else:
                years[col] = y
        if len(years) == 2 and years["start_year"] > years["end_year"]:
            problems.append(Problem(file, "end year before start year", r, "end_year"))
        for col in ("name_vi", "name_en", "description"):
            val = rec.get(col)
            if isinstance(val, str) and not unicodedata.is_normalized("NFC", val):
                problems.append(Problem(file, "text is not NFC-normalised", r, col))
    return problems


def validate_commune_layer(gdf, file: str) -> list[Problem]:
    """Codes are 5-digit text and unique; geometries are non-empty valid polygons."""
    problems: list[Problem] = []
    if "code" not in gdf.columns:
        return [Problem(file, "missing column 'code'")]
    codes = gdf["code"].astype(str)
    for i, code in enumerate(codes):
        if not schema.CODE_PATTERN.match(code):
            problems.append(Problem(file, f"'{code}' is not a 5-digit GSO code", _row(i), "code"))
    for code in sorted(codes[codes.duplicated()].unique()):
        problems.append(Problem(file, f"duplicate code '{code}'", column="code"))
    for i, geom in enumerate(gdf.geometry):
        if geom is None or geom.is_empty:
            problems.append(Problem(file, "empty geometry", _row(i), "geometry"))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(Problem(file, f"{geom.geom_type} where a polygon is needed", _row(i), "geometry"))
        elif not geom.is_valid:
            problems.append(Problem(file, "invalid polygon (self-intersection?)", _row(i), "geometry"))
    return problems


def validate_crosswalk(
    df: pd.DataFrame, file: str, old_codes: Iterable[str], new_units: pd.DataFrame,
) -> list[Problem]:
    """One row per old unit, every old code known and covered, every new code in ``units_2025``.

    ``new_units`` is the ``units_2025`` table (``code``, ``outside_territory``). Only whole mergers
    are supported: a split old unit would need a boundary the crosswalk cannot give.
    """
    problems = [Problem(file, f"missing column '{c}'") for c in schema.CROSSWALK_COLUMNS if c not in df.columns]
    if problems:
        return problems
    old = set(old_codes)
    outside = dict(zip(new_units["code"], new_units["outside_territory"]))
    seen: set[str] = set()
    for i, rec in enumerate(df.to_dict("records")):
        r = _row(i)
        code, new = str(rec["old_code"]).strip(), str(rec["new_code"]).strip()
        if code not in old:
            problems.append(Problem(file, f"unknown old commune code '{code}'", r, "old_code"))
        if code in seen:
            problems.append(Problem(file, f"old code '{code}' appears more than once", r, "old_code"))
        seen.add(code)
        if new not in outside:
            problems.append(Problem(file, f"new code '{new}' is not in units_2025", r, "new_code"))
        elif str(rec["new_unit_has_outside_territory"]).strip() != str(outside[new]).strip():
            problems.append(Problem(file, "disagrees with outside_territory in units_2025", r,
                                    "new_unit_has_outside_territory"))
        if str(rec["whole"]).strip() != "true":
            problems.append(Problem(file, "only whole mergers are supported (whole must be 'true')", r, "whole"))
        if _blank(rec["legal_source"]):
            problems.append(Problem(file, "required value is empty", r, "legal_source"))
    problems += [Problem(file, f"old commune '{c}' has no row", column="old_code") for c in sorted(old - seen)]
    used = {str(c).strip() for c in df["new_code"]}
    problems += [Problem(file, f"unit '{c}' of units_2025 has no former commune here", column="new_code")
                 for c in sorted(set(outside) - used)]
    return problems
