"""Dated money records (issue 16) as both stores keep them: one table, ``money``, written in SQL both speak.

A record (:data:`geo.model.schema.MONEY_RECORD_COLUMNS`) is one amount of one project and funding source:
a yearly budget or a commitment, disbursement or expenditure with its date, or without one when the date is
not known. Records carry a ``revision`` like projects: an edit or delete passes the revision it read, else
:class:`ConflictError`. A write takes the acting user and is allowed exactly when that user may edit the
record's project (:data:`geo.model.roles.Action.EDIT_PROJECT`, commune editors only in their communes and
only while the project is at a step they work on). Every write is one transaction, bumps the data version and
is audited (actions ``money-create``/``money-update``/``money-delete``; the record in before/after, its project
named in the note; ``project_id`` is left empty so a project's restorable versions stay its own).

The schema-6 step (:func:`money_from_totals`) creates the table and turns each funding line's committed and
disbursed totals into one UNDATED record each (``origin`` ``total``): never a guessed date, never spread over
years. Need stays a plan figure on the funding line.

A store provides what :class:`geo.storage.accounts.AccountsMixin` needs (``_read``, ``_write``, ``_exec``,
``_audit_row``, ``_acting``).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo.ingest.money import clean_money, money_json
from geo.ingest.money_import import same_record
from geo.ingest.validate import DataError, Problem
from geo.model import schema
from geo.model.roles import Action, Actor
from geo.storage.accounts import authorize, check_status_move
from geo.storage.hooks import StoreHooks
from geo.storage.records import AuditEntry, ConflictError, MoneyRecord

if TYPE_CHECKING:
    from geo.storage.migrations import Target

TABLE = "money"
COLUMNS: tuple[str, ...] = tuple(schema.MONEY_RECORD_COLUMNS)
#: Note of the records the schema-6 step makes from the old totals.
MIGRATED_NOTE = "migrated from the funding line's total; date unknown"


def _q(col: str) -> str:
    return f'"{col}"'


def money_ddl(big_int: str, double: str) -> list[str]:
    """The ``money`` table and its index, with the store's 64-bit integer and double types."""
    return [
        f"""CREATE TABLE IF NOT EXISTS {TABLE} (record_id TEXT PRIMARY KEY, project_id TEXT NOT NULL,
        kind TEXT NOT NULL, source TEXT NOT NULL, amount {big_int} NOT NULL, currency TEXT NOT NULL DEFAULT 'VND',
        original_amount {double}, rate {double}, "date" TEXT NOT NULL DEFAULT '', year INTEGER,
        origin TEXT NOT NULL DEFAULT 'entry', note TEXT NOT NULL DEFAULT '', revision INTEGER NOT NULL DEFAULT 1)""",
        f"CREATE INDEX IF NOT EXISTS money_project ON {TABLE} (project_id)",
    ]


def money_from_totals(db: Target) -> str:
    """Schema step 7: the ``money`` table, and one undated record per funding line total that is not 0."""
    if db.has_table(TABLE):
        return "money records table present"
    for sql in money_ddl(db.big_int, db.double):
        db.execute(sql)
    for kind, total in schema.TOTAL_OF_KIND.items():
        db.execute(
            f"INSERT INTO {TABLE} (record_id, project_id, kind, source, amount, currency, \"date\", origin, note, "
            f"revision) SELECT 'total-' || CAST(fid AS TEXT) || '-{kind}', project_id, '{kind}', source, {total}, "
            f"'VND', '', 'total', :note, 1 FROM funding WHERE {total} IS NOT NULL AND {total} <> 0",
            {"note": MIGRATED_NOTE})
    return "committed and disbursed totals kept as undated money records (date unknown)"


def records_frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows of ``SELECT COLUMNS, revision`` as the frame :meth:`MoneyMixin.money_records` returns."""
    frame = pd.DataFrame([list(r) for r in rows], columns=[*COLUMNS, "revision"])
    frame = frame.astype({"amount": "int64", "revision": "int64", "original_amount": "float64", "rate": "float64"})
    frame["year"] = pd.array([None if pd.isna(v) else int(v) for v in frame["year"]], dtype="Int64")
    for col in ("record_id", "project_id", "kind", "source", "currency", "date", "origin", "note"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame


def _row(values: tuple) -> MoneyRecord:
    rec = dict(zip(COLUMNS, values[:-1]))
    rec["amount"] = int(rec["amount"])
    rec["year"] = None if rec["year"] is None else int(rec["year"])
    for col in ("original_amount", "rate"):
        rec[col] = None if rec[col] is None else float(rec[col])
    for col in ("date", "note", "currency", "origin"):
        rec[col] = rec[col] or ""
    return MoneyRecord(rec, int(values[-1]))


_SELECT = f"SELECT {', '.join(_q(c) for c in COLUMNS)}, revision FROM {TABLE}"


class MoneyMixin(StoreHooks):
    """:class:`geo.storage.interface.MoneyStore` written once for both stores."""

    # --- reading ------------------------------------------------------------------------------------------
    def money_records(self, project_id: str | None = None) -> pd.DataFrame:
        with self._read() as con:
            if project_id is None:
                rows = self._exec(con, _SELECT + " ORDER BY project_id, record_id")
            else:
                rows = self._exec(con, _SELECT + " WHERE project_id = :p ORDER BY record_id", {"p": project_id})
        return records_frame(rows)

    def get_money(self, record_id: str) -> MoneyRecord | None:
        with self._read() as con:
            return self._money_in(con, record_id)

    def money_history(self, record_id: str) -> list[AuditEntry]:
        with self._read() as con:
            rows = self._exec(con, 'SELECT id, ts, "user", action, project_id, revision, before, after, note '
                                   "FROM atlas_audit WHERE action LIKE 'money-%' ORDER BY id")
        out = []
        for i, ts, user, action, pid, rev, before, after, note in rows:
            b, a = (json.loads(before) if before else None), (json.loads(after) if after else None)
            if (a or b or {}).get("record_id") == record_id:
                out.append(AuditEntry(int(i), ts, user, action, pid, rev, b, a, note or ""))
        return out

    # --- writing ------------------------------------------------------------------------------------------
    def add_money(self, record: dict, user: Actor | str = "", note: str = "", today: date | None = None) -> MoneyRecord:
        actor = self._acting(user, Action.EDIT_PROJECT)
        rec = clean_money(record, today)
        rec["record_id"] = rec["record_id"] or uuid.uuid4().hex[:16]
        with self._write() as con:
            self._may_edit(con, actor, rec["project_id"])
            if self._money_in(con, rec["record_id"]) is not None:
                raise DataError([Problem.of("form", "err.money.exists", None, "record_id", rid=rec["record_id"])])
            self._insert_money(con, rec, 1)
            self._audit_row(con, actor.login, "money-create", None, 1, None, money_json(rec),
                            _note(rec, note))
            return _present(self._money_in(con, rec["record_id"]))

    def update_money(self, record_id: str, record: dict, expected_revision: int, user: Actor | str = "",
                     note: str = "", today: date | None = None) -> MoneyRecord:
        actor = self._acting(user, Action.EDIT_PROJECT)
        rec = clean_money(dict(record, record_id=record_id), today)
        with self._write() as con:
            cur = self._money_in(con, record_id)
            if cur is not None:
                if cur.record["project_id"] != rec["project_id"]:
                    raise DataError([Problem.of("form", "err.money.project_fixed", None, "project_id")])
                self._may_edit(con, actor, cur.record["project_id"])
            n = self._exec(con, f"UPDATE {TABLE} SET {', '.join(f'{_q(c)} = :{c}' for c in COLUMNS)}, "
                                "revision = revision + 1 WHERE record_id = :record_id AND revision = :rev",
                           {**rec, "rev": expected_revision})
            if cur is None or n != 1:
                raise ConflictError(record_id, expected_revision, cur, rec, kind="money")
            self._audit_row(con, actor.login, "money-update", None, cur.revision + 1, money_json(cur.record),
                            money_json(rec), _note(rec, note))
            return _present(self._money_in(con, record_id))

    def delete_money(self, record_id: str, expected_revision: int, user: Actor | str = "", note: str = "") -> None:
        actor = self._acting(user, Action.EDIT_PROJECT)
        with self._write() as con:
            cur = self._money_in(con, record_id)
            if cur is not None:
                self._may_edit(con, actor, cur.record["project_id"])
            n = self._exec(con, f"DELETE FROM {TABLE} WHERE record_id = :r AND revision = :rev",
                           {"r": record_id, "rev": expected_revision})
            if cur is None or n != 1:
                raise ConflictError(record_id, expected_revision, cur, kind="money")
            self._audit_row(con, actor.login, "money-delete", None, None, money_json(cur.record), None,
                            _note(cur.record, note))

    def apply_money(self, records: list[dict], base_revisions: dict[str, int | None], user: Actor | str = "",
                    note: str = "import", today: date | None = None) -> dict[str, int]:
        """Create or replace many records in ONE transaction (an import): all or nothing.

        Every record is checked again (:func:`clean_money`; its project must exist and the acting user may edit
        it). ``base_revisions`` maps each record id to the revision seen at preview (None = new): if any changed
        since, nothing is written and :class:`ConflictError` is raised. A record identical to the stored one is
        left alone; when every record is, nothing is written at all (the data version does not move)."""
        actor = self._acting(user, Action.EDIT_PROJECT)
        checked = self._money_checked(records, today)
        with self._read() as con:
            current = {r["record_id"]: self._money_in(con, r["record_id"]) for r in checked}
        if all(c is not None and c.revision == base_revisions.get(r["record_id"], c.revision)
               and same_record(c.record, r) for r, c in zip(checked, current.values())):
            self._may_edit_all(actor, {r["project_id"] for r in checked})
            return {"created": 0, "updated": 0, "unchanged": len(checked)}
        with self._write() as con:
            written = self._money_write(con, actor, checked, base_revisions, note)
        written.pop("deleted")  # apply_money never deletes
        return written

    def _money_checked(self, records: list[dict], today: date | None) -> list[dict]:
        """Every record cleaned (:func:`clean_money`) with its record id, else :class:`DataError` listing all."""
        checked: list[dict] = []
        problems: list[Problem] = []
        for rec in records:
            try:
                checked.append(clean_money(dict(rec, origin=rec.get("origin") or "import"), today))
            except DataError as err:
                problems += err.problems
        if problems:
            raise DataError(problems)
        if any(not r["record_id"] for r in checked):
            raise DataError([Problem.of("form", "err.money_import.no_record_id", None, "record_id")])
        return checked

    def _money_write(self, con: Any, actor: Actor, checked: list[dict], base_revisions: dict[str, int | None],
                     note: str, gone: dict[str, int] | None = None) -> dict[str, int]:
        """Inside an open write: create or replace ``checked`` records and delete the ``gone`` ones (record id →
        the revision read; an import; the caller's transaction, so a project import that carries money, the
        IATI import, writes projects and records all or nothing)."""
        counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
        for rid, rev in sorted((gone or {}).items()):
            cur = self._money_in(con, rid)
            if cur is None or cur.revision != rev:
                raise ConflictError(rid, rev, cur, kind="money")
            self._may_edit(con, actor, cur.record["project_id"])
            self._exec(con, f"DELETE FROM {TABLE} WHERE record_id = :r", {"r": rid})
            self._audit_row(con, actor.login, "money-delete", None, None, money_json(cur.record), None,
                            _note(cur.record, note))
            counts["deleted"] += 1
        for rec in checked:
            rid = rec["record_id"]
            cur = self._money_in(con, rid)
            base = base_revisions.get(rid)
            if (cur.revision if cur else None) != base:
                raise ConflictError(rid, base, cur, rec, kind="money")
            if cur is not None and cur.record["project_id"] != rec["project_id"]:
                raise DataError([Problem.of("form", "err.money.project_fixed", None, "project_id")])
            self._may_edit(con, actor, rec["project_id"])
            if cur is None:
                self._insert_money(con, rec, 1)
                self._audit_row(con, actor.login, "money-create", None, 1, None, money_json(rec), _note(rec, note))
                counts["created"] += 1
            elif same_record(cur.record, rec):
                counts["unchanged"] += 1
            else:
                self._exec(con, f"UPDATE {TABLE} SET {', '.join(f'{_q(c)} = :{c}' for c in COLUMNS)}, "
                                "revision = revision + 1 WHERE record_id = :record_id", rec)
                self._audit_row(con, actor.login, "money-update", None, cur.revision + 1,
                                money_json(cur.record), money_json(rec), _note(rec, note))
                counts["updated"] += 1
        return counts

    def _may_edit_all(self, actor: Actor, project_ids: set[str]) -> None:
        with self._read() as con:
            for pid in sorted(project_ids):
                self._may_edit(con, actor, pid)

    # --- inside a write -----------------------------------------------------------------------------------
    def _money_in(self, con: Any, record_id: str) -> MoneyRecord | None:
        rows = self._exec(con, _SELECT + " WHERE record_id = :r", {"r": record_id})
        return _row(rows[0]) if rows else None

    def _insert_money(self, con: Any, rec: dict, revision: int) -> None:
        self._exec(con, f"INSERT INTO {TABLE} ({', '.join(_q(c) for c in COLUMNS)}, revision) "
                        f"VALUES ({', '.join(f':{c}' for c in COLUMNS)}, :revision)", {**rec, "revision": revision})

    def _may_edit(self, con: Any, actor: Actor, project_id: str) -> None:
        """The project exists and ``actor`` may edit it now (its commune; its workflow step)."""
        rows = self._exec(con, "SELECT commune_code, status FROM projects WHERE project_id = :p", {"p": project_id})
        if not rows:
            raise DataError([Problem.of("form", "err.money.no_project", None, "project_id", pid=project_id or "—")])
        commune, status = rows[0]
        authorize(actor, Action.EDIT_PROJECT, [commune], project_id)
        project = {"project_id": project_id, "status": status}
        check_status_move(actor, project, project, "")

    def _drop_project_money(self, con: Any, actor: Actor, project_id: str, note: str) -> None:
        """Inside a project delete: its money records go too, each written to the audit trail."""
        for values in self._exec(con, _SELECT + " WHERE project_id = :p ORDER BY record_id", {"p": project_id}):
            cur = _row(values)
            self._audit_row(con, actor.login, "money-delete", None, None, money_json(cur.record), None,
                            _note(cur.record, note or "project deleted"))
        self._exec(con, f"DELETE FROM {TABLE} WHERE project_id = :p", {"p": project_id})


def _note(rec: dict, note: str) -> str:
    return f"money {rec['record_id']} of project {rec['project_id']}" + (f": {note}" if note else "")


def _present(rec: MoneyRecord | None) -> MoneyRecord:
    assert rec is not None
    return rec
