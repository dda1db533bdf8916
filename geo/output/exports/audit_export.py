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
from geo.model import schema
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
    if state.get("record_id") and state.get("project_id"):  # a money record (issue 16): its project and id
        return f"{state['project_id']} / {state['record_id']}"
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


# --- the change log as people read it on the data page (issue 18) ----------------------------------------
ACTIONS = ("create", "update", "delete", "replace-layer", "migrate", "donor-create", "donor-update", "donor-delete",
           "user-add", "user-update", "user-reset-password", "user-unlock", "user-locked", "user-change-password",
           "money-create", "money-update", "money-delete", "public-view")


def action_label(action: str, lang: str) -> str:
    """``update`` → "sửa" / "edited"; an action this app does not know stays as its code."""
    return t(f"audit.action.{action}", lang) if action in ACTIONS else action


def cell_text(column: str, value: object, lang: str) -> str:
    """One stored project or funding value as a person reads it (labels for codes, money formatted, – for none)."""
    from geo.text import fmt

    if value is None or value == "":
        return "–"
    if column in schema.MONEY_COLUMNS:
        return fmt.vnd(value, lang)  # type: ignore[arg-type]
    if column == "status" and value in schema.STATUS_BY_KEY:
        return schema.STATUS_BY_KEY[str(value)](lang)
    if column == "quality" and value in {q.value for q in schema.Quality}:
        return schema.QUALITY_LABELS[schema.Quality(value)](lang)
    if column == "content_area" and str(value).isdigit() and int(str(value)) in schema.CONTENT_AREAS:
        return schema.content_area_label(int(str(value)), lang)
    return str(value)


def _money_cell(column: str, value: object, lang: str) -> str:
    from geo.text import fmt

    if column == "date" and not value:
        return t("money.undated", lang)
    if value is None or value == "":
        return "–"
    if column == "amount":
        return fmt.vnd(value, lang)  # type: ignore[arg-type]
    if column == "kind" and value in schema.MONEY_KIND_BY_KEY:
        return schema.MONEY_KIND_BY_KEY[str(value)](lang)
    if column == "source" and value in schema.SOURCE_BY_KEY:
        return schema.SOURCE_BY_KEY[str(value)](lang)
    if column == "date":
        return fmt.date(value, lang)
    return str(value)


def changes(entry: AuditEntry, lang: str, limit: int = 6) -> str:
    """What a project change did, field by field: ``Nhà tài trợ: JICA → Irish Aid``; funding lines by source.

    >>> e = AuditEntry(1, "", "lan", "update", "P", 2,
    ...     {"project": {"donor": "JICA", "status": "proposal"}, "funding": [{"source": "ngo", "need": 10, "committed": 0, "disbursed": 0}]},
    ...     {"project": {"donor": "Irish Aid", "status": "proposal"}, "funding": [{"source": "ngo", "need": 20, "committed": 0, "disbursed": 0}]}, "")
    >>> changes(e, "en")
    'Donor: JICA → Irish Aid; NGO, need: VND 10 → VND 20'
    >>> m = AuditEntry(2, "", "lan", "money-update", None, 2, {"record_id": "r1", "project_id": "P", "date": ""},
    ...     {"record_id": "r1", "project_id": "P", "date": "2024-03-15"}, "")
    >>> changes(m, "en"), what(m), action_label(m.action, "vi")
    ('Date: Date unknown → 15 Mar 2024', 'P / r1', 'sửa khoản tiền')
    """
    from geo.ingest.imports import field_label

    before, after = entry.before or {}, entry.after or {}
    if before.get("record_id") and after.get("record_id"):  # a money record edit (issue 16), field by field
        cols = [c for c in schema.MONEY_RECORD_COLUMNS if before.get(c) != after.get(c)]
        return "; ".join(f"{t(f'money.field.{c}', lang)}: {_money_cell(c, before.get(c), lang)} → "
                         f"{_money_cell(c, after.get(c), lang)}" for c in cols[:limit])
    if not isinstance(before.get("project", {}), dict) or not isinstance(after.get("project", {}), dict):
        return ""
    if not before or not after:  # created or deleted: the whole version is shown by the version picker
        return ""
    out = []
    bp, ap = before.get("project", {}), after.get("project", {})
    for col in dict.fromkeys([*bp, *ap]):
        if col == "revision" or bp.get(col) == ap.get(col):
            continue
        out.append(f"{field_label(col, lang)}: {cell_text(col, bp.get(col), lang)} → {cell_text(col, ap.get(col), lang)}")
    lines_b = {ln.get("source"): ln for ln in before.get("funding", [])}
    lines_a = {ln.get("source"): ln for ln in after.get("funding", [])}
    for src in dict.fromkeys([*lines_b, *lines_a]):
        label = schema.SOURCE_BY_KEY[src](lang) if src in schema.SOURCE_BY_KEY else str(src)
        b, a = lines_b.get(src, {}), lines_a.get(src, {})
        for col in schema.MONEY_COLUMNS:
            if b.get(col) != a.get(col):
                out.append(f"{label}, {t(f'common.{col}', lang).lower()}: {cell_text(col, b.get(col), lang)} → "
                           f"{cell_text(col, a.get(col), lang)}")
    more = len(out) - limit
    return "; ".join(out[:limit]) + (f"; {t('audit.more_changes', lang, n=more)}" if more > 0 else "")


_DONOR_LABELS = {"donor_id": "pitch.col_id", "name": "pitch.col_name_en", "name_vi": "pitch.col_name_vi",
                 "donor_type": "pitch.col_type", "instruments": "pitch.col_instruments",
                 "ticket_min": "pitch.ticket_min_label", "ticket_max": "pitch.ticket_max_label",
                 "contact_notes": "pitch.col_contact", "priorities_basis": "pitch.col_basis",
                 "priorities_quality": "pitch.col_quality"}


def donor_cell(column: str, value: object, lang: str) -> str:
    """One stored donor value as a person reads it (labels for codes, money formatted, – for none)."""
    from geo.ingest import donors
    from geo.text import fmt

    if column == "priorities_quality":
        return donors.quality_text(str(value or ""), lang)
    if value is None or value == "":
        return "–"
    if column in ("ticket_min", "ticket_max"):
        return fmt.vnd(value, lang)  # type: ignore[arg-type]
    if column == "donor_type" and value in schema.DONOR_TYPE_BY_KEY:
        return schema.DONOR_TYPE_BY_KEY[str(value)](lang)
    if column == "instruments":
        return ", ".join(schema.INSTRUMENTS[i](lang) if i in schema.INSTRUMENTS else i
                         for i in donors.split_instruments(str(value)))
    if column.startswith("priority_") and str(value).lstrip("-").isdigit() and int(str(value)) in schema.PRIORITY_LEVELS:
        return f"{value} · {schema.PRIORITY_LEVELS[int(str(value))](lang)}"
    return str(value)


def donor_label(column: str, lang: str) -> str:
    for code, area in schema.CONTENT_AREAS.items():
        if column == f"priority_{area.key}":
            return schema.content_area_label(code, lang)
    return t(_DONOR_LABELS[column], lang) if column in _DONOR_LABELS else column


def donor_changes(entry: AuditEntry, lang: str, limit: int = 6) -> str:
    """What a donor-profile change did, field by field: ``Quy mô tối đa: 30 tỷ ₫ → 40 tỷ ₫``."""
    before, after = entry.before or {}, entry.after or {}
    if not before or not after:  # created or deleted: nothing to compare
        return ""
    out = [f"{donor_label(c, lang)}: {donor_cell(c, before.get(c), lang)} → {donor_cell(c, after.get(c), lang)}"
           for c in dict.fromkeys([*before, *after]) if before.get(c) != after.get(c)]
    more = len(out) - limit
    return "; ".join(out[:limit]) + (f"; {t('audit.more_changes', lang, n=more)}" if more > 0 else "")


def history_frame(entries: list[AuditEntry], lang: str, with_subject: bool = False) -> pd.DataFrame:
    """The change log for a page: local time, who, the action in words, what changed, the note."""
    from geo.text import fmt

    rows = []
    for e in entries:
        row = {"#": e.id, t("data.col_when", lang): fmt.timestamp(e.ts, lang), t("data.col_who", lang): e.user,
               t("data.col_action", lang): action_label(e.action, lang)}
        if with_subject:
            row[t("audit.col_what", lang)] = what(e)
        row[t("audit.col_changes", lang)] = changes(e, lang)
        row[t("data.col_note", lang)] = e.note
        rows.append(row)
    return pd.DataFrame(rows)
