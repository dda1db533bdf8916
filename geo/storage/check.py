"""``python -m geo store check``: schema version, row counts and integrity of either store.

The backend checks its own file or database (:meth:`geo.storage.interface.StoreTransfer.integrity_problems`:
SQLite's ``integrity_check`` and ``foreign_key_check``, invalid geometries); the rest is checked here
from the store's tables, the same way for both: funding lines and money records of no project, and project revisions that
disagree with the audit trail (the revision of a project is the one its last audited change wrote).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.ingest.validate import Note
from geo.storage.gpkg_store import SCHEMA_VERSION
from geo.storage.interface import Store
from geo.storage.tables import Table, by_name


@dataclass(frozen=True)
class CheckReport:
    location: str
    schema: int | None
    app_schema: int
    counts: dict[str, int]
    problems: list[Note]

    @property
    def ok(self) -> bool:
        return not self.problems


def _schema(tables: dict[str, Table]) -> int | None:
    meta = tables.get("atlas_meta")
    if meta is None:
        return None
    found = [v for k, v in meta.rows if k == "schema_version"]
    try:
        return int(found[0]) if found else None
    except ValueError:
        return None


def table_problems(tables: dict[str, Table]) -> list[Note]:
    """What is wrong between tables: missing core tables, orphan funding lines, revisions not in the audit."""
    out: list[Note] = []
    for name in ("atlas_meta", "atlas_audit", "projects", "funding", "communes"):
        if name not in tables:
            out.append(Note.of("check.missing_table", table=name))
    if "projects" not in tables:
        return out
    projects = tables["projects"]
    revision = dict(zip(projects.column("project_id"), projects.column("revision")))
    if "funding" in tables:
        orphans = sorted({p for p in tables["funding"].column("project_id") if p not in revision}, key=str)
        if orphans:
            n = sum(1 for p in tables["funding"].column("project_id") if p not in revision)
            out.append(Note.of("check.orphan_funding", n=n, pids=", ".join(map(str, orphans[:5]))))
    if "money" in tables:  # dated money records (issue 16) of a project that is not there
        money = tables["money"].column("project_id")
        ghosts = sorted({p for p in money if p not in revision}, key=str)
        if ghosts:
            out.append(Note.of("check.orphan_money", n=sum(1 for p in money if p not in revision),
                               pids=", ".join(map(str, ghosts[:5]))))
    for table in ("beneficiaries", "result_indicators"):  # issue 16 item 3: results of a project that is not there
        if table in tables:
            pids = tables[table].column("project_id")
            ghosts = sorted({p for p in pids if p not in revision}, key=str)
            if ghosts:
                out.append(Note.of(f"check.orphan_{table}", n=sum(1 for p in pids if p not in revision),
                                   pids=", ".join(map(str, ghosts[:5]))))
    if "atlas_audit" in tables:
        audit = tables["atlas_audit"]
        last: dict[str, tuple[str, int | None]] = {}
        for pid, action, rev in zip(audit.column("project_id"), audit.column("action"), audit.column("revision")):
            if pid is not None and not str(action).startswith(("donor-", "migrate", "replace-layer")):
                last[pid] = (action, rev)
        for pid, rev in revision.items():
            seen = last.get(pid)
            if seen is None:
                if rev is not None and int(rev) > 1:
                    out.append(Note.of("check.revision_unaudited", pid=pid, rev=int(rev)))
            elif seen[0] == "delete" or seen[1] is None or int(seen[1]) != int(rev):
                out.append(Note.of("check.revision_audit", pid=pid, rev=int(rev),
                                   audited="—" if seen[1] is None else int(seen[1]), action=seen[0]))
        for pid, (action, _) in last.items():
            if pid not in revision and action != "delete":
                out.append(Note.of("check.audit_no_project", pid=pid, action=action))
    return out


def check(store: Store) -> CheckReport:
    """Everything ``store check`` reports about ``store`` (a store that cannot be opened raises its sentence)."""
    tables = by_name(store.dump_tables())
    schema = _schema(tables)
    problems = list(store.integrity_problems()) + table_problems(tables)
    if schema is None:
        problems.insert(0, Note.of("check.no_schema"))
    elif schema != SCHEMA_VERSION:
        problems.insert(0, Note.of("check.schema_differs", found=schema, app=SCHEMA_VERSION))
    return CheckReport(store.location(), schema, SCHEMA_VERSION, {n: len(t.rows) for n, t in sorted(tables.items())},
                       problems)
