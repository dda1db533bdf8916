"""The change log as a download (issue 15): who, when, what, before and after, as CSV or Excel.

One table for the data page's download and ``python -m geo audit --from --to --out``. Accounts appear in it
by their public fields only (the store never writes a password or hash to the audit trail).

>>> from geo.storage.records import AuditEntry
>>> e = AuditEntry(7, "2026-01-05T08:00:00+00:00", "lan", "update", "TD-001", 2, {"a": 1}, {"a": 2}, "=cmd()")
>>> print(to_csv([e], "en").decode())
No.,When (UTC),Who,Action,What,Revision,Before,After,Note
7,2026-01-05T08:00:00+00:00,lan,update,TD-001,2,"{""a"": 1}","{""a"": 2}",'=cmd()
<BLANKLINE>
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from geo.ingest.validate import DataError, Problem
from geo.output.exports.exporting import neutralise
from geo.storage.interface import AuditLog
from geo.storage.records import AuditEntry
from geo.text.i18n import t

COLUMNS = ("id", "when", "who", "action", "what", "revision", "before", "after", "note")
FORMATS = (".csv", ".xlsx")


def entries_between(store: AuditLog, start: date | None = None, end: date | None = None) -> list[AuditEntry]:
    """Every change from the start of ``start`` to the end of ``end`` (UTC days; None = open), oldest first."""
    return store.audit_between(start.isoformat() if start else "",
                               (end + timedelta(days=1)).isoformat() if end else "")


def what(entry: AuditEntry) -> str:
    """What a change was about: a project id, a donor id, a layer or an account login."""
    if entry.project_id:
        return entry.project_id
    state = entry.after or entry.before or {}
    for key in ("donor_id", "layer", "login"):
        if state.get(key):
            return str(state[key])
    return ""


def _json(state: dict | None) -> str:
    return "" if state is None else json.dumps(state, ensure_ascii=False, sort_keys=True)


def audit_frame(entries: list[AuditEntry], lang: str) -> pd.DataFrame:
    """The change log with headings in ``lang``; before/after as JSON text."""
    rows = [{"id": e.id, "when": e.ts, "who": e.user, "action": e.action, "what": what(e),
             "revision": e.revision if e.revision is not None else "", "before": _json(e.before),
             "after": _json(e.after), "note": e.note} for e in entries]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.rename(columns={c: t(f"audit.col_{c}", lang) for c in COLUMNS})


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas are prefixed with ``'``."""
    return frame.map(neutralise)


def to_csv(entries: list[AuditEntry], lang: str) -> bytes:
    return _safe(audit_frame(entries, lang)).to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_xlsx(entries: list[AuditEntry], lang: str) -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        sheet = t("audit.sheet", lang)[:31]
        _safe(audit_frame(entries, lang)).to_excel(xl, sheet_name=sheet, index=False)
        xl.sheets[sheet].freeze_panes = "A2"
    return buf.getvalue()


def write(entries: list[AuditEntry], path: Path | str, lang: str) -> Path:
    """``path`` as CSV or Excel by its suffix; any other suffix is refused before anything is written."""
    out = Path(path)
    if out.suffix.lower() not in FORMATS:
        raise DataError([Problem.of(out.name, "err.audit_format", path=str(path))])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(to_csv(entries, lang) if out.suffix.lower() == ".csv" else to_xlsx(entries, lang))
    return out
