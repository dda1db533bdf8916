"""What only the GeoPackage store does: its file (WAL, GDAL-readable), seeding, never overwriting, schema refusal.

Behaviour every store shares (revisions, conflicts, audit, restore, layers) is in tests/test_store_contract.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyogrio
import pytest

from geo.ingest.validate import DataError
from geo.storage import gpkg_store
from geo.storage.gpkg_store import GpkgStore
from geo.storage.migrations import SCHEMA_VERSION
from geo.storage.store import BundledStore, default_store


def _project(pid: str = "NEW-1", **kw) -> dict:
    return {"project_id": pid, "name_vi": "Nước sạch bản Pá Pao", "name_en": "", "description": "",
            "commune_code": "03424", "content_area": 1, "status": "proposal", "start_year": 2024, "end_year": 2025,
            "lead_agency": "", "donor": "", "lon": None, "lat": None, "quality": "official", **kw}


LINES = [{"source": "ngo", "need": 1_000, "committed": 400, "disbursed": 100}]


def test_default_store_is_the_gpkg_in_atlas_data_dir(atlas_data_dir):
    store = default_store()
    assert isinstance(store, GpkgStore)
    assert store.path == atlas_data_dir / gpkg_store.STORE_FILE


def test_store_file_is_a_wal_geopackage_gdal_can_open(store):
    store.load()
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    con.close()
    layers = dict(pyogrio.list_layers(_as_qgis(store).path))
    assert layers["communes"] == "Polygon" and layers["landslide_events"] == "Point"
    assert "projects" in layers and "funding" in layers


def _gdal_finds(path: Path, layer: str, bounds) -> int:
    return len(pyogrio.read_dataframe(path, layer=layer, bbox=tuple(bounds), read_geometry=False))


def _as_qgis(store: GpkgStore) -> GpkgStore:
    """GDAL in this process stands for QGIS in another one. GDAL brings its own SQLite, and two SQLite copies in
    one process must not have the same file open at once (its locks are per process: one copy's close drops the
    other's), so the store's kept connections are closed first, as they would be in a process of their own."""
    store.close()
    return store


def test_feature_layers_have_a_spatial_index_gdal_uses_and_a_replaced_layer_a_fresh_one(store):
    """QGIS draws a layer's features in the map extent through its R-tree: without one it reads the whole
    layer, and with a stale one (a layer replaced, its index left behind) it would hide the new features."""
    ds = store.load()
    for layer in ("communes", "crop_zones", "risk_zones", "landslide_events"):
        assert pyogrio.read_info(_as_qgis(store).path, layer=layer)["capabilities"]["fast_spatial_filter"], layer
    old = ds.risk_zones
    assert len(old) > 1 and _gdal_finds(store.path, "risk_zones", old.geometry.iloc[1].bounds) >= 1
    keep = old.iloc[[0]].reset_index(drop=True)
    store.replace_layer("risk_zones", keep, ds.provenance["risk_zones"], "Lan")
    assert pyogrio.read_info(_as_qgis(store).path, layer="risk_zones")["capabilities"]["fast_spatial_filter"]
    assert _gdal_finds(store.path, "risk_zones", keep.total_bounds) == 1
    con = sqlite3.connect(store.path)
    # the index holds exactly the rows of the new layer, no stale entry of the old one
    assert (con.execute("SELECT count(*) FROM rtree_risk_zones_geom").fetchone()
            == con.execute("SELECT count(*) FROM risk_zones").fetchone() == (1,))
    con.close()


def test_a_layer_edited_in_qgis_keeps_its_index_in_step_and_the_store_still_writes(store):
    """GDAL (QGIS) edits a commune through the index's triggers; the store's own writes then still work."""
    ds = store.load()
    communes = pyogrio.read_dataframe(_as_qgis(store).path, layer="communes")
    moved = communes.iloc[[0]].copy()
    moved["geometry"] = moved.geometry.translate(5, 5)  # far outside the district: easy to find alone
    pyogrio.write_dataframe(moved, store.path, layer="communes", append=True)
    assert _gdal_finds(store.path, "communes", moved.total_bounds) == 1
    store.replace_layer("risk_zones", ds.risk_zones, ds.provenance["risk_zones"], "Lan")
    con = sqlite3.connect(store.path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FROM rtree_communes_geom").fetchone() == (len(ds.communes) + 1,)
    con.close()


def test_first_run_seeds_and_later_runs_never_overwrite(tmp_path):
    path = tmp_path / "new" / "atlas.gpkg"
    store = GpkgStore(path)
    assert not path.exists()
    rec = store.get_project("TD-001")  # first use seeds
    assert path.exists()
    store.update_project("TD-001", dict(rec.project, donor="Đại sứ quán Ireland"), rec.funding, rec.revision, "Lan")
    # An upgraded app (a new object, even with other bundled data) keeps the user's data.
    again = GpkgStore(path, seed_dir=tmp_path / "does-not-exist")
    assert again.get_project("TD-001").project["donor"] == "Đại sứ quán Ireland"


def test_a_store_from_a_newer_app_is_refused_clearly(store):
    store.load()
    con = sqlite3.connect(store.path)
    con.execute("UPDATE atlas_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(DataError, match="newer version"):
        store.load()


def test_data_dir_env_and_per_user_default(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "x"))
    assert gpkg_store.data_dir() == tmp_path / "x"
    monkeypatch.delenv("ATLAS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(gpkg_store.sys, "platform", "linux")
    assert gpkg_store.data_dir() == tmp_path / "xdg" / "tam-duong-atlas"


def test_pages_and_cli_read_the_store(store, capsys):
    from geo.cli.main import main

    store.create_project(_project(), LINES, "Lan")
    n = len(BundledStore().load().projects)
    assert main(["info"]) == 0
    assert f"{n + 1} projects" in capsys.readouterr().out


def test_store_path_is_inside_the_test_dir(atlas_data_dir):
    # Guard: no test ever writes into the user's home.
    assert Path(default_store().path).is_relative_to(atlas_data_dir)


def test_a_schema_3_store_gets_the_accounts_table_and_stays_single_user(store):
    """Issue 15: a store from before accounts opens upgraded, with no account, so writes by name still work."""
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Irish Aid"), rec.funding, rec.revision, "Lan")
    con = sqlite3.connect(store.path)
    con.execute("DROP TABLE atlas_users")
    con.execute("UPDATE atlas_meta SET value='3' WHERE key='schema_version'")
    con.commit()
    con.close()
    reopened = GpkgStore(store.path)
    assert reopened.has_users() is False  # opening migrates
    assert reopened.get_project("TD-001").project["donor"] == "Irish Aid"
    log = reopened.audit_log(1)[0]
    assert log.action == "migrate" and "accounts" in log.note and log.note.startswith(f"schema 3 → {SCHEMA_VERSION}")
    reopened.create_project(_project(), LINES, "Lan")
    assert reopened.history("NEW-1")[0].user == "Lan"


def test_sessions_in_threads_of_one_app_edit_through_one_store_and_every_edit_is_kept(store):
    """Streamlit runs each browser session in a thread of one process, all through the same store object and
    its kept connections: simultaneous edits of different projects are each saved once, with their audit row."""
    import threading

    ids, rounds, failures = ["TD-001", "TD-002", "TD-003", "TD-004"], 5, []

    def session(pid: str) -> None:
        try:
            for i in range(rounds):
                rec = store.get_project(pid)
                store.update_project(pid, dict(rec.project, donor=f"{pid} round {i}"), rec.funding, rec.revision,
                                     "Lan", allow_overcommit=True)
        except Exception as err:  # reported below, with the project it happened to
            failures.append((pid, err))

    threads = [threading.Thread(target=session, args=(pid,)) for pid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    other = GpkgStore(store.path)  # another process's view
    for pid in ids:
        rec = other.get_project(pid)
        assert (rec.revision, rec.project["donor"]) == (1 + rounds, f"{pid} round {rounds - 1}")
        assert [e.action for e in other.history(pid)] == ["update"] * rounds


def test_a_store_file_moved_away_while_the_app_has_it_open_keeps_its_edits_and_a_new_one_is_seeded(store, tmp_path):
    """The advice for a damaged store is to move the file away: the running app then starts a fresh store from the
    bundle (its kept connections to the moved file are let go) and the moved file holds every edit saved in it."""
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="KOICA"), rec.funding, rec.revision, "Lan",
                         allow_overcommit=True)
    moved = tmp_path / "moved.gpkg"
    store.path.rename(moved)
    fresh = store.get_project("TD-001")
    assert (fresh.revision, fresh.project["donor"]) == (1, rec.project["donor"]) and store.history("TD-001") == []
    kept = GpkgStore(moved).get_project("TD-001")
    assert (kept.revision, kept.project["donor"]) == (2, "KOICA")
