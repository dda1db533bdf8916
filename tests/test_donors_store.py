"""Donor profiles: the bundled starter list, the read-only bundled store, the GeoPackage schema migration.

Editing profiles in a store (revisions, conflicts, audit) is in tests/test_store_contract.py.
"""

from __future__ import annotations

import sqlite3

import pytest

from geo.ingest import donors
from geo.ingest.validate import DataError
from geo.model import schema
from geo.storage import gpkg
from geo.storage.donors import load_profiles
from geo.storage.gpkg_store import SCHEMA_VERSION
from geo.storage.store import BundledStore


def test_starter_list_is_valid_illustrative_and_has_no_usaid():
    frame = donors.bundled_frame()
    ids = set(frame["donor_id"])
    assert {"jica", "koica", "adb", "world_bank", "ifad", "eu", "undp", "unicef", "un_women"} <= ids
    assert not any("usaid" in i or "USAID" in n for i, n in zip(frame["donor_id"], frame["name"]))
    assert set(frame["priorities_quality"]) == {schema.PRIORITIES_ILLUSTRATIVE}
    assert (frame["contact_notes"] == "").all()
    assert set(frame["donor_type"]) <= set(schema.DONOR_TYPE_BY_KEY)
    for p in donors.profiles_from_frame(frame):
        assert p.instruments and set(p.instruments) <= set(schema.INSTRUMENTS)
        assert 0 < p.ticket_min <= p.ticket_max
        assert max(p.priorities) >= 2  # every partner cares about something in the plan


def test_donor_provenance_is_illustrative_and_cited(ds):
    prov = ds.provenance["donors"]
    assert prov.quality is schema.Quality.ILLUSTRATIVE
    # named for people: what it is and that it is not the partners' word (each fact is cited in data/SOURCES.md)
    assert "not the partners' statements" in prov.source and "SOURCES.md" not in prov.source


def test_a_schema_1_store_is_migrated_keeping_user_data(store):
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Irish Aid"), rec.funding, rec.revision, "Lan")
    con = sqlite3.connect(store.path)  # make it look like a store written before donor profiles
    gpkg.drop_table(con, "donors")
    con.execute("DELETE FROM atlas_provenance WHERE layer='donors'")
    con.execute("UPDATE atlas_meta SET value='1' WHERE key='schema_version'")
    con.commit()
    data_version = con.execute("SELECT value FROM atlas_meta WHERE key='data_version'").fetchone()[0]
    con.close()
    assert len(store.list_donors()) == len(donors.bundled_frame())  # opening migrates
    con = sqlite3.connect(store.path)
    meta = dict(con.execute("SELECT key, value FROM atlas_meta").fetchall())
    con.close()
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert int(meta["data_version"]) == int(data_version) + 1  # page caches reload
    assert store.get_project("TD-001").project["donor"] == "Irish Aid"
    assert "donors" in store.load().provenance
    assert [e.action for e in store.audit_log()][0] == "migrate"


def test_other_stores_fall_back_to_the_bundled_list_read_only():
    bundled = BundledStore()
    assert not bundled.editable
    assert [p.donor_id for p in load_profiles(bundled)] == list(donors.bundled_frame()["donor_id"])
    # read like any store's: the same columns and records, every profile at revision 1
    frame = bundled.list_donors()
    assert list(frame.columns) == [*schema.DONOR_COLUMNS, "revision"] and (frame["revision"] == 1).all()
    rec = bundled.get_donor("koica")
    assert rec.revision == 1 and rec.donor == dict(donors.bundled_frame().set_index("donor_id").loc["koica"],
                                                  donor_id="koica")
    assert bundled.get_donor("nobody") is None


def test_a_data_folder_with_its_own_donor_list_is_read_from_there(tmp_path):
    import shutil

    from geo.storage.store import BUNDLED_DATA_DIR

    d = tmp_path / "bundle"
    shutil.copytree(BUNDLED_DATA_DIR, d)
    frame = donors.bundled_frame().head(2)
    frame.to_csv(d / donors.DONOR_FILE, index=False)
    assert list(BundledStore(d).list_donors()["donor_id"]) == list(frame["donor_id"])


def test_bad_csv_names_row_and_column(tmp_path):
    path = tmp_path / "donors.csv"
    frame = donors.bundled_frame().head(2).copy()
    frame.loc[1, "donor_type"] = "bank"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        donors.read_donor_csv(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column) == ("donors.csv", 3, "donor_type")
