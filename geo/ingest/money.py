"""Dated money records (issue 16) as plain values, and their validation.

A record is one amount of one project and funding source: a yearly budget (``year``) or a transaction
(commitment, disbursement, expenditure) on a ``date``, or with no date when it is not known (never guessed).
The columns are :data:`geo.model.schema.MONEY_RECORD_COLUMNS`. :func:`clean_money` returns the record as
stored, or raises :class:`DataError` listing every problem by field (``column``), so a form can mark it.

Examples
--------
>>> r = clean_money({"project_id": "TD-001", "kind": "disbursement", "source": "ngo", "amount": "1.500.000",
...                  "date": "2024-03-31"})
>>> r["amount"], r["currency"], r["date"], r["year"], r["origin"]
(1500000, 'VND', '2024-03-31', None, 'entry')
>>> clean_money({"project_id": "TD-001", "kind": "budget", "source": "ngo", "amount": 5, "date": "2024-01-01"})
Traceback (most recent call last):
...
geo.ingest.validate.DataError: form, column 'year': a yearly budget needs its year (2000–2040)
form, column 'date': a yearly budget has a year, not a date; leave the date empty
>>> usd = clean_money({"project_id": "TD-001", "kind": "commitment", "source": "oda_grant", "currency": "usd",
...                    "original_amount": 1000, "rate": 25_400})
>>> usd["amount"], usd["currency"], usd["date"]
(25400000, 'USD', '')
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from geo.ingest.names import nfc
from geo.ingest.textcheck import text_problems
from geo.ingest.validate import DataError, Problem, parse_int
from geo.model import schema

FILE = "form"


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _float(value: object) -> float | None:
    if _blank(value):
        return None
    try:
        out = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def blank_money(project_id: str = "", kind: str = "disbursement", source: str = "") -> dict:
    """A record with every column empty (VND, no date)."""
    return {"record_id": "", "project_id": project_id, "kind": kind, "source": source, "amount": None,
            "currency": schema.CURRENCY, "original_amount": None, "rate": None, "date": "", "year": None,
            "origin": "entry", "note": ""}


def clean_money(record: dict, today: date | None = None, file: str = FILE, row: int | None = None) -> dict:
    """The record as stored (every column of :data:`~geo.model.schema.MONEY_RECORD_COLUMNS`), or
    :class:`DataError` naming each bad field. ``today`` bounds transaction dates (nothing is disbursed in the
    future: IATI's validator refuses such dates too)."""
    today = today or date.today()
    problems: list[Problem] = []

    def bad(column: str, key: str, **params: object) -> None:
        problems.append(Problem.of(file, key, row, column, **params))

    out = blank_money()
    out["record_id"] = str(record.get("record_id") or "").strip()
    out["project_id"] = str(record.get("project_id") or "").strip()
    kind = str(record.get("kind") or "").strip()
    if kind not in schema.MONEY_KIND_BY_KEY:
        bad("kind", "err.money.kind", value=kind or "—", kinds=", ".join(schema.MONEY_KIND_BY_KEY))
    out["kind"] = kind
    source = str(record.get("source") or "").strip()
    if source not in schema.SOURCE_BY_KEY:
        bad("source", "err.money.source", value=source or "—", sources=", ".join(schema.SOURCE_BY_KEY))
    out["source"] = source
    origin = str(record.get("origin") or "entry").strip()
    out["origin"] = origin if origin in schema.MONEY_ORIGINS else "entry"

    currency = str(record.get("currency") or schema.CURRENCY).strip().upper()
    if not schema.CURRENCY_PATTERN.match(currency):
        bad("currency", "err.money.currency", value=currency)
    out["currency"] = currency
    original, rate = _float(record.get("original_amount")), _float(record.get("rate"))
    amount_in = record.get("amount")
    amount = None if _blank(amount_in) else parse_int(amount_in)
    if not _blank(amount_in) and amount is None:
        bad("amount", "err.money.amount", value=str(amount_in), max=f"{schema.MAX_VND:,}")
    if currency != schema.CURRENCY and schema.CURRENCY_PATTERN.match(currency):
        for col, v in (("original_amount", original), ("rate", rate)):
            if v is None or math.isnan(v) or v <= 0:
                bad(col, "err.money.fx_needed", currency=currency)
        if original and rate and original > 0 and rate > 0 and not (math.isnan(original) or math.isnan(rate)):
            converted = round(original * rate)
            if amount is None:
                amount = converted
            elif abs(amount - converted) > 1:
                bad("amount", "err.money.fx_mismatch", amount=f"{amount:,}", converted=f"{converted:,}",
                    currency=currency)
        out["original_amount"], out["rate"] = original, rate
    elif (original is not None or rate is not None) and currency == schema.CURRENCY:
        bad("currency", "err.money.fx_without_currency")
    if amount is None and not any(p.column == "amount" for p in problems) and not any(
            p.column in ("original_amount", "rate") for p in problems):
        bad("amount", "err.money.amount", value="—", max=f"{schema.MAX_VND:,}")
    elif amount is not None and not 0 <= amount <= schema.MAX_VND:
        bad("amount", "err.money.amount", value=f"{amount:,}", max=f"{schema.MAX_VND:,}")
    out["amount"] = amount

    lo, hi = schema.SANE_YEARS
    raw_date = str(record.get("date") or "").strip()
    year_in = record.get("year")
    year = None if _blank(year_in) else parse_int(year_in)
    if kind == "budget":
        if year is None or not lo <= year <= hi:
            bad("year", "err.money.budget_year", lo=lo, hi=hi)
        if raw_date:
            bad("date", "err.money.budget_date")
        out["year"] = year
    else:
        if not _blank(year_in):
            bad("year", "err.money.year_not_budget")
        if raw_date:
            try:
                day = date.fromisoformat(raw_date)
                if len(raw_date) != 10:
                    raise ValueError(raw_date)
            except ValueError:
                bad("date", "err.money.date", value=raw_date)
            else:
                if not lo <= day.year <= hi:
                    bad("date", "err.money.date", value=raw_date)
                elif day > today:
                    bad("date", "err.money.date_future", value=raw_date, today=today.isoformat())
                out["date"] = day.isoformat()
    note = nfc(str(record.get("note") or "")).strip()
    problems += text_problems(note, file, row, "note", multi_line=True)
    if len(note) > schema.MAX_TEXT_CHARS:
        bad("note", "err.money.note_long", n=schema.MAX_TEXT_CHARS)
    out["note"] = note
    if problems:
        raise DataError(problems)
    return out


def money_json(record: dict) -> str:
    """A record for the audit trail's before/after (every column, sorted keys)."""
    import json

    return json.dumps({c: record.get(c) for c in schema.MONEY_RECORD_COLUMNS}, ensure_ascii=False, sort_keys=True)
