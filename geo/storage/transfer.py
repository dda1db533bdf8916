"""Moving a whole store: ``store copy`` (GeoPackage ⇄ PostGIS, either direction), ``init``, ``backup`` and
``restore``, all through :class:`geo.storage.interface.StoreTransfer`.

A copy reads every table of the source in one snapshot (:mod:`geo.storage.tables`: layers, projects,
funding, units, donors, provenance, audit trail, schema version and any table another feature adds), writes
them into the target in one transaction (or a new file moved into place), then reads the target back and
compares row counts and content checksums table by table. A target that already holds data is refused
unless ``replace`` is given. Refusals are :class:`geo.storage.records.StoreUnavailable` sentences.

>>> location_kind("postgresql://lan@db/atlas"), location_kind("/srv/atlas/atlas.gpkg")
('postgis', 'gpkg')
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geo.ingest.atlas_toml import bundle_dir
from geo.storage.interface import Store
from geo.storage.records import StoreUnavailable
from geo.storage.tables import Table, checksum


def location_kind(location: str) -> str:
    """``postgis`` for a database URL, ``gpkg`` for a file path (anything else with ``://`` is refused later)."""
    return "postgis" if "://" in location else "gpkg"


def open_location(location: str) -> Store:
    """The store at a GeoPackage path or a ``postgresql://`` URL, opened without creating or seeding anything."""
    if location_kind(location) == "postgis":
        from geo.storage.postgis_store import PostgisStore, driver_url

        driver_url(location)  # a URL that is not PostgreSQL is refused with its own sentence
        return PostgisStore(location, seed_dir=bundle_dir())
    from geo.storage.gpkg_store import GpkgStore

    return GpkgStore(Path(location).expanduser(), seed_dir=bundle_dir())


@dataclass(frozen=True)
class TableSummary:
    name: str
    rows: int
    checksum: str


def summary(tables: list[Table]) -> list[TableSummary]:
    return [TableSummary(t.name, len(t.rows), checksum(t)) for t in sorted(tables, key=lambda t: t.name)]


def verify(expected: list[Table], got: list[Table], where: str) -> list[TableSummary]:
    """Row counts and checksums of ``got`` equal those of ``expected``, table by table (else a sentence)."""
    mine, theirs = summary(expected), {s.name: s for s in summary(got)}
    for s in mine:
        other = theirs.get(s.name)
        if other is None:
            raise StoreUnavailable("store.verify_missing", table=s.name, dst=where)
        if other.rows != s.rows:
            raise StoreUnavailable("store.verify_rows", table=s.name, dst=where, expected=s.rows, found=other.rows)
        if other.checksum != s.checksum:
            raise StoreUnavailable("store.verify_checksum", table=s.name, dst=where)
    extra = sorted(set(theirs) - {s.name for s in mine})
    if extra:
        raise StoreUnavailable("store.verify_missing", table=", ".join(extra), dst=where)
    return mine


def _same(a: str, b: str) -> bool:
    if location_kind(a) != location_kind(b):
        return False
    if location_kind(a) == "gpkg":
        return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()
    return a == b


def copy(source: str, target: str, replace: bool = False) -> list[TableSummary]:
    """Copy every table of the store at ``source`` into ``target`` and verify it; returns what was copied."""
    if _same(source, target):
        raise StoreUnavailable("store.same", src=open_location(source).location())
    src, dst = open_location(source), open_location(target)
    return copy_between(src, dst, replace)


def copy_between(src: Store, dst: Store, replace: bool = False) -> list[TableSummary]:
    if src.is_empty():
        raise StoreUnavailable("store.source_empty", src=src.location())
    tables = src.dump_tables()
    if not replace and not dst.is_empty():
        raise StoreUnavailable("store.target_not_empty", dst=dst.location())
    dst.replace_tables(tables)
    return verify(tables, dst.dump_tables(), dst.location())


def init(location: str) -> tuple[str, bool]:
    """Create the store at ``location`` with the schema and the bundled data. Returns (where, created);
    a location that already holds an atlas store is left as it is (``created`` False)."""
    store = open_location(location)
    if not store.is_empty():
        store.dump_tables()  # an atlas store opens (migrated if older); anything else is explained
        return store.location(), False
    store.version()  # opening an empty store seeds it from the bundle
    return store.location(), True


def backup(store: Store, out: Path, replace: bool = False) -> list[TableSummary]:
    """A consistent GeoPackage snapshot of any store in ``out``, checked by reading it back."""
    from geo.storage.gpkg_store import GpkgStore, make_folder

    out = Path(out).expanduser()
    if out.exists() and not replace:
        raise StoreUnavailable("store.out_exists", out=str(out))
    if isinstance(store, GpkgStore) and out.resolve() == store.path.resolve():
        raise StoreUnavailable("store.same", src=str(out))
    make_folder(out.parent, out)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:6]}.snapshot")
    try:
        snap = GpkgStore(tmp)
        if isinstance(store, GpkgStore):  # SQLite's online backup: a page-exact copy of one moment
            store.backup_to(tmp)
            problems = snap.integrity_problems()
            if problems:
                raise StoreUnavailable("store.verify_backup", out=str(out), detail=str(problems[0]))
            made = summary(snap.dump_tables())
        else:
            tables = store.dump_tables()
            snap.replace_tables(tables)
            made = verify(tables, snap.dump_tables(), str(out))
        os.replace(tmp, out)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
    return made


def safety_dir(store: Store) -> Path:
    """Where ``restore`` keeps the data it replaces: ``backups/`` beside a store file, else in the data folder."""
    from geo.storage.gpkg_store import GpkgStore, data_dir

    return (store.path.parent if isinstance(store, GpkgStore) else data_dir()) / "backups"


def restore(snapshot: Path, store: Store, safety_dir: Path | None = None) -> tuple[list[TableSummary], Path | None]:
    """Make ``store`` hold exactly the snapshot (a GeoPackage made by :func:`backup` or any atlas store file).

    The snapshot itself is never changed (an older one is migrated in a temporary copy). When ``safety_dir``
    is given and the store holds data, its current content is first backed up there. Returns what was
    restored and the safety backup's path."""
    from geo.storage.gpkg_store import GpkgStore

    snapshot = Path(snapshot).expanduser()
    if not snapshot.is_file():
        raise StoreUnavailable("err.store_missing", path=str(snapshot))
    with tempfile.TemporaryDirectory(prefix="atlas-restore-") as tmp:
        work = Path(tmp) / "snapshot.gpkg"
        shutil.copyfile(snapshot, work)
        src = GpkgStore(work)
        if src.is_empty():
            raise StoreUnavailable("store.source_empty", src=str(snapshot))
        tables = src.dump_tables()
    saved = None
    if safety_dir is not None and not store.is_empty():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        saved = Path(safety_dir) / f"before-restore-{stamp}-{uuid.uuid4().hex[:4]}.gpkg"
        backup(store, saved)
    store.replace_tables(tables)
    return verify(tables, store.dump_tables(), store.location()), saved
