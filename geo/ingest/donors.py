"""Donor profiles: who funds what, how and how much (issue 5).

A profile is one row of :data:`geo.model.schema.DONOR_COLUMNS`: name, type, instruments,
a priority level 0–3 for each of the plan's ten content areas, a typical ticket size
in VND, contact notes and the quality of its priorities (``illustrative`` until a user
confirms them). :class:`DonorProfile` is the typed, hashable form used by matching and
the pitch pack; records (plain dicts) are what the store and the edit form exchange.

Stores hand profiles out (:class:`geo.storage.interface.DonorReader`; the GeoPackage store keeps
them in its ``donors`` table, edited with an audit trail, the bundled store reads ``donors.csv``
read-only); :func:`geo.storage.donors.load_profiles` turns them into profiles.

Examples
--------
>>> p = DonorProfile("koica", "KOICA", instruments=("grant",), priorities={5: 3, 7: 2},
...                  ticket_min=2_000_000_000, ticket_max=150_000_000_000)
>>> p.weight(5), p.weight(1), p.is_confirmed
(3, 0, False)
>>> DonorProfile.from_record(p.to_record()) == p
True
>>> quality_text("confirmed by Lan on 2026-05-04", "vi")
'đã xác nhận bởi Lan ngày 2026-05-04'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pandas as pd

from geo.ingest.names import nfc
from geo.ingest.textcheck import is_multi_line, text_problems
from geo.ingest.validate import DataError, Problem, parse_int
from geo.model import schema
from geo.model.config import BUNDLED_DATA_DIR
from geo.model.donors import AREA_CODES, DonorProfile, split_instruments
from geo.text.i18n import t

DONOR_FILE = "donors.csv"


def blank_donor() -> dict:
    """A record with every column empty (priorities 0), for a "new donor" form."""
    rec = {c: (0 if kind == "int" else "") for c, kind in schema.DONOR_COLUMNS.items()}
    rec["donor_type"], rec["instruments"] = "bilateral", "grant"
    rec["priorities_quality"] = schema.PRIORITIES_ILLUSTRATIVE
    return rec


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def validate_donor(raw: Mapping, file: str = "form", row: int | None = None) -> tuple[dict, list[Problem]]:
    """A clean record (NFC text, ints, instruments joined by ``;``) and every problem found, by column.

    >>> rec, problems = validate_donor({"donor_id": "X Y", "name": "", "donor_type": "bank",
    ...     "instruments": "grant;gift", "ticket_min": "5", "ticket_max": "1", "priority_health": "7"})
    >>> sorted(p.column for p in problems)
    ['donor_id', 'donor_type', 'instruments', 'name', 'priority_health', 'ticket_max']
    """
    problems: list[Problem] = []

    def bad(column: str, key: str, **params: object) -> None:
        problems.append(Problem.of(file, key, row, column, **params))

    rec: dict = {}
    for col, kind in schema.DONOR_COLUMNS.items():
        value = raw.get(col)
        if kind == "str":
            rec[col] = "" if _blank(value) else nfc(str(value).strip())
        else:
            rec[col] = None if _blank(value) else parse_int(value)
            if not _blank(value) and rec[col] is None:
                bad(col, "err.donor_not_whole", value=value)
    for col, kind in schema.DONOR_COLUMNS.items():
        if kind == "str":
            problems += text_problems(rec[col], file, row, col, multi_line=is_multi_line(col),
                                      legacy=col not in ("donor_id", "priorities_quality"))
        elif isinstance(rec[col], int) and rec[col] > schema.MAX_VND:
            bad(col, "err.amount_too_big", value=rec[col], limit=f"{schema.MAX_VND:,}")
    for col in schema.DONOR_REQUIRED:
        if _blank(raw.get(col)):
            bad(col, "err.donor_required")
    rec["donor_id"] = rec["donor_id"].lower()
    if rec["donor_id"] and not schema.DONOR_ID_PATTERN.match(rec["donor_id"]):
        bad("donor_id", "err.donor_bad_id", value=rec["donor_id"])
    if rec["donor_type"] and rec["donor_type"] not in schema.DONOR_TYPE_BY_KEY:
        bad("donor_type", "err.not_one_of", value=rec["donor_type"], options=", ".join(schema.DONOR_TYPE_BY_KEY))
    instruments = split_instruments(rec["instruments"])
    unknown = [i for i in instruments if i not in schema.INSTRUMENTS]
    if unknown:
        bad("instruments", "err.donor_bad_instruments", values=", ".join(unknown), options=", ".join(schema.INSTRUMENTS))
    elif rec["instruments"] and not instruments:
        bad("instruments", "err.donor_required")
    rec["instruments"] = schema.INSTRUMENT_SEP.join(instruments)
    for code in AREA_CODES:
        col = schema.priority_column(code)
        if rec[col] is None:
            rec[col] = 0
        elif not 0 <= rec[col] <= max(schema.PRIORITY_LEVELS):
            bad(col, "err.donor_bad_priority", value=rec[col], max=max(schema.PRIORITY_LEVELS))
    lo, hi = rec["ticket_min"], rec["ticket_max"]
    if lo is not None and lo < 0:
        bad("ticket_min", "err.donor_negative")
    if lo is not None and hi is not None and hi < lo:
        bad("ticket_max", "err.donor_ticket_order", hi=hi, lo=lo)
    quality = rec["priorities_quality"] or schema.PRIORITIES_ILLUSTRATIVE
    if quality != schema.PRIORITIES_ILLUSTRATIVE and not schema.PRIORITIES_CONFIRMED.match(quality):
        bad("priorities_quality", "err.donor_bad_quality")
    rec["priorities_quality"] = quality
    return rec, problems


def clean_donor(raw: Mapping, file: str = "form", row: int | None = None) -> dict:
    """The clean record, or :class:`DataError` naming every bad field."""
    rec, problems = validate_donor(raw, file, row)
    if problems:
        raise DataError(problems)
    return rec


def read_donor_csv(path: Path | str) -> pd.DataFrame:
    """Read and validate a donors CSV; :class:`DataError` names file, row and column of every problem."""
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in schema.DONOR_REQUIRED if c not in raw.columns]
    if missing:
        raise DataError([Problem.of(path.name, "err.donor_missing_columns", names=", ".join(missing))])
    records, problems, seen = [], [], set()
    for i, row in enumerate(raw.to_dict("records")):
        rec, found = validate_donor(row, path.name, i + 2)
        if rec["donor_id"] in seen:
            found.append(Problem.of(path.name, "err.donor_twice", i + 2, "donor_id", did=rec["donor_id"]))
        seen.add(rec["donor_id"])
        problems += found
        records.append(rec)
    if problems:
        raise DataError(problems)
    return donor_frame(records)


def donor_frame(records: list[dict]) -> pd.DataFrame:
    """Records as a typed frame with exactly the schema columns (ints as int64)."""
    frame = pd.DataFrame(records, columns=list(schema.DONOR_COLUMNS))
    for col, kind in schema.DONOR_COLUMNS.items():
        frame[col] = frame[col].fillna(0).astype("int64") if kind == "int" else frame[col].fillna("").astype(str)
    return frame


def profiles_from_frame(frame: pd.DataFrame) -> list[DonorProfile]:
    return [DonorProfile.from_record(r) for r in frame.to_dict("records")]


def bundled_frame() -> pd.DataFrame:
    """The starter list shipped in ``data/donors.csv``."""
    return read_donor_csv(BUNDLED_DATA_DIR / DONOR_FILE)


def confirmed_quality(user: str, on: date | None = None) -> str:
    """The ``priorities_quality`` a confirmation sets.

    >>> confirmed_quality("Lan", date(2026, 5, 4))
    'confirmed by Lan on 2026-05-04'
    """
    return f"confirmed by {user.strip() or 'unknown'} on {(on or date.today()).isoformat()}"


def quality_text(quality: str, lang: str) -> str:
    """``priorities_quality`` in the reader's language."""
    m = schema.PRIORITIES_CONFIRMED.match(quality or "")
    if m:
        return t("pitch.quality_confirmed", lang, user=m["user"], date=m["date"])
    return t("pitch.quality_illustrative", lang)


def top_areas(profile: DonorProfile, lang: str, n: int = 3) -> str:
    """The partner's highest-priority content areas, e.g. ``"4. Essential infrastructure (3); …"``."""
    ranked = sorted((c for c in AREA_CODES if profile.weight(c) > 0), key=lambda c: (-profile.weight(c), c))[:n]
    return "; ".join(f"{schema.content_area_label(c, lang)} ({profile.weight(c)})" for c in ranked)


def by_id(profiles: list[DonorProfile]) -> dict[str, DonorProfile]:
    return {p.donor_id: p for p in profiles}
