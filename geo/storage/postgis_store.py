"""The shared store: one PostGIS database that several app processes read and edit.

:class:`PostgisStore` implements :class:`geo.storage.interface.Store` like
:class:`geo.storage.gpkg_store.GpkgStore`, over SQLAlchemy 2 Core and psycopg 3. It is chosen by
``ATLAS_DATABASE_URL=postgresql://user:password@host:port/database`` (see
:func:`geo.storage.store.default_store`).

- On first open the database gets the ``postgis`` extension (if missing) and is seeded from the
  bundle exactly as a new GeoPackage is (:func:`geo.storage.store.load_dataset`, the donors csv,
  ``layers.json`` provenance, ``atlas.toml`` config), in one transaction under an advisory lock,
  so two processes opening an empty database seed it once.
- Feature layers keep their geometry in EPSG:4326 (``geometry(Geometry, 4326)``, written and read
  as WKB) with a GiST index; areas are computed by :mod:`geo.analysis` in the district's metric CRS.
- Every write is one transaction: it first bumps ``atlas_meta.data_version`` (so writers queue on
  that row, and :meth:`PostgisStore.version` is a database-side counter every process sees), then
  checks the revision it read with ``UPDATE … WHERE id = :id AND revision = :rev`` (row count
  checked; else :class:`ConflictError`), then writes the audit rows. A refused write rolls back.
- Schema versions and their numbered steps are those of :mod:`geo.storage.migrations`, shared with
  :class:`GpkgStore`: a new database is seeded at the latest version; an older one runs the missing steps in
  one transaction on open, logged as ``migrate``, user data kept. A database of a newer schema, or of one no
  step leads from, is refused with a message; it is never recreated.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError

from geo.ingest.atlas_toml import to_toml
from geo.ingest.records import LINE_COLUMNS, clean_lines, clean_project, record_json
from geo.ingest.validate import DataError, Note, Problem, catalog_label
from geo.model import schema
from geo.model.config import BUNDLED_DATA_DIR, AtlasConfig
from geo.model.config import DEFAULT as DEFAULT_CONFIG
from geo.model.dataset import Dataset
from geo.model.filters import Filters
from geo.model.roles import Action, Actor
from geo.storage import migrations
from geo.storage.accounts import USERS_DDL, AccountsMixin, authorize, check_status_move
from geo.storage.basemap import BasemapMixin, basemap_table
from geo.storage.common import (
    check_inputs,
    check_inputs_sql,
    checked_records,
    column_kind,
    funding_totals_sql,
    plain_value,
    stored_config,
    totals_frame,
)
from geo.storage.gpkg_store import FEATURE_LAYERS, donor_provenance, donor_seed
from geo.storage.migrations import SCHEMA_VERSION
from geo.storage.money import MoneyMixin, money_from_totals
from geo.storage.records import (
    AuditEntry,
    AuditRefused,
    ConflictError,
    DonorRecord,
    ProjectRecord,
    StoreUnavailable,
    utc_now,
)
from geo.storage.results import ResultsMixin, beneficiaries_frame, indicators_frame, results_tables
from geo.storage.store import load_dataset
from geo.storage.tables import Table, new_data_version

SRID = 4326
_SEED_LOCK = 0x41544C53  # advisory lock key ("ATLS"): one seeding process at a time

_SQL_TYPES = {"bool": "boolean", "int32": "integer", "int": "bigint", "float": "double precision", "str": "text"}
_ENGINES: dict[str, Engine] = {}
_READY: set[str] = set()  # URLs this process has checked (seeded, schema known) since the last lost connection
_LOCK = threading.Lock()  # Streamlit sessions are threads of one process


def driver_url(url: str) -> URL:
    """``postgresql://…`` as SQLAlchemy's psycopg 3 URL; :class:`StoreUnavailable` if it is not one."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreUnavailable("err.db_bad_url", url=redact(url)) from None
    if parsed.drivername in ("postgresql", "postgres", "postgis"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername != "postgresql+psycopg":
        raise StoreUnavailable("err.db_bad_url", url=redact(url))
    return parsed


def redact(url: str) -> str:
    """The URL as users may see it: the password replaced by ``***``."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url.split("@")[-1]
    return parsed.render_as_string(hide_password=True)


def engine(url: str) -> Engine:
    """One pooled engine per URL and process (pages open a store object per call)."""
    with _LOCK:
        if url not in _ENGINES:  # pre-ping: a connection the server dropped is replaced, not reused
            try:
                import psycopg  # noqa: F401  (SQLAlchemy would only fail at the first query)
            except ImportError:
                raise StoreUnavailable("err.db_driver_missing") from None
            _ENGINES[url] = create_engine(driver_url(url), pool_pre_ping=True, pool_size=2, max_overflow=4,
                                          connect_args={"connect_timeout": 5, "application_name": "tam-duong-atlas"})
        return _ENGINES[url]


def dispose(url: str) -> None:
    """Close this process's connections to ``url`` (before the database is dropped or used as a template)."""
    with _LOCK:
        eng = _ENGINES.pop(url, None)
        _READY.discard(url)
    if eng is not None:
        eng.dispose()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _series(values: list, sql_type: str) -> pd.Series:
    """A column read back with the pandas dtype it was written from (as :func:`geo.storage.gpkg.read_table`)."""
    if sql_type == "boolean":
        s = pd.Series(values, dtype=object)
        return s.astype("boolean").astype(bool) if s.notna().all() else s.astype("boolean")
    if sql_type in ("integer", "bigint"):
        s = pd.Series(values, dtype=object)
        dtype = "int32" if sql_type == "integer" else "int64"
        return s.astype(dtype) if s.notna().all() else s.astype(dtype.capitalize())
    if sql_type == "double precision":
        return pd.Series(values, dtype="float64")
    return pd.Series(values, dtype="str")


def write_table(con: Connection, name: str, df: pd.DataFrame, extra_columns: str = "") -> None:
    """(Re)create table ``name`` from ``df`` inside the caller's transaction; a GeoDataFrame gets ``geom``."""
    con.execute(text(f"DROP TABLE IF EXISTS {_q(name)}"))
    spatial = isinstance(df, gpd.GeoDataFrame)
    attrs = pd.DataFrame(df.drop(columns=df.geometry.name)) if spatial else df
    cols = [f"{_q(c)} {_SQL_TYPES[column_kind(attrs[c].dtype)]}" for c in attrs.columns]
    if spatial:
        cols.insert(0, f"geom geometry(Geometry, {SRID})")
    if extra_columns:
        cols.append(extra_columns)
    con.execute(text(f"CREATE TABLE {_q(name)} (fid bigserial PRIMARY KEY, {', '.join(cols)})"))
    names = list(attrs.columns)
    params = [f"p{i}" for i in range(len(names))]
    rows = [dict(zip(params, (plain_value(v) for v in row))) for row in attrs.itertuples(index=False, name=None)]
    columns, values = [_q(n) for n in names], [f":{p}" for p in params]
    if spatial:
        geoms = df.to_crs(SRID).geometry.to_numpy() if df.crs is not None else df.geometry.to_numpy()
        wkbs = shapely.to_wkb(geoms, byte_order=1, output_dimension=2)
        for row, wkb in zip(rows, wkbs):
            row["g"] = None if wkb is None else bytes(wkb)
        columns.insert(0, "geom")
        values.insert(0, f"ST_GeomFromWKB(:g, {SRID})")
        con.execute(text(f"CREATE INDEX {_q(name + '_geom')} ON {_q(name)} USING GIST (geom)"))
    if rows:
        con.execute(text(f"INSERT INTO {_q(name)} ({', '.join(columns)}) VALUES ({', '.join(values)})"), rows)


def read_table(con: Connection, name: str, skip: tuple[str, ...] = ("fid",)) -> pd.DataFrame:
    """Read a table written by :func:`write_table` with its pandas dtypes restored (geometry last, EPSG:4326)."""
    info = con.execute(text(
        "SELECT column_name, data_type, udt_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position"), {"t": name}).all()
    columns = [(c, udt if dt == "USER-DEFINED" else dt) for c, dt, udt in info if c not in skip]
    select = [f"ST_AsBinary({_q(c)})" if t == "geometry" else _q(c) for c, t in columns]
    rows = con.execute(text(f"SELECT {', '.join(select)} FROM {_q(name)} ORDER BY fid")).all()
    data = {c: _series([r[i] for r in rows], t) for i, (c, t) in enumerate(columns) if t != "geometry"}
    df = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    geom = [i for i, (_, t) in enumerate(columns) if t == "geometry"]
    if not geom:
        return df
    wkbs = np.array([None if r[geom[0]] is None else bytes(r[geom[0]]) for r in rows], dtype=object)
    geoms = shapely.from_wkb(wkbs) if rows else np.array([], dtype=object)
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index), crs=f"EPSG:{SRID}")


class PostgisStore(AccountsMixin, MoneyMixin, ResultsMixin, BasemapMixin):  # AccountsMixin first: its _acting is the real one
    """Store over one PostGIS database; seeded from ``seed_dir`` on first open of an empty database."""

    def __init__(self, url: str, seed_dir: Path = BUNDLED_DATA_DIR):
        self.url = url
        self.seed_dir = Path(seed_dir)

    def close(self) -> None:
        """Close this process's idle connections to the database (shared by its store objects; reopened when used)."""
        dispose(self.url)

    # --- opening, seeding, migrating -----------------------------------------------------------
    def open(self) -> PostgisStore:
        """Connect, seed or migrate if needed; :class:`StoreUnavailable` if the server cannot be reached."""
        if self.url in _READY:
            return self
        try:
            with engine(self.url).connect() as con:
                con.execute(text("SELECT 1"))
        except DBAPIError as err:
            dispose(self.url)
            raise self._unavailable(err) from None
        with engine(self.url).begin() as con:
            con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEED_LOCK})
            if con.execute(text("SELECT to_regclass('atlas_meta')")).scalar() is None:
                self._seed(con)
            found = int(con.execute(text("SELECT value FROM atlas_meta WHERE key='schema_version'")).scalar_one())
            if found > SCHEMA_VERSION:
                raise DataError([Problem.of(redact(self.url), "err.store_newer", found=found)])
            if found < migrations.OLDEST:
                raise DataError([Problem.of(redact(self.url), "err.db_schema_unknown", found=found,
                                            expected=SCHEMA_VERSION)])
            if found < SCHEMA_VERSION:
                self._migrate(con, found)
        with _LOCK:
            _READY.add(self.url)
        return self

    def _unavailable(self, err: DBAPIError) -> StoreUnavailable:
        """The server's reason, password removed, in the keyed message that names the URL."""
        reason = str(err.orig).strip().splitlines()[0] if err.orig else type(err).__name__
        password = make_url(self.url).password
        if password:
            reason = reason.replace(str(password), "***")
        return StoreUnavailable("err.db_unreachable", url=redact(self.url), reason=reason)

    @contextmanager
    def _connection_lost(self) -> Iterator[None]:
        """A server gone mid-session: the same clear message, and the next open checks the server again.
        A role that may only read, or a server out of disk space: a sentence saying nothing was saved."""
        try:
            yield
        except DBAPIError as err:
            refused = self._refused(err)
            if refused is not None:
                raise refused from None
            if not isinstance(err, OperationalError):
                raise
            with _LOCK:
                _READY.discard(self.url)
            raise self._unavailable(err) from None

    def _refused(self, err: DBAPIError) -> StoreUnavailable | None:
        state = getattr(err.orig, "sqlstate", None) or ""
        if state in ("42501", "25006"):  # insufficient privilege; read-only transaction
            return StoreUnavailable("err.db_readonly", url=redact(self.url), user=make_url(self.url).username or "")
        if state == "53100":  # disk full
            return StoreUnavailable("err.db_disk_full", url=redact(self.url))
        return None

    def _migrate(self, con: Connection, found: int) -> None:
        """Run the numbered steps ``found+1 … SCHEMA_VERSION`` (same transaction as the caller's lock)."""
        note = migrations.upgrade(_Migration(con, self.seed_dir), found)
        con.execute(text("UPDATE atlas_meta SET value=:v WHERE key='schema_version'"), {"v": str(SCHEMA_VERSION)})
        _bump(con)
        _audit(con, "atlas", "migrate", None, None, None, None, note)

    def _seed(self, con: Connection) -> None:
        """Create every table from the bundle (what :meth:`GpkgStore.seed` writes), in the caller's transaction."""
        if con.execute(text("SELECT 1 FROM pg_extension WHERE extname='postgis'")).first() is None:
            con.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        ds = load_dataset(self.seed_dir)
        con.execute(text("CREATE TABLE atlas_meta (key text PRIMARY KEY, value text NOT NULL)"))
        con.execute(text("INSERT INTO atlas_meta VALUES (:k, :v)"), [{"k": k, "v": v} for k, v in [
            ("schema_version", str(SCHEMA_VERSION)), ("data_version", "1"), ("store_id", uuid.uuid4().hex),
            ("created", utc_now()), ("seeded_from", "bundled data"), ("config", to_toml(ds.config))]])
        con.execute(text("""CREATE TABLE atlas_audit (id bigserial PRIMARY KEY, ts text NOT NULL,
            "user" text NOT NULL, action text NOT NULL, project_id text, revision integer,
            before text, after text, note text NOT NULL DEFAULT '')"""))
        con.execute(text("CREATE INDEX atlas_audit_project ON atlas_audit (project_id)"))
        con.execute(text(USERS_DDL))
        for layer in FEATURE_LAYERS:
            _write_layer(con, layer, getattr(ds, layer))
        write_table(con, "projects", ds.projects, "revision bigint NOT NULL DEFAULT 1")
        con.execute(text("CREATE UNIQUE INDEX projects_id ON projects (project_id)"))
        write_table(con, "funding", ds.funding)
        con.execute(text("CREATE INDEX funding_project ON funding (project_id)"))
        money_from_totals(_Migration(con, self.seed_dir))
        results_tables(_Migration(con, self.seed_dir))
        basemap_table(_Migration(con, self.seed_dir))
        write_table(con, "units_2025", ds.units_2025)
        _write_donors(con, self.seed_dir)
        prov = dict(ds.provenance)
        prov.setdefault("donors", donor_provenance(self.seed_dir))
        _write_provenance(con, prov)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        self.open()
        with self._connection_lost(), engine(self.url).connect() as con:
            con = con.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for every table read
            with con.begin():
                yield con

    @contextmanager
    def _write(self, bump: bool = True) -> Iterator[Connection]:
        """One transaction; writers queue on the data_version row, taken first (no deadlocks between edits).
        ``bump=False`` (sign-in counters): the data did not change; the account's row lock orders such writes."""
        self.open()
        with self._connection_lost(), engine(self.url).begin() as con:
            if bump:
                _bump(con)
            yield con

    def _exec(self, con: Connection, sql: str, params: dict | None = None) -> list[tuple] | int:
        result = con.execute(text(sql), params or {})
        return [tuple(r) for r in result.all()] if result.returns_rows else result.rowcount

    def _audit_row(self, con: Connection, user: str, action: str, project_id: str | None,
                   revision: int | None, before: str | None, after: str | None, note: str = "") -> None:
        _audit(con, user, action, project_id, revision, before, after, note)

    # --- reading ---------------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return True

    def location(self) -> str:
        return redact(self.url)

    def load(self) -> Dataset:
        with self._read() as con:
            projects = read_table(con, "projects", skip=("fid", "revision"))[list(schema.ALL_PROJECT_COLUMNS)]
            layers = {name: read_table(con, name) for name in FEATURE_LAYERS}
            return Dataset(
                communes=layers["communes"], projects=projects, funding=read_table(con, "funding"),
                crop_zones=layers["crop_zones"], risk_zones=layers["risk_zones"],
                landslide_events=layers["landslide_events"], units_2025=read_table(con, "units_2025"),
                provenance=_read_provenance(con), config=_read_config(con),
                beneficiaries=beneficiaries_frame(self._b_rows(con, None)),
                results=indicators_frame(self._r_rows(con, None)),
                basemap=self._basemap(con),
            )

    def version(self) -> str:
        with self._read() as con:
            meta: dict[str, str] = dict(con.execute(text("SELECT key, value FROM atlas_meta")).all())
        where = hashlib.sha1(redact(self.url).encode()).hexdigest()[:6]
        return f"{meta['store_id'][:8]}-{meta['data_version']}-{where}"

    def funding_totals_by_commune(self, filters: Filters = Filters(), unit_version: str = "2021") -> pd.DataFrame:
        """:func:`geo.analysis.funding.totals_by_commune` of the stored data, summed in one SQL query."""
        sql, params = funding_totals_sql(filters, unit_version, "greatest")
        with self._read() as con:
            return totals_frame(con.execute(text(sql), params).all())

    # --- projects --------------------------------------------------------------------------------
    def get_project(self, project_id: str) -> ProjectRecord | None:
        with self._read() as con:
            return _get(con, project_id)

    def project_revisions(self) -> dict[str, int]:
        with self._read() as con:
            return dict(con.execute(text("SELECT project_id, revision FROM projects")).all())

    def create_project(self, project: dict, funding: list[dict], user: Actor | str = "",
                       allow_overcommit: bool = False, note: str = "") -> ProjectRecord:
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
        actor, [(p, lines)] = self._checked_many([(project, funding)], allow_overcommit, user)
        if p["project_id"] != project_id:
            raise DataError([Problem.of("form", "err.project_id_fixed", None, "project_id")])
        with self._write() as con:
            cur = _get(con, project_id)
            authorize(actor, Action.EDIT_PROJECT, [p["commune_code"], cur.project["commune_code"] if cur else ""],
                      project_id)
            check_status_move(actor, cur.project if cur else None, p, note)
            _update(con, cur, project_id, expected_revision, p, lines)
            assert cur is not None
            _audit(con, actor.login, "update", project_id, cur.revision + 1, record_json(cur.project, cur.funding),
                   record_json(p, lines), note)
            return _written(_get(con, project_id))

    def delete_project(self, project_id: str, expected_revision: int, user: Actor | str = "", note: str = "") -> None:
        actor = self._acting(user, Action.DELETE_PROJECT)
        with self._write() as con:
            cur = _get(con, project_id)
            authorize(actor, Action.DELETE_PROJECT, [cur.project["commune_code"] if cur else ""], project_id)
            n = con.execute(text("DELETE FROM projects WHERE project_id=:id AND revision=:rev"),
                            {"id": project_id, "rev": expected_revision}).rowcount
            if n != 1 or cur is None:
                raise ConflictError(project_id, expected_revision, cur)
            con.execute(text("DELETE FROM funding WHERE project_id=:id"), {"id": project_id})
            self._drop_project_money(con, actor, project_id, note)
            self._drop_project_results(con, actor, project_id, note)
            _audit(con, actor.login, "delete", project_id, None, record_json(cur.project, cur.funding), None, note)

    def history(self, project_id: str) -> list[AuditEntry]:
        with self._read() as con:
            rows = con.execute(text(f"SELECT {_AUDIT_COLS} FROM atlas_audit WHERE project_id=:id ORDER BY id"),
                               {"id": project_id}).all()
        return [_entry(r) for r in rows]

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        with self._read() as con:
            rows = con.execute(text(f"SELECT {_AUDIT_COLS} FROM atlas_audit ORDER BY id DESC LIMIT :n"),
                               {"n": limit}).all()
        return [_entry(r) for r in rows]

    def audit_between(self, start: str = "", end: str = "") -> list[AuditEntry]:
        with self._read() as con:
            rows = con.execute(text(f"SELECT {_AUDIT_COLS} FROM atlas_audit WHERE ts >= :a AND (:b = '' OR ts < :b) "
                                    "ORDER BY id"), {"a": start, "b": end}).all()
        return [_entry(r) for r in rows]

    def versions(self, project_id: str) -> list[tuple[int, str, dict]]:
        out: list[tuple[int, str, dict]] = []
        for i, e in enumerate(self.history(project_id)):
            if e.before is not None and (i == 0 or e.action == "delete"):
                out.append((e.id, "before", e.before))
            if e.after is not None:
                out.append((e.id, "after", e.after))
        return out

    def restore(self, project_id: str, entry_id: int, expected_revision: int | None, user: Actor | str = "",
                which: str = "after") -> ProjectRecord:
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
        actor, checked = self._checked_many(records, allow_overcommit, user)
        money_checked = self._money_checked(money or [], today)
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
                    _update(con, cur, pid, cur.revision, p, lines)
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
            sql, params = check_inputs_sql(records)
            codes, codes_2025, toml = check_inputs(con.execute(text(sql), params).all())
        config = stored_config(toml, "atlas_meta") if toml else DEFAULT_CONFIG
        return actor, checked_records(records, codes, codes_2025, allow_overcommit, config)

    def commune_codes(self) -> list[str]:
        with self._read() as con:
            return list(con.execute(text("SELECT code FROM communes ORDER BY code COLLATE \"C\"")).scalars().all())

    def unit_codes_2025(self) -> list[str]:
        with self._read() as con:
            return list(con.execute(text("SELECT code FROM units_2025 ORDER BY code COLLATE \"C\"")).scalars().all())

    # --- donor profiles --------------------------------------------------------------------------
    def list_donors(self) -> pd.DataFrame:
        with self._read() as con:
            return read_table(con, "donors").reset_index(drop=True)

    def get_donor(self, donor_id: str) -> DonorRecord | None:
        with self._read() as con:
            return _get_donor(con, donor_id)

    def save_donor(self, donor: dict, expected_revision: int | None, user: Actor | str = "", note: str = "") -> DonorRecord:
        from geo.ingest.donors import clean_donor

        actor = self._acting(user, Action.EDIT_DONORS)
        rec = clean_donor(donor)
        did = rec["donor_id"]
        cols = list(schema.DONOR_COLUMNS)
        with self._write() as con:
            cur = _get_donor(con, did)
            if expected_revision is None:
                if cur is not None:
                    raise DataError([Problem.of("form", "err.donor_exists", None, "donor_id", did=did)])
                con.execute(text(f"INSERT INTO donors ({', '.join(_q(c) for c in cols)}, revision) "
                                 f"VALUES ({', '.join(f':p{i}' for i in range(len(cols)))}, 1)"),
                            {f"p{i}": plain_value(rec[c]) for i, c in enumerate(cols)})
                _audit(con, actor.login, "donor-create", None, 1, None, _donor_json(rec), _donor_note(did, note))
                return _written(_get_donor(con, did))
            sets = ", ".join(f"{_q(c)}=:p{i}" for i, c in enumerate(cols))
            n = con.execute(text(f"UPDATE donors SET {sets}, revision=revision+1 WHERE donor_id=:id AND revision=:rev"),
                            {**{f"p{i}": plain_value(rec[c]) for i, c in enumerate(cols)},
                             "id": did, "rev": expected_revision}).rowcount
            if n != 1 or cur is None:
                raise ConflictError(did, expected_revision, cur, rec, kind="donor")
            _audit(con, actor.login, "donor-update", None, cur.revision + 1, _donor_json(cur.donor), _donor_json(rec),
                   _donor_note(did, note))
            return _written(_get_donor(con, did))

    def confirm_donor(self, donor_id: str, expected_revision: int, user: Actor | str = "", on: date | None = None) -> DonorRecord:
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
            n = con.execute(text("DELETE FROM donors WHERE donor_id=:id AND revision=:rev"),
                            {"id": donor_id, "rev": expected_revision}).rowcount
            if n != 1 or cur is None:
                raise ConflictError(donor_id, expected_revision, cur, kind="donor")
            _audit(con, actor.login, "donor-delete", None, None, _donor_json(cur.donor), None, _donor_note(donor_id, note))

    def donor_history(self, donor_id: str) -> list[AuditEntry]:
        with self._read() as con:
            rows = con.execute(text(
                f"SELECT {_AUDIT_COLS} FROM atlas_audit WHERE action LIKE 'donor-%' AND "
                "(coalesce(after, before)::jsonb ->> 'donor_id') = :id ORDER BY id"), {"id": donor_id}).all()
        return [_entry(r) for r in rows]

    # --- layers ----------------------------------------------------------------------------------
    def replace_layer(self, layer: str, gdf: gpd.GeoDataFrame, provenance: schema.Provenance,
                      user: Actor | str = "", note: str = "") -> None:
        actor = self._acting(user, Action.REPLACE_LAYER)
        if layer not in FEATURE_LAYERS:
            raise DataError([Problem.of(layer, "err.unknown_layer", layers=", ".join(FEATURE_LAYERS))])
        with self._write() as con:
            _write_layer(con, layer, gdf)
            prov = _read_provenance(con)
            prov[layer] = provenance
            _write_provenance(con, prov)
            _audit(con, actor.login, "replace-layer", None, None, None,
                   json.dumps({"layer": layer, "features": len(gdf), "source": provenance.source,
                               "quality": provenance.quality.value}, ensure_ascii=False), note)


    # --- the whole store at once: copies, backups, checks (geo/storage/transfer.py, check.py) ----------
    def _bare(self) -> Connection:
        """A connection that seeds nothing (:class:`StoreUnavailable` when the server cannot be reached)."""
        try:
            return engine(self.url).connect()
        except DBAPIError as err:
            dispose(self.url)
            raise self._unavailable(err) from None

    def is_empty(self) -> bool:
        """True when the database holds no table yet (PostGIS's own aside). Creates and seeds nothing."""
        with self._connection_lost(), self._bare() as con:
            return not store_tables(con)

    def dump_tables(self) -> list[Table]:
        """Every table, read in one snapshot (the database must hold a store: nothing is seeded)."""
        if self.is_empty():
            raise StoreUnavailable("err.db_empty", url=redact(self.url))
        with self._read() as con:
            return [dump_table(con, name) for name in store_tables(con)]

    def replace_tables(self, tables: list[Table]) -> None:
        """Make the database hold exactly ``tables``, in one transaction (other sessions see the old content
        or the new); the data version keeps counting up from the old one."""
        with self._connection_lost(), self._bare() as con, con.begin():
            if con.execute(text("SELECT 1 FROM pg_extension WHERE extname='postgis'")).first() is None:
                con.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SEED_LOCK})
            old = 0
            if con.execute(text("SELECT to_regclass('atlas_meta')")).scalar() is not None:
                con.execute(text("LOCK TABLE atlas_meta IN ACCESS EXCLUSIVE MODE"))  # writers wait, then see the new
                value = con.execute(text("SELECT value FROM atlas_meta WHERE key='data_version'")).scalar()
                old = int(value) if value and str(value).isdigit() else 0
            for name in store_tables(con):
                con.execute(text(f"DROP TABLE IF EXISTS {_q(name)} CASCADE"))
            for table in new_data_version(tables, old):
                create_table(con, table)
        with _LOCK:
            _READY.discard(self.url)  # the next read checks the schema of what was copied in

    def integrity_problems(self) -> list[Note]:
        """What PostGIS itself finds: invalid geometries (``ST_IsValid``), geometries not in EPSG:4326."""
        out: list[Note] = []
        with self._read() as con:
            present = set(store_tables(con))
            for layer in FEATURE_LAYERS:
                if layer not in present:
                    continue
                for fid, reason in con.execute(text(
                        f"SELECT fid, ST_IsValidReason(geom) FROM {_q(layer)} "
                        "WHERE geom IS NOT NULL AND NOT ST_IsValid(geom) ORDER BY fid")).all():
                    out.append(Note.of("check.invalid_geometry", layer=layer, fid=int(fid), reason=reason))
                for fid, srid in con.execute(text(
                        f"SELECT fid, ST_SRID(geom) FROM {_q(layer)} WHERE geom IS NOT NULL AND ST_SRID(geom) <> {SRID}"
                        " ORDER BY fid")).all():
                    out.append(Note.of("check.wrong_srid", layer=layer, fid=int(fid), srid=int(srid)))
        return out


# --- helpers (inside a caller's transaction) --------------------------------------------------------
def _write_layer(con: Connection, layer: str, gdf: gpd.GeoDataFrame) -> None:
    write_table(con, layer, gdf)
    if layer == "communes":  # a recreated table gets the index of schema 4 again
        con.execute(text(migrations.CODE_INDEX))


def _write_donors(con: Connection, seed_dir: Path) -> None:
    write_table(con, "donors", donor_seed(seed_dir)[list(schema.DONOR_COLUMNS)], "revision bigint NOT NULL DEFAULT 1")
    con.execute(text("CREATE UNIQUE INDEX donors_id ON donors (donor_id)"))


class _Migration:
    """A PostGIS write transaction as :class:`geo.storage.migrations.Target`."""

    def __init__(self, con: Connection, seed_dir: Path):
        self.con, self.seed_dir = con, seed_dir

    big_int, double = "bigint", "double precision"

    def execute(self, sql: str, params: dict | None = None) -> None:
        self.con.execute(text(sql), params or {})

    def columns(self, table: str) -> set[str]:
        return set(self.con.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = :t"), {"t": table}).scalars().all())

    def has_table(self, table: str) -> bool:
        return self.con.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is not None

    def add_donors(self) -> None:
        _write_donors(self.con, self.seed_dir)
        prov = _read_provenance(self.con)
        prov["donors"] = donor_provenance(self.seed_dir)
        _write_provenance(self.con, prov)


_AUDIT_COLS = 'id, ts, "user", action, project_id, revision, before, after, note'


def _written(rec: Any) -> Any:
    assert rec is not None
    return rec


def _bump(con: Connection) -> None:
    con.execute(text("UPDATE atlas_meta SET value = (value::bigint + 1)::text WHERE key='data_version'"))


def _get(con: Connection, project_id: str) -> ProjectRecord | None:
    """The project and its lines in one query (one round trip: an edit reads a project twice)."""
    cols = list(schema.ALL_PROJECT_COLUMNS)
    rows = con.execute(text(
        f"SELECT {', '.join('p.' + _q(c) for c in cols)}, p.revision, f.fid, {', '.join('f.' + _q(c) for c in LINE_COLUMNS)}"
        " FROM projects p LEFT JOIN funding f ON f.project_id = p.project_id WHERE p.project_id=:id ORDER BY f.fid"),
        {"id": project_id}).all()
    if not rows:
        return None
    n = len(cols)
    lines = [dict(zip(LINE_COLUMNS, r[n + 2:])) for r in rows if r[n + 1] is not None]
    return ProjectRecord(clean_project(dict(zip(cols, rows[0][:n]))), clean_lines(lines), int(rows[0][n]))


def _insert_lines(con: Connection, pid: str, lines: list[dict]) -> None:
    if lines:
        con.execute(text(f"INSERT INTO funding (project_id, {', '.join(_q(c) for c in LINE_COLUMNS)}) "
                         f"VALUES (:pid, {', '.join(f':p{i}' for i in range(len(LINE_COLUMNS)))})"),
                    [{"pid": pid, **{f"p{i}": plain_value(line[c]) for i, c in enumerate(LINE_COLUMNS)}} for line in lines])


def _insert(con: Connection, p: dict, lines: list[dict], revision: int) -> None:
    cols = list(schema.ALL_PROJECT_COLUMNS)
    con.execute(text(f"INSERT INTO projects ({', '.join(_q(c) for c in cols)}, revision) "
                     f"VALUES ({', '.join(f':p{i}' for i in range(len(cols)))}, :rev)"),
                {**{f"p{i}": plain_value(p[c]) for i, c in enumerate(cols)}, "rev": revision})
    _insert_lines(con, p["project_id"], lines)


def _update(con: Connection, cur: ProjectRecord | None, pid: str, expected: int, p: dict, lines: list[dict]) -> None:
    """Write ``p`` over revision ``expected`` (row count checked), then its funding lines."""
    cols = list(schema.ALL_PROJECT_COLUMNS)
    sets = ", ".join(f"{_q(c)}=:p{i}" for i, c in enumerate(cols))
    n = con.execute(text(f"UPDATE projects SET {sets}, revision=revision+1 WHERE project_id=:id AND revision=:rev"),
                    {**{f"p{i}": plain_value(p[c]) for i, c in enumerate(cols)}, "id": pid, "rev": expected}).rowcount
    if n != 1 or cur is None:
        raise ConflictError(pid, expected, cur, {"project": p, "funding": lines})
    con.execute(text("DELETE FROM funding WHERE project_id=:id"), {"id": pid})
    _insert_lines(con, pid, lines)


def _audit(con: Connection, user: str, action: str, project_id: str | None, revision: int | None,
           before: str | None, after: str | None, note: str = "") -> None:
    try:
        con.execute(text('INSERT INTO atlas_audit (ts, "user", action, project_id, revision, before, after, note) '
                         "VALUES (:ts, :user, :action, :pid, :rev, :before, :after, :note)"),
                    {"ts": utc_now(), "user": user, "action": action, "pid": project_id,
                     "rev": revision, "before": before, "after": after, "note": note})
    except IntegrityError as err:  # a check or trigger on the log; the caller's transaction is rolled back
        reason = str(err.orig).strip().splitlines()[0] if err.orig else type(err).__name__
        raise AuditRefused("err.audit_refused", reason=reason) from err


def _entry(row: tuple) -> AuditEntry:
    i, ts, user, action, pid, rev, before, after, note = row
    return AuditEntry(int(i), ts, user, action, pid, rev, json.loads(before) if before else None,
                      json.loads(after) if after else None, note or "")


def _write_provenance(con: Connection, prov: dict[str, schema.Provenance]) -> None:
    rows = [{"layer": p.layer, "title_vi": p.title.vi, "title_en": p.title.en, "source": p.source,
             "licence": p.licence, "date": p.date, "quality": p.quality.value, "method": p.method,
             "notes": json.dumps(p.notes, ensure_ascii=False)} for p in prov.values()]
    write_table(con, "atlas_provenance", pd.DataFrame(rows, dtype="str"))


def _read_provenance(con: Connection) -> dict[str, schema.Provenance]:
    out = {}
    for r in read_table(con, "atlas_provenance").to_dict("records"):
        out[r["layer"]] = schema.Provenance(
            layer=r["layer"], title=schema.Label(r["title_vi"], r["title_en"]), source=r["source"],
            licence=r["licence"], date=r["date"], quality=schema.Quality(r["quality"]), method=r["method"],
            notes=json.loads(r["notes"] or "{}"),
        )
    return out


def _read_config(con: Connection) -> AtlasConfig:
    value = con.execute(text("SELECT value FROM atlas_meta WHERE key='config'")).scalar()
    return stored_config(value, "atlas_meta") if value else DEFAULT_CONFIG


def _get_donor(con: Connection, donor_id: str) -> DonorRecord | None:
    cols = list(schema.DONOR_COLUMNS)
    row = con.execute(text(f"SELECT {', '.join(_q(c) for c in cols)}, revision FROM donors WHERE donor_id=:id"),
                      {"id": donor_id}).first()
    if row is None:
        return None
    rec = {c: ("" if v is None and schema.DONOR_COLUMNS[c] == "str" else v) for c, v in zip(cols, row[:-1])}
    return DonorRecord(rec, int(row[-1]))


def _donor_json(rec: dict) -> str:
    return json.dumps({c: rec[c] for c in schema.DONOR_COLUMNS}, ensure_ascii=False, sort_keys=True)


def _donor_note(donor_id: str, note: str) -> str:
    return f"donor {donor_id}" + (f": {note}" if note else "")


def open_url(url: str) -> PostgisStore:
    """The store at ``url``, seeded on first use from the bundle (``$ATLAS_BUNDLE_DIR`` or the bundled data)."""
    from geo.ingest.atlas_toml import bundle_dir

    return PostgisStore(url, seed_dir=bundle_dir()).open()


# --- whole tables, for copies and backups (geo/storage/tables.py) ------------------------------------------
_KIND_OF_SQL = {"boolean": "bool", "integer": "int32", "smallint": "int32", "bigint": "int",
                "double precision": "float", "real": "float", "text": "str", "character varying": "str",
                "geometry": "geometry"}
_SQL_OF_KIND = {**_SQL_TYPES, "geometry": f"geometry(Geometry, {SRID})"}
#: Tables PostGIS itself keeps in the schema (never the atlas's).
_POSTGIS_TABLES = {"spatial_ref_sys", "topology", "layer"}


def store_tables(con: Connection) -> list[str]:
    """Every table of the database's current schema that is not PostGIS's own, by name."""
    names = con.execute(text("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                             " AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE \"C\"")).scalars()
    return [n for n in names if n not in _POSTGIS_TABLES]


def _default(expr: str | None) -> int | float | str | None:
    if expr is None or expr.startswith("nextval("):
        return None
    value = expr.split("::")[0]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return None


def dump_table(con: Connection, name: str):
    """Table ``name`` as a :class:`geo.storage.tables.Table` (key included, rows in key order, WKB geometry)."""
    from geo.storage.tables import Column, Table

    info = con.execute(text(
        "SELECT column_name, data_type, udt_name, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position"), {"t": name}).all()
    pk = set(con.execute(text(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = CAST(:t AS regclass) AND i.indisprimary"), {"t": _q(name)}).scalars())
    columns = []
    for col, dt, udt, nullable, default in info:
        kind = _KIND_OF_SQL.get(udt if dt == "USER-DEFINED" else dt, "str")
        columns.append(Column(col, kind, nullable == "NO", _default(default), col in pk))
    key = next((c for c in columns if c.primary), None)
    select = [f"ST_AsBinary({_q(c.name)})" if c.kind == "geometry" else _q(c.name) for c in columns]
    # text keys in byte order, as SQLite sorts them, whatever the server's locale (checksums compare rows in order)
    collate = ' COLLATE "C"' if key is not None and key.kind == "str" else ""
    order = f" ORDER BY {_q(key.name)}{collate}" if key else ""
    rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r)
            for r in con.execute(text(f"SELECT {', '.join(select)} FROM {_q(name)}{order}")).all()]
    if any(c.kind == "geometry" for c in columns) and rows:
        from geo.storage.tables import to_wkb

        geo_idx = [i for i, c in enumerate(columns) if c.kind == "geometry"]
        rows = [list(r) for r in rows]  # type: ignore[misc]
        for i in geo_idx:
            wkbs = to_wkb(list(shapely.from_wkb(np.array([r[i] for r in rows], dtype=object))))
            for r, w in zip(rows, wkbs):
                r[i] = w  # type: ignore[index]
        rows = [tuple(r) for r in rows]
    idx = con.execute(text(
        "SELECT c.relname, i.indisunique, array_agg(a.attname ORDER BY k.n) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
        "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = CAST(:t AS regclass) AND NOT i.indisprimary AND am.amname = 'btree' "
        "GROUP BY c.relname, i.indisunique"), {"t": _q(name)}).all()
    indexes = sorted((n, tuple(cols), bool(u)) for n, u, cols in idx)
    return Table(name, tuple(columns), rows, indexes)


def create_table(con: Connection, table) -> None:
    """(Re)create ``table`` with its rows (ids kept, sequence moved past them) and indexes, in the caller's
    transaction; geometry gets a GiST index as every layer does."""
    con.execute(text(f"DROP TABLE IF EXISTS {_q(table.name)} CASCADE"))
    defs = []
    for c in table.columns:
        if c.primary and c.kind in ("int", "int32"):
            defs.append(f"{_q(c.name)} {'bigserial' if c.kind == 'int' else 'serial'} PRIMARY KEY")
            continue
        d = f"{_q(c.name)} {_SQL_OF_KIND[c.kind]}"
        if c.primary:
            d += " PRIMARY KEY"
        elif c.notnull:
            d += " NOT NULL"
        if c.default is not None:
            d += " DEFAULT " + ("'" + c.default.replace("'", "''") + "'" if isinstance(c.default, str)
                                else repr(c.default))
        defs.append(d)
    con.execute(text(f"CREATE TABLE {_q(table.name)} ({', '.join(defs)})"))
    if table.rows:  # COPY: an order of magnitude faster than INSERTs for a province's funding lines
        geo_idx = [i for i, c in enumerate(table.columns) if c.kind == "geometry"]
        hexes = {i: _ewkb_hex([r[i] for r in table.rows]) for i in geo_idx}
        kinds = [c.kind for c in table.columns]
        cur = con.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cur.copy(f"COPY {_q(table.name)} ({', '.join(_q(c.name) for c in table.columns)}) FROM STDIN") as out:
            for n, row in enumerate(table.rows):
                out.write_row([hexes[i][n] if i in hexes else _cell(v, kinds[i]) for i, v in enumerate(row)])
    key = table.key
    if key is not None and key.kind in ("int", "int32"):
        con.execute(text(f"SELECT setval(pg_get_serial_sequence(:t, :c), "
                         f"coalesce((SELECT max({_q(key.name)}) FROM {_q(table.name)}), 0) + 1, false)"),
                    {"t": _q(table.name), "c": key.name})
    for c in table.columns:
        if c.kind == "geometry":
            con.execute(text(f"CREATE INDEX {_q(table.name + '_' + c.name)} ON {_q(table.name)} USING GIST ({_q(c.name)})"))
    for iname, cols, unique in table.indexes:
        con.execute(text(f"CREATE {'UNIQUE ' if unique else ''}INDEX {_q(iname)} ON {_q(table.name)} "
                         f"({', '.join(_q(c) for c in cols)})"))


def _ewkb_hex(wkbs: list) -> list[str | None]:
    """WKB → hex EWKB carrying SRID 4326 (what a ``geometry(Geometry, 4326)`` column takes as text)."""
    geoms = shapely.from_wkb(np.array(wkbs, dtype=object))
    geoms = shapely.set_srid(geoms, SRID)
    return [None if g is None else str(g) for g in shapely.to_wkb(geoms, hex=True, include_srid=True,
                                                                   byte_order=1, output_dimension=2)]


def _cell(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    return value
