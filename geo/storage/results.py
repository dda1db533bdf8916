"""Beneficiaries and result indicators (issue 16 item 3) as both stores keep them, in SQL both speak.

Two tables: ``beneficiaries`` (one row per project, :data:`geo.model.schema.BENEFICIARY_COLUMNS`) and
``result_indicators`` (one row per indicator, :data:`geo.model.schema.RESULT_COLUMNS`; ``actuals`` is JSON).
Rows carry a ``revision`` like projects and money: a write passes the revision it read (``None`` for "there is
none yet"), else :class:`ConflictError`. A write takes the acting user and is allowed exactly when that user
may edit the project (:meth:`geo.storage.money.MoneyMixin._may_edit`). Every write is one transaction, bumps the
data version and is audited (``beneficiaries-save``, ``result-create``/``-update``/``-delete``; the record in
before/after; ``project_id`` left empty so a project's restorable versions stay its own).

Schema step 8 (:func:`results_tables`) adds the tables, empty, and ``projects.description_en`` (blank): nothing is
invented for the projects already stored.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo.ingest.results import actuals_json, actuals_of, clean_beneficiaries, clean_indicator, record_json
from geo.ingest.validate import DataError, Problem
from geo.model import schema
from geo.model.roles import Action, Actor
from geo.storage.hooks import StoreHooks
from geo.storage.records import AuditEntry, ConflictError, ResultRecord

if TYPE_CHECKING:
    from geo.storage.migrations import Target

BENEFICIARIES = "beneficiaries"
INDICATORS = "result_indicators"
B_COLUMNS: tuple[str, ...] = tuple(schema.BENEFICIARY_COLUMNS)
R_COLUMNS: tuple[str, ...] = tuple(schema.RESULT_COLUMNS)


def _q(col: str) -> str:
    return f'"{col}"'


def results_ddl(big_int: str, double: str) -> list[str]:
    """The two tables and their index, with the store's integer and double types."""
    return [
        f"""CREATE TABLE IF NOT EXISTS {BENEFICIARIES} (project_id TEXT PRIMARY KEY, people {big_int},
        households {big_int}, ethnic_groups TEXT NOT NULL DEFAULT '', women_percent {double},
        note TEXT NOT NULL DEFAULT '', revision INTEGER NOT NULL DEFAULT 1)""",
        f"""CREATE TABLE IF NOT EXISTS {INDICATORS} (indicator_id TEXT PRIMARY KEY, project_id TEXT NOT NULL,
        name_vi TEXT NOT NULL, name_en TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL, baseline {double},
        baseline_year INTEGER, target {double}, target_year INTEGER, actuals TEXT NOT NULL DEFAULT '{{}}',
        note TEXT NOT NULL DEFAULT '', revision INTEGER NOT NULL DEFAULT 1)""",
        f"CREATE INDEX IF NOT EXISTS result_indicators_project ON {INDICATORS} (project_id)",
    ]


def results_tables(db: Target) -> str:
    """Schema step 8: ``projects.description_en`` (blank) and the two empty tables."""
    if "description_en" not in db.columns("projects"):
        db.execute("ALTER TABLE projects ADD COLUMN description_en TEXT NOT NULL DEFAULT ''")
    for sql in results_ddl(db.big_int, db.double):
        db.execute(sql)
    return "projects get description_en (blank); beneficiaries and result indicators tables added (empty)"


def _int(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)  # type: ignore[call-overload]


def _float(v: object) -> float | None:
    return None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]


def _b_row(values: tuple) -> ResultRecord:
    rec = dict(zip(B_COLUMNS, values[:-1]))
    rec["people"], rec["households"] = _int(rec["people"]), _int(rec["households"])
    rec["women_percent"] = _float(rec["women_percent"])
    rec["ethnic_groups"], rec["note"] = rec["ethnic_groups"] or "", rec["note"] or ""
    return ResultRecord(rec, int(values[-1]))


def _r_row(values: tuple) -> ResultRecord:
    rec = dict(zip(R_COLUMNS, values[:-1]))
    for col in ("baseline", "target"):
        rec[col] = _float(rec[col])
    for col in ("baseline_year", "target_year"):
        rec[col] = _int(rec[col])
    rec["actuals"] = actuals_of(rec["actuals"])
    rec["name_en"], rec["note"] = rec["name_en"] or "", rec["note"] or ""
    return ResultRecord(rec, int(values[-1]))


def beneficiaries_frame(records: list[ResultRecord]) -> pd.DataFrame:
    """Records as the frame :meth:`ResultsMixin.beneficiaries` returns (nullable counts)."""
    frame = pd.DataFrame([{**r.record, "revision": r.revision} for r in records], columns=[*B_COLUMNS, "revision"])
    for col in ("people", "households"):
        frame[col] = pd.array([None if v is None or pd.isna(v) else int(v) for v in frame[col]], dtype="Int64")
    frame["women_percent"] = frame["women_percent"].astype("float64")
    return frame.astype({"revision": "int64"})


def indicators_frame(records: list[ResultRecord]) -> pd.DataFrame:
    """Records as the frame :meth:`ResultsMixin.result_indicators` returns (``actuals`` a dict per row)."""
    frame = pd.DataFrame([{**r.record, "revision": r.revision} for r in records], columns=[*R_COLUMNS, "revision"])
    for col in ("baseline_year", "target_year"):
        frame[col] = pd.array([None if v is None or pd.isna(v) else int(v) for v in frame[col]], dtype="Int64")
    for col in ("baseline", "target"):
        frame[col] = frame[col].astype("float64")
    return frame.astype({"revision": "int64"})


_B_SELECT = f"SELECT {', '.join(_q(c) for c in B_COLUMNS)}, revision FROM {BENEFICIARIES}"
_R_SELECT = f"SELECT {', '.join(_q(c) for c in R_COLUMNS)}, revision FROM {INDICATORS}"


class ResultsMixin(StoreHooks):
    """:class:`geo.storage.interface.ResultsStore` written once for both stores (next to ``MoneyMixin``,
    whose ``_may_edit`` it uses)."""

    def _may_edit(self, con: Any, actor: Actor, project_id: str) -> None:
        raise NotImplementedError

    # --- reading ------------------------------------------------------------------------------------------
    def beneficiaries(self, project_id: str | None = None) -> pd.DataFrame:
        with self._read() as con:
            return beneficiaries_frame(self._b_rows(con, project_id))

    def get_beneficiaries(self, project_id: str) -> ResultRecord | None:
        with self._read() as con:
            rows = self._b_rows(con, project_id)
        return rows[0] if rows else None

    def result_indicators(self, project_id: str | None = None) -> pd.DataFrame:
        with self._read() as con:
            return indicators_frame(self._r_rows(con, project_id))

    def get_indicator(self, indicator_id: str) -> ResultRecord | None:
        with self._read() as con:
            return self._indicator_in(con, indicator_id)

    def results_history(self, key: str) -> list[AuditEntry]:
        """Every change of one indicator (by id) or of one project's beneficiaries (by project id)."""
        with self._read() as con:
            rows = self._exec(con, 'SELECT id, ts, "user", action, project_id, revision, before, after, note '
                                   "FROM atlas_audit WHERE action LIKE 'result-%' OR action = 'beneficiaries-save' "
                                   "ORDER BY id")
        out = []
        for i, ts, user, action, pid, rev, before, after, note in rows:
            b, a = (json.loads(before) if before else None), (json.loads(after) if after else None)
            rec = a or b or {}
            if rec.get("indicator_id", rec.get("project_id")) == key:
                out.append(AuditEntry(int(i), ts, user, action, pid, rev, b, a, note or ""))
        return out

    # --- writing ------------------------------------------------------------------------------------------
    def save_beneficiaries(self, project_id: str, record: dict, expected_revision: int | None,
                           user: Actor | str = "", note: str = "") -> ResultRecord:
        actor = self._acting(user, Action.EDIT_PROJECT)
        rec = clean_beneficiaries(dict(record, project_id=project_id))
        with self._write() as con:
            self._may_edit(con, actor, project_id)
            rows = self._b_rows(con, project_id)
            cur = rows[0] if rows else None
            if (cur.revision if cur else None) != expected_revision:
                raise ConflictError(project_id, expected_revision, cur, rec, kind="beneficiaries")
            cols = ", ".join(_q(c) for c in B_COLUMNS)
            if cur is None:
                self._exec(con, f"INSERT INTO {BENEFICIARIES} ({cols}, revision) "
                                f"VALUES ({', '.join(f':{c}' for c in B_COLUMNS)}, 1)", rec)
            else:
                self._exec(con, f"UPDATE {BENEFICIARIES} SET {', '.join(f'{_q(c)} = :{c}' for c in B_COLUMNS)}, "
                                "revision = revision + 1 WHERE project_id = :project_id", rec)
            revision = 1 if cur is None else cur.revision + 1
            self._audit_row(con, actor.login, "beneficiaries-save", None, revision,
                            record_json(cur.record) if cur else None, record_json(rec),
                            _note("beneficiaries", project_id, note))
            return self._b_rows(con, project_id)[0]

    def add_indicator(self, record: dict, user: Actor | str = "", note: str = "") -> ResultRecord:
        actor = self._acting(user, Action.EDIT_PROJECT)
        rec = clean_indicator(record)
        rec["indicator_id"] = rec["indicator_id"] or uuid.uuid4().hex[:16]
        with self._write() as con:
            self._may_edit(con, actor, rec["project_id"])
            if self._indicator_in(con, rec["indicator_id"]) is not None:
                raise DataError([Problem.of("form", "err.results.exists", None, "indicator_id",
                                            rid=rec["indicator_id"])])
            self._insert_indicator(con, rec)
            self._audit_row(con, actor.login, "result-create", None, 1, None, record_json(rec),
                            _note(f"indicator {rec['indicator_id']}", rec["project_id"], note))
            return _present(self._indicator_in(con, rec["indicator_id"]))

    def update_indicator(self, indicator_id: str, record: dict, expected_revision: int, user: Actor | str = "",
                         note: str = "") -> ResultRecord:
        actor = self._acting(user, Action.EDIT_PROJECT)
        rec = clean_indicator(dict(record, indicator_id=indicator_id))
        with self._write() as con:
            cur = self._indicator_in(con, indicator_id)
            if cur is not None:
                if cur.record["project_id"] != rec["project_id"]:
                    raise DataError([Problem.of("form", "err.results.project_fixed", None, "project_id")])
                self._may_edit(con, actor, cur.record["project_id"])
            n = self._exec(con, f"UPDATE {INDICATORS} SET {', '.join(f'{_q(c)} = :{c}' for c in R_COLUMNS)}, "
                                "revision = revision + 1 WHERE indicator_id = :indicator_id AND revision = :rev",
                           {**rec, "actuals": actuals_json(rec["actuals"]), "rev": expected_revision})
            if cur is None or n != 1:
                raise ConflictError(indicator_id, expected_revision, cur, rec, kind="indicator")
            self._audit_row(con, actor.login, "result-update", None, cur.revision + 1, record_json(cur.record),
                            record_json(rec), _note(f"indicator {indicator_id}", rec["project_id"], note))
            return _present(self._indicator_in(con, indicator_id))

    def delete_indicator(self, indicator_id: str, expected_revision: int, user: Actor | str = "",
                         note: str = "") -> None:
        actor = self._acting(user, Action.EDIT_PROJECT)
        with self._write() as con:
            cur = self._indicator_in(con, indicator_id)
            if cur is not None:
                self._may_edit(con, actor, cur.record["project_id"])
            n = self._exec(con, f"DELETE FROM {INDICATORS} WHERE indicator_id = :r AND revision = :rev",
                           {"r": indicator_id, "rev": expected_revision})
            if cur is None or n != 1:
                raise ConflictError(indicator_id, expected_revision, cur, kind="indicator")
            self._audit_row(con, actor.login, "result-delete", None, None, record_json(cur.record), None,
                            _note(f"indicator {indicator_id}", cur.record["project_id"], note))

    def apply_results(self, indicators: list[dict], beneficiaries: list[dict], user: Actor | str = "",
                      note: str = "") -> dict[str, int]:
        """An import: every record checked, then all written in one transaction or none (a refusal of one
        changes nothing). An indicator with no id replaces the project's indicator of the same Vietnamese
        name, else is added; beneficiaries replace the project's. Returns counts of what changed."""
        actor = self._acting(user, Action.EDIT_PROJECT)
        inds = [clean_indicator(r) for r in indicators]
        bens = [clean_beneficiaries(r) for r in beneficiaries]
        counts = {"added": 0, "updated": 0, "unchanged": 0, "beneficiaries": 0}
        why = note or "import"
        with self._write() as con:
            for pid in dict.fromkeys([r["project_id"] for r in inds] + [r["project_id"] for r in bens]):
                self._may_edit(con, actor, pid)
            for rec in inds:
                cur = self._indicator_in(con, rec["indicator_id"]) if rec["indicator_id"] else next(
                    (r for r in self._r_rows(con, rec["project_id"])
                     if r.record["name_vi"].casefold() == rec["name_vi"].casefold()), None)
                if cur is not None and cur.record["project_id"] != rec["project_id"]:
                    raise DataError([Problem.of("form", "err.results.project_fixed", None, "project_id")])
                if cur is None:
                    rec["indicator_id"] = rec["indicator_id"] or uuid.uuid4().hex[:16]
                    self._insert_indicator(con, rec)
                    self._audit_row(con, actor.login, "result-create", None, 1, None, record_json(rec),
                                    _note(f"indicator {rec['indicator_id']}", rec["project_id"], why))
                    counts["added"] += 1
                    continue
                rec["indicator_id"] = cur.record["indicator_id"]
                if record_json(rec) == record_json(cur.record):
                    counts["unchanged"] += 1
                    continue
                self._exec(con, f"UPDATE {INDICATORS} SET {', '.join(f'{_q(c)} = :{c}' for c in R_COLUMNS)}, "
                                "revision = revision + 1 WHERE indicator_id = :indicator_id",
                           {**rec, "actuals": actuals_json(rec["actuals"])})
                self._audit_row(con, actor.login, "result-update", None, cur.revision + 1, record_json(cur.record),
                                record_json(rec), _note(f"indicator {rec['indicator_id']}", rec["project_id"], why))
                counts["updated"] += 1
            for rec in bens:
                rows = self._b_rows(con, rec["project_id"])
                if rows and record_json(rows[0].record) == record_json(rec):
                    continue
                if rows:
                    self._exec(con, f"DELETE FROM {BENEFICIARIES} WHERE project_id = :p", {"p": rec["project_id"]})
                revision = rows[0].revision + 1 if rows else 1
                self._exec(con, f"INSERT INTO {BENEFICIARIES} ({', '.join(_q(c) for c in B_COLUMNS)}, revision) "
                                f"VALUES ({', '.join(f':{c}' for c in B_COLUMNS)}, :revision)",
                           {**rec, "revision": revision})
                self._audit_row(con, actor.login, "beneficiaries-save", None, revision,
                                record_json(rows[0].record) if rows else None, record_json(rec),
                                _note("beneficiaries", rec["project_id"], why))
                counts["beneficiaries"] += 1
        return counts

    # --- inside a write -----------------------------------------------------------------------------------
    def _b_rows(self, con: Any, project_id: str | None) -> list[ResultRecord]:
        if project_id is None:
            return [_b_row(r) for r in self._exec(con, _B_SELECT + " ORDER BY project_id")]
        return [_b_row(r) for r in self._exec(con, _B_SELECT + " WHERE project_id = :p", {"p": project_id})]

    def _r_rows(self, con: Any, project_id: str | None) -> list[ResultRecord]:
        if project_id is None:
            return [_r_row(r) for r in self._exec(con, _R_SELECT + " ORDER BY project_id, indicator_id")]
        return [_r_row(r) for r in self._exec(con, _R_SELECT + " WHERE project_id = :p ORDER BY indicator_id",
                                              {"p": project_id})]

    def _indicator_in(self, con: Any, indicator_id: str) -> ResultRecord | None:
        rows = self._exec(con, _R_SELECT + " WHERE indicator_id = :r", {"r": indicator_id})
        return _r_row(rows[0]) if rows else None

    def _insert_indicator(self, con: Any, rec: dict) -> None:
        self._exec(con, f"INSERT INTO {INDICATORS} ({', '.join(_q(c) for c in R_COLUMNS)}, revision) "
                        f"VALUES ({', '.join(f':{c}' for c in R_COLUMNS)}, 1)",
                   {**rec, "actuals": actuals_json(rec["actuals"])})

    def _drop_project_results(self, con: Any, actor: Actor, project_id: str, note: str) -> None:
        """Inside a project delete: its beneficiaries and indicators go too, each written to the audit trail."""
        why = note or "project deleted"
        for cur in self._b_rows(con, project_id):
            self._audit_row(con, actor.login, "beneficiaries-save", None, None, record_json(cur.record), None,
                            _note("beneficiaries", project_id, why))
        for cur in self._r_rows(con, project_id):
            self._audit_row(con, actor.login, "result-delete", None, None, record_json(cur.record), None,
                            _note(f"indicator {cur.record['indicator_id']}", project_id, why))
        self._exec(con, f"DELETE FROM {BENEFICIARIES} WHERE project_id = :p", {"p": project_id})
        self._exec(con, f"DELETE FROM {INDICATORS} WHERE project_id = :p", {"p": project_id})


def _note(what: str, project_id: str, note: str) -> str:
    return f"{what} of project {project_id}" + (f": {note}" if note else "")


def _present(rec: ResultRecord | None) -> ResultRecord:
    assert rec is not None
    return rec
