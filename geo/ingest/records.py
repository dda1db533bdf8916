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
...     "content_area": 1, "status": "proposal", "start_year": 2024, "end_year": 2025, "quality": "official"}
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
from typing import Literal

import pandas as pd

from geo.ingest.names import nfc
from geo.ingest.textcheck import is_multi_line, text_problems
from geo.ingest.validate import Problem, parse_int, validate_funding, validate_projects
from geo.model import schema

LINE_COLUMNS: tuple[str, ...] = tuple(c for c in schema.FUNDING_COLUMNS if c != "project_id")


def blank_project() -> dict:
    """A project dict with every schema column empty (optional columns at their default)."""
    return {c: schema.PROJECT_DEFAULTS.get(c, None if kind in ("int", "float") else "")
            for c, kind in schema.ALL_PROJECT_COLUMNS.items()}


def clean_value(column: str, value: object) -> object:
    """Plain Python value for a project column (NFC text, int, float or None).

    A blank optional column takes its default: ``clean_value("unit_version", None) == "2021"``; a status of
    before the approval workflow is its step now: ``clean_value("status", "idea") == "proposal"``.
    """
    kind = schema.ALL_PROJECT_COLUMNS[column]
    default = schema.PROJECT_DEFAULTS.get(column)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return default if default is not None else ("" if kind == "str" else None)
    if kind != "str" and isinstance(value, str) and not value.strip():
        return None
    if kind == "str":
        text = nfc(str(value)).strip()
        if column == "status":  # a version saved before the approval workflow (history, restore) names its step
            text = schema.LEGACY_STATUSES.get(text, text)
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
    extent: tuple[float, float, float, float] = schema.PROVINCE_EXTENT,
) -> list[Problem]:
    """Every problem of one project and its lines; ``row`` is the funding line (1-based) or None.

    ``commune_code`` must be one of ``commune_codes`` (``unit_version`` 2021) or of
    ``unit_codes_2025`` (``unit_version`` 2025).
    """
    return validate_records([(project, lines)], commune_codes, allow_overcommit, file, unit_codes_2025, extent)[0]


def validate_records(
    items: list[tuple[dict, list[dict]]], commune_codes: Iterable[str], allow_overcommit: bool = False,
    file: str = "form", unit_codes_2025: Iterable[str] = (),
    extent: tuple[float, float, float, float] = schema.PROVINCE_EXTENT,
    province: schema.Label = schema.Label("tỉnh Lai Châu", "Lai Châu province"),
) -> list[list[Problem]]:
    """:func:`validate_record` for many projects at once (one pass of the table validators).

    Also flags a project id used twice among ``items``. Text fields are checked by
    :func:`geo.ingest.textcheck.text_problems`; a point must be finite and inside ``extent`` (the province).
    """
    out: list[list[Problem]] = [[] for _ in items]
    if not items:
        return out
    cleaned = [(clean_project(p), clean_lines(lines)) for p, lines in items]
    rows_p = [{k: ("" if v is None else v) for k, v in p.items()} for p, _ in cleaned]
    for x in validate_projects(rows_p, file, commune_codes, unit_codes_2025):
        assert x.row is not None  # every project problem names its row
        out[x.row - 2].append(replace(x, file=file, row=None))
    where: list[tuple[int, int]] = []
    rows = []
    x0, y0, x1, y1 = extent
    for i, (p, lines) in enumerate(cleaned):
        for col, value in p.items():
            if schema.ALL_PROJECT_COLUMNS[col] == "str":
                out[i] += text_problems(value, file, None, col, multi_line=is_multi_line(col))
        pid = p["project_id"]
        if pid and not any(x.column == "project_id" for x in out[i]) and not schema.PROJECT_ID_PATTERN.match(pid):
            out[i].append(Problem.of(file, "err.bad_project_id", None, "project_id", value=pid))
        ranged = True
        for col, lo, hi in (("lon", -180, 180), ("lat", -90, 90)):
            v = p[col]
            if v is not None and not isinstance(v, float):
                out[i].append(Problem.of(file, "err.not_number", None, col, value=v))
                ranged = False
            elif v is not None and not math.isfinite(v):
                out[i].append(Problem.of(file, "err.coord_not_finite", None, col, value=v))
                ranged = False
            elif v is not None and not lo <= v <= hi:
                out[i].append(Problem.of(file, f"err.{col}_range", None, col, value=v))
                ranged = False
        if (p["lon"] is None) != (p["lat"] is None):
            out[i].append(Problem.of(file, "err.lon_lat_pair", None, "lat"))
        elif ranged and p["lon"] is not None and not (x0 <= p["lon"] <= x1 and y0 <= p["lat"] <= y1):
            out[i].append(Problem.of(file, "err.point_outside_extent", None, "lon", lon=p["lon"], lat=p["lat"],
                                     province=province, x0=x0, x1=x1, y0=y0, y1=y1))
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
        for x in validate_funding(rows, file):
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


RecordChange = Literal["new", "changed", "unchanged"]


def record_change(existing: dict[str, tuple[dict, list[dict]]], project: dict, lines: list[dict]) -> RecordChange:
    """What storing a cleaned record would do to ``existing`` (:func:`frame_to_records`): add, change or nothing."""
    old = existing.get(project["project_id"])
    if old is None:
        return "new"
    return "changed" if record_json(*old) != record_json(project, lines) else "unchanged"


def frame_to_records(projects: pd.DataFrame, funding: pd.DataFrame) -> dict[str, tuple[dict, list[dict]]]:
    """Project id → (project dict, funding lines) from Dataset-shaped frames."""
    lines: dict[str, list[dict]] = {}
    for rec in funding.to_dict("records"):
        lines.setdefault(str(rec["project_id"]), []).append({c: rec[c] for c in LINE_COLUMNS})
    return {
        str(rec["project_id"]): (clean_project(rec), clean_lines(lines.get(str(rec["project_id"]), [])))
        for rec in projects.to_dict("records")
    }
