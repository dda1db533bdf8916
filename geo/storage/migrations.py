"""Schema migrations: ONE list of numbered steps, run by both stores (GeoPackage and PostGIS).

A store whose ``atlas_meta.schema_version`` is older than :data:`SCHEMA_VERSION` runs the steps after it, in
order, in one transaction with the version update, and logs them as one ``migrate`` audit row
(:func:`upgrade` returns its note). A step sees the database only through :class:`Target` (each store adapts its
own connection), so a step is written once: plain SQL that SQLite and PostgreSQL both run, plus the few
operations whose SQL differs (writing the donors table). Every step is idempotent (it checks what is already
there), so a store is never recreated and no user row is lost. New databases are seeded at :data:`SCHEMA_VERSION`
directly (their seed creates what the steps would).

Versions: 1 = the layers and projects; 2 adds the ``donors`` table (donor profiles with revisions, audited);
3 gives every project its ``unit_version`` (existing projects: ``"2021"``, the units they were entered in);
4 indexes ``communes.code`` (every edit checks its commune code: in a GeoPackage the code sits after the
geometry, so without the index each check read every boundary); 5 adds ``atlas_users`` (accounts, issue 15;
empty, so the store stays single-user until an account is added); 6 moves project statuses onto the approval
workflow (:data:`geo.model.schema.LEGACY_STATUSES`: idea → proposal, pitched → approved for pitching).
7 adds ``money`` (dated money records, issue 16: each funding line's committed and disbursed totals
become one UNDATED record each, never a guessed date). 8 gives projects ``description_en`` (blank) and adds
the ``beneficiaries`` and ``result_indicators`` tables (issue 16 item 3; empty: nothing is invented).
9 adds ``atlas_basemap`` (the offline basemap, issue 19; empty until one is imported). 10 gives projects
``dac_sectors`` (blank: the IATI export states the content area's default DAC sectors,
:data:`geo.model.schema.DAC_SECTORS`, until someone types a project's own). 11 gives
projects ``iati_identifier`` (blank: no project came from an IATI file yet; issue 16 item 5).

>>> sorted(STEPS) == list(range(2, SCHEMA_VERSION + 1))
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from geo.model import schema

SCHEMA_VERSION = 11
OLDEST = 1  # the oldest schema a step leads from
#: The index of step 4; seeds and layer replacements of ``communes`` create it too.
CODE_INDEX = "CREATE INDEX IF NOT EXISTS communes_code ON communes (code)"


class Target(Protocol):
    """A store's open write transaction, as the steps see it."""

    #: The store's SQL types for a 64-bit integer and a double (SQLite ``INTEGER``/``REAL``; PostgreSQL
    #: ``bigint``/``double precision``), for the few columns where the two differ.
    big_int: str
    double: str

    def execute(self, sql: str, params: dict | None = None) -> None:
        """Run SQL valid in SQLite and PostgreSQL (``:name`` parameters)."""
        ...

    def columns(self, table: str) -> set[str]: ...

    def has_table(self, table: str) -> bool: ...

    def add_donors(self) -> None:
        """Create the ``donors`` table from the bundle's starter list, and its provenance row."""
        ...


def _donors(db: Target) -> str:
    if not db.has_table("donors"):
        db.add_donors()
    return "donor profiles added from the bundled starter list"


def _unit_version(db: Target) -> str:
    have = db.columns("projects")
    for col, default in {"unit_version": schema.PROJECT_DEFAULTS["unit_version"]}.items():  # later columns: step 8
        if col not in have:  # stores seeded before issue 8
            db.execute(f"ALTER TABLE projects ADD COLUMN {col} TEXT NOT NULL DEFAULT '{default}'")
        # rows saved while the store dropped the column were validated as the default's codes
        db.execute(f"UPDATE projects SET {col} = :d WHERE {col} IS NULL OR trim({col}) = ''", {"d": default})
    return f"projects get unit_version (existing projects: {schema.PROJECT_DEFAULTS['unit_version']})"


def _code_index(db: Target) -> str:
    db.execute(CODE_INDEX)
    return "communes get an index on code"


def _workflow_statuses(db: Target) -> str:
    moved = []
    for old, new in schema.LEGACY_STATUSES.items():
        db.execute("UPDATE projects SET status = :new WHERE status = :old", {"new": new, "old": old})
        moved.append(f"{old} → {new}")
    return "project statuses follow the approval workflow (" + ", ".join(moved) + ")"


def _accounts(db: Target) -> str:
    from geo.storage.accounts import USERS_DDL  # accounts builds on the stores; the step only needs its table

    db.execute(USERS_DDL)
    return "accounts table added (no accounts yet)"


def _money(db: Target) -> str:
    from geo.storage.money import money_from_totals  # the money mixin builds on the stores; the step needs its table

    return money_from_totals(db)


def _results(db: Target) -> str:
    from geo.storage.results import results_tables  # as for money: the mixin's module owns its tables

    return results_tables(db)


def _basemap(db: Target) -> str:
    from geo.storage.basemap import basemap_table  # as for money: the mixin's module owns its table

    return basemap_table(db)


def _dac_sectors(db: Target) -> str:
    if "dac_sectors" not in db.columns("projects"):
        db.execute("ALTER TABLE projects ADD COLUMN dac_sectors TEXT NOT NULL DEFAULT ''")
    # rows saved while the store lacked the column take the default, the content area's sectors
    db.execute("UPDATE projects SET dac_sectors = '' WHERE dac_sectors IS NULL")
    return "projects get dac_sectors (blank: the content area's default DAC sectors)"


def _iati_identifier(db: Target) -> str:
    # the IATI import (geo/ingest/iati.py) finds the project of an activity by this column; blank = not imported
    if "iati_identifier" not in db.columns("projects"):
        db.execute("ALTER TABLE projects ADD COLUMN iati_identifier TEXT NOT NULL DEFAULT ''")
    return "projects get iati_identifier (blank)"


#: Step ``n`` brings schema ``n - 1`` to ``n`` and returns its line of the ``migrate`` note.
STEPS: dict[int, Callable[[Target], str]] = {
    2: _donors, 3: _unit_version, 4: _code_index, 5: _accounts, 6: _workflow_statuses, 7: _money,
    8: _results, 9: _basemap, 10: _dac_sectors, 11: _iati_identifier,
}


def upgrade(db: Target, found: int) -> str:
    """Run the steps ``found + 1 … SCHEMA_VERSION`` in the caller's transaction; the ``migrate`` audit note."""
    lines = [STEPS[n](db) for n in range(found + 1, SCHEMA_VERSION + 1)]
    return f"schema {found} → {SCHEMA_VERSION}: " + "; ".join(lines)
