"""What only the shared PostGIS store does (the common behaviour is tests/test_store_contract.py):
choosing it by ATLAS_DATABASE_URL, a clear message when its server is down, GeoPackage content moving
to it unchanged, several processes editing it without a lost update, and what a GIS office sees in it."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import subprocess
import sys
import time

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.ingest.records import frame_to_records
from geo.ingest.validate import DataError
from geo.storage.migrations import SCHEMA_VERSION
from geo.storage.records import ConflictError, StoreUnavailable
from geo.storage.store import default_store
from tests.helpers import ROOT
from tests.pg_cluster import free_port

FEATURE_LAYERS = ("communes", "crop_zones", "risk_zones", "landslide_events")


def _down_url() -> str:
    return f"postgresql://lan:s3cret-pw@127.0.0.1:{free_port()}/atlas"  # nothing listens there


# --- choosing the store; a server that is down ------------------------------------------------------------
def test_without_a_database_url_the_store_is_the_local_geopackage(monkeypatch):
    monkeypatch.delenv("ATLAS_DATABASE_URL", raising=False)
    store = default_store()
    assert store.location().endswith(".gpkg") and store.get_project("TD-001") is not None


def test_the_database_url_chooses_the_shared_server(monkeypatch, postgis_url):
    monkeypatch.setenv("ATLAS_DATABASE_URL", postgis_url)
    store = default_store()
    assert store.location() == postgis_url and not store.location().endswith(".gpkg")
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="KOICA"), rec.funding, rec.revision, "Lan")
    monkeypatch.delenv("ATLAS_DATABASE_URL")
    assert default_store().get_project("TD-001").project["donor"] != "KOICA"  # the local file is untouched


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_cli_names_the_unreachable_server_and_the_fix_without_the_password(lang):
    url = _down_url()
    env = dict(os.environ, ATLAS_DATABASE_URL=url)
    out = subprocess.run([sys.executable, "-m", "geo", "--lang", lang, "info"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr and "s3cret-pw" not in out.stderr + out.stdout
    assert url.replace("s3cret-pw", "***") in out.stderr and "ATLAS_DATABASE_URL" in out.stderr
    assert ("Không kết nối được" if lang == "vi" else "Cannot connect") in out.stderr


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_app_says_which_server_failed_instead_of_a_traceback(app_page, monkeypatch, lang):
    url = _down_url()
    monkeypatch.setenv("ATLAS_DATABASE_URL", url)
    at = app_page(lang=lang)
    assert not at.exception
    (error,) = at.error
    assert url.replace("s3cret-pw", "***") in error.value and "s3cret-pw" not in error.value
    assert ("Không kết nối được" if lang == "vi" else "Cannot connect") in error.value


def test_a_url_that_is_not_postgresql_is_explained(monkeypatch):
    monkeypatch.setenv("ATLAS_DATABASE_URL", "mysql://lan:s3cret-pw@db/atlas")
    with pytest.raises(StoreUnavailable) as err:
        default_store()
    vi, en = err.value.text("vi"), err.value.text("en")
    assert vi != en and "postgresql://" in en and "s3cret-pw" not in vi + en


def test_app_on_the_shared_server_shows_an_edit_made_elsewhere_on_the_next_rerun(app_page, monkeypatch, postgis_url):
    from geo.storage.postgis_store import PostgisStore

    monkeypatch.setenv("ATLAS_DATABASE_URL", postgis_url)
    at = app_page("pages/overview.py", lang="en")
    assert not at.exception and not at.error

    def projects_shown() -> int:
        (metric,) = [m for m in at.metric if m.label == "Projects"]
        return int(str(metric.value).replace(",", "").replace(".", ""))

    n = projects_shown()
    other = PostgisStore(postgis_url)  # another app process's store on the same database
    other.delete_project("TD-004", other.get_project("TD-004").revision, "Minh")
    at.run()
    assert not at.exception and projects_shown() == n - 1


def test_a_server_lost_mid_session_gives_the_same_message_and_the_store_recovers(tmp_path):
    from geo.storage import postgis_store
    from tests import pg_cluster

    cluster = pg_cluster.start_cluster()  # its own server: this test stops it
    try:
        url = cluster.url(cluster.new_database(), password="s3cret-pw")  # trust auth: the password is not checked
        store = postgis_store.PostgisStore(url)
        n = len(store.load().projects)
        cluster.stop()
        with pytest.raises(StoreUnavailable) as err:
            store.load()
        assert url.replace("s3cret-pw", "***") in err.value.text("vi") and "s3cret-pw" not in err.value.text("en")
        cluster.restart()
        assert len(store.load().projects) == n  # same store object, no app restart
        rec = store.get_project("TD-001")
        assert store.update_project("TD-001", rec.project, [], rec.revision, "Lan").revision == rec.revision + 1
    finally:
        postgis_store.dispose(url)
        pg_cluster.remove(cluster)


def _new_projects(n: int) -> list[tuple[dict, list[dict]]]:
    return [({"project_id": f"BIG-{i:05d}", "name_vi": f"Dự án nhập {i}", "commune_code": "03424",
              "content_area": 1 + i % 10, "status": "proposal", "start_year": 2024, "end_year": 2025,
              "quality": "official"}, [{"source": "ngo", "need": 1_000 + i, "committed": 0, "disbursed": 0}])
            for i in range(n)]


def test_a_server_killed_mid_import_leaves_the_database_whole_and_the_same_store_recovers():
    import threading

    from geo.storage import postgis_store
    from tests import pg_cluster

    cluster = pg_cluster.start_cluster()  # its own server: this test kills it
    url = cluster.url(cluster.new_database())
    try:
        store = postgis_store.PostgisStore(url)
        for who in ("Lan", "Minh"):  # accepted writes before the crash
            rec = store.get_project("TD-001")
            store.update_project("TD-001", dict(rec.project, donor=who), rec.funding, rec.revision, who)
        audit = _sql(url, "SELECT count(*) FROM atlas_audit")[0][0]
        n_projects = _sql(url, "SELECT count(*) FROM projects")[0][0]
        version, revision = store.version(), store.get_project("TD-001").revision

        records = _new_projects(4_000)
        outcome: dict[str, object] = {}

        def big_import() -> None:
            try:
                outcome["counts"] = store.apply_projects(records, {p["project_id"]: None for p, _ in records}, "Hoa")
            except Exception as err:  # noqa: BLE001  (what the page would show is checked below)
                outcome["error"] = err

        worker = threading.Thread(target=big_import)
        worker.start()
        # The import's transaction has written (it holds a transaction id) and is inserting projects: kill then.
        deadline = time.time() + 60
        while not _sql(url, "SELECT 1 FROM pg_stat_activity WHERE application_name='tam-duong-atlas' "
                            "AND backend_xid IS NOT NULL AND query LIKE '%projects%'"):
            assert time.time() < deadline and worker.is_alive(), outcome
            time.sleep(0.02)
        cluster.kill()
        worker.join(60)
        assert "counts" not in outcome  # it was killed mid-transaction, not after its commit
        assert isinstance(outcome.get("error"), StoreUnavailable)  # the page's clear message, not a traceback
        cluster.restart()  # crash recovery

        # Consistent: the import is wholly absent, the audit trail holds exactly the accepted writes.
        assert _sql(url, "SELECT count(*) FROM projects WHERE project_id LIKE 'BIG-%'") == [(0,)]
        assert _sql(url, "SELECT count(*) FROM funding WHERE project_id LIKE 'BIG-%'") == [(0,)]
        assert _sql(url, "SELECT count(*) FROM projects")[0][0] == n_projects
        assert _sql(url, "SELECT count(*) FROM atlas_audit")[0][0] == audit
        # The same store object (the same process, no restart) answers its next call and writes again.
        assert store.version() == version and store.get_project("TD-001").revision == revision
        assert store.apply_projects(records[:10], {p["project_id"]: None for p, _ in records[:10]}, "Hoa") == {
            "created": 10, "updated": 0, "unchanged": 0}
        assert _sql(url, "SELECT count(*) FROM atlas_audit")[0][0] == audit + 10
        assert store.version() != version
    finally:
        postgis_store.dispose(url)
        pg_cluster.remove(cluster)


# --- the database itself --------------------------------------------------------------------------------
def _sql(url: str, statement: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        cur = con.execute(statement)
        return cur.fetchall() if cur.description else []


def test_layers_are_epsg4326_geometries_with_a_spatial_index(postgis_url):
    from geo.storage.postgis_store import PostgisStore

    PostgisStore(postgis_url).load()
    cols = dict(_sql(postgis_url, "SELECT f_table_name, srid FROM geometry_columns"))
    assert {layer: cols.get(layer) for layer in FEATURE_LAYERS} == dict.fromkeys(FEATURE_LAYERS, 4326)
    gist = {t for t, d in _sql(postgis_url, "SELECT tablename, indexdef FROM pg_indexes") if "USING gist" in d}
    assert set(FEATURE_LAYERS) <= gist


@pytest.mark.parametrize("found", ["99", "0"])
def test_a_database_of_a_schema_it_cannot_use_is_refused_and_kept(postgis_url, found):
    from geo.storage import postgis_store

    postgis_store.PostgisStore(postgis_url).load()
    _sql(postgis_url, f"UPDATE atlas_meta SET value='{found}' WHERE key='schema_version'")
    postgis_store.dispose(postgis_url)  # as a new app process would
    with pytest.raises(DataError) as err:
        postgis_store.PostgisStore(postgis_url).load()
    (p,) = err.value.problems
    assert found in p.text("vi") and found in p.text("en") and p.text("vi") != p.text("en")
    assert _sql(postgis_url, "SELECT count(*) FROM projects")[0][0] > 0  # never recreated
    assert _sql(postgis_url, "SELECT value FROM atlas_meta WHERE key='schema_version'") == [(found,)]


def test_a_schema_3_database_gets_the_accounts_table_on_open(postgis_url):
    """Issue 15: the numbered step 5 adds the accounts table, user data kept, logged as ``migrate``."""
    from geo.storage import postgis_store

    store = postgis_store.PostgisStore(postgis_url)
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Irish Aid"), rec.funding, rec.revision, "Lan")
    _sql(postgis_url, "DROP TABLE atlas_users")
    _sql(postgis_url, "UPDATE atlas_meta SET value='3' WHERE key='schema_version'")
    postgis_store.dispose(postgis_url)  # as a new app process would
    reopened = postgis_store.PostgisStore(postgis_url)
    assert reopened.has_users() is False
    assert reopened.get_project("TD-001").project["donor"] == "Irish Aid"
    log = reopened.audit_log(1)[0]
    assert log.action == "migrate" and log.note.startswith(f"schema 3 → {SCHEMA_VERSION}") and "accounts" in log.note
    assert _sql(postgis_url, "SELECT value FROM atlas_meta WHERE key='schema_version'") == [(str(SCHEMA_VERSION),)]


def test_geopackage_content_moves_to_postgis_unchanged(store, postgis_url):
    from geo.storage.postgis_store import PostgisStore

    # The local file first gets what a district office adds: edits, a new project, a replaced layer.
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, name_vi='Đường <b>bản</b> "Hon" — 2', lon=103.61, lat=22.42),
                         rec.funding, rec.revision, "Lan")
    store.create_project({"project_id": "NEW-1", "name_vi": "Nước sạch Pá Pao", "commune_code": "03424",
                          "content_area": 1, "status": "proposal", "start_year": 2024, "end_year": 2025,
                          "quality": "official"}, [{"source": "ngo", "need": 10**12, "committed": 1, "disbursed": 0}])
    ds = store.load()
    store.replace_layer("crop_zones", ds.crop_zones.iloc[:2],
                        dataclasses.replace(ds.provenance["crop_zones"], source="Phòng NN&PTNT"), "Lan")
    donor = store.get_donor("koica")
    store.save_donor(dict(donor.donor, contact_notes="Chị Hoa, Hà Nội"), donor.revision, "Lan")
    src = store.load()

    # Copied through the storage interface only.
    pg = PostgisStore(postgis_url)
    for layer in FEATURE_LAYERS:
        pg.replace_layer(layer, getattr(src, layer), src.provenance[layer], "copy")
    records = frame_to_records(src.projects, src.funding)
    revisions = pg.project_revisions()
    pg.apply_projects(list(records.values()), {pid: revisions.get(pid) for pid in records}, "copy",
                      allow_overcommit=True)
    pg_donor = pg.get_donor("koica")
    pg.save_donor(store.get_donor("koica").donor, pg_donor.revision, "copy")

    out = PostgisStore(postgis_url).load()
    for layer in FEATURE_LAYERS:
        assert_geodataframe_equal(getattr(out, layer), getattr(src, layer))
    pd.testing.assert_frame_equal(out.units_2025, src.units_2025)
    # An edited project is last in the GeoPackage (re-inserted) but keeps its place in PostGIS (updated in
    # place), so rows are compared by id; the lines of each project keep their order.
    for table in ("projects", "funding"):
        pd.testing.assert_frame_equal(_by(getattr(out, table)), _by(getattr(src, table)))
    assert out.provenance == src.provenance and out.config == src.config
    pd.testing.assert_frame_equal(_by(pg.list_donors(), "donor_id"), _by(store.list_donors(), "donor_id"))
    assert pg.get_project("NEW-1").funding[0]["need"] == 10**12  # beyond 32 bits, exact


def _by(frame: pd.DataFrame, key: str = "project_id") -> pd.DataFrame:
    return frame.sort_values(key, kind="stable").reset_index(drop=True)


# --- several processes ----------------------------------------------------------------------------------
def _writer(url: str, who: str, pids: list[str], start: float, stop: float,
            ) -> tuple[list[tuple[str, int, str]], int, int]:
    """One app process: read a project, think a moment, save it against the revision it read; until ``stop``."""
    from geo.storage.postgis_store import PostgisStore

    store = PostgisStore(url)
    rng = random.Random(who)
    accepted: list[tuple[str, int, str]] = []
    conflicts = 0
    time.sleep(max(0.0, start - time.time()))
    i = 0
    while time.time() < stop:
        i += 1
        pid = rng.choice(pids)
        rec = store.get_project(pid)
        time.sleep(rng.random() * 0.02)
        donor = f"{who}-{i}"
        try:
            out = store.update_project(pid, dict(rec.project, donor=donor), rec.funding, rec.revision, who)
        except ConflictError:
            conflicts += 1
            continue
        accepted.append((pid, out.revision, donor))
    return accepted, conflicts, i


def test_writers_in_several_processes_lose_no_update(postgis_url):
    from geo.storage.postgis_store import PostgisStore

    store = PostgisStore(postgis_url)
    # the load: 10 writer processes for 30 s on overlapping projects
    pids, writers, seconds = ["TD-001", "TD-002", "TD-003"], 10, 30.0
    before = {pid: store.get_project(pid).revision for pid in pids}
    v0 = store.version()
    ctx = multiprocessing.get_context("spawn")
    start = time.time() + 8  # spawned interpreters need a moment to import
    with ctx.Pool(writers) as pool:
        results = pool.starmap(_writer, [(postgis_url, f"w{k}", pids, start, start + seconds)
                                         for k in range(writers)])
    accepted = [a for acc, _, _ in results for a in acc]
    conflicts = sum(c for _, c, _ in results)
    assert len(accepted) + conflicts == sum(n for _, _, n in results)  # every attempt accepted or told it lost
    assert conflicts > 0 and accepted  # overlapping edits really collided, and were reported
    for pid in pids:
        mine = sorted((rev, donor) for p, rev, donor in accepted if p == pid)
        final = store.get_project(pid)
        # every accepted write got its own revision, one after the other: none overwrote another
        assert [rev for rev, _ in mine] == list(range(before[pid] + 1, final.revision + 1))
        assert final.project["donor"] == (mine[-1][1] if mine else store.get_project(pid).project["donor"])
        # one audit row per accepted write, in the same order
        updates = [e for e in store.history(pid) if e.action == "update"]
        assert [e.after["project"]["donor"] for e in updates] == [d for _, d in mine]
    assert store.version() != v0  # and every process's cache key moved


def _open_and_count(url: str, start: float) -> tuple[str, int, int]:
    from geo.storage.postgis_store import PostgisStore

    time.sleep(max(0.0, start - time.time()))
    store = PostgisStore(url)
    return store.version(), len(store.load().projects), len(store.list_donors())


def test_app_servers_starting_together_on_an_empty_database_seed_it_once(postgis_cluster):
    from geo.storage.store import BundledStore

    db = f"atlas_empty_{os.getpid()}"
    postgis_cluster.sql(f"CREATE DATABASE {db}")  # no PostGIS extension, no tables: a fresh `createdb`
    url = postgis_cluster.url(db)
    try:
        start = time.time() + 3
        with multiprocessing.get_context("spawn").Pool(3) as pool:
            seen = pool.starmap(_open_and_count, [(url, start)] * 3)
        bundled = BundledStore()
        assert len({v for v, _, _ in seen}) == 1  # one store, seeded once (same id, same data version)
        assert {(n, d) for _, n, d in seen} == {(len(bundled.load().projects), len(bundled.list_donors()))}
        assert _sql(url, "SELECT count(*) FROM atlas_meta WHERE key='store_id'") == [(1,)]
        assert _sql(url, "SELECT extname FROM pg_extension WHERE extname='postgis'") == [("postgis",)]
    finally:
        postgis_cluster.drop_database(db)

