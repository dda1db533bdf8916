"""Donor profiles: the bundled starter list, the store's audited donors table, the schema migration."""

from __future__ import annotations

import sqlite3
from datetime import date

import pandas as pd
import pytest

from geo.ingest import donors
from geo.ingest.validate import DataError
from geo.model import schema
from geo.storage import gpkg
from geo.storage.donors import load_profiles
from geo.storage.gpkg_store import SCHEMA_VERSION, ConflictError, GpkgStore
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
    assert "SOURCES.md" in prov.source


def test_seeded_store_holds_the_starter_list(store):
    ours = store.list_donors()
    bundled = donors.bundled_frame()
    pd.testing.assert_frame_equal(ours[list(schema.DONOR_COLUMNS)], bundled)
    assert (ours["revision"] == 1).all()


def test_donor_edit_is_audited_and_survives_reload(store):
    rec = store.get_donor("koica")
    edited = dict(rec.donor, contact_notes="Chị Hoa, văn phòng Hà Nội", priority_health=1)
    saved = store.save_donor(edited, rec.revision, user="Lò Thị Lan")
    assert saved.revision == rec.revision + 1
    again = GpkgStore(store.path).get_donor("koica")  # a new process / app restart
    assert again.donor["contact_notes"] == "Chị Hoa, văn phòng Hà Nội" and again.donor["priority_health"] == 1
    (entry,) = store.donor_history("koica")
    assert entry.user == "Lò Thị Lan" and entry.action == "donor-update"
    assert entry.before["priority_health"] == 3 and entry.after["priority_health"] == 1
    assert any(e.action == "donor-update" for e in store.audit_log())
    assert [p.weight(7) for p in load_profiles(store) if p.donor_id == "koica"] == [1]


def test_confirming_priorities_records_who_and_when(store):
    rec = store.get_donor("jica")
    out = store.confirm_donor("jica", rec.revision, "Lan", on=date(2026, 5, 4))
    assert out.donor["priorities_quality"] == "confirmed by Lan on 2026-05-04"
    profile = donors.DonorProfile.from_record(out.donor)
    assert profile.is_confirmed
    assert donors.quality_text(profile.priorities_quality, "vi") == "đã xác nhận bởi Lan ngày 2026-05-04"
    assert store.donor_history("jica")[-1].note.endswith("priorities confirmed")


def test_stale_revision_conflicts_instead_of_overwriting(store):
    rec = store.get_donor("eu")
    store.save_donor(dict(rec.donor, contact_notes="first"), rec.revision, "A")
    with pytest.raises(ConflictError, match="donor eu was changed"):
        store.save_donor(dict(rec.donor, contact_notes="second"), rec.revision, "B")
    assert store.get_donor("eu").donor["contact_notes"] == "first"


def test_bad_fields_are_named_and_nothing_changes(store):
    v0 = store.version()
    rec = store.get_donor("undp")
    with pytest.raises(DataError) as err:
        store.save_donor(dict(rec.donor, ticket_max=1, priority_gender=9, instruments="gift"), rec.revision, "A")
    assert {p.column for p in err.value.problems} == {"ticket_max", "priority_gender", "instruments"}
    assert store.version() == v0 and store.get_donor("undp").revision == rec.revision


def test_create_and_delete_are_audited(store):
    new = dict(donors.blank_donor(), donor_id="sakura-tea", name="Sakura Tea Co.", donor_type="foreign_business",
               instruments="grant", priority_value_chain=3, ticket_min=500_000_000, ticket_max=5_000_000_000)
    store.save_donor(new, None, "Lan")
    with pytest.raises(DataError, match="already exists"):
        store.save_donor(new, None, "Lan")
    store.delete_donor("sakura-tea", 1, "Lan")
    assert store.get_donor("sakura-tea") is None
    assert [e.action for e in store.donor_history("sakura-tea")] == ["donor-create", "donor-delete"]


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


def test_bad_csv_names_row_and_column(tmp_path):
    path = tmp_path / "donors.csv"
    frame = donors.bundled_frame().head(2).copy()
    frame.loc[1, "donor_type"] = "bank"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        donors.read_donor_csv(path)
    (problem,) = err.value.problems
    assert (problem.file, problem.row, problem.column) == ("donors.csv", 3, "donor_type")
