"""A user's own per-commune indicator, uploaded as a two-column CSV, read into a number per commune code.

The priority score (:mod:`geo.analysis.priority`) can weigh it in with ``add_indicator``; this module only
reads and checks the file, naming the row and column of every problem.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.ingest import limits
from geo.ingest.names import NameIndex
from geo.ingest.validate import DataError, Problem, parse_int, per_language
from geo.text import fmt


def parse_indicator(table: pd.DataFrame, file: str, index: NameIndex) -> pd.Series:
    """A user's per-commune indicator from a two-column table (commune name or code, value).

    The first column names the commune (code or name, any accents/prefix), the second
    holds a number (``12,5`` and ``12.5`` both read as 12.5). Blank values are left
    unknown. Raises :class:`DataError` naming the row and column of every problem.

    >>> idx = NameIndex.from_records([("03394", "Thèn Sin"), ("03390", "Tam Đường")])
    >>> parse_indicator(pd.DataFrame({"xa": ["Xã Thèn Sin", "3390"], "ty_le": ["12,5", ""]}), "u.csv", idx).to_dict()
    {'03394': 12.5, '03390': nan}
    """
    if table.shape[1] < 2:
        raise DataError([Problem.of(file, "err.indicator_two_columns")])
    key_col, value_col = table.columns[0], table.columns[1]
    problems: list[Problem] = []
    values: dict[str, float] = {}
    for i, (key, raw) in enumerate(zip(table[key_col], table[value_col])):
        row = i + 2
        m = index.match(key)
        found = m.problem_key()
        if found is not None or m.code is None:
            key, params = found or ("err.unknown_commune", {"name": str(key)})
            problems.append(Problem.of(file, key, row, str(key_col), **params))
            continue
        code = m.code
        if code in values:
            problems.append(Problem.of(file, "err.commune_twice", row, str(key_col), code=code))
            continue
        text = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw).strip()
        if text == "":
            values[code] = np.nan
            continue
        number = _parse_number(text)
        if number is not None and not np.isfinite(number):
            problems.append(Problem.of(file, "err.coord_not_finite", row, str(value_col), value=text))
            continue
        if number is None:
            problems.append(Problem.of(file, "err.not_number", row, str(value_col), value=text))
            continue
        values[code] = number
    if problems:
        raise DataError(problems)
    return pd.Series(values, dtype="float64")


def read_indicator_csv(data: bytes, file: str) -> pd.DataFrame:
    r"""The rows of an uploaded indicator CSV (UTF-8, separator ``,`` ``;`` or tab, sniffed), as text.

    A row with more fields than the header (``Thèn Sin,45,5``: a decimal comma in a comma-separated
    file) is an error naming the row, not a silent shift.

    >>> read_indicator_csv("xã;tỷ lệ\nThèn Sin;45,5\n".encode(), "u.csv").iloc[0].tolist()
    ['Thèn Sin', '45,5']
    """
    import csv
    import io

    if len(data) > limits.MAX_TABLE_BYTES:
        raise DataError([Problem.of(file, "err.file_too_big_split", mb=per_language(
            lambda lang: fmt.number(len(data) / 2**20, lang, 1)), limit=limits.megabytes(limits.MAX_TABLE_BYTES))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError([Problem.of(file, "err.not_utf8")]) from None
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise DataError([Problem.of(file, "err.indicator_no_rows")])
    if len(lines) > limits.MAX_ROWS + 1:
        raise DataError([Problem.of(file, "err.limit.rows", limit=limits.MAX_ROWS)])
    header = lines[0]
    if len(header) > limits.MAX_HEADER_CHARS:
        raise DataError([Problem.of(file, "err.limit.header_line", limit=limits.MAX_HEADER_CHARS // 1024)])
    delimiter = max(";,\t", key=header.count) if any(c in header for c in ";,\t") else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    width = len(rows[0])
    problems = [Problem.of(file, "err.field_count", i + 1, n=len(r), width=width)
                for i, r in enumerate(rows) if i and len(r) != width]
    if problems:
        raise DataError(problems)
    return pd.DataFrame(rows[1:], columns=rows[0])


def _parse_number(text: str) -> float | None:
    whole = parse_int(text)
    if whole is not None:
        return float(whole)
    try:
        return float(text.replace(",", ".")) if text.count(",") <= 1 else None
    except ValueError:
        return None
