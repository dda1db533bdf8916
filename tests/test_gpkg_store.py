"""The GeoPackage store: seeded from bundled data, never overwritten, audited, conflict-safe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.storage import gpkg_store
from geo.storage.gpkg_store import ConflictError, GpkgStore, default_user
from geo.storage.store import BundledStore, default_store
from geo.ingest.validate import DataError


def _project(pid: str = "NEW-1", **kw) -> dict:
    return {"project_id": pid, "name_vi": "Nước sạch bản Pá Pao", "name_en": "", "description": "",
            "commune_code": "03424", "content_area": 1, "status": "idea", "start_year": 2024, "end_year": 2025,
            "lead_agency": "", "donor": "", "lon": None, "lat": None, "quality": "official", **kw}


LINES = [{"source": "ngo", "need": 1_000, "committed": 400, "disbursed": 100}]


def test_default_store_is_the_gpkg_in_atlas_data_dir(atlas_data_dir):
    store = default_store()
    assert isinstance(store, GpkgStore)
    assert store.path == atlas_data_dir / gpkg_store.STORE_FILE


def test_seeded_store_shows_exactly_the_bundled_data(store):
    bundled, ours = BundledStore().load(), store.load()
    for layer in ("communes", "crop_zones", "risk_zones", "landslide_events"):
        assert_geodataframe_equal(getattr(ours, layer), getattr(bundled, layer))
    for table in ("projects", "funding", "units_2025"):
        pd.testing.assert_frame_equal(getattr(ours, table), getattr(bundled, table))
    assert ours.provenance == bundled.provenance


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


def test_version_changes_on_every_write_and_only_then(store):
    v0 = store.version()
    store.load()
    assert store.version() == v0
    store.create_project(_project(), LINES, "Lan")
    v1 = store.version()
    rec = store.get_project("NEW-1")
    store.update_project("NEW-1", dict(rec.project, donor="x"), rec.funding, rec.revision, "Lan")
    assert len({v0, v1, store.version()}) == 3


def test_data_dir_env_and_per_user_default(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "x"))
    assert gpkg_store.data_dir() == tmp_path / "x"
    monkeypatch.delenv("ATLAS_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(gpkg_store.sys, "platform", "linux")
    assert gpkg_store.data_dir() == tmp_path / "xdg" / "tam-duong-atlas"


def test_created_project_appears_in_dataset_with_its_funding(store):
    n = len(store.load().projects)
    store.create_project(_project(), LINES, "Lan")
    ds = store.load()
    assert len(ds.projects) == n + 1
    line = ds.funding[ds.funding.project_id == "NEW-1"].iloc[0]
    assert (line["need"], line["committed"], line["disbursed"]) == (1_000, 400, 100)


def test_invalid_project_is_refused_naming_the_field_and_nothing_changes(store):
    v0 = store.version()
    with pytest.raises(DataError) as err:
        store.create_project(_project(commune_code="99999", end_year=2020), LINES, "Lan")
    assert {p.column for p in err.value.problems} == {"commune_code", "end_year"}
    assert store.version() == v0 and store.get_project("NEW-1") is None


def test_committed_above_need_needs_confirmation(store):
    over = [{"source": "ngo", "need": 100, "committed": 150, "disbursed": 0}]
    with pytest.raises(DataError, match="exceeds need"):
        store.create_project(_project(), over, "Lan")
    assert store.create_project(_project(), over, "Lan", allow_overcommit=True).funding[0]["committed"] == 150


def test_audit_trail_records_who_when_before_and_after(store):
    store.create_project(_project(), LINES, "Lan")
    rec = store.get_project("NEW-1")
    store.update_project("NEW-1", dict(rec.project, status="pitched"), rec.funding, rec.revision, "Minh")
    rec = store.get_project("NEW-1")
    store.delete_project("NEW-1", rec.revision, "")
    log = store.history("NEW-1")
    assert [e.action for e in log] == ["create", "update", "delete"]
    assert [e.user for e in log] == ["Lan", "Minh", default_user()]
    assert log[0].before is None and log[0].after["project"]["status"] == "idea"
    assert log[1].before["project"]["status"] == "idea" and log[1].after["project"]["status"] == "pitched"
    assert log[2].before["project"]["status"] == "pitched" and log[2].after is None
    assert all(e.ts.endswith("+00:00") for e in log)  # UTC


def test_restore_an_old_version_is_a_new_update(store):
    original = store.get_project("TD-001")
    store.update_project("TD-001", dict(original.project, name_vi="Tên sai"), original.funding, 1, "Lan")
    cur = store.get_project("TD-001")
    store.update_project("TD-001", dict(cur.project, donor="Sai nữa"), [], cur.revision, "Minh")
    versions = store.versions("TD-001")
    # The seeded version (before the first change) and the two saved ones can be restored.
    assert [(w, s["project"]["name_vi"]) for _, w, s in versions] == [
        ("before", original.project["name_vi"]), ("after", "Tên sai"), ("after", "Tên sai")]
    first_id = versions[0][0]
    restored = store.restore("TD-001", first_id, 3, "Lan", which="before")
    assert restored.project == original.project and restored.funding == original.funding
    assert restored.revision == 4
    last = store.history("TD-001")[-1]
    assert last.action == "update" and f"#{first_id}" in last.note and last.user == "Lan"
    assert last.before["project"]["donor"] == "Sai nữa"


def test_restore_brings_back_a_deleted_project(store):
    rec = store.get_project("TD-002")
    store.delete_project("TD-002", rec.revision, "Lan")
    assert store.get_project("TD-002") is None
    deleted = store.history("TD-002")[-1]
    back = store.restore("TD-002", deleted.id, None, "Lan")
    assert back.project == rec.project and back.funding == rec.funding


def test_two_sessions_editing_the_same_project_conflict_instead_of_overwriting(store):
    a = store.get_project("TD-003")  # both sessions read revision 1
    b = store.get_project("TD-003")
    store.update_project("TD-003", dict(a.project, donor="A"), a.funding, a.revision, "An")
    with pytest.raises(ConflictError) as err:
        store.update_project("TD-003", dict(b.project, donor="B"), b.funding, b.revision, "Bình")
    assert err.value.theirs.project["donor"] == "A"  # what is stored now
    assert err.value.mine["project"]["donor"] == "B"  # what the second user tried
    assert store.get_project("TD-003").project["donor"] == "A"
    with pytest.raises(ConflictError):
        store.delete_project("TD-003", b.revision, "Bình")
    # Choosing "mine" after seeing both versions: save against the revision now stored.
    store.update_project("TD-003", err.value.mine["project"], err.value.mine["funding"],
                         err.value.theirs.revision, "Bình")
    assert store.get_project("TD-003").project["donor"] == "B"


def test_bulk_write_is_all_or_nothing(store):
    revs = store.project_revisions()
    good = (_project("NEW-1"), LINES)
    rec = store.get_project("TD-001")
    stale = (dict(rec.project, donor="x"), rec.funding)
    v0 = store.version()
    with pytest.raises(ConflictError):
        store.apply_projects([good, stale], {"NEW-1": None, "TD-001": revs["TD-001"] - 1}, "Lan")
    assert store.get_project("NEW-1") is None and store.version() == v0
    counts = store.apply_projects([good, stale], {"NEW-1": None, "TD-001": revs["TD-001"]}, "Lan")
    assert counts == {"created": 1, "updated": 1, "unchanged": 0}


def test_html_in_a_name_is_stored_as_plain_text(store):
    name = '<script>alert("x")</script> Bản <b>Hon</b>'
    store.create_project(_project(name_vi=name), LINES, "Lan")
    assert store.load().projects.set_index("project_id").loc["NEW-1", "name_vi"] == name


def test_replace_layer_is_one_transaction_with_provenance(store):
    ds = store.load()
    prov = ds.provenance["risk_zones"]
    import dataclasses

    from geo.model import schema

    new = dataclasses.replace(prov, source="Sở TN&MT Lai Châu", quality=schema.Quality.OFFICIAL)
    store.replace_layer("risk_zones", ds.risk_zones.iloc[:1], new, "Lan")
    after = store.load()
    assert len(after.risk_zones) == 1 and after.provenance["risk_zones"].source == "Sở TN&MT Lai Châu"
    assert store.audit_log(1)[0].action == "replace-layer"


def test_pages_and_cli_read_the_store(store, capsys):
    from geo.cli.main import main

    store.create_project(_project(), LINES, "Lan")
    n = len(BundledStore().load().projects)
    assert main(["info"]) == 0
    assert f"{n + 1} projects" in capsys.readouterr().out


def test_store_path_is_inside_the_test_dir(atlas_data_dir):
    # Guard: no test ever writes into the user's home.
    assert Path(default_store().path).is_relative_to(atlas_data_dir)
