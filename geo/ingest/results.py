"""Beneficiaries and result indicators of projects (issue 16 item 3) as plain values, and their validation.

Beneficiaries (:data:`geo.model.schema.BENEFICIARY_COLUMNS`) are one record per project; every figure is
optional and a blank stays blank ("not recorded"), never 0. A result indicator
(:data:`geo.model.schema.RESULT_COLUMNS`) has a name in Vietnamese (and English), a unit of
:data:`geo.model.schema.RESULT_UNITS`, a baseline, a target and actual values per year (``actuals``:
year → value). :func:`clean_beneficiaries` and :func:`clean_indicator` return the record as stored, or raise
:class:`DataError` naming each bad field (``column``), with ``file`` and ``row`` when it came from a file.

Examples
--------
>>> b = clean_beneficiaries({"project_id": "TD-001", "households": "120", "ethnic_groups": "Mông ;Dao"})
>>> b["people"], b["households"], b["ethnic_groups"], b["women_percent"]
(None, 120, 'Mông; Dao', None)
>>> r = clean_indicator({"project_id": "TD-001", "name_vi": "Hộ có nước sạch", "unit": "households",
...                      "baseline": 40, "target": "200", "target_year": 2025, "actuals": {"2024": 90}})
>>> r["target"], r["actuals"]
(200.0, {2024: 90.0})
>>> clean_indicator({"project_id": "TD-001", "name_vi": "", "unit": "bags", "target": "-3"})
Traceback (most recent call last):
...
geo.ingest.validate.DataError: form, column 'name_vi': an indicator needs its name in Vietnamese
form, column 'unit': unknown unit 'bags' (households, people, pupils, ha, km, works, percent, count)
form, column 'target': 'target' must be a number ≥ 0 (got '-3')
"""

from __future__ import annotations

import json
import math

from geo.ingest.money import _blank, _float
from geo.ingest.names import nfc
from geo.ingest.textcheck import text_problems
from geo.ingest.validate import DataError, Problem, parse_decimal, parse_int
from geo.model import schema

FILE = "form"
#: The largest beneficiary count or indicator value taken (a typo guard: Lai Châu has under a million people;
#: hectares, km and pupils stay far below).
MAX_VALUE = 10_000_000


def blank_beneficiaries(project_id: str = "") -> dict:
    """Beneficiaries with nothing recorded."""
    return {"project_id": project_id, "people": None, "households": None, "ethnic_groups": "",
            "women_percent": None, "note": ""}


def blank_indicator(project_id: str = "") -> dict:
    """An indicator with every field empty."""
    return {"indicator_id": "", "project_id": project_id, "name_vi": "", "name_en": "", "unit": "",
            "baseline": None, "baseline_year": None, "target": None, "target_year": None, "actuals": {}, "note": ""}


def is_recorded(beneficiaries: dict | None) -> bool:
    """Whether any beneficiary figure or group is recorded (else the project shows "not recorded")."""
    if not beneficiaries:
        return False
    return any(not _blank(beneficiaries.get(c)) for c in ("people", "households", "ethnic_groups", "women_percent"))


class _Check:
    def __init__(self, file: str, row: int | None):
        self.file, self.row, self.problems = file, row, []  # type: ignore[var-annotated]

    def bad(self, column: str, key: str, **params: object) -> None:
        self.problems.append(Problem.of(self.file, key, self.row, column, **params))

    def text(self, record: dict, column: str, multi_line: bool = False) -> str:
        value = nfc(str(record.get(column) or "")).strip()
        self.problems += text_problems(value, self.file, self.row, column, multi_line=multi_line)
        if len(value) > (schema.MAX_TEXT_CHARS if multi_line else schema.MAX_LINE_CHARS):
            self.bad(column, "err.results.long", n=schema.MAX_TEXT_CHARS if multi_line else schema.MAX_LINE_CHARS)
        return value

    def whole(self, record: dict, column: str) -> int | None:
        raw = record.get(column)
        if _blank(raw):
            return None
        value = parse_int(raw)
        if value is None or not 0 <= value <= MAX_VALUE:
            self.bad(column, "err.results.count", field=column, value=str(raw), max=f"{MAX_VALUE:,}")
            return None
        return value

    def number(self, record: dict, column: str, raw: object = None, top: float = MAX_VALUE) -> float | None:
        raw = record.get(column) if raw is None else raw
        value = _float(raw)
        if value is None:
            return None
        if math.isnan(value) or not 0 <= value <= top:
            self.bad(column, "err.results.number", field=column, value=str(raw))
            return None
        return value

    def year(self, record: dict, column: str) -> int | None:
        raw = record.get(column)
        if _blank(raw):
            return None
        lo, hi = schema.SANE_YEARS
        value = parse_int(raw)
        if value is None or not lo <= value <= hi:
            self.bad(column, "err.results.year", field=column, value=str(raw), lo=lo, hi=hi)
            return None
        return value

    def done(self, out: dict) -> dict:
        if self.problems:
            raise DataError(self.problems)
        return out


def clean_beneficiaries(record: dict, file: str = FILE, row: int | None = None) -> dict:
    """The beneficiaries as stored, or :class:`DataError` naming each bad field."""
    c = _Check(file, row)
    out = blank_beneficiaries(str(record.get("project_id") or "").strip())
    out["people"] = c.whole(record, "people")
    out["households"] = c.whole(record, "households")
    if out["people"] is not None and out["households"] is not None and out["households"] > out["people"]:
        c.bad("households", "err.results.households_over_people", h=out["households"], p=out["people"])
    groups = c.text(record, "ethnic_groups")
    out["ethnic_groups"] = f"{schema.ETHNIC_GROUP_SEP} ".join(
        g.strip() for g in groups.split(schema.ETHNIC_GROUP_SEP) if g.strip())
    raw = str(record.get("women_percent") or "").strip().rstrip("%").strip() if isinstance(
        record.get("women_percent"), str) else record.get("women_percent")
    out["women_percent"] = c.number(record, "women_percent", raw="" if raw is None else raw, top=100)
    out["note"] = c.text(record, "note", multi_line=True)
    return c.done(out)


def parse_actuals(raw: object) -> dict:
    """``actuals`` as given: a dict, its JSON, or ``2023: 40; 2024: 90`` text (a template cell)."""
    if isinstance(raw, dict):
        return dict(raw)
    if _blank(raw):
        return {}
    text = str(raw).strip()
    if text.startswith("{"):
        try:
            out = json.loads(text)
        except ValueError:
            return {"?": text}
        return out if isinstance(out, dict) else {"?": text}
    pairs: dict = {}
    for part in text.split(";"):
        if part.strip():
            year, sep, value = part.partition(":")
            pairs[year.strip()] = value.strip() if sep else ""
    return pairs


def typed(value: object, lang: str) -> object:
    """A number typed in a form in ``lang`` (``12,5`` in Vietnamese); kept as typed when it is not one, so
    the check names it."""
    if _blank(value):
        return None
    parsed = parse_decimal(value, lang)
    return parsed if parsed is not None else value


def typed_actuals(text: object, lang: str) -> dict:
    """``2023: 90; 2024: 1.250`` typed in ``lang`` → year → value (each value as :func:`typed`)."""
    return {y: typed(v, lang) for y, v in parse_actuals(text).items()}


def clean_indicator(record: dict, file: str = FILE, row: int | None = None) -> dict:
    """The indicator as stored (``actuals`` a dict year → value, by year), or :class:`DataError`."""
    c = _Check(file, row)
    out = blank_indicator(str(record.get("project_id") or "").strip())
    out["indicator_id"] = str(record.get("indicator_id") or "").strip()
    out["name_vi"] = c.text(record, "name_vi")
    if not out["name_vi"]:
        c.bad("name_vi", "err.results.name_needed")
    out["name_en"] = c.text(record, "name_en")
    unit = str(record.get("unit") or "").strip()
    if unit not in schema.RESULT_UNITS:
        c.bad("unit", "err.results.unit", value=unit or "—", units=", ".join(schema.RESULT_UNITS))
    out["unit"] = unit
    top = 100 if unit == "percent" else MAX_VALUE
    out["baseline"] = c.number(record, "baseline", top=top)
    out["baseline_year"] = c.year(record, "baseline_year")
    out["target"] = c.number(record, "target", top=top)
    out["target_year"] = c.year(record, "target_year")
    if out["target"] is None and not any(p.column == "target" for p in c.problems):
        c.bad("target", "err.results.target_needed")
    by, ty = out["baseline_year"], out["target_year"]
    if by is not None and ty is not None and ty < by:
        c.bad("target_year", "err.results.target_before_baseline", by=by, ty=ty)
    actuals: dict[int, float] = {}
    for year_in, value_in in parse_actuals(record.get("actuals")).items():
        year = c.year({"actuals": year_in}, "actuals")
        value = c.number({"actuals": value_in}, "actuals", top=top)
        if year is not None and value is not None:
            actuals[year] = value
        elif year is not None and _blank(value_in):
            c.bad("actuals", "err.results.number", field="actuals", value="—")
    out["actuals"] = dict(sorted(actuals.items()))
    out["note"] = c.text(record, "note", multi_line=True)
    return c.done(out)


def actuals_json(actuals: dict) -> str:
    """``actuals`` as stored in its column: ``{"2024": 90.0}`` (years as text keys, in order)."""
    return json.dumps({str(y): actuals[y] for y in sorted(actuals)}, sort_keys=True)


def actuals_of(text: str | None) -> dict[int, float]:
    """The stored ``actuals`` column back as year → value."""
    return {int(y): float(v) for y, v in json.loads(text or "{}").items()}


def record_json(record: dict) -> str:
    """A beneficiaries or indicator record for the audit trail (sorted keys; actuals with text years)."""
    rec = dict(record)
    if isinstance(rec.get("actuals"), dict):
        rec["actuals"] = {str(y): v for y, v in sorted(rec["actuals"].items())}
    return json.dumps(rec, ensure_ascii=False, sort_keys=True)
