"""One project and its funding lines as plain, JSON-friendly values, and their validation.

The edit form, the importers and the store all speak this shape: a ``project`` dict
with every column of :data:`geo.model.schema.ALL_PROJECT_COLUMNS` (optional ones filled with their
default, e.g. ``unit_version`` ``"2021"``), and a list of funding
lines with every column of :data:`geo.model.schema.FUNDING_COLUMNS` except ``project_id``.
Validation returns :class:`geo.ingest.validate.Problem` objects whose ``column`` is the field name,
so a form can say which field is wrong.

Examples
--------
>>> p = blank_project() | {"project_id": "X-1", "name_vi": "Nước sạch", "commune_code": "03424",
...     "content_area": 1, "status": "idea", "start_year": 2024, "end_year": 2025, "quality": "official"}
>>> lines = [{"source": "ngo", "need": 100, "committed": 150, "disbursed": 0}]
>>> [(x.column, x.message) for x in validate_record(p, lines, ["03424"])]
[('committed', 'committed (150) exceeds need (100); tick the confirmation to keep it')]
>>> validate_record(p, lines, ["03424"], allow_overcommit=True)
[]
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd

from geo.ingest.names import nfc
from geo.ingest.validate import Problem, parse_int, validate_funding, validate_projects
from geo.model import schema

LINE_COLUMNS: tuple[str, ...] = tuple(c for c in schema.FUNDING_COLUMNS if c != "project_id")


def blank_project() -> dict:
    """A project dict with every schema column empty (optional columns at their default)."""
    return {c: schema.PROJECT_DEFAULTS.get(c, None if kind in ("int", "float") else "")
            for c, kind in schema.ALL_PROJECT_COLUMNS.items()}


def clean_value(column: str, value: object) -> object:
    """Plain Python value for a project column (NFC text, int, float or None).

    A blank optional column takes its default: ``clean_value("unit_version", None) == "2021"``.
    """
    kind = schema.ALL_PROJECT_COLUMNS[column]
    default = schema.PROJECT_DEFAULTS.get(column)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return default if default is not None else ("" if kind == "str" else None)
    if kind != "str" and isinstance(value, str) and not value.strip():
        return None
    if kind == "str":
        text = nfc(str(value)).strip()
        return default if default is not None and not text else text
    if kind == "int":
        parsed = parse_int(value)
        return parsed if parsed is not None else value
    try:
        return float(value)  # type: ignore[arg-type]  # anything float() refuses is kept as typed
    except (TypeError, ValueError):
        return value


def clean_project(project: dict) -> dict:
    """Every stored project column, cleaned; unknown keys dropped."""
    return {c: clean_value(c, project.get(c)) for c in schema.ALL_PROJECT_COLUMNS}


def clean_lines(lines: Iterable[dict]) -> list[dict]:
    """Funding lines with int amounts (blank = 0), ordered as the schema orders sources."""
    out = []
    order = [s.key for s in schema.FUNDING_SOURCES]
    for line in lines:
        rec: dict[str, object] = {"source": str(line.get("source") or "").strip()}
        for col in schema.MONEY_COLUMNS:
            v = line.get(col)
            blank = v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""
            parsed = 0 if blank else parse_int(v)
            rec[col] = parsed if parsed is not None else v
        out.append(rec)
    return sorted(out, key=lambda r: order.index(r["source"]) if r["source"] in order else len(order))


def validate_record(
    project: dict, lines: list[dict], commune_codes: Iterable[str], allow_overcommit: bool = False,
    file: str = "form", unit_codes_2025: Iterable[str] = (),
) -> list[Problem]:
    """Every problem of one project and its lines; ``row`` is the funding line (1-based) or None.

    ``commune_code`` must be one of ``commune_codes`` (``unit_version`` 2021) or of
    ``unit_codes_2025`` (``unit_version`` 2025).
    """
    return validate_records([(project, lines)], commune_codes, allow_overcommit, file, unit_codes_2025)[0]


def validate_records(
    items: list[tuple[dict, list[dict]]], commune_codes: Iterable[str], allow_overcommit: bool = False,
    file: str = "form", unit_codes_2025: Iterable[str] = (),
) -> list[list[Problem]]:
    """:func:`validate_record` for many projects at once (one pass of the table validators).

    Also flags a project id used twice among ``items``.
    """
    out: list[list[Problem]] = [[] for _ in items]
    if not items:
        return out
    cleaned = [(clean_project(p), clean_lines(lines)) for p, lines in items]
    frame = pd.DataFrame([{k: ("" if v is None else v) for k, v in p.items()} for p, _ in cleaned])
    for x in validate_projects(frame, file, commune_codes, unit_codes_2025):
        assert x.row is not None  # every project problem names its row
        out[x.row - 2].append(replace(x, file=file, row=None))
    where: list[tuple[int, int]] = []
    rows = []
    for i, (p, lines) in enumerate(cleaned):
        for col in ("lon", "lat"):
            if p[col] is not None and not isinstance(p[col], float):
                out[i].append(Problem.of(file, "err.not_number", None, col, value=p[col]))
        if (p["lon"] is None) != (p["lat"] is None):
            out[i].append(Problem.of(file, "err.lon_lat_pair", None, "lat"))
        seen: set[str] = set()
        for j, r in enumerate(lines, start=1):
            where.append((i, j))
            rows.append({"project_id": p["project_id"], **r})
            if r["source"] in seen:
                out[i].append(Problem.of(file, "err.source_twice", j, "source", source=r["source"]))
            seen.add(r["source"])
            n, c = r["need"], r["committed"]
            if not allow_overcommit and isinstance(n, int) and isinstance(c, int) and c > n >= 0:
                out[i].append(Problem.of(file, "err.overcommit", j, "committed", c=c, n=n))
    if rows:
        for x in validate_funding(pd.DataFrame(rows), file):
            assert x.row is not None  # every funding problem names its row
            i, j = where[x.row - 2]
            out[i].append(replace(x, file=file, row=j))
    return out


def record_json(project: dict | None, lines: list[dict] | None) -> str | None:
    """Stable JSON of one state, for the audit trail."""
    if project is None:
        return None
    return json.dumps({"project": clean_project(project), "funding": clean_lines(lines or [])},
                      ensure_ascii=False, sort_keys=True)


def frame_to_records(projects: pd.DataFrame, funding: pd.DataFrame) -> dict[str, tuple[dict, list[dict]]]:
    """Project id → (project dict, funding lines) from Dataset-shaped frames."""
    lines: dict[str, list[dict]] = {}
    for rec in funding.to_dict("records"):
        lines.setdefault(str(rec["project_id"]), []).append({c: rec[c] for c in LINE_COLUMNS})
    return {
        str(rec["project_id"]): (clean_project(rec), clean_lines(lines.get(str(rec["project_id"]), [])))
        for rec in projects.to_dict("records")
    }
