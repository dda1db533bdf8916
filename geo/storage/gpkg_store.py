"""The district's own data: one GeoPackage file, edited with an audit trail.

:class:`GpkgStore` implements :class:`geo.storage.interface.Store` over a single GeoPackage
(SQLite) file in WAL mode. On first use the file is seeded from the bundled
``data/``; after that it is never overwritten (app upgrades keep user data; the
``atlas_meta`` table carries a schema version for future migrations).

Every write runs in ONE SQLite transaction (``BEGIN IMMEDIATE`` … ``COMMIT``),
geometry layers included (written by :mod:`geo.storage.gpkg` through the same
connection), so a write is all or nothing, and a process killed mid-write leaves
the earlier data intact. Each write bumps a counter, so :meth:`GpkgStore.version`
changes and page caches reload. A write's audit rows are part of its transaction.

Connections are kept open between calls (one per thread at a time, at most four idle, closed by
:meth:`GpkgStore.close`): opening the file per call, and closing its last connection (a WAL checkpoint), cost more
than an edit. A kept connection is reused only while the path is still the file it opened, at the schema this app
writes; every write ends with a passive checkpoint, so the file alone holds every saved edit.

Projects carry a ``revision``; an update or delete must pass the revision it
read, otherwise :class:`ConflictError` carries both versions. Every
create/update/delete is logged in ``atlas_audit`` (when, who, before, after).

Tables: ``communes``, ``crop_zones``, ``risk_zones``, ``landslide_events``
(features); ``projects``, ``funding``, ``units_2025``, ``donors``, ``atlas_provenance``
(attributes); ``atlas_audit``, ``atlas_meta`` (internal).

Schema versions: 1 = the layers and projects; 2 adds the ``donors`` table (donor profiles,
issue 5, with revisions and audited like projects; audit actions ``donor-*``); 3 gives every
project its ``unit_version`` (:data:`geo.model.schema.PROJECT_OPTIONAL_COLUMNS`; existing projects get
``"2021"``, the units they were entered in); 4 indexes ``communes.code``; 5 adds ``atlas_users`` (accounts,
:mod:`geo.storage.accounts`; none at first, so the store stays single-user until one is added). The steps are
:mod:`geo.storage.migrations`, shared with the PostGIS store. Opening an older store migrates it in one
transaction (logged as ``migrate``); a newer one is refused.

Test hook: if the environment variable ``ATLAS_PAUSE_IN_WRITE`` names a file,
every write creates that file just before ``COMMIT`` and then waits forever, so a
test can kill the writer at a known point.

Examples
--------
>>> import tempfile, pathlib
>>> store = GpkgStore(pathlib.Path(tempfile.mkdtemp()) / "atlas.gpkg")
>>> rec = store.get_project("TD-001")
>>> v0 = store.version()
>>> p = dict(rec.project, donor="KOICA")
>>> store.update_project("TD-001", p, rec.funding, rec.revision, user="Lan").revision
2
>>> store.version() != v0, [e.action for e in store.history("TD-001")]
(True, ['update'])
>>> store.update_project("TD-001", p, rec.funding, rec.revision, user="Minh")
Traceback (most recent call last):
...
geo.storage.records.ConflictError: project TD-001 was changed by someone else (you read revision 1, it is now 2)
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import pandas as pd

from geo.ingest.atlas_toml import bundle_dir, load_config, to_toml
from geo.ingest.records import LINE_COLUMNS, clean_lines, clean_project, record_json
from geo.ingest.validate import DataError, Note, Problem, catalog_label
from geo.model import schema
from geo.model.config import BUNDLED_DATA_DIR, AtlasConfig
from geo.model.config import DEFAULT as DEFAULT_CONFIG
from geo.model.dataset import Dataset
from geo.model.filters import Filters
from geo.model.roles import Action, Actor
from geo.storage import gpkg, migrations
from geo.storage.accounts import USERS_DDL, AccountsMixin, authorize, check_status_move
from geo.storage.basemap import BasemapMixin, basemap_table
from geo.storage.common import (
    check_inputs,
    check_inputs_sql,
    checked_records,
    funding_totals_sql,
    stored_config,
    totals_frame,
)
from geo.storage.money import MoneyMixin, money_from_totals
from geo.storage.records import (
    AuditEntry,
    AuditRefused,
    ConflictError,
    DonorRecord,
    ProjectRecord,
    StoreUnavailable,
    default_user,
    utc_now,
)
from geo.storage.results import ResultsMixin, beneficiaries_frame, indicators_frame, results_tables
from geo.storage.store import load_dataset
from geo.storage.tables import Table, new_data_version

SCHEMA_VERSION = migrations.SCHEMA_VERSION  # the numbered steps are shared with PostGIS (geo/storage/migrations.py)
STORE_FILE = "atlas.gpkg"
APP_DIR = "tam-duong-atlas"
FEATURE_LAYERS: tuple[str, ...] = ("communes", "crop_zones", "risk_zones", "landslide_events")
PAUSE_ENV = "ATLAS_PAUSE_IN_WRITE"
_R = TypeVar("_R", ProjectRecord, DonorRecord)


def data_dir() -> Path:
    """Where the store lives: ``$ATLAS_DATA_DIR``, else the per-user data folder of the platform.

    Linux ``$XDG_DATA_HOME`` or ``~/.local/share``, macOS ``~/Library/Application Support``,
    Windows ``%LOCALAPPDATA%``; each with a ``tam-duong-atlas`` subfolder.
    """
    env = os.environ.get("ATLAS_DATA_DIR")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_DIR


class GpkgStore(AccountsMixin, MoneyMixin, ResultsMixin, BasemapMixin):  # AccountsMixin first: its _acting is the real one
    """Store over one GeoPackage file; seeded from ``seed_dir`` if the file does not exist."""

    def __init__(self, path: Path | str, seed_dir: Path = BUNDLED_DATA_DIR):
        self.path = Path(path)
        self.seed_dir = Path(seed_dir)
        self._idle = _Idle()

    def close(self) -> None:
        """Close the connections this store keeps open between calls; the next call opens the file again."""
        self._idle.close()

    # --- opening and seeding ------------------------------------------------------------
    def _connect(self, write: bool = True) -> _Connection:
        if not self.path.exists():
            self.seed()
        file = _file_of(self.path)
        try:
            con = gpkg.register_functions(sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                                          check_same_thread=False, factory=_Connection))
        except sqlite3.DatabaseError as err:
            raise store_error(self.path, err) from None
        assert isinstance(con, _Connection)
        con.file = file if file is not None and _file_of(self.path) == file else None  # replaced meanwhile: not kept
        try:
            con.execute("PRAGMA busy_timeout=30000")
            con.execute("PRAGMA synchronous=FULL")
            row = con.execute("SELECT value FROM atlas_meta WHERE key='schema_version'").fetchone()
        except sqlite3.DatabaseError as err:
            con.close()
            problem = store_error(self.path, err)
            if write or problem.note.key != "err.store_readonly" or Path(f"{self.path}-wal").exists():
                raise problem from None
            # a read-only folder (a mounted backup, a CD): reads still work from the checkpointed file (not kept:
            # an immutable connection would never see a later change)
            con = gpkg.register_functions(sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                                          isolation_level=None, factory=_Connection))
            assert isinstance(con, _Connection)
            try:
                row = con.execute("SELECT value FROM atlas_meta WHERE key='schema_version'").fetchone()
            except sqlite3.DatabaseError:
                con.close()
                raise problem from None
        found = int(row[0]) if row else 0
        if found > SCHEMA_VERSION:
            con.close()
            raise DataError([Problem.of(str(self.path), "err.store_newer", found=found)])
        if 1 <= found < SCHEMA_VERSION:
            try:
                auto_backup(self.path, "migrate", con)  # the old file, kept before it is changed
                self._migrate(con)
            except sqlite3.DatabaseError as err:
                con.close()
                raise store_error(self.path, err) from None
            except BaseException:
                con.close()
                raise
        return con

    def _migrate(self, con: sqlite3.Connection) -> None:
        """Bring an older store up to :data:`SCHEMA_VERSION` in one transaction (user data kept)."""
        con.execute("BEGIN IMMEDIATE")
        try:
            found = int(con.execute("SELECT value FROM atlas_meta WHERE key='schema_version'").fetchone()[0])
            if found < SCHEMA_VERSION:  # another process may have migrated while we waited for the lock
                note = migrations.upgrade(_Migration(con, self.seed_dir), found)
                con.execute("UPDATE atlas_meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))
                con.execute("UPDATE atlas_meta SET value = CAST(value AS INTEGER) + 1 WHERE key='data_version'")
                _audit(con, "atlas", "migrate", None, None, None, None, note)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def _donor_seed(self) -> pd.DataFrame:
        return donor_seed(self.seed_dir)

    def seed(self) -> None:
        """Create the store from the bundled data. Never replaces an existing file.

        A folder that cannot hold it (read-only, a file, a full disk) raises :class:`StoreUnavailable`
        naming it; nothing is left behind."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise store_error(self.path, err) from None
        try:
            self._seed_file()
        except (OSError, sqlite3.DatabaseError) as err:
            raise store_error(self.path, err) from None

    def _seed_file(self) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.seed")
        try:
            ds = load_dataset(self.seed_dir)
            con = gpkg.register_functions(sqlite3.connect(tmp, isolation_level=None))
            con.execute("PRAGMA journal_mode=WAL")
            gpkg.init(con)
            con.execute("BEGIN")
            con.execute("CREATE TABLE atlas_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            con.executemany("INSERT INTO atlas_meta VALUES (?,?)", [
                ("schema_version", str(SCHEMA_VERSION)), ("data_version", "1"), ("store_id", uuid.uuid4().hex),
                ("created", utc_now()), ("seeded_from", "bundled data"),
                ("config", to_toml(ds.config)),
            ])
            con.execute("""CREATE TABLE atlas_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ts TEXT NOT NULL,
                user TEXT NOT NULL, action TEXT NOT NULL, project_id TEXT, revision INTEGER,
                before TEXT, after TEXT, note TEXT NOT NULL DEFAULT '')""")
            con.execute("CREATE INDEX atlas_audit_project ON atlas_audit(project_id)")
            con.execute(USERS_DDL)
            for layer in FEATURE_LAYERS:
                _write_layer(con, layer, getattr(ds, layer), ds.provenance[layer])
            gpkg.write_table(con, "projects", ds.projects, ds.provenance["projects"].title("en"),
                             extra_columns="revision INTEGER NOT NULL DEFAULT 1")
            con.execute("CREATE UNIQUE INDEX projects_id ON projects(project_id)")
            gpkg.write_table(con, "funding", ds.funding, ds.provenance["funding"].title("en"))
            con.execute("CREATE INDEX funding_project ON funding(project_id)")
            money_from_totals(_Migration(con, self.seed_dir))
            results_tables(_Migration(con, self.seed_dir))
            basemap_table(_Migration(con, self.seed_dir))
            gpkg.write_table(con, "units_2025", ds.units_2025, ds.provenance["units_2025"].title("en"))
            _write_donors(con, self._donor_seed())
            prov = dict(ds.provenance)
            prov.setdefault("donors", donor_provenance(self.seed_dir))
            _write_provenance(con, prov)
            con.execute("COMMIT")
            con.close()
            _set_aside_orphans(self.path)
            try:
                os.link(tmp, self.path)  # atomic and never overwrites a store another process just made
            except FileExistsError:
                pass
            except OSError:  # file systems without hard links
                if not self.path.exists():
                    os.replace(tmp, self.path)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)

    @contextmanager
    def _connection(self, write: bool) -> Iterator[_Connection]:
        """A connection for one transaction: one this store kept, if it is still open on the store's file at
        the schema this app writes, else a new one (seeding, migrating or refusing as :meth:`_connect` does).

        Kept after a transaction that ended cleanly; closed after any error. Opening the file for every call,
        and closing its last connection (SQLite then folds the WAL back into the file), cost more than an edit."""
        # connections to a file moved away or replaced are closed first: closing one folds its WAL into that
        # file and removes the WAL by name, which must happen before a new file at this path is opened
        con = self._idle.take(_file_of(self.path))
        if con is not None and not _current_schema(con):
            con.close()  # another app changed the file's schema: open it again, with every check
            con = None
        if con is None:
            con = self._connect(write)
        try:
            yield con
        except BaseException:
            con.close()
            raise
        if con.file is not None and not con.in_transaction:
            self._idle.give(con)
        else:
            con.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._connection(write=False) as con:
            try:
                con.execute("BEGIN")  # one snapshot for every table read
                yield con
                con.execute("COMMIT")
            except sqlite3.DatabaseError as err:  # a damaged file found while reading
                _rollback(con)
                raise store_error(self.path, err) from None

    @contextmanager
    def _write(self, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction; ``bump``: the data changed (sign-in counters do not bump)."""
        with self._connection(write=True) as con:
            try:
                con.execute("BEGIN IMMEDIATE")
                yield con
                if bump:
                    con.execute("UPDATE atlas_meta SET value = CAST(value AS INTEGER) + 1 WHERE key='data_version'")
                pause = os.environ.get(PAUSE_ENV)
                if pause:
                    Path(pause).write_text(str(os.getpid()))
                    while True:  # a test kills us here, inside the open transaction
                        time.sleep(0.05)
                con.execute("COMMIT")
            except BaseException as err:
                _rollback(con)
                if isinstance(err, sqlite3.DatabaseError):  # a full disk, a read-only file: nothing was written
                    raise store_error(self.path, err) from None
                raise
            try:  # the file alone holds every saved edit again (as when a closed last connection folded the WAL)
                con.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except sqlite3.DatabaseError:  # committed already; a reader holding old pages makes it partial: fine
                pass

    def _exec(self, con: sqlite3.Connection, sql: str, params: dict | None = None) -> list[tuple] | int:
        cur = con.execute(sql, params or {})
        return cur.fetchall() if cur.description is not None else cur.rowcount

    def _audit_row(self, con: sqlite3.Connection, user: str, action: str, project_id: str | None,
                   revision: int | None, before: str | None, after: str | None, note: str = "") -> None:
        _audit(con, user, action, project_id, revision, before, after, note)

    # --- reading (DatasetReader) ------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return True

    def location(self) -> str:
        return str(self.path)

    def load(self) -> Dataset:
        with self._read() as con:
            prov = _read_provenance(con)
            projects = gpkg.read_table(con, "projects", skip=("fid", "revision"))[list(schema.ALL_PROJECT_COLUMNS)]
            layers = {name: gpkg.read_table(con, name) for name in FEATURE_LAYERS}
            return Dataset(
                communes=layers["communes"], projects=projects, funding=gpkg.read_table(con, "funding"),
                crop_zones=layers["crop_zones"], risk_zones=layers["risk_zones"],
                landslide_events=layers["landslide_events"], units_2025=gpkg.read_table(con, "units_2025"),
                provenance=prov, config=_read_config(con),
                beneficiaries=beneficiaries_frame(self._b_rows(con, None)),
                results=indicators_frame(self._r_rows(con, None)),
                basemap=self._basemap(con),
            )

    def version(self) -> str:
        with self._read() as con:
            meta = dict(con.execute("SELECT key, value FROM atlas_meta").fetchall())
        where = hashlib.sha1(str(self.path.resolve()).encode()).hexdigest()[:6]
        return f"{meta['store_id'][:8]}-{meta['data_version']}-{where}"

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (for backups and byte-level comparisons)."""
        con = self._connect()
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()

    def funding_totals_by_commune(self, filters: Filters = Filters(), unit_version: str = "2021") -> pd.DataFrame:
        """:func:`geo.analysis.funding.totals_by_commune` of the stored data, summed in one SQL query."""
        sql, params = funding_totals_sql(filters, unit_version, "max")
        with self._read() as con:
            return totals_frame(con.execute(sql, params).fetchall())

    # --- projects ------------------------------------------------------------------------
    def get_project(self, project_id: str) -> ProjectRecord | None:
        """The stored project, its funding lines and its current revision (None if absent)."""
        with self._read() as con:
            return _get(con, project_id)

    def project_revisions(self) -> dict[str, int]:
        with self._read() as con:
            return dict(con.execute("SELECT project_id, revision FROM projects").fetchall())

    def create_project(self, project: dict, funding: list[dict], user: Actor | str = "",
                       allow_overcommit: bool = False, note: str = "") -> ProjectRecord:
        """Add a new project; its id must be new."""
        actor, [(p, lines)] = self._checked_many([(project, funding)], allow_overcommit, user)
        authorize(actor, Action.EDIT_PROJECT, [p["commune_code"]], p["project_id"])
        check_status_move(actor, None, p, note)
        with self._write() as con:
            if _get(con, p["project_id"]) is not None:
                raise DataError([Problem.of("form", "err.project_exists", None, "project_id", pid=p["project_id"])])
            _insert(con, p, lines, 1)
            _audit(con, actor.login, "create", p["project_id"], 1, None, record_json(p, lines), note)
            return _written(_get(con, p["project_id"]))

    def update_project(self, project_id: str, project: dict, funding: list[dict], expected_revision: int,
                       user: Actor | str = "", allow_overcommit: bool = False, note: str = "") -> ProjectRecord:
        """Replace a project's fields and lines, if nobody changed it since ``expected_revision``."""
        actor, [(p, lines)] = self._checked_many([(project, funding)], allow_overcommit, user)
        if p["project_id"] != project_id:
            raise DataError([Problem.of("form", "err.project_id_fixed", None, "project_id")])
        with self._write() as con:
            cur = _get(con, project_id)
            authorize(actor, Action.EDIT_PROJECT, [p["commune_code"], cur.project["commune_code"] if cur else ""],
                      project_id)
            check_status_move(actor, cur.project if cur else None, p, note)
            if cur is None or cur.revision != expected_revision:
                raise ConflictError(project_id, expected_revision, cur, {"project": p, "funding": lines})
            _delete(con, project_id)
            _insert(con, p, lines, cur.revision + 1)
            _audit(con, actor.login, "update", project_id, cur.revision + 1, record_json(cur.project, cur.funding),
                   record_json(p, lines), note)
            return _written(_get(con, project_id))

    def delete_project(self, project_id: str, expected_revision: int, user: Actor | str = "", note: str = "") -> None:
        """Delete a project and its funding lines, if unchanged since ``expected_revision``."""
        actor = self._acting(user, Action.DELETE_PROJECT)
        with self._write() as con:
            cur = _get(con, project_id)
            authorize(actor, Action.DELETE_PROJECT, [cur.project["commune_code"] if cur else ""], project_id)
            if cur is None or cur.revision != expected_revision:
                raise ConflictError(project_id, expected_revision, cur)
            self._drop_project_money(con, actor, project_id, note)
            self._drop_project_results(con, actor, project_id, note)
            _delete(con, project_id)
            _audit(con, actor.login, "delete", project_id, None, record_json(cur.project, cur.funding), None, note)

    def history(self, project_id: str) -> list[AuditEntry]:
        """Every change of one project, oldest first."""
        with self._read() as con:
            rows = con.execute("SELECT * FROM atlas_audit WHERE project_id=? ORDER BY id", (project_id,)).fetchall()
        return [_entry(r) for r in rows]

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        """The latest changes of any kind, newest first."""
        with self._read() as con:
            rows = con.execute("SELECT * FROM atlas_audit ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [_entry(r) for r in rows]

    def audit_between(self, start: str = "", end: str = "") -> list[AuditEntry]:
        with self._read() as con:
            rows = con.execute("SELECT * FROM atlas_audit WHERE ts >= ? AND (? = '' OR ts < ?) ORDER BY id",
                               (start, end, end)).fetchall()
        return [_entry(r) for r in rows]

    def versions(self, project_id: str) -> list[tuple[int, str, dict]]:
        """Every restorable version: ``(entry_id, "before"|"after", state)``, oldest first.

        The state before the first logged change (e.g. the seeded data) is included.
        """
        out: list[tuple[int, str, dict]] = []
        for i, e in enumerate(self.history(project_id)):
            if e.before is not None and (i == 0 or e.action == "delete"):
                out.append((e.id, "before", e.before))
            if e.after is not None:
                out.append((e.id, "after", e.after))
        return out

    def restore(self, project_id: str, entry_id: int, expected_revision: int | None, user: Actor | str = "",
                which: str = "after") -> ProjectRecord:
        """Make a recorded version current again; this is logged as a new change.

        ``which`` picks the state after entry ``entry_id`` (default) or before it. Pass the
        project's current revision, or None if it is deleted (it is then re-created).
        """
        self._acting(user, Action.EDIT_PROJECT)
        entry = next((e for e in self.history(project_id) if e.id == entry_id), None)
        state = None if entry is None else (entry.before if which == "before" else entry.state)
        if state is None:
            raise DataError([Problem.of("history", "err.no_version", id=entry_id, pid=project_id,
                                        which=catalog_label(f"err.version.{'before' if which == 'before' else 'after'}"))])
        note = f"restored version #{entry_id}" + (" (before)" if which == "before" else "")
        if expected_revision is None:
            return self.create_project(state["project"], state["funding"], user, allow_overcommit=True, note=note)
        return self.update_project(project_id, state["project"], state["funding"], expected_revision, user,
                                   allow_overcommit=True, note=note)

    def apply_projects(self, records: list[tuple[dict, list[dict]]], base_revisions: dict[str, int | None],
                       user: Actor | str = "", note: str = "import", allow_overcommit: bool = False,
                       money: list[dict] | None = None, money_revisions: dict[str, int | None] | None = None,
                       money_gone: dict[str, int] | None = None, today: date | None = None) -> dict[str, int]:
        """Create or update many projects in ONE transaction (an import): all or nothing.

        ``base_revisions`` maps each id to the revision seen at preview time (None = new); if any
        changed since, nothing is written and :class:`ConflictError` is raised.
        """
        actor, checked = self._checked_many(records, allow_overcommit, user)
        money_checked = self._money_checked(money or [], today)
        auto_backup(self.path, "import")  # only once the rows are valid: a refused file leaves no backup
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        with self._write() as con:
            for p, lines in checked:
                pid = p["project_id"]
                cur = _get(con, pid)
                authorize(actor, Action.EDIT_PROJECT, [p["commune_code"], cur.project["commune_code"] if cur else ""],
                          pid)
                base = base_revisions.get(pid)
                if (cur.revision if cur else None) != base:
                    raise ConflictError(pid, base, cur, {"project": p, "funding": lines})
                if cur is None:
                    check_status_move(actor, None, p, note)
                    _insert(con, p, lines, 1)
                    _audit(con, actor.login, "create", pid, 1, None, record_json(p, lines), note)
                    counts["created"] += 1
                elif record_json(cur.project, cur.funding) == record_json(p, lines):
                    counts["unchanged"] += 1
                else:
                    check_status_move(actor, cur.project, p, note)
                    _delete(con, pid)
                    _insert(con, p, lines, cur.revision + 1)
                    _audit(con, actor.login, "update", pid, cur.revision + 1, record_json(cur.project, cur.funding),
                           record_json(p, lines), note)
                    counts["updated"] += 1
            if money is not None or money_gone:  # same transaction: projects and their money, all or nothing
                written = self._money_write(con, actor, money_checked, money_revisions or {}, note, money_gone)
                counts.update({f"money_{k}": n for k, n in written.items()})
        return counts

    def _checked_many(self, records: list[tuple[dict, list[dict]]], allow_overcommit: bool,
                      user: Actor | str) -> tuple[Actor, list[tuple[dict, list[dict]]]]:
        """The acting user, if their role may edit projects (else refused), and ``records`` cleaned for storing
        (else :class:`DataError`): one read for the account and everything a record is checked against."""
        with self._read() as con:  # one snapshot, one connection; only the codes the records name (an index look-up)
            actor = self._acting_in(con, user, Action.EDIT_PROJECT)
            codes, codes_2025, toml = check_inputs(con.execute(*check_inputs_sql(records)).fetchall())
        config = stored_config(toml, "atlas_meta") if toml else DEFAULT_CONFIG
        return actor, checked_records(records, codes, codes_2025, allow_overcommit, config)

    def commune_codes(self) -> list[str]:
        with self._read() as con:
            return [r[0] for r in con.execute("SELECT code FROM communes ORDER BY code")]

    def unit_codes_2025(self) -> list[str]:
        """Codes of the units from 1/7/2025 (valid ``commune_code`` of a ``unit_version`` 2025 project)."""
        with self._read() as con:
            return [r[0] for r in con.execute("SELECT code FROM units_2025 ORDER BY code")]

    # --- donor profiles (issue 5) ------------------------------------------------------------
    def list_donors(self) -> pd.DataFrame:
        """Every donor profile (:data:`geo.model.schema.DONOR_COLUMNS` + ``revision``), in stored order."""
        with self._read() as con:
            frame = gpkg.read_table(con, "donors")
        return frame.reset_index(drop=True)

    def get_donor(self, donor_id: str) -> DonorRecord | None:
        with self._read() as con:
            return _get_donor(con, donor_id)

    def save_donor(self, donor: dict, expected_revision: int | None, user: Actor | str = "", note: str = "") -> DonorRecord:
        """Create (``expected_revision=None``; the id must be new) or update a donor profile.

        An update must pass the revision it read, else :class:`ConflictError`. Bad fields raise
        :class:`DataError` naming them; nothing changes then.
        """
        from geo.ingest.donors import clean_donor

        actor = self._acting(user, Action.EDIT_DONORS)
        rec = clean_donor(donor)
        did = rec["donor_id"]
        with self._write() as con:
            cur = _get_donor(con, did)
            if expected_revision is None:
                if cur is not None:
                    raise DataError([Problem.of("form", "err.donor_exists", None, "donor_id", did=did)])
                _insert_donor(con, rec, 1)
                _audit(con, actor.login, "donor-create", None, 1, None, _donor_json(rec), _donor_note(did, note))
                return _written(_get_donor(con, did))
            if cur is None or cur.revision != expected_revision:
                raise ConflictError(did, expected_revision, cur, rec, kind="donor")
            con.execute("DELETE FROM donors WHERE donor_id=?", (did,))
            _insert_donor(con, rec, cur.revision + 1)
            _audit(con, actor.login, "donor-update", None, cur.revision + 1, _donor_json(cur.donor), _donor_json(rec),
                   _donor_note(did, note))
            return _written(_get_donor(con, did))

    def confirm_donor(self, donor_id: str, expected_revision: int, user: Actor | str = "", on: date | None = None) -> DonorRecord:
        """Mark a profile's priorities as confirmed by ``user`` today (an audited update)."""
        from geo.ingest.donors import confirmed_quality

        actor = self._acting(user, Action.EDIT_DONORS)
        cur = self.get_donor(donor_id)
        if cur is None:
            raise DataError([Problem.of("donors", "err.no_donor", None, "donor_id", did=donor_id)])
        rec = dict(cur.donor, priorities_quality=confirmed_quality(actor.name, on))
        return self.save_donor(rec, expected_revision, actor, note="priorities confirmed")

    def delete_donor(self, donor_id: str, expected_revision: int, user: Actor | str = "", note: str = "") -> None:
        actor = self._acting(user, Action.EDIT_DONORS)
        with self._write() as con:
            cur = _get_donor(con, donor_id)
            if cur is None or cur.revision != expected_revision:
                raise ConflictError(donor_id, expected_revision, cur, kind="donor")
            con.execute("DELETE FROM donors WHERE donor_id=?", (donor_id,))
            _audit(con, actor.login, "donor-delete", None, None, _donor_json(cur.donor), None, _donor_note(donor_id, note))

    def donor_history(self, donor_id: str) -> list[AuditEntry]:
        """Every change of one donor profile, oldest first."""
        with self._read() as con:
            rows = con.execute(
                "SELECT * FROM atlas_audit WHERE action LIKE 'donor-%' AND "
                "json_extract(coalesce(after, before), '$.donor_id') = ? ORDER BY id", (donor_id,)).fetchall()
        return [_entry(r) for r in rows]

    def _keep_copy(self, reason: str) -> None:
        auto_backup(self.path, reason)

    # --- layers --------------------------------------------------------------------------
    def replace_layer(self, layer: str, gdf: gpd.GeoDataFrame, provenance: schema.Provenance,
                      user: Actor | str = "", note: str = "") -> None:
        """Replace a whole feature layer and its provenance in one transaction."""
        actor = self._acting(user, Action.REPLACE_LAYER)
        if layer not in FEATURE_LAYERS:
            raise DataError([Problem.of(layer, "err.unknown_layer", layers=", ".join(FEATURE_LAYERS))])
        auto_backup(self.path, f"layer-{layer}")
        with self._write() as con:
            _write_layer(con, layer, gdf, provenance)
            prov = _read_provenance(con)
            prov[layer] = provenance
            _write_provenance(con, prov)
            _audit(con, actor.login, "replace-layer", None, None, None,
                   json.dumps({"layer": layer, "features": len(gdf), "source": provenance.source,
                               "quality": provenance.quality.value}, ensure_ascii=False), note)


    # --- the whole store at once: copies, backups, checks (geo/storage/transfer.py, check.py) ----------
    def is_empty(self) -> bool:
        """True when there is nothing here yet (no file, a 0-byte file, or a GeoPackage without tables).
        Creates and seeds nothing; a file that is not a database raises :class:`StoreUnavailable`."""
        if not self.path.exists() or (self.path.is_file() and self.path.stat().st_size == 0):
            return True
        con = self._raw()
        try:
            return not gpkg.store_tables(con)
        except sqlite3.DatabaseError as err:
            raise store_error(self.path, err) from None
        finally:
            con.close()

    def _raw(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise StoreUnavailable("err.store_not_database", path=str(self.path))
        try:
            con = gpkg.register_functions(sqlite3.connect(self.path, isolation_level=None, timeout=30))
            con.execute("PRAGMA busy_timeout=30000")
            return con
        except sqlite3.DatabaseError as err:
            raise store_error(self.path, err) from None

    def dump_tables(self) -> list[Table]:
        """Every table, read in one snapshot (the store must exist: nothing is seeded)."""
        if not self.path.exists():
            raise StoreUnavailable("err.store_missing", path=str(self.path))
        with self._read() as con:
            return [gpkg.dump_table(con, name) for name in gpkg.store_tables(con)]

    def replace_tables(self, tables: list[Table]) -> None:
        """Make the store hold exactly ``tables`` (all or nothing; other processes see the old or the new).

        A new file is built beside the target and moved into place; an existing one is rewritten in one
        SQLite transaction. The data version keeps counting up from the old one."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._replace_new(tables)
            except (OSError, sqlite3.DatabaseError) as err:
                raise store_error(self.path, err) from None
            return
        con = self._raw()
        try:
            con.execute("PRAGMA synchronous=FULL")
            if not _has_table(con, "gpkg_contents"):  # executescript would commit: outside the transaction
                gpkg.init(con)
            con.execute("BEGIN IMMEDIATE")
            old = _data_version(con)
            for name in gpkg.store_tables(con):
                gpkg.drop_table(con, name)
            if _has_table(con, "sqlite_sequence"):
                con.execute("DELETE FROM sqlite_sequence")
            _create_all(con, new_data_version(tables, old))
            con.execute("COMMIT")
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except BaseException as err:
            _rollback(con)
            if isinstance(err, sqlite3.DatabaseError):
                raise store_error(self.path, err) from None
            raise
        finally:
            con.close()

    def _replace_new(self, tables: list[Table]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.copy")
        try:
            con = gpkg.register_functions(sqlite3.connect(tmp, isolation_level=None))
            try:
                con.execute("PRAGMA journal_mode=WAL")
                gpkg.init(con)
                con.execute("BEGIN")
                _create_all(con, new_data_version(tables, 0))
                con.execute("COMMIT")
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                con.close()
            if self.path.exists():  # a 0-byte file
                os.replace(tmp, self.path)
            else:
                _set_aside_orphans(self.path)
                try:
                    os.link(tmp, self.path)  # never overwrites a store another process just made
                except FileExistsError:
                    raise StoreUnavailable("err.store_appeared", path=str(self.path)) from None
                except OSError:
                    os.replace(tmp, self.path)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)

    def backup_to(self, out: Path) -> None:
        """A consistent snapshot of the store in ``out`` (SQLite's online backup: other processes may keep
        writing), written beside ``out`` and moved into place."""
        try:
            with self._read() as src:
                _snapshot(src, Path(out))
        except sqlite3.DatabaseError as err:  # opening the source failed
            raise store_error(Path(out), err) from None

    def integrity_problems(self) -> list[Note]:
        """SQLite's own checks of the file (``integrity_check``, ``foreign_key_check``) and invalid geometries."""
        import shapely

        out: list[Note] = []
        with self._read() as con:
            for (line,) in con.execute("PRAGMA integrity_check").fetchall():
                if line != "ok":
                    out.append(Note.of("check.sqlite_integrity", detail=line))
            for row in con.execute("PRAGMA foreign_key_check").fetchall():
                out.append(Note.of("check.foreign_key", table=row[0], row=row[1], parent=row[2]))
            for layer in FEATURE_LAYERS:
                if _has_table(con, layer):
                    frame = gpkg.read_table(con, layer, skip=())
                    bad = frame[~shapely.is_valid(frame.geometry.to_numpy()) & frame.geometry.notna().to_numpy()]
                    for fid, geom in zip(bad["fid"], bad.geometry):
                        out.append(Note.of("check.invalid_geometry", layer=layer, fid=int(fid),
                                           reason=shapely.is_valid_reason(geom)))
        return out


# --- kept connections ---------------------------------------------------------------------------------
class _Connection(sqlite3.Connection):
    """A connection to a store file; ``file`` is the file it opened (device, inode), None when it is not kept."""

    file: tuple[int, int] | None = None


def _file_of(path: Path) -> tuple[int, int] | None:
    """Which file ``path`` is now (None: there is none): a file moved into place or re-seeded is another one."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _current_schema(con: sqlite3.Connection) -> bool:
    """The file behind a kept connection is still at the schema this app writes."""
    try:
        row = con.execute("SELECT value FROM atlas_meta WHERE key='schema_version'").fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == str(SCHEMA_VERSION)


def _set_aside_orphans(path: Path) -> None:
    """Before a new store file takes ``path``: a ``-wal`` left there belongs to a file moved away or deleted while
    open (SQLite leaves it when the file has moved), and opening the new file would apply its pages to it.
    A non-empty one is moved into ``backups/``; the ``-shm`` index is rebuilt by SQLite, so it is removed."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if path.exists() or not (wal.exists() or shm.exists()):
        return
    if wal.exists() and wal.stat().st_size > 0:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        make_folder(path.parent / "backups", wal)
        os.replace(wal, path.parent / "backups" / f"orphan-{stamp}-{wal.name}")
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)


class _Idle:
    """The idle connections of one store, for any thread to take (one thread uses a connection at a time):
    Streamlit runs each session in a thread of one process. At most :attr:`KEEP` are kept."""

    KEEP = 4

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cons: list[_Connection] = []

    def take(self, file: tuple[int, int] | None) -> _Connection | None:
        """An idle connection open on ``file`` (None: there is no file); connections to another file are closed."""
        stale: list[_Connection] = []
        found = None
        with self._lock:
            while self._cons and found is None:
                con = self._cons.pop()
                if file is not None and con.file == file:
                    found = con
                else:
                    stale.append(con)
        for con in stale:
            con.close()
        return found

    def give(self, con: _Connection) -> None:
        with self._lock:
            if len(self._cons) < self.KEEP:
                self._cons.append(con)
                return
        con.close()

    def close(self) -> None:
        with self._lock:
            cons, self._cons = self._cons, []
        for con in cons:
            con.close()


# --- helpers (all run inside a caller's transaction) ----------------------------------------------
def _written(rec: _R | None) -> _R:
    """A record read back inside the transaction that just wrote it (so it exists)."""
    assert rec is not None
    return rec


def _write_layer(con: sqlite3.Connection, layer: str, gdf: gpd.GeoDataFrame, prov: schema.Provenance) -> None:
    gpkg.write_table(con, layer, gdf, prov.title("en"), f"{prov.title('vi')} — {prov.quality.value}")
    if layer == "communes":  # a recreated table gets the index of schema 4 again
        con.execute(migrations.CODE_INDEX)


class _Migration:
    """A GeoPackage write transaction as :class:`geo.storage.migrations.Target`."""

    def __init__(self, con: sqlite3.Connection, seed_dir: Path):
        self.con, self.seed_dir = con, seed_dir

    big_int, double = "INTEGER", "REAL"

    def execute(self, sql: str, params: dict | None = None) -> None:
        self.con.execute(sql, params or {})

    def columns(self, table: str) -> set[str]:
        return {r[1] for r in self.con.execute(f"PRAGMA table_info({gpkg._quote(table)})")}

    def has_table(self, table: str) -> bool:
        return self.con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone() is not None

    def add_donors(self) -> None:
        _write_donors(self.con, donor_seed(self.seed_dir))
        prov = _read_provenance(self.con)
        prov["donors"] = donor_provenance(self.seed_dir)
        _write_provenance(self.con, prov)


def _write_provenance(con: sqlite3.Connection, prov: dict[str, schema.Provenance]) -> None:
    rows = [{"layer": p.layer, "title_vi": p.title.vi, "title_en": p.title.en, "source": p.source,
             "licence": p.licence, "date": p.date, "quality": p.quality.value, "method": p.method,
             "notes": json.dumps(p.notes, ensure_ascii=False)} for p in prov.values()]
    gpkg.write_table(con, "atlas_provenance", pd.DataFrame(rows, dtype="str"), "Provenance / Nguồn dữ liệu")


def _read_provenance(con: sqlite3.Connection) -> dict[str, schema.Provenance]:
    out = {}
    for r in gpkg.read_table(con, "atlas_provenance").to_dict("records"):
        out[r["layer"]] = schema.Provenance(
            layer=r["layer"], title=schema.Label(r["title_vi"], r["title_en"]), source=r["source"],
            licence=r["licence"], date=r["date"], quality=schema.Quality(r["quality"]), method=r["method"],
            notes=json.loads(r["notes"] or "{}"),
        )
    return out


def _read_config(con: sqlite3.Connection) -> AtlasConfig:
    """The config the store was seeded with (stores from before configs are Tam Đường)."""
    row = con.execute("SELECT value FROM atlas_meta WHERE key='config'").fetchone()
    return stored_config(row[0], "atlas_meta") if row else DEFAULT_CONFIG


def _get(con: sqlite3.Connection, project_id: str) -> ProjectRecord | None:
    cols = list(schema.ALL_PROJECT_COLUMNS)
    row = con.execute(f"SELECT {', '.join(cols)}, revision FROM projects WHERE project_id=?",
                      (project_id,)).fetchone()
    if row is None:
        return None
    lines = [dict(zip(LINE_COLUMNS, r)) for r in con.execute(
        f"SELECT {', '.join(LINE_COLUMNS)} FROM funding WHERE project_id=? ORDER BY fid", (project_id,))]
    return ProjectRecord(clean_project(dict(zip(cols, row[:-1]))), clean_lines(lines), int(row[-1]))


def _insert(con: sqlite3.Connection, p: dict, lines: list[dict], revision: int) -> None:
    cols = list(schema.ALL_PROJECT_COLUMNS)
    con.execute(f"INSERT INTO projects ({', '.join(cols)}, revision) VALUES ({','.join('?' * (len(cols) + 1))})",
                [p[c] for c in cols] + [revision])
    con.executemany(
        f"INSERT INTO funding (project_id, {', '.join(LINE_COLUMNS)}) VALUES (?{',?' * len(LINE_COLUMNS)})",
        [[p["project_id"], *(line[c] for c in LINE_COLUMNS)] for line in lines])


def _delete(con: sqlite3.Connection, project_id: str) -> None:
    con.execute("DELETE FROM funding WHERE project_id=?", (project_id,))
    con.execute("DELETE FROM projects WHERE project_id=?", (project_id,))


def _audit(con: sqlite3.Connection, user: str, action: str, project_id: str | None, revision: int | None,
           before: str | None, after: str | None, note: str = "") -> None:
    try:
        con.execute("INSERT INTO atlas_audit (ts, user, action, project_id, revision, before, after, note)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    (utc_now(), (user or "").strip() or default_user(), action, project_id, revision, before, after,
                     note))
    except sqlite3.IntegrityError as err:  # a trigger or constraint on the log: not a damaged file (store_error)
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise AuditRefused("err.audit_refused", reason=reason) from err


def _write_donors(con: sqlite3.Connection, frame: pd.DataFrame) -> None:
    gpkg.write_table(con, "donors", frame[list(schema.DONOR_COLUMNS)], "Donor profiles / Hồ sơ nhà tài trợ",
                     extra_columns="revision INTEGER NOT NULL DEFAULT 1")
    con.execute("CREATE UNIQUE INDEX donors_id ON donors(donor_id)")


def donor_seed(seed_dir: Path) -> pd.DataFrame:
    """The donor profiles a new store starts with: the bundle's ``donors.csv``, else the bundled starter list."""
    from geo.ingest import donors

    path = seed_dir / donors.DONOR_FILE
    return donors.read_donor_csv(path if path.exists() else BUNDLED_DATA_DIR / donors.DONOR_FILE)


def donor_provenance(seed_dir: Path) -> schema.Provenance:
    from geo.ingest.layers import read_manifest

    for d in (seed_dir, BUNDLED_DATA_DIR):
        manifest = d / "layers.json"
        if manifest.exists():
            prov = read_manifest(manifest)
            if "donors" in prov:
                return prov["donors"]
    raise DataError([Problem.of("layers.json", "err.manifest_no_donors")])


def _get_donor(con: sqlite3.Connection, donor_id: str) -> DonorRecord | None:
    cols = list(schema.DONOR_COLUMNS)
    row = con.execute(f"SELECT {', '.join(cols)}, revision FROM donors WHERE donor_id=?", (donor_id,)).fetchone()
    if row is None:
        return None
    rec = {c: ("" if v is None and schema.DONOR_COLUMNS[c] == "str" else v) for c, v in zip(cols, row[:-1])}
    return DonorRecord(rec, int(row[-1]))


def _insert_donor(con: sqlite3.Connection, rec: dict, revision: int) -> None:
    cols = list(schema.DONOR_COLUMNS)
    con.execute(f"INSERT INTO donors ({', '.join(cols)}, revision) VALUES ({','.join('?' * (len(cols) + 1))})",
                [rec[c] for c in cols] + [revision])


def _donor_json(rec: dict) -> str:
    return json.dumps({c: rec[c] for c in schema.DONOR_COLUMNS}, ensure_ascii=False, sort_keys=True)


def _donor_note(donor_id: str, note: str) -> str:
    return f"donor {donor_id}" + (f": {note}" if note else "")


def _entry(row: tuple) -> AuditEntry:
    i, ts, user, action, pid, rev, before, after, note = row
    return AuditEntry(i, ts, user, action, pid, rev, json.loads(before) if before else None,
                      json.loads(after) if after else None, note or "")


def store_file(config: AtlasConfig) -> str:
    """The store's file name: ``atlas.gpkg`` for Tam Đường, ``atlas-<id>.gpkg`` for any other bundle,
    so switching ``$ATLAS_BUNDLE_DIR`` never mixes two districts' data in one file."""
    return STORE_FILE if config.id == DEFAULT_CONFIG.id else f"atlas-{config.id}.gpkg"


def open_default() -> GpkgStore:
    """The store in :func:`data_dir`, seeded on first use from :func:`geo.ingest.atlas_toml.bundle_dir`
    (``$ATLAS_BUNDLE_DIR`` or the bundled data).

    One store object per file and bundle in this process (the last :data:`OPEN_KEPT`), so the pages, which
    ask for the store on every call, reuse its open connections."""
    seed = bundle_dir()
    key = (data_dir() / store_file(load_config(seed)), seed)
    with _OPEN_LOCK:
        store = _OPEN.pop(key, None) or GpkgStore(*key)
        _OPEN[key] = store  # the most recent last
        evicted = [_OPEN.pop(k) for k in list(_OPEN)[:-OPEN_KEPT]]
    for old in evicted:
        old.close()
    return store


#: Store objects :func:`open_default` keeps (a process normally uses one; tests switch folders).
OPEN_KEPT = 4
_OPEN: dict[tuple[Path, Path], GpkgStore] = {}
_OPEN_LOCK = threading.Lock()


def _rollback(con: sqlite3.Connection) -> None:
    try:
        if con.in_transaction:
            con.execute("ROLLBACK")
    except sqlite3.DatabaseError:  # SQLite already rolled back (a full disk)
        pass


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def _data_version(con: sqlite3.Connection) -> int:
    if not _has_table(con, "atlas_meta"):
        return 0
    row = con.execute("SELECT value FROM atlas_meta WHERE key='data_version'").fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


def _create_all(con: sqlite3.Connection, tables: list[Table]) -> None:
    """Write every table, each registered under the title its provenance gives it (as a seeded store does)."""
    titles: dict[str, tuple[str, str]] = {}
    prov = next((t for t in tables if t.name == "atlas_provenance"), None)
    if prov is not None:
        for layer, en, vi, quality in zip(prov.column("layer"), prov.column("title_en"), prov.column("title_vi"),
                                          prov.column("quality")):
            titles[layer] = (en, f"{vi} — {quality}")
    used: set[str] = set()
    for table in tables:
        ident, desc = titles.get(table.name, (table.name, ""))
        if ident in used:
            ident = table.name
        used.add(ident)
        gpkg.create_table(con, table, ident, desc)


def _snapshot(src: sqlite3.Connection, out: Path) -> None:
    """``src`` copied to ``out`` with SQLite's online backup (one consistent moment, one self-contained file),
    written beside ``out`` and moved into place; a failure leaves no partial file and raises the store's message."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}.part")
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        os.replace(tmp, out)
    except (OSError, sqlite3.DatabaseError) as err:
        raise store_error(out, err) from None
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                Path(str(tmp) + suffix).unlink(missing_ok=True)
            except OSError:  # the folder itself is the problem (a file, gone)
                pass


#: Rolling copies kept in ``backups/`` beside the store, per kind (migrate, import, layer-…): the newest few.
AUTO_BACKUPS_KEPT = 5


def auto_backup(path: Path, reason: str, con: sqlite3.Connection | None = None) -> Path:
    """Copy the store aside before a migration or a bulk import: ``backups/auto-<reason>-<UTC time>.gpkg``
    (SQLite's online backup: one consistent moment), keeping the newest :data:`AUTO_BACKUPS_KEPT` of that kind.

    ``python -m geo store restore FILE`` brings one back. A copy that cannot be written (full disk, read-only
    folder) refuses the change that wanted it, with the store's own message: nothing is changed unguarded.
    """
    folder = path.parent / "backups"
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out = folder / f"auto-{reason}-{stamp}.gpkg"
    make_folder(folder, out)
    try:
        src = con or sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except (OSError, sqlite3.DatabaseError) as err:
        raise store_error(out, err) from None
    try:
        _snapshot(src, out)
    finally:
        if con is None:
            src.close()
    for old in sorted(folder.glob(f"auto-{reason}-*.gpkg"))[:-AUTO_BACKUPS_KEPT]:
        old.unlink(missing_ok=True)
    return out


def make_folder(folder: Path, for_file: Path) -> None:
    """Make ``folder`` (for writing ``for_file``), or say in one sentence why not: a file of that name in the way
    is named as such, not as a missing data folder (the fix is to move the file, not ATLAS_DATA_DIR)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in [folder, *folder.parents] if p.exists()), folder)
        raise StoreUnavailable("err.folder_is_file", path=str(blocker)) from None
    except OSError as err:
        raise store_error(for_file, err) from None


def store_error(path: Path, err: BaseException) -> StoreUnavailable:
    """What went wrong with the store file at ``path``, as one sentence that names it and says what to do."""
    where = str(path)
    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    if isinstance(err, StoreUnavailable):
        return err
    if isinstance(err, OSError):
        import errno

        folder = str(path.parent)
        if err.errno == errno.ENOSPC:
            return StoreUnavailable("err.store_disk_full", path=where)
        if isinstance(err, (FileExistsError, NotADirectoryError)) or err.errno in (errno.EEXIST, errno.ENOTDIR):
            blocker = next((p for p in [path.parent, *path.parent.parents] if p.exists()), path.parent)
            return StoreUnavailable("err.store_path_not_folder", path=str(blocker))
        if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return StoreUnavailable("err.store_folder_readonly", path=folder)
        return StoreUnavailable("err.store_damaged", path=where, reason=reason)
    text = reason.lower()
    if "disk is full" in text or "database or disk is full" in text:
        return StoreUnavailable("err.store_disk_full", path=where)
    if "readonly" in text or "read-only" in text:
        return StoreUnavailable("err.store_readonly", path=where)
    if "unable to open database file" in text:
        if not path.exists():
            parent = path.parent
            if not os.access(parent, os.W_OK) or _read_only_fs(parent):
                return StoreUnavailable("err.store_folder_readonly", path=str(parent))
        return StoreUnavailable("err.store_readonly", path=where)
    if path.exists() and path.is_file() and path.stat().st_size == 0:
        return StoreUnavailable("err.store_empty_file", path=where)
    if "no such table" in text:
        return StoreUnavailable("err.store_foreign", path=where, tables=_tables_of(path))
    if "not a database" in text:
        return StoreUnavailable("err.store_not_database", path=where)
    return StoreUnavailable("err.store_damaged", path=where, reason=reason)


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _tables_of(path: Path) -> str:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names = gpkg.store_tables(con)
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return "?"
    return ", ".join(names[:6]) + (" …" if len(names) > 6 else "") if names else "—"
