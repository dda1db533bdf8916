"""Rolling backups of the store file (issue 13): before every migration and bulk import the file is copied to
``backups/``, the newest few of each kind are kept, a backup restores what was there, and a copy that cannot
be written refuses the change with the store's message, leaving the store byte for byte as it was."""

from __future__ import annotations

import sqlite3

import pytest

from geo.storage.gpkg_store import AUTO_BACKUPS_KEPT, GpkgStore
from geo.storage.records import StoreUnavailable


def _new(pid: str) -> tuple[dict, list[dict]]:
    p = {"project_id": pid, "name_vi": "Sân bóng bản Nà Bỏ", "name_en": "", "description": "",
         "commune_code": "03424", "content_area": 8, "status": "proposal", "start_year": 2026, "end_year": 2027,
         "lead_agency": "", "donor": "", "lon": None, "lat": None, "quality": "approximate"}
    return p, [{"source": "ngo", "need": 5_000_000, "committed": 0, "disbursed": 0}]


def _backups(store: GpkgStore, kind: str):
    return sorted((store.path.parent / "backups").glob(f"auto-{kind}-*.gpkg"))


def test_an_import_keeps_the_store_as_it_was_just_before(store):
    n_before = len(store.load().projects)
    store.apply_projects([_new("BK-1")], {"BK-1": None}, "Lan")
    (copy,) = _backups(store, "import")
    snap = GpkgStore(copy)
    assert len(snap.load().projects) == n_before and snap.get_project("BK-1") is None
    assert store.get_project("BK-1") is not None


def test_only_the_newest_backups_of_a_kind_are_kept(store):
    for i in range(AUTO_BACKUPS_KEPT + 2):
        store.apply_projects([_new(f"BK-{i}")], {f"BK-{i}": None}, "Lan")
    kept = _backups(store, "import")
    assert len(kept) == AUTO_BACKUPS_KEPT
    newest = GpkgStore(kept[-1])  # taken before the last import: holds every project but the last
    assert newest.get_project(f"BK-{AUTO_BACKUPS_KEPT}") is not None
    assert newest.get_project(f"BK-{AUTO_BACKUPS_KEPT + 1}") is None


def test_a_layer_replacement_is_backed_up_first(store):
    ds = store.load()
    store.replace_layer("crop_zones", ds.crop_zones.iloc[:1], ds.provenance["crop_zones"], "Lan")
    (copy,) = _backups(store, "layer-crop_zones")
    assert len(GpkgStore(copy).load().crop_zones) == len(ds.crop_zones)


def test_a_migration_keeps_the_old_file(store):
    path = store.path
    con = sqlite3.connect(path)
    con.execute("DROP TABLE atlas_users")  # what a schema-4 app left
    con.execute("UPDATE atlas_meta SET value='4' WHERE key='schema_version'")
    con.commit()
    con.close()
    GpkgStore(path).load()  # opening upgrades it
    (copy,) = _backups(GpkgStore(path), "migrate")
    old = sqlite3.connect(copy)
    assert old.execute("SELECT value FROM atlas_meta WHERE key='schema_version'").fetchone() == ("4",)
    assert old.execute("SELECT count(*) FROM sqlite_master WHERE name='atlas_users'").fetchone() == (0,)


@pytest.mark.parametrize("lang, words", [("vi", "đã có một tệp cùng tên"), ("en", "a file of that name is in the way")])
def test_no_backup_no_import_and_the_store_is_untouched(store, lang, words):
    store.load()
    store.checkpoint()
    (store.path.parent / "backups").write_text("a file where the backups folder should be")
    before = store.path.read_bytes()
    with pytest.raises(StoreUnavailable) as err:
        store.apply_projects([_new("BK-X")], {"BK-X": None}, "Lan")
    shown = err.value.text(lang)
    assert str(store.path.parent / "backups") in shown and words in shown
    assert "ATLAS_DATA_DIR" not in shown  # the data folder is fine: the fix is to move the file, not the folder
    store.checkpoint()
    assert store.path.read_bytes() == before and store.get_project("BK-X") is None


def test_a_basemap_replacement_keeps_the_one_it_replaces(store):
    from tests.helpers import tiny_basemap

    store.replace_basemap(tiny_basemap("SRTM 1 arc-second (NASA/USGS)"), "Lan")
    assert _backups(store, "basemap") == []  # nothing was there to keep
    store.replace_basemap(tiny_basemap("ALOS World 3D (JAXA)"), "Lan")
    (copy,) = _backups(store, "basemap")
    assert GpkgStore(copy).basemap().provenance.source == "SRTM 1 arc-second (NASA/USGS)"
    assert store.basemap().provenance.source == "ALOS World 3D (JAXA)"
