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
    layers = dict(pyogrio.list_layers(store.path))
    assert layers["communes"] == "Polygon" and layers["landslide_events"] == "Point"
    assert "projects" in layers and "funding" in layers


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
