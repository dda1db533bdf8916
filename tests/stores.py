"""The stores every store test runs against, shared by test modules (a test module never imports another).

:data:`BACKENDS` and the ``backend`` fixture (registered in tests/conftest.py): one per implementation, the
GeoPackage file and a real PostGIS server (a throwaway cluster, tests/pg_cluster.py; skipped when PostgreSQL is
not installed, a failure with ``ATLAS_REQUIRE_POSTGIS=1`` as in CI). A new implementation joins every store test
by adding its name to :data:`BACKENDS` and a branch in :func:`backend`. :func:`refuse_audit`: the database itself refuses some audit rows. :func:`snapshot` / :func:`assert_unchanged`:
everything a user can read from a store, before and after a write that must change nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.storage.interface import Store

BACKENDS = ["gpkg", "postgis"]
FEATURE_LAYERS = ("communes", "crop_zones", "risk_zones", "landslide_events")
TABLES = ("projects", "funding", "units_2025")


@dataclasses.dataclass(frozen=True)
class Backend:
    name: str
    #: A new store object over the same data (what an app restart or a second process sees).
    open: Callable[[], Store]
    #: Run SQL on the database itself, outside the store (to make it look like an older app wrote it).
    sql: Callable[[str], list] = lambda statement: []
    #: Forget what this process knows about the database (as a new app process would).
    forget: Callable[[], None] = lambda: None


@pytest.fixture(params=BACKENDS)
def backend(request, atlas_data_dir) -> Backend:
    """One store implementation, seeded from the bundled data, private to the test."""
    if request.param == "gpkg":
        from geo.storage.gpkg_store import STORE_FILE, GpkgStore

        path = atlas_data_dir / STORE_FILE

        def sqlite_sql(statement: str) -> list:
            import sqlite3

            con = sqlite3.connect(path)
            try:
                rows = con.execute(statement).fetchall()
                con.commit()
                return rows
            finally:
                con.close()

        return Backend("gpkg", lambda: GpkgStore(path), sqlite_sql)
    if request.param == "postgis":
        from geo.storage.postgis_store import PostgisStore

        url = request.getfixturevalue("postgis_url")
        from geo.storage import postgis_store

        def pg_sql(statement: str) -> list:
            import psycopg

            with psycopg.connect(url, autocommit=True) as con:
                cur = con.execute(statement)
                return cur.fetchall() if cur.description else []

        return Backend("postgis", lambda: PostgisStore(url), pg_sql, lambda: postgis_store.dispose(url))
    raise AssertionError(f"no fixture for store {request.param}")


def refuse_audit(backend: Backend, column: str, value: str) -> None:
    """Make the database itself refuse audit rows whose ``column`` is ``value`` (the store is not told)."""
    if backend.name == "gpkg":
        backend.sql(f"CREATE TRIGGER refuse_audit BEFORE INSERT ON atlas_audit WHEN NEW.{column} = '{value}' "
                    "BEGIN SELECT RAISE(ABORT, 'audit row refused by the test'); END")
    else:
        backend.sql(f"ALTER TABLE atlas_audit ADD CONSTRAINT refuse_audit CHECK ({column} IS DISTINCT FROM '{value}') NOT VALID")


def snapshot(store: Store) -> dict:
    """Everything a user can read from a store."""
    ds = store.load()
    return {"ds": ds, "donors": store.list_donors(), "audit": store.audit_log(10_000),
            "revisions": store.project_revisions(), "version": store.version(), "users": store.list_users(),
            "money": store.money_records(), "beneficiaries": store.beneficiaries(),
            "results": store.result_indicators(), "basemap": store.basemap()}


def assert_unchanged(before: dict, store: Store) -> None:
    after = snapshot(store)
    for layer in FEATURE_LAYERS:
        assert_geodataframe_equal(getattr(after["ds"], layer), getattr(before["ds"], layer))
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(after["ds"], table), getattr(before["ds"], table))
    assert after["ds"].provenance == before["ds"].provenance and after["ds"].config == before["ds"].config
    pd.testing.assert_frame_equal(after["donors"], before["donors"])
    assert after["audit"] == before["audit"]
    assert after["revisions"] == before["revisions"]
    assert after["version"] == before["version"]
    assert after["users"] == before["users"]
    assert after["basemap"] == before["basemap"]
    pd.testing.assert_frame_equal(after["money"], before["money"])
    pd.testing.assert_frame_equal(after["beneficiaries"], before["beneficiaries"])
    pd.testing.assert_frame_equal(after["results"], before["results"])
