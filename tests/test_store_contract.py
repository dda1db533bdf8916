"""Every store behaves the same behind :class:`geo.storage.interface.Store`.

Each test runs once per implementation in :data:`BACKENDS`: the GeoPackage file and a real PostGIS
server (a throwaway cluster, tests/pg_cluster.py; skipped when PostgreSQL is not installed, a failure
with ``ATLAS_REQUIRE_POSTGIS=1`` as in CI). A new implementation joins the suite by adding its name
there and a branch in ``backend`` (tests/stores.py, shared with other store tests) that opens a store seeded
from the bundled data. What only the GeoPackage file does
(WAL, seeding a missing file, schema migration) is in tests/test_gpkg_store.py and
tests/test_donors_store.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.analysis import funding
from geo.ingest import donors
from geo.ingest.validate import DataError
from geo.model import schema
from geo.model.filters import Filters
from geo.model.roles import Actor, Role
from geo.storage.donors import load_profiles
from geo.storage.interface import Store
from geo.storage.migrations import SCHEMA_VERSION
from geo.storage.records import AccountError, AuditRefused, ConflictError, PermissionDenied, SignInRefused, default_user
from geo.storage.store import BundledStore
from tests.helpers import PASSWORD, XSS, add_account, tiny_basemap
from tests.stores import FEATURE_LAYERS, TABLES, assert_unchanged, refuse_audit, snapshot

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def any_store(backend) -> Store:
    return backend.open()


def _project(pid: str = "NEW-1", **kw) -> dict:
    return {"project_id": pid, "name_vi": "Nước sạch bản Pá Pao", "name_en": "", "description": "",
            "commune_code": "03424", "content_area": 1, "status": "proposal", "start_year": 2024, "end_year": 2025,
            "lead_agency": "", "donor": "", "lon": None, "lat": None, "quality": "official", **kw}


LINES = [{"source": "ngo", "need": 1_000, "committed": 400, "disbursed": 100}]


def _new_donor(did: str = "sakura-tea") -> dict:
    return dict(donors.blank_donor(), donor_id=did, name="Sakura Tea Co.", donor_type="foreign_business",
                instruments="grant", priority_value_chain=3, ticket_min=500_000_000, ticket_max=5_000_000_000)


# --- reading --------------------------------------------------------------------------------------------
def test_seeded_store_shows_exactly_the_bundled_data(any_store):
    bundled, ours = BundledStore().load(), any_store.load()
    for layer in FEATURE_LAYERS:
        assert_geodataframe_equal(getattr(ours, layer), getattr(bundled, layer))
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(ours, table), getattr(bundled, table))
    assert ours.provenance == bundled.provenance
    assert ours.config == bundled.config


def test_every_layer_comes_with_its_provenance(any_store):
    ds = any_store.load()
    # beneficiaries and results are part of the projects layer (shown under its provenance, each with its note)
    shown = [f.name for f in dataclasses.fields(ds)
             if f.name not in ("provenance", "config", "crosswalk", "beneficiaries", "results", "basemap")]
    assert set(shown) | {"donors"} <= set(ds.provenance)
    for layer in shown:
        prov = ds.provenance[layer]
        assert prov.layer == layer and prov.source and prov.licence and prov.title.vi and prov.title.en


def test_codes_a_project_may_use_are_the_seeded_units(any_store):
    ds = BundledStore().load()
    assert any_store.commune_codes() == sorted(ds.communes["code"])
    assert any_store.unit_codes_2025() == sorted(ds.units_2025["code"])


def test_version_changes_on_every_write_and_only_then(any_store):
    v0 = any_store.version()
    any_store.load()
    assert any_store.version() == v0
    any_store.create_project(_project(), LINES, "Lan")
    v1 = any_store.version()
    rec = any_store.get_project("NEW-1")
    any_store.update_project("NEW-1", dict(rec.project, donor="x"), rec.funding, rec.revision, "Lan")
    assert len({v0, v1, any_store.version()}) == 3


def test_no_read_changes_the_version_and_every_kind_of_write_does(any_store):
    def read_everything() -> None:
        any_store.load()
        any_store.get_project("TD-001")
        any_store.project_revisions()
        any_store.history("TD-001")
        any_store.versions("TD-001")
        any_store.audit_log()
        any_store.list_donors()
        any_store.get_donor("jica")
        any_store.donor_history("jica")
        any_store.commune_codes()
        any_store.unit_codes_2025()
        any_store.funding_totals_by_commune(Filters(sources=("ngo",)))

    ds = any_store.load()
    prov = dataclasses.replace(ds.provenance["risk_zones"], source="Sở TN&MT Lai Châu")
    writes: list[Callable[[], object]] = [
        lambda: any_store.create_project(_project(), LINES, "Lan"),
        lambda: any_store.update_project("NEW-1", _project(donor="x"), LINES, 1, "Lan"),
        lambda: any_store.apply_projects([(_project("NEW-2"), LINES)], {"NEW-2": None}, "Lan"),
        lambda: any_store.delete_project("NEW-1", 2, "Lan"),
        lambda: any_store.restore("NEW-1", any_store.history("NEW-1")[-1].id, None, "Lan"),
        lambda: any_store.save_donor(_new_donor(), None, "Lan"),
        lambda: any_store.confirm_donor("sakura-tea", 1, "Lan"),
        lambda: any_store.delete_donor("sakura-tea", 2, "Lan"),
        lambda: any_store.replace_layer("risk_zones", ds.risk_zones, prov, "Lan"),
    ]
    seen = [any_store.version()]
    for write in writes:
        read_everything()
        assert any_store.version() == seen[-1]
        write()
        seen.append(any_store.version())
    assert len(set(seen)) == len(writes) + 1


def test_a_new_store_object_sees_every_write(backend):
    a = backend.open()
    a.create_project(_project(), LINES, "Lan")
    rec = a.get_donor("koica")
    a.save_donor(dict(rec.donor, contact_notes="Chị Hoa"), rec.revision, "Lan")
    b = backend.open()  # an app restart, or another process
    assert b.version() == a.version()
    assert b.get_project("NEW-1").funding == a.get_project("NEW-1").funding
    assert b.get_donor("koica").donor["contact_notes"] == "Chị Hoa"


def test_two_open_store_objects_see_each_others_edits_at_once(backend):
    """Two app processes each keep their store open (their connections too): an edit saved through one is what
    the other reads on its very next call, and the other's stale copy conflicts instead of overwriting it."""
    a, b = backend.open(), backend.open()
    seen_by_b, version_b = b.get_project("TD-001"), b.version()
    rec = a.get_project("TD-001")
    a.update_project("TD-001", dict(rec.project, donor="KOICA"), rec.funding, rec.revision, "Lan",
                     allow_overcommit=True)
    assert b.version() != version_b and b.get_project("TD-001").project["donor"] == "KOICA"
    assert [e.user for e in b.history("TD-001")] == ["Lan"]
    with pytest.raises(ConflictError):
        b.update_project("TD-001", dict(seen_by_b.project, donor="JICA"), seen_by_b.funding, seen_by_b.revision,
                         "Minh", allow_overcommit=True)
    fresh = b.get_project("TD-001")
    b.update_project("TD-001", dict(fresh.project, donor="JICA"), fresh.funding, fresh.revision, "Minh",
                     allow_overcommit=True)
    assert a.get_project("TD-001").project["donor"] == "JICA" and a.version() == b.version()
    a.close()
    b.close()
    assert a.get_project("TD-001").revision == fresh.revision + 1  # a closed store opens again when next used


#: Sidebar choices, each narrowing the projects or lines differently (and all at once).
TOTALS_FILTERS = [
    Filters(), Filters(include_cancelled=True), Filters(content_areas=(1, 3)), Filters(sources=("ngo", "oda_grant")),
    Filters(statuses=("cancelled", "proposal")), Filters(years=(2023, 2024)), Filters(donors=("JICA (minh họa)",)),
    Filters(content_areas=(1, 2, 3, 4, 5), sources=("state_budget",), statuses=("implementing", "completed"),
            years=(2021, 2023)),
    Filters(sources=("domestic_business",), donors=("nobody",)),
]


def _in_memory_totals(store: Store, filters: Filters, unit_version: str = "2021") -> pd.DataFrame:
    ds = store.load()
    return funding.totals_by_commune(ds.projects, ds.funding, filters, unit_version)


@pytest.mark.parametrize("filters", TOTALS_FILTERS, ids=range(len(TOTALS_FILTERS)))
def test_funding_totals_summed_by_the_database_equal_the_in_memory_analysis(any_store, filters):
    got = any_store.funding_totals_by_commune(filters)
    pd.testing.assert_frame_equal(got, _in_memory_totals(any_store, filters))
    if filters == Filters():  # the bundled data has money in every commune: the comparison is not empty
        assert len(got) == len(any_store.commune_codes()) and (got["need"] > 0).all()


def test_funding_totals_follow_edits_line_gaps_and_unit_versions(any_store):
    # an over-committed line (its gap is 0, not negative), a project without lines, a project in the new units
    any_store.create_project(_project(), [{"source": "ngo", "need": 10, "committed": 25, "disbursed": 0},
                                          {"source": "oda_grant", "need": 10**13, "committed": 0, "disbursed": 0}],
                             "Lan", allow_overcommit=True)
    any_store.create_project(_project("NEW-2", commune_code="03390"), [], "Lan")
    new_unit = any_store.unit_codes_2025()[0]
    any_store.create_project(_project("NEW-3", commune_code=new_unit, unit_version="2025"), LINES, "Lan")
    for filters in (Filters(), Filters(sources=("ngo",))):
        for uv in ("2021", "2025"):
            pd.testing.assert_frame_equal(any_store.funding_totals_by_commune(filters, uv),
                                          _in_memory_totals(any_store, filters, uv))
    new = any_store.funding_totals_by_commune(unit_version="2025")
    assert new.index.tolist() == [new_unit] and new.loc[new_unit, "need"] == 1_000
    before = BundledStore().load()
    base = funding.totals_by_commune(before.projects, before.funding).loc["03424"]
    now = any_store.funding_totals_by_commune().loc["03424"]
    assert now["need"] - base["need"] == 10**13 + 10 and now["gap"] - base["gap"] == 10**13
    assert now["n_projects"] - base["n_projects"] == 1


# --- schema migrations (one list of steps, both stores) ---------------------------------------------------
def test_a_store_written_at_schema_1_is_upgraded_on_open_with_its_data_kept(backend):
    from geo.storage.migrations import SCHEMA_VERSION

    store = backend.open()
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, donor="Irish Aid"), rec.funding, rec.revision, "Lan")
    store.create_project(_project(), LINES, "Lan")
    before = store.load()
    audit = store.audit_log(10_000)
    # What a schema-1 app left: no donors table, no unit_version column, no index on commune codes.
    for statement in ("DROP TABLE donors", "DELETE FROM atlas_provenance WHERE layer='donors'",
                      "ALTER TABLE projects DROP COLUMN unit_version", "DROP INDEX communes_code",
                      "UPDATE atlas_meta SET value='1' WHERE key='schema_version'"):
        backend.sql(statement)
    if backend.name == "gpkg":
        backend.sql("DELETE FROM gpkg_contents WHERE table_name='donors'")
    backend.forget()

    old = backend.open()
    after = old.load()  # opening upgrades it
    assert backend.sql("SELECT value FROM atlas_meta WHERE key='schema_version'") == [(str(SCHEMA_VERSION),)]
    keep = [c for c in before.projects.columns if c != "unit_version"]
    pd.testing.assert_frame_equal(after.projects[keep], before.projects[keep])
    pd.testing.assert_frame_equal(after.funding, before.funding)
    assert set(after.projects["unit_version"]) == {"2021"} and old.get_project("TD-001").project["donor"] == "Irish Aid"
    assert [p.donor_id for p in load_profiles(old)] == list(donors.bundled_frame()["donor_id"])
    assert "donors" in after.provenance
    log = old.audit_log(10_000)
    assert log[1:] == audit  # the trail is kept, and the upgrade is its newest entry
    assert log[0].action == "migrate" and log[0].note.startswith(f"schema 1 → {SCHEMA_VERSION}: donor profiles")
    assert "unit_version" in log[0].note and "index on code" in log[0].note
    assert old.create_project(_project("NEW-2"), LINES, "Lan").revision == 1  # and it takes edits
    backend.forget()
    assert backend.open().audit_log(1)[0].action == "create"  # opened again: nothing left to upgrade


# --- dated money records (issue 16) --------------------------------------------------------------------
def _money(pid: str = "NEW-1", **kw) -> dict:
    return {"project_id": pid, "kind": "disbursement", "source": "ngo", "amount": 250, "date": "2024-05-20",
            "note": "đợt 1", **kw}


def _first_money(store: Store, pid: str, **changes) -> tuple[str, dict, int]:
    """``(record_id, record with changes, revision)`` of the project's first money record."""
    row = store.money_records(pid).iloc[0]
    rec = store.get_money(row["record_id"])
    return row["record_id"], dict(rec.record, **changes), rec.revision


def test_a_dated_money_record_is_added_listed_and_audited(any_store):
    any_store.create_project(_project(), LINES, "Lan")
    v0 = any_store.version()
    rec = any_store.add_money(_money(), "Lan")
    assert rec.revision == 1 and rec.record["date"] == "2024-05-20" and rec.record["currency"] == "VND"
    assert any_store.version() != v0 and any_store.get_money(rec.record["record_id"]) == rec
    mine = any_store.money_records("NEW-1")
    dated = mine[mine["date"] != ""]
    assert dated[["kind", "source", "amount", "note"]].to_dict("records") == [
        {"kind": "disbursement", "source": "ngo", "amount": 250, "note": "đợt 1"}]
    assert rec.record["record_id"] in set(any_store.money_records()["record_id"])
    log = any_store.money_history(rec.record["record_id"])
    assert [(e.action, e.user, e.after["amount"]) for e in log] == [("money-create", "Lan", 250)]
    assert [e.action for e in any_store.history("NEW-1")] == ["create"]  # the project's versions stay its own


def test_money_in_another_currency_is_kept_with_its_rate(any_store):
    rec = any_store.add_money(_money("TD-001", source="oda_grant", currency="USD", amount="", original_amount=1_000,
                                     rate=25_400.5), "Lan")
    again = any_store.get_money(rec.record["record_id"]).record
    assert (again["amount"], again["currency"], again["original_amount"], again["rate"]) == (25_400_500, "USD",
                                                                                           1_000.0, 25_400.5)


def test_editing_money_with_a_stale_revision_is_refused_and_nothing_changes(any_store):
    any_store.create_project(_project(), LINES, "Lan")
    rec = any_store.add_money(_money(), "Lan")
    rid = rec.record["record_id"]
    edited = any_store.update_money(rid, dict(rec.record, amount=300, date=""), 1, "Minh", note="date unknown")
    assert edited.revision == 2 and edited.record["amount"] == 300 and edited.record["date"] == ""
    before = snapshot(any_store)
    with pytest.raises(ConflictError) as err:
        any_store.update_money(rid, dict(rec.record, amount=999), 1, "Lan")
    assert "money record" in err.value.text("en") and "khoản tiền" in err.value.text("vi")
    with pytest.raises(ConflictError):
        any_store.delete_money(rid, 1, "Lan")
    assert_unchanged(before, any_store)
    any_store.delete_money(rid, 2, "Lan")
    assert any_store.get_money(rid) is None
    assert [e.action for e in any_store.money_history(rid)] == ["money-create", "money-update", "money-delete"]


def test_a_bad_money_record_is_refused_naming_each_field_and_nothing_changes(any_store):
    before = snapshot(any_store)
    with pytest.raises(DataError) as err:
        any_store.add_money(_money("TD-001", date="2999-01-01", source="lottery", amount="-5"), "Lan")
    assert {p.column for p in err.value.problems} == {"date", "source", "amount"}
    with pytest.raises(DataError) as err:
        any_store.add_money(_money("TD-001", kind="budget", date=""), "Lan")
    assert [p.column for p in err.value.problems] == ["year"]
    with pytest.raises(DataError) as err:
        any_store.add_money(_money("NO-SUCH"), "Lan")
    assert "NO-SUCH" in err.value.problems[0].text("vi")
    with pytest.raises(DataError) as err:
        any_store.add_money(_money("TD-001", currency="USD", amount=""), "Lan")
    assert {p.column for p in err.value.problems} == {"original_amount", "rate"}
    assert_unchanged(before, any_store)


def test_a_commune_editor_records_money_only_for_their_communes_proposals(any_store):
    store = _with_accounts(any_store)
    store.create_project(_project(), LINES, "bo1")  # a proposal-stage project in Bản Bo
    assert store.add_money(_money(), "bo1").record["project_id"] == "NEW-1"
    before = snapshot(store)
    with pytest.raises(PermissionDenied):
        store.add_money(_money("TD-001"), "bo1")  # Nà Tăm
    assert_unchanged(before, store)


def test_deleting_a_project_deletes_its_money_records_with_an_audit_row_each(any_store):
    any_store.create_project(_project(), LINES, "Lan")
    rec = any_store.add_money(_money(), "Lan")
    assert len(any_store.money_records("NEW-1")) == 1
    any_store.delete_project("NEW-1", 1, "Lan")
    assert any_store.money_records("NEW-1").empty and any_store.get_money(rec.record["record_id"]) is None
    assert any_store.money_history(rec.record["record_id"])[-1].action == "money-delete"


def _imported(pid: str = "TD-001") -> list[dict]:
    from geo.ingest.money_import import content_id

    recs = [dict(_money(pid), origin="import"), dict(_money(pid, kind="budget", date="", year=2024, amount=900),
                                                     origin="import")]
    return [dict(r, record_id=content_id(r, 0)) for r in recs]


def test_an_import_of_money_writes_all_records_in_one_audited_go_and_again_changes_nothing(any_store):
    recs = _imported()
    counts = any_store.apply_money(recs, {r["record_id"]: None for r in recs}, "Lan", note="import m.csv")
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    stored = any_store.money_records("TD-001").set_index("record_id")
    assert stored.loc[recs[1]["record_id"], ["kind", "year", "amount", "origin"]].tolist() == ["budget", 2024, 900,
                                                                                              "import"]
    log = [e for e in any_store.audit_log(10_000) if e.action == "money-create"]
    assert len(log) == 2 and all("import m.csv" in e.note and e.user == "Lan" for e in log)
    before = snapshot(any_store)
    again = any_store.apply_money(recs, {r["record_id"]: 1 for r in recs}, "Lan", note="import m.csv")
    assert again == {"created": 0, "updated": 0, "unchanged": 2}
    assert_unchanged(before, any_store)  # not even the data version moves


def test_a_money_import_with_one_bad_record_or_a_stale_one_stores_nothing(any_store):
    recs = _imported()
    before = snapshot(any_store)
    bad = [recs[0], dict(recs[1], project_id="NO-SUCH")]
    with pytest.raises(DataError):
        any_store.apply_money(bad, {r["record_id"]: None for r in bad}, "Lan")
    with pytest.raises(DataError):
        any_store.apply_money([recs[0], dict(recs[1], amount=-1)], {r["record_id"]: None for r in recs}, "Lan")
    assert_unchanged(before, any_store)
    any_store.apply_money(recs[:1], {recs[0]["record_id"]: None}, "Lan")
    before = snapshot(any_store)
    with pytest.raises(ConflictError):  # previewed before the first write: the record is no longer new
        any_store.apply_money(recs, {r["record_id"]: None for r in recs}, "Lan")
    assert_unchanged(before, any_store)


def test_only_an_editor_of_the_project_may_import_its_money(any_store):
    store = _with_accounts(any_store)
    recs = _imported()  # TD-001 is in Nà Tăm
    before = snapshot(store)
    for who in ("view1", "bo1"):
        with pytest.raises(PermissionDenied):
            store.apply_money(recs, {r["record_id"]: None for r in recs}, who)
    assert_unchanged(before, store)
    assert store.apply_money(recs, {r["record_id"]: None for r in recs}, "plan1")["created"] == 2


def _undated_totals(store: Store) -> pd.DataFrame:
    m = store.money_records()
    m = m[m["origin"] == "total"]
    return m.pivot_table(index=["project_id", "source"], columns="kind", values="amount", aggfunc="sum", fill_value=0)


def test_a_seeded_store_holds_each_total_as_one_undated_record(any_store):
    ds = any_store.load()
    money = any_store.money_records()
    assert (money["date"] == "").all() and set(money["origin"]) == {"total"} and set(money["kind"]) == {
        "commitment", "disbursement"}
    assert money["year"].isna().all()
    for kind, total in schema.TOTAL_OF_KIND.items():
        assert money.loc[money["kind"] == kind, "amount"].sum() == ds.funding[total].sum() > 0


def test_a_store_from_schema_5_gets_its_totals_as_undated_money_records(backend):
    store = backend.open()
    rec = store.get_project("TD-001")
    lines = [dict(line, committed=line["committed"] + 7, disbursed=line["disbursed"] + 3) for line in rec.funding]
    store.update_project("TD-001", rec.project, lines, rec.revision, "Lan", allow_overcommit=True)
    store.create_project(_project(), LINES, "Lan")
    funding_before = store.load().funding
    audit = store.audit_log(10_000)
    for statement in ("DROP TABLE money", "UPDATE atlas_meta SET value='5' WHERE key='schema_version'"):
        backend.sql(statement)
    backend.forget()

    old = backend.open()
    pd.testing.assert_frame_equal(old.load().funding, funding_before)  # the totals themselves are untouched
    money = old.money_records()
    assert (money["date"] == "").all() and money["year"].isna().all() and set(money["origin"]) == {"total"}
    expected = funding_before.groupby(["project_id", "source"])[["committed", "disbursed"]].sum()
    got = _undated_totals(old).rename(columns={"commitment": "committed", "disbursement": "disbursed"})
    nonzero = expected[(expected != 0).any(axis=1)]
    pd.testing.assert_frame_equal(got[["committed", "disbursed"]].sort_index(), nonzero.sort_index(),
                                  check_names=False, check_dtype=False)
    assert got.loc[("NEW-1", "ngo"), "committed"] == 400 and got.loc[("NEW-1", "ngo"), "disbursed"] == 100
    log = old.audit_log(10_000)
    assert log[1:] == audit and log[0].action == "migrate" and "undated money records" in log[0].note
    backend.forget()
    assert len(backend.open().money_records()) == len(money)  # opened again: nothing added twice


# --- beneficiaries and result indicators (issue 16 item 3) ---------------------------------------------
def _indicator(pid: str = "TD-001", **kw) -> dict:
    return {"project_id": pid, "name_vi": "Hộ có nước sạch", "name_en": "Households with clean water",
            "unit": "households", "baseline": 40, "baseline_year": 2021, "target": 200, "target_year": 2025,
            "actuals": {2023: 90, 2024: 150}, **kw}


def test_a_seeded_store_records_no_beneficiaries_or_results_and_no_english_descriptions(any_store):
    ds = any_store.load()
    assert any_store.beneficiaries().empty and any_store.result_indicators().empty
    assert ds.beneficiaries.empty and ds.results.empty and (ds.projects["description_en"] == "").all()


def test_beneficiaries_and_an_english_description_round_trip_with_revisions_and_audit(any_store):
    rec = any_store.get_project("TD-001")
    any_store.update_project("TD-001", dict(rec.project, description_en="Piped water for two villages"),
                             rec.funding, rec.revision, "Lan", allow_overcommit=True)
    saved = any_store.save_beneficiaries("TD-001", {"people": "", "households": 120, "ethnic_groups": "Mông;Dao",
                                                    "women_percent": "52%"}, None, "Lan", note="survey 2024")
    assert saved.revision == 1 and saved.record["people"] is None  # blank stays "not recorded", never 0
    assert (saved.record["households"], saved.record["ethnic_groups"], saved.record["women_percent"]) == (
        120, "Mông; Dao", 52.0)
    with pytest.raises(ConflictError) as err:
        any_store.save_beneficiaries("TD-001", {"households": 1}, None, "Minh")  # someone saved first
    assert "người hưởng lợi" in err.value.text("vi")
    again = any_store.save_beneficiaries("TD-001", dict(saved.record, people=480), 1, "Minh")
    assert again.revision == 2
    ds = any_store.load()
    assert ds.projects.set_index("project_id").loc["TD-001", "description_en"] == "Piped water for two villages"
    row = ds.beneficiaries.set_index("project_id").loc["TD-001"]
    assert (row["people"], row["households"], row["revision"]) == (480, 120, 2)
    log = any_store.results_history("TD-001")
    assert [(e.action, e.user) for e in log] == [("beneficiaries-save", "Lan"), ("beneficiaries-save", "Minh")]
    assert log[1].before["people"] is None and log[1].after["people"] == 480


def test_a_result_indicator_is_added_edited_and_deleted_with_revision_checks(any_store):
    rec = any_store.add_indicator(_indicator(), "Lan")
    iid = rec.record["indicator_id"]
    assert rec.revision == 1 and rec.record["actuals"] == {2023: 90.0, 2024: 150.0}
    table = any_store.result_indicators("TD-001")
    assert table[["name_en", "unit", "baseline", "target"]].to_dict("records") == [
        {"name_en": "Households with clean water", "unit": "households", "baseline": 40.0, "target": 200.0}]
    assert table["actuals"].iloc[0] == {2023: 90.0, 2024: 150.0} and table["target_year"].iloc[0] == 2025
    edited = any_store.update_indicator(iid, dict(rec.record, actuals={2023: 90, 2024: 150, 2025: 210}), 1, "Minh")
    assert edited.revision == 2 and edited.record["actuals"][2025] == 210.0
    before = snapshot(any_store)
    with pytest.raises(ConflictError) as err:
        any_store.update_indicator(iid, dict(rec.record, target=1), 1, "Lan")
    assert "result indicator" in err.value.text("en") and "chỉ số kết quả" in err.value.text("vi")
    with pytest.raises(ConflictError):
        any_store.delete_indicator(iid, 1, "Lan")
    assert_unchanged(before, any_store)
    any_store.delete_indicator(iid, 2, "Lan")
    assert any_store.get_indicator(iid) is None
    assert [e.action for e in any_store.results_history(iid)] == ["result-create", "result-update", "result-delete"]
    assert [e.action for e in any_store.history("TD-001")] == []  # the project's own versions are untouched


def test_bad_results_are_refused_naming_each_field_and_nothing_changes(any_store):
    before = snapshot(any_store)
    with pytest.raises(DataError) as err:
        any_store.add_indicator(_indicator(name_vi="", unit="bags", target="-1", actuals={"20x4": 5}), "Lan")
    assert {p.column for p in err.value.problems} == {"name_vi", "unit", "target", "actuals"}
    with pytest.raises(DataError) as err:
        any_store.add_indicator(_indicator("NO-SUCH"), "Lan")
    assert "NO-SUCH" in err.value.problems[0].text("vi")
    with pytest.raises(DataError) as err:
        any_store.save_beneficiaries("TD-001", {"people": 10, "households": 40, "women_percent": 130}, None, "Lan")
    assert {p.column for p in err.value.problems} == {"households", "women_percent"}
    assert_unchanged(before, any_store)


@pytest.mark.parametrize("write", ["save beneficiaries", "add indicator", "edit indicator", "delete indicator"])
def test_a_viewer_cannot_write_beneficiaries_or_results_and_nothing_changes(any_store, write):
    store = _with_accounts(any_store)
    rec = store.add_indicator(_indicator(), "admin1")
    iid, rev = rec.record["indicator_id"], rec.revision
    writes = {
        "save beneficiaries": lambda: store.save_beneficiaries("TD-001", {"households": 5}, None, "view1"),
        "add indicator": lambda: store.add_indicator(_indicator(), "view1"),
        "edit indicator": lambda: store.update_indicator(iid, dict(rec.record, target=5), rev, "view1"),
        "delete indicator": lambda: store.delete_indicator(iid, rev, "view1"),
    }
    before = snapshot(store)
    with pytest.raises(PermissionDenied) as err:
        writes[write]()
    assert_unchanged(before, store)
    assert "Người xem" in err.value.text("vi") and "Viewer" in err.value.text("en")
    with pytest.raises(PermissionDenied):  # a commune editor neither, outside their commune (TD-001: Nà Tăm)
        store.add_indicator(_indicator(), "bo1")


def test_deleting_a_project_deletes_its_beneficiaries_and_indicators_with_audit_rows(any_store):
    any_store.create_project(_project(), LINES, "Lan")
    rec = any_store.add_indicator(_indicator("NEW-1"), "Lan")
    any_store.save_beneficiaries("NEW-1", {"households": 30}, None, "Lan")
    any_store.delete_project("NEW-1", 1, "Lan")
    assert any_store.get_indicator(rec.record["indicator_id"]) is None and any_store.get_beneficiaries("NEW-1") is None
    assert any_store.results_history(rec.record["indicator_id"])[-1].action == "result-delete"
    assert any_store.results_history("NEW-1")[-1].before["households"] == 30


def test_an_import_of_results_is_all_or_nothing_and_a_second_one_changes_nothing(any_store):
    road = _indicator("TD-002", name_vi="Km đường", unit="km", baseline=0, target=12, actuals={2024: 4})
    before = snapshot(any_store)
    with pytest.raises(DataError):  # the second record is bad: the first is not stored either
        any_store.apply_results([_indicator(), dict(road, unit="bags")], [{"project_id": "TD-001", "people": 9}], "Lan")
    with pytest.raises(DataError):  # a project that is not there
        any_store.apply_results([_indicator("NO-SUCH")], [], "Lan")
    assert_unchanged(before, any_store)
    ben = [{"project_id": "TD-001", "people": 480, "households": 120}]
    assert any_store.apply_results([_indicator(), road], ben, "Lan") == {
        "added": 2, "updated": 0, "unchanged": 0, "beneficiaries": 1}
    assert any_store.apply_results([_indicator(), road], ben, "Lan") == {
        "added": 0, "updated": 0, "unchanged": 2, "beneficiaries": 0}
    changed = any_store.apply_results([dict(road, actuals={2024: 4, 2025: 12})], [], "Minh")
    assert changed["updated"] == 1
    stored = any_store.result_indicators("TD-002").iloc[0]
    assert stored["actuals"] == {2024: 4.0, 2025: 12.0} and stored["revision"] == 2
    assert [e.user for e in any_store.results_history(stored["indicator_id"])] == ["Lan", "Minh"]


def test_a_store_from_schema_7_gets_the_results_tables_and_keeps_everything(backend):
    store = backend.open()
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, description="Mô tả đã sửa"), rec.funding, rec.revision, "Lan",
                         allow_overcommit=True)
    store.add_money(_money("TD-001"), "Lan")
    before = store.load()
    money, audit = store.money_records(), store.audit_log(10_000)
    for statement in ("DROP TABLE beneficiaries", "DROP TABLE result_indicators",
                      "ALTER TABLE projects DROP COLUMN description_en",
                      "UPDATE atlas_meta SET value='7' WHERE key='schema_version'"):
        backend.sql(statement)
    backend.forget()

    old = backend.open()
    after = old.load()
    pd.testing.assert_frame_equal(after.projects, before.projects)  # description_en back, blank
    pd.testing.assert_frame_equal(after.funding, before.funding)
    pd.testing.assert_frame_equal(old.money_records(), money)
    assert old.get_project("TD-001").project["description"] == "Mô tả đã sửa"
    assert old.beneficiaries().empty and old.result_indicators().empty
    log = old.audit_log(10_000)
    assert log[1:] == audit and log[0].action == "migrate" and f"schema 7 → {SCHEMA_VERSION}" in log[0].note
    assert "description_en" in log[0].note
    assert old.add_indicator(_indicator(), "Lan").revision == 1  # the new tables work
    backend.forget()
    assert len(backend.open().result_indicators()) == 1  # opened again: no second migration


# --- projects -------------------------------------------------------------------------------------------
def test_created_project_appears_in_dataset_with_its_funding(any_store):
    n = len(any_store.load().projects)
    any_store.create_project(_project(), LINES, "Lan")
    ds = any_store.load()
    assert len(ds.projects) == n + 1
    line = ds.funding[ds.funding.project_id == "NEW-1"].iloc[0]
    assert (line["need"], line["committed"], line["disbursed"]) == (1_000, 400, 100)


def test_writes_return_the_stored_record_with_its_revision(any_store):
    created = any_store.create_project(_project(), LINES, "Lan")
    assert created.revision == 1 and created == any_store.get_project("NEW-1")
    assert created.funding == LINES and created.project["name_vi"] == "Nước sạch bản Pá Pao"
    updated = any_store.update_project("NEW-1", dict(created.project, status="approved"), [], 1, "Lan")
    assert updated.revision == 2 and updated.funding == [] and updated == any_store.get_project("NEW-1")
    assert any_store.project_revisions()["NEW-1"] == 2
    any_store.delete_project("NEW-1", 2, "Lan")
    assert any_store.get_project("NEW-1") is None and "NEW-1" not in any_store.project_revisions()


def test_invalid_project_is_refused_naming_the_field_and_nothing_changes(any_store):
    v0 = any_store.version()
    with pytest.raises(DataError) as err:
        any_store.create_project(_project(commune_code="99999", end_year=2020), LINES, "Lan")
    assert {p.column for p in err.value.problems} == {"commune_code", "end_year"}
    assert any_store.version() == v0 and any_store.get_project("NEW-1") is None


def test_committed_above_need_needs_confirmation(any_store):
    over = [{"source": "ngo", "need": 100, "committed": 150, "disbursed": 0}]
    with pytest.raises(DataError, match="exceeds need"):
        any_store.create_project(_project(), over, "Lan")
    assert any_store.create_project(_project(), over, "Lan", allow_overcommit=True).funding[0]["committed"] == 150


def test_html_in_a_name_is_stored_as_plain_text(any_store):
    name = '<script>alert("x")</script> Bản <b>Hon</b>'
    any_store.create_project(_project(name_vi=name), LINES, "Lan")
    assert any_store.load().projects.set_index("project_id").loc["NEW-1", "name_vi"] == name


def test_audit_trail_records_who_when_before_and_after(any_store):
    any_store.create_project(_project(), LINES, "Lan")
    rec = any_store.get_project("NEW-1")
    any_store.update_project("NEW-1", dict(rec.project, status="approved"), rec.funding, rec.revision, "Minh")
    rec = any_store.get_project("NEW-1")
    any_store.delete_project("NEW-1", rec.revision, "")
    log = any_store.history("NEW-1")
    assert [e.action for e in log] == ["create", "update", "delete"]
    assert [e.user for e in log] == ["Lan", "Minh", default_user()]
    assert log[0].before is None and log[0].after["project"]["status"] == "proposal"
    assert log[1].before["project"]["status"] == "proposal" and log[1].after["project"]["status"] == "approved"
    assert log[2].before["project"]["status"] == "approved" and log[2].after is None
    assert all(e.ts.endswith("+00:00") for e in log)  # UTC
    # the store-wide log shows the same entries, newest first
    assert [e.id for e in any_store.audit_log(3)] == [e.id for e in reversed(log)]


def test_restore_an_old_version_is_a_new_update(any_store):
    original = any_store.get_project("TD-001")
    any_store.update_project("TD-001", dict(original.project, name_vi="Tên sai"), original.funding, 1, "Lan")
    cur = any_store.get_project("TD-001")
    any_store.update_project("TD-001", dict(cur.project, donor="Sai nữa"), [], cur.revision, "Minh")
    versions = any_store.versions("TD-001")
    # The seeded version (before the first change) and the two saved ones can be restored.
    assert [(w, s["project"]["name_vi"]) for _, w, s in versions] == [
        ("before", original.project["name_vi"]), ("after", "Tên sai"), ("after", "Tên sai")]
    first_id = versions[0][0]
    restored = any_store.restore("TD-001", first_id, 3, "Lan", which="before")
    assert restored.project == original.project and restored.funding == original.funding
    assert restored.revision == 4
    last = any_store.history("TD-001")[-1]
    assert last.action == "update" and f"#{first_id}" in last.note and last.user == "Lan"
    assert last.before["project"]["donor"] == "Sai nữa"


def test_restore_brings_back_a_deleted_project(any_store):
    rec = any_store.get_project("TD-002")
    any_store.delete_project("TD-002", rec.revision, "Lan")
    assert any_store.get_project("TD-002") is None
    deleted = any_store.history("TD-002")[-1]
    back = any_store.restore("TD-002", deleted.id, None, "Lan")
    assert back.project == rec.project and back.funding == rec.funding


def test_two_sessions_editing_the_same_project_conflict_instead_of_overwriting(any_store):
    a = any_store.get_project("TD-003")  # both sessions read revision 1
    b = any_store.get_project("TD-003")
    any_store.update_project("TD-003", dict(a.project, donor="A"), a.funding, a.revision, "An")
    with pytest.raises(ConflictError) as err:
        any_store.update_project("TD-003", dict(b.project, donor="B"), b.funding, b.revision, "Bình")
    assert err.value.theirs.project["donor"] == "A"  # what is stored now
    assert err.value.mine["project"]["donor"] == "B"  # what the second user tried
    assert any_store.get_project("TD-003").project["donor"] == "A"
    with pytest.raises(ConflictError):
        any_store.delete_project("TD-003", b.revision, "Bình")
    # Choosing "mine" after seeing both versions: save against the revision now stored.
    any_store.update_project("TD-003", err.value.mine["project"], err.value.mine["funding"],
                             err.value.theirs.revision, "Bình")
    assert any_store.get_project("TD-003").project["donor"] == "B"


def test_bulk_write_is_all_or_nothing(any_store):
    revs = any_store.project_revisions()
    good = (_project("NEW-1"), LINES)
    rec = any_store.get_project("TD-001")
    stale = (dict(rec.project, donor="x"), rec.funding)
    v0 = any_store.version()
    with pytest.raises(ConflictError):
        any_store.apply_projects([good, stale], {"NEW-1": None, "TD-001": revs["TD-001"] - 1}, "Lan")
    assert any_store.get_project("NEW-1") is None and any_store.version() == v0
    counts = any_store.apply_projects([good, stale], {"NEW-1": None, "TD-001": revs["TD-001"]}, "Lan")
    assert counts == {"created": 1, "updated": 1, "unchanged": 0}


def test_bulk_write_counts_unchanged_projects_and_logs_only_changes(any_store):
    rec = any_store.get_project("TD-001")
    n_log = len(any_store.audit_log(10_000))
    counts = any_store.apply_projects([(rec.project, rec.funding)], {"TD-001": rec.revision}, "Lan", note="import x")
    assert counts == {"created": 0, "updated": 0, "unchanged": 1}
    assert any_store.get_project("TD-001").revision == rec.revision
    assert len(any_store.audit_log(10_000)) == n_log
    any_store.apply_projects([(dict(rec.project, donor="KOICA"), rec.funding)], {"TD-001": rec.revision}, "Lan",
                             note="import x")
    last = any_store.history("TD-001")[-1]
    assert (last.action, last.user, last.note) == ("update", "Lan", "import x")
    assert last.before["project"]["donor"] == rec.project["donor"] and last.after["project"]["donor"] == "KOICA"


# --- refused writes change nothing ---------------------------------------------------------------------
def _stale_donor_update(s: Store) -> None:
    rec = s.get_donor("eu")
    s.save_donor(dict(rec.donor, contact_notes="x"), rec.revision + 1, "B")


REFUSED: dict[str, tuple[type[Exception], Callable[[Store], object]]] = {
    "bad project fields": (DataError, lambda s: s.create_project(_project(commune_code="99999"), LINES, "A")),
    "project id taken": (DataError, lambda s: s.create_project(_project("TD-001"), LINES, "A")),
    "project id changed": (DataError, lambda s: s.update_project("TD-001", _project("TD-999"), LINES, 1, "A")),
    "overcommitted": (DataError, lambda s: s.create_project(
        _project(), [{"source": "ngo", "need": 1, "committed": 2, "disbursed": 0}], "A")),
    "one bad record in a bulk write": (DataError, lambda s: s.apply_projects(
        [(_project("NEW-1"), LINES), (_project("NEW-2", end_year=1990), LINES)], {"NEW-1": None, "NEW-2": None}, "A")),
    "no such version": (DataError, lambda s: s.restore("TD-001", 10_000, 1, "A")),
    "bad donor fields": (DataError, lambda s: s.save_donor(dict(_new_donor(), ticket_max=1, priority_gender=9), None)),
    "donor id taken": (DataError, lambda s: s.save_donor(dict(_new_donor("jica")), None, "A")),
    "confirm an unknown donor": (DataError, lambda s: s.confirm_donor("nobody", 1, "A")),
    "unknown layer": (DataError, lambda s: s.replace_layer("roads", s.load().risk_zones,
                                                             s.load().provenance["risk_zones"], "A")),
    "stale project update": (ConflictError, lambda s: s.update_project("TD-001", s.get_project("TD-001").project,
                                                                       [], 2, "A")),
    "stale project delete": (ConflictError, lambda s: s.delete_project("TD-001", 2, "A")),
    "delete a deleted project": (ConflictError, lambda s: s.delete_project("NEW-1", 1, "A")),
    "stale bulk write": (ConflictError, lambda s: s.apply_projects(
        [(_project("NEW-1"), LINES), (s.get_project("TD-002").project, [])], {"NEW-1": None, "TD-002": 7}, "A")),
    "bulk write of a project someone created": (ConflictError, lambda s: s.apply_projects(
        [(s.get_project("TD-002").project, [])], {"TD-002": None}, "A")),
    "stale donor update": (ConflictError, _stale_donor_update),
    "stale donor confirm": (ConflictError, lambda s: s.confirm_donor("jica", 5, "A")),
    "stale donor delete": (ConflictError, lambda s: s.delete_donor("jica", 5, "A")),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_write_changes_nothing_at_all(any_store, case):
    kind, write = REFUSED[case]
    before = snapshot(any_store)
    with pytest.raises(kind) as err:
        write(any_store)
    assert type(err.value) is kind
    assert_unchanged(before, any_store)


def _delete_with_money(s: Store) -> None:
    assert len(s.money_records("TD-001")) > 0  # its money-delete audit rows are written before the refused one
    s.delete_project("TD-001", s.get_project("TD-001").revision, "A")


#: A write whose audit insert the database refuses (``column`` = ``value``), after the change itself went in.
AUDIT_REFUSED: dict[str, tuple[str, str, Callable[[Store], object]]] = {
    "project update": ("action", "update", lambda s: s.update_project(
        "TD-001", dict(s.get_project("TD-001").project, donor="KOICA"), s.get_project("TD-001").funding,
        s.get_project("TD-001").revision, "A", allow_overcommit=True)),
    "project create": ("action", "create", lambda s: s.create_project(_project(), LINES, "A")),
    "project delete with its money records": ("action", "delete", _delete_with_money),
    "import, the second project's row": ("project_id", "NEW-2", lambda s: s.apply_projects(
        [(_project("NEW-1"), LINES), (_project("NEW-2"), LINES)], {"NEW-1": None, "NEW-2": None}, "A")),
    "restore": ("action", "update", lambda s: s.restore("TD-001", s.history("TD-001")[0].id, 2, "A",
                                                        which="before")),
    "donor update": ("action", "donor-update", lambda s: s.save_donor(
        dict(s.get_donor("koica").donor, contact_notes="Chị Hoa"), s.get_donor("koica").revision, "A")),
    "donor delete": ("action", "donor-delete", lambda s: s.delete_donor("jica", 1, "A")),
    "money record": ("action", "money-create", lambda s: s.add_money(_money("TD-001"), "A")),
    "beneficiaries": ("action", "beneficiaries-save", lambda s: s.save_beneficiaries("TD-001", {"households": 3},
                                                                                      None, "A")),
    "result indicator": ("action", "result-create", lambda s: s.add_indicator(_indicator(), "A")),
    "layer": ("action", "replace-layer", lambda s: s.replace_layer("risk_zones", s.load().risk_zones.iloc[:1],
                                                                    s.load().provenance["risk_zones"], "A")),
    "account": ("action", "user-add", lambda s: add_account(s, "lan")),
}


@pytest.mark.parametrize("case", list(AUDIT_REFUSED))
def test_an_edit_whose_audit_row_is_refused_is_not_stored_at_all(backend, case):
    """Each edit and its audit rows are one transaction: no change without its audit row, nor the reverse."""
    column, value, write = AUDIT_REFUSED[case]
    store = backend.open()
    if case == "restore":  # a version to restore: TD-001 as seeded, before this update
        rec = store.get_project("TD-001")
        store.update_project("TD-001", dict(rec.project, donor="KOICA"), rec.funding, rec.revision, "A",
                             allow_overcommit=True)
    refuse_audit(backend, column, value)
    before = snapshot(store)
    with pytest.raises(AuditRefused) as err:  # the store's own sentence for it, not the driver's exception
        write(store)
    assert "refuse" in str(err.value.__cause__)  # the audit insert was refused (the trigger's or the constraint's name)
    vi, en = err.value.text("vi"), err.value.text("en")
    assert "nhật ký thay đổi" in vi and "không có gì thay đổi" in vi and "audit log" in en and "nothing changed" in en
    assert_unchanged(before, store)
    assert_unchanged(before, backend.open())  # as another process sees it


def test_a_conflict_says_what_happened_in_both_languages(any_store):
    with pytest.raises(ConflictError) as err:
        any_store.delete_donor("jica", 5, "A")
    assert err.value.kind == "donor" and err.value.project_id == "jica" and err.value.expected == 5
    assert err.value.theirs == any_store.get_donor("jica")
    vi, en = err.value.text("vi"), err.value.text("en")
    assert vi != en and "jica" in vi and "jica" in en and str(err.value) == en


# --- donor profiles -------------------------------------------------------------------------------------
def test_seeded_store_holds_the_starter_list(any_store):
    ours = any_store.list_donors()
    bundled = donors.bundled_frame()
    pd.testing.assert_frame_equal(ours[list(schema.DONOR_COLUMNS)], bundled)
    assert (ours["revision"] == 1).all()
    assert any_store.editable


def test_donor_edit_is_audited_and_survives_reload(backend):
    store = backend.open()
    rec = store.get_donor("koica")
    edited = dict(rec.donor, contact_notes="Chị Hoa, văn phòng Hà Nội", priority_health=1)
    saved = store.save_donor(edited, rec.revision, user="Lò Thị Lan")
    assert saved.revision == rec.revision + 1
    again = backend.open().get_donor("koica")  # a new process / app restart
    assert again.donor["contact_notes"] == "Chị Hoa, văn phòng Hà Nội" and again.donor["priority_health"] == 1
    (entry,) = store.donor_history("koica")
    assert entry.user == "Lò Thị Lan" and entry.action == "donor-update"
    assert entry.before["priority_health"] == 3 and entry.after["priority_health"] == 1
    assert any(e.action == "donor-update" for e in store.audit_log())
    assert [p.weight(7) for p in load_profiles(store) if p.donor_id == "koica"] == [1]


def test_confirming_priorities_records_who_and_when(any_store):
    rec = any_store.get_donor("jica")
    out = any_store.confirm_donor("jica", rec.revision, "Lan", on=date(2026, 5, 4))
    assert out.donor["priorities_quality"] == "confirmed by Lan on 2026-05-04"
    assert out.revision == rec.revision + 1 and any_store.get_donor("jica") == out
    profile = donors.DonorProfile.from_record(out.donor)
    assert profile.is_confirmed
    assert donors.quality_text(profile.priorities_quality, "vi") == "đã xác nhận bởi Lan ngày 2026-05-04"
    assert any_store.donor_history("jica")[-1].note.endswith("priorities confirmed")


def test_stale_revision_conflicts_instead_of_overwriting(any_store):
    rec = any_store.get_donor("eu")
    any_store.save_donor(dict(rec.donor, contact_notes="first"), rec.revision, "A")
    with pytest.raises(ConflictError, match="donor eu was changed"):
        any_store.save_donor(dict(rec.donor, contact_notes="second"), rec.revision, "B")
    assert any_store.get_donor("eu").donor["contact_notes"] == "first"


def test_bad_fields_are_named_and_nothing_changes(any_store):
    v0 = any_store.version()
    rec = any_store.get_donor("undp")
    with pytest.raises(DataError) as err:
        any_store.save_donor(dict(rec.donor, ticket_max=1, priority_gender=9, instruments="gift"), rec.revision, "A")
    assert {p.column for p in err.value.problems} == {"ticket_max", "priority_gender", "instruments"}
    assert any_store.version() == v0 and any_store.get_donor("undp").revision == rec.revision


def test_create_and_delete_are_audited(any_store):
    new = _new_donor()
    created = any_store.save_donor(new, None, "Lan")
    assert created.revision == 1 and created.donor["name"] == "Sakura Tea Co."
    assert list(any_store.list_donors()["donor_id"])[-1] == "sakura-tea"
    with pytest.raises(DataError, match="already exists"):
        any_store.save_donor(new, None, "Lan")
    any_store.delete_donor("sakura-tea", 1, "Lan")
    assert any_store.get_donor("sakura-tea") is None
    assert [e.action for e in any_store.donor_history("sakura-tea")] == ["donor-create", "donor-delete"]
    create, delete = any_store.donor_history("sakura-tea")
    assert create.before is None and create.after["name"] == "Sakura Tea Co." and create.user == "Lan"
    assert delete.before["name"] == "Sakura Tea Co." and delete.after is None
    assert "sakura-tea" not in set(any_store.list_donors()["donor_id"])


# --- layers ---------------------------------------------------------------------------------------------
def test_replace_layer_is_one_transaction_with_provenance(any_store):
    ds = any_store.load()
    prov = ds.provenance["risk_zones"]
    new = dataclasses.replace(prov, source="Sở TN&MT Lai Châu", quality=schema.Quality.OFFICIAL)
    any_store.replace_layer("risk_zones", ds.risk_zones.iloc[:1], new, "Lan")
    after = any_store.load()
    assert len(after.risk_zones) == 1 and after.provenance["risk_zones"].source == "Sở TN&MT Lai Châu"
    assert any_store.audit_log(1)[0].action == "replace-layer"
    assert_geodataframe_equal(after.risk_zones, ds.risk_zones.iloc[:1].reset_index(drop=True))
    assert after.provenance["risk_zones"] == new
    assert {k: v for k, v in after.provenance.items() if k != "risk_zones"} == \
        {k: v for k, v in ds.provenance.items() if k != "risk_zones"}
    entry = any_store.audit_log(1)[0]
    assert entry.user == "Lan" and entry.after["layer"] == "risk_zones" and entry.after["features"] == 1
    assert entry.after["source"] == "Sở TN&MT Lai Châu" and entry.after["quality"] == "official"


def test_an_official_five_class_zoning_map_replaces_the_buffers_and_reloads_alike(any_store):
    import geopandas as gpd
    from shapely.geometry import box

    from geo.analysis import exposure
    from geo.ingest.layer_import import preview_layer
    from geo.storage.layer_commit import commit_layer

    ds = any_store.load()
    x0, y0, x1, y1 = ds.communes.total_bounds
    step = (x1 - x0) / 5
    zones = pd.DataFrame({"CAP": ["Rất cao", "Cao", "Cấp 3", "Thấp", "Rất thấp"]})
    gdf = gpd.GeoDataFrame(zones, geometry=[box(x0 + i * step, y0, x0 + (i + 1) * step, y1) for i in range(5)],
                           crs="EPSG:4326")
    li = preview_layer("risk", gdf.to_json().encode(), "vigmr.geojson", ds, class_field="CAP",
                       class_map={"Cấp 3": "medium"})
    commit_layer(any_store, li, ds, "VIGMR 1:50.000", "cung cấp cho tỉnh", "2018-12-01", "official", user="Lan")
    after = any_store.load()
    assert after.risk_zones["risk_level"].tolist() == list(exposure.LEVELS)
    assert after.provenance["risk_zones"].quality is schema.Quality.OFFICIAL
    shares = exposure.class_shares(after.risk_zones, after.communes, after.metric_crs)
    assert (shares.sum(axis=1) > 0.99).all()  # five strips across the district cover every commune


# --- the whole store at once (store copy, backup, check) --------------------------------------------------
def test_a_seeded_store_dumps_every_table_and_passes_its_own_checks(any_store):
    from geo.storage.migrations import SCHEMA_VERSION
    from geo.storage.tables import by_name

    assert not any_store.is_empty()
    tables = by_name(any_store.dump_tables())
    assert {"atlas_meta", "atlas_audit", "atlas_provenance", "donors", "projects", "funding", "units_2025",
            *FEATURE_LAYERS} <= set(tables)
    ds = any_store.load()
    assert len(tables["projects"].rows) == len(ds.projects) and len(tables["funding"].rows) == len(ds.funding)
    assert dict(tables["atlas_meta"].rows)["schema_version"] == str(SCHEMA_VERSION)
    assert any_store.integrity_problems() == []


def test_replacing_every_table_is_all_or_nothing_and_changes_the_version(any_store, backend):
    from geo.storage.tables import Table, content_rows

    any_store.create_project(_project(), LINES, "Lan")
    tables = any_store.dump_tables()
    before = snapshot(any_store)
    broken = [*tables, Table("zz_bad", tables[0].columns, [("x",) * (len(tables[0].columns) + 1)])]
    with pytest.raises(Exception):  # noqa: B017  (a row wider than its table: the backend's own error)
        any_store.replace_tables(broken)
    assert_unchanged(before, backend.open())
    any_store.replace_tables(tables)
    again = backend.open()
    assert [content_rows(t) for t in again.dump_tables()] == [content_rows(t) for t in tables]
    assert again.version() != before["version"] and again.get_project("NEW-1").revision == 1


# --- accounts and permissions (issue 15) ----------------------------------------------------------------
NA_TAM, BAN_BO = "03427", "03424"  # TD-001 is in Nà Tăm; _project() is in Bản Bo


def _with_accounts(store: Store) -> Store:
    """The store with an admin, a planner, a viewer and a commune editor for Bản Bo."""
    add_account(store, "admin1", "admin", display_name="Lò Văn Quản")
    add_account(store, "plan1", "planner")
    add_account(store, "view1", "viewer")
    add_account(store, "bo1", "commune_editor", (BAN_BO,), display_name="Chị Lan (Bản Bo)")
    return store


def _writes(s: Store) -> dict[str, Callable[[str | Actor], object]]:
    """Every kind of store write, as ``write(user)``."""
    ds = s.load()
    td1 = s.get_project("TD-001")
    return {
        "create": lambda u: s.create_project(_project("NEW-7"), LINES, u),
        "update": lambda u: s.update_project("TD-001", dict(td1.project, donor="x"), td1.funding, td1.revision, u),
        "delete": lambda u: s.delete_project("TD-001", td1.revision, u),
        "import": lambda u: s.apply_projects([(_project("NEW-8"), LINES)], {"NEW-8": None}, u),
        "restore": lambda u: s.restore("TD-001", s.versions("TD-001")[0][0] if s.versions("TD-001") else 1, 1, u),
        "save donor": lambda u: s.save_donor(_new_donor(), None, u),
        "confirm donor": lambda u: s.confirm_donor("jica", s.get_donor("jica").revision, u),
        "delete donor": lambda u: s.delete_donor("jica", s.get_donor("jica").revision, u),
        "replace layer": lambda u: s.replace_layer("risk_zones", ds.risk_zones.iloc[:1], ds.provenance["risk_zones"], u),
        "add account": lambda u: s.add_user("new1", PASSWORD, "admin", by=u),
        "disable account": lambda u: s.update_user("plan1", u, disabled=True),
        "reset password": lambda u: s.reset_password("plan1", PASSWORD + "x", u),
        "add money": lambda u: s.add_money(_money("TD-001"), u),
        "edit money": lambda u: s.update_money(*_first_money(s, "TD-001", amount=1), u),
        "delete money": lambda u: s.delete_money(*_first_money(s, "TD-001")[::2], u),
        "import results": lambda u: s.apply_results([_indicator()], [{"project_id": "TD-001", "households": 3}], u),
        "replace basemap": lambda u: s.replace_basemap(tiny_basemap(), u),
        "remove basemap": lambda u: s.replace_basemap(None, u),
    }


WRITES = ["create", "update", "delete", "import", "restore", "save donor", "confirm donor", "delete donor",
          "replace layer", "add account", "disable account", "reset password", "add money", "edit money",
          "delete money", "import results", "replace basemap", "remove basemap"]


@pytest.mark.parametrize("write", WRITES)
def test_a_viewer_calling_the_store_directly_is_refused_and_nothing_changes(any_store, write):
    store = _with_accounts(any_store)
    before = snapshot(store)
    with pytest.raises(PermissionDenied) as err:
        _writes(store)[write]("view1")
    assert_unchanged(before, store)
    assert "view1" in err.value.text("en") and "Viewer" in err.value.text("en")
    assert "Người xem" in err.value.text("vi") and "không có gì thay đổi" in err.value.text("vi")


@pytest.mark.parametrize("write", ["create", "update", "delete", "import"])
def test_a_commune_editor_outside_their_commune_is_refused_and_nothing_changes(any_store, write):
    store = _with_accounts(any_store)
    if write in ("create", "import"):  # a project in Nà Tăm, not Bản Bo
        writes = {"create": lambda: store.create_project(_project("NEW-7", commune_code=NA_TAM), LINES, "bo1"),
                  "import": lambda: store.apply_projects([(_project("NEW-8"), LINES),
                                                          (_project("NEW-9", commune_code=NA_TAM), LINES)],
                                                         {"NEW-8": None, "NEW-9": None}, "bo1")}
        run = writes[write]
    else:
        def run():
            return _writes(store)[write]("bo1")  # TD-001 is in Nà Tăm
    before = snapshot(store)
    with pytest.raises(PermissionDenied) as err:
        run()
    assert_unchanged(before, store)
    assert err.value.text("en") and err.value.text("vi") != err.value.text("en")


def test_a_commune_editor_edits_in_their_commune_and_cannot_move_a_project_out(any_store):
    store = _with_accounts(any_store)
    rec = store.create_project(_project("NEW-7"), LINES, "bo1")
    assert store.history("NEW-7")[-1].user == "bo1"  # the account's login, not its display name
    store.update_project("NEW-7", dict(rec.project, donor="IFAD"), rec.funding, rec.revision, "bo1")
    before = snapshot(store)
    with pytest.raises(PermissionDenied) as err:
        store.update_project("NEW-7", dict(rec.project, commune_code=NA_TAM), rec.funding, 2, "bo1")
    assert NA_TAM in err.value.text("en") and BAN_BO in err.value.text("en")
    assert_unchanged(before, store)
    with pytest.raises(PermissionDenied):
        store.delete_project("NEW-7", 2, "bo1")  # deleting is for planners and admins
    assert_unchanged(before, store)


def test_a_planner_edits_any_project_but_not_donors_layers_or_accounts(any_store):
    store = _with_accounts(any_store)
    for write in ("update", "create", "import"):
        _writes(store)[write]("plan1")
    _writes(store)["delete"]("plan1")
    assert {e.user for e in store.audit_log(4)} == {"plan1"}
    for write in ("save donor", "replace layer", "add account"):
        before = snapshot(store)
        with pytest.raises(PermissionDenied):
            _writes(store)[write]("plan1")
        assert_unchanged(before, store)


def test_once_an_account_exists_a_typed_name_or_a_forged_role_is_refused(any_store):
    any_store.create_project(_project("NEW-1"), LINES, "Lan")  # no accounts yet: single-user, as before
    store = _with_accounts(any_store)
    before = snapshot(store)
    for who in ("Lan", "", Actor("view1", Role.ADMIN), Actor("nobody", Role.ADMIN)):
        with pytest.raises(PermissionDenied):
            store.create_project(_project("NEW-2"), LINES, who)
    assert_unchanged(before, store)
    store.create_project(_project("NEW-2"), LINES, Actor("admin1", Role.VIEWER))  # the stored role counts
    assert store.history("NEW-2")[-1].user == "admin1"


def test_twenty_wrong_passwords_lock_the_account_across_restarts_until_an_admin_unlocks(backend):
    store = _with_accounts(backend.open())
    assert store.authenticate("plan1", PASSWORD).login == "plan1"
    for _ in range(20):
        with pytest.raises(SignInRefused):
            store.authenticate("plan1", "guess-" + PASSWORD)
    restarted = backend.open()
    assert restarted.get_user("plan1").locked
    with pytest.raises(SignInRefused) as err:
        restarted.authenticate("plan1", PASSWORD)  # the right password, refused while locked
    assert err.value.note.key == "err.signin.locked" and "khóa" in err.value.text("vi")
    with pytest.raises(PermissionDenied):  # a locked account writes nothing either
        restarted.create_project(_project("NEW-1"), LINES, "plan1")
    assert [e.action for e in restarted.audit_log(1)] == ["user-locked"]
    restarted.unlock_user("plan1", "admin1")
    assert restarted.authenticate("plan1", PASSWORD).failed == 0


def test_a_wrong_login_and_a_wrong_password_get_the_same_answer(any_store):
    store = _with_accounts(any_store)
    answers = set()
    for login, password in (("nobody", PASSWORD), ("plan1", "wrong password!"), ("PLAN1 ", "x")):
        with pytest.raises(SignInRefused) as err:
            store.authenticate(login, password)
        answers.add(err.value.text("en"))
    assert answers == {"wrong login or password"}
    assert store.authenticate(" Plan1", PASSWORD).login == "plan1"  # logins ignore case and spaces


def test_reset_and_disable_end_sessions_and_disabled_accounts_are_refused(any_store):
    store = _with_accounts(any_store)
    epoch = store.get_user("plan1").epoch
    store.reset_password("plan1", "another-Passw0rd", "admin1")
    assert store.get_user("plan1").epoch > epoch
    with pytest.raises(SignInRefused):
        store.authenticate("plan1", PASSWORD)
    assert store.authenticate("plan1", "another-Passw0rd").login == "plan1"
    store.update_user("plan1", "admin1", disabled=True)
    with pytest.raises(SignInRefused):
        store.authenticate("plan1", "another-Passw0rd")
    with pytest.raises(PermissionDenied):
        store.create_project(_project("NEW-1"), LINES, Actor("plan1", Role.PLANNER))
    with pytest.raises(PermissionDenied):  # the last admin stays
        store.update_user("admin1", "admin1", disabled=True)


def test_own_password_change_needs_the_current_one_and_the_policy(any_store):
    store = _with_accounts(any_store)
    with pytest.raises(SignInRefused):
        store.change_password("view1", "not it at all", "brand-new-Passw0rd")
    with pytest.raises(AccountError):
        store.change_password("view1", PASSWORD, "short")
    store.change_password("view1", PASSWORD, "brand-new-Passw0rd")
    assert store.authenticate("view1", "brand-new-Passw0rd").login == "view1"


@pytest.mark.parametrize("fields", [dict(login="x"), dict(login="<b>x</b>"), dict(role="boss"),
                                    dict(password="short"), dict(password="aaaaaaaaaaaa"),
                                    dict(role="commune_editor"), dict(communes=("99999",)),
                                    dict(display_name="a\x00b"), dict(login="admin1")])
def test_bad_account_fields_are_refused_in_both_languages_and_nothing_changes(any_store, fields):
    store = _with_accounts(any_store)
    args = {"login": "new.user", "password": PASSWORD, "role": "viewer", "display_name": "", "communes": (), **fields}
    before = snapshot(store)
    with pytest.raises(AccountError) as err:
        store.add_user(args.pop("login"), args.pop("password"), args.pop("role"), by="admin1", **args)
    assert_unchanged(before, store)
    assert err.value.text("vi") != err.value.text("en")


def test_no_password_or_hash_in_accounts_audit_or_errors(any_store):
    store = _with_accounts(any_store)
    store.reset_password("plan1", "Secret-Reset-123", "admin1")
    with pytest.raises(SignInRefused) as err:
        store.authenticate("plan1", "Secret-Wrong-456")
    seen = [repr(u) for u in store.list_users()] + [repr(e) for e in store.audit_between()]
    seen += [err.value.text("en"), err.value.text("vi"), str(err.value)]
    for text in seen:
        assert "argon2" not in text and "Secret-" not in text and PASSWORD not in text
    assert {"user-add", "user-reset-password"} <= {e.action for e in store.audit_between()}
    assert not any(hasattr(u, "password_hash") for u in store.list_users())


def test_html_in_a_display_name_is_kept_as_plain_text(any_store):
    add_account(any_store, "xss1", "viewer", display_name=XSS)
    assert any_store.get_user("xss1").display_name == XSS


# --- the approval workflow (issue 15) ---------------------------------------------------------------------
def _move(store: Store, pid: str, status: str, user: str, note: str = ""):
    rec = store.get_project(pid)
    return store.update_project(pid, dict(rec.project, status=status), rec.funding, rec.revision, user, note=note)


def test_commune_editors_propose_and_the_district_moves_projects_on(any_store):
    store = _with_accounts(any_store)
    store.create_project(_project("NEW-7", status="proposal"), LINES, "bo1")
    before = snapshot(store)
    for status in ("appraised", "approved", "committed", "rejected"):
        with pytest.raises(PermissionDenied) as err:
            _move(store, "NEW-7", status, "bo1", note="x")
        # the refusal names the project, the step it is at and the only move this account may make
        assert "NEW-7" in err.value.text("en") and "Đề xuất" in err.value.text("vi")
        assert "may move it to: Cancelled" in err.value.text("en") and "Đã hủy" in err.value.text("vi")
    with pytest.raises(PermissionDenied):  # nor create a project already committed
        store.create_project(_project("NEW-8", status="committed"), LINES, "bo1")
    assert_unchanged(before, store)
    for status in ("appraised", "approved", "committed", "implementing", "completed"):
        _move(store, "NEW-7", status, "plan1")
    trail = [(e.user, e.before["project"]["status"], e.after["project"]["status"])
             for e in store.history("NEW-7")[1:]]
    assert trail == [("plan1", "proposal", "appraised"), ("plan1", "appraised", "approved"),
                     ("plan1", "approved", "committed"), ("plan1", "committed", "implementing"),
                     ("plan1", "implementing", "completed")]
    before = snapshot(store)
    with pytest.raises(PermissionDenied):  # a completed project is the district's to edit now
        rec = store.get_project("NEW-7")
        store.update_project("NEW-7", dict(rec.project, donor="x"), rec.funding, rec.revision, "bo1")
    with pytest.raises(PermissionDenied):  # and a viewer moves nothing
        _move(store, "NEW-7", "cancelled", "view1", note="x")
    assert_unchanged(before, store)


@pytest.mark.parametrize(("start", "to"), [("proposal", "approved"), ("proposal", "committed"),
                                           ("appraised", "committed"), ("approved", "completed"),
                                           ("completed", "proposal"), ("rejected", "approved")])
def test_a_planner_cannot_skip_a_step_and_nothing_changes(any_store, start, to):
    store = _with_accounts(any_store)
    store.create_project(_project("NEW-7", status=start), LINES, "plan1", note="recorded late")
    before = snapshot(store)
    with pytest.raises(PermissionDenied) as err:
        _move(store, "NEW-7", to, "plan1", note="x")
    assert_unchanged(before, store)
    assert store.get_project("NEW-7").project["status"] == start
    en, vi = err.value.text("en"), err.value.text("vi")
    assert schema.STATUS_BY_KEY[to].en in en and schema.STATUS_BY_KEY[to].vi in vi and "Nothing was changed" in en
    _move(store, "NEW-7", to, "admin1", note="correcting the record")  # an administrator may correct anything
    assert store.get_project("NEW-7").project["status"] == to


@pytest.mark.parametrize("note", ["", "   "])
def test_rejecting_a_proposal_needs_a_note_and_the_audit_trail_keeps_it(any_store, note):
    store = _with_accounts(any_store)
    store.create_project(_project("NEW-7", status="proposal"), LINES, "bo1")
    _move(store, "NEW-7", "appraised", "plan1")
    before = snapshot(store)
    with pytest.raises(DataError) as err:
        _move(store, "NEW-7", "rejected", "plan1", note=note)
    (problem,) = err.value.problems
    assert problem.column == "status" and "NEW-7" in problem.text("en") and "Rejected" in problem.text("en")
    assert "Bị từ chối" in problem.text("vi")
    assert_unchanged(before, store)
    _move(store, "NEW-7", "rejected", "plan1", note="Trùng với dự án TD-004")
    entry = store.history("NEW-7")[-1]
    assert (entry.user, entry.before["project"]["status"], entry.after["project"]["status"], entry.note) == \
        ("plan1", "appraised", "rejected", "Trùng với dự án TD-004")
    assert store.audit_between()[-1].note == "Trùng với dự án TD-004"  # in the exported change log too
    assert "NEW-7" not in set(funding.apply_filters(store.load().projects, store.load().funding, Filters())[0]
                              ["project_id"])  # a rejected proposal is nobody's funding gap
    _move(store, "NEW-7", "proposal", "plan1")  # reopened: no note needed to bring it back
    assert store.get_project("NEW-7").project["status"] == "proposal"


def test_a_commune_editor_withdraws_only_their_own_communes_proposals(any_store):
    store = _with_accounts(any_store)
    store.create_project(_project("NEW-7", status="proposal"), LINES, "bo1")
    store.create_project(_project("NEW-9", status="proposal", commune_code=NA_TAM), LINES, "plan1")
    before = snapshot(store)
    with pytest.raises(PermissionDenied):
        _move(store, "NEW-9", "cancelled", "bo1", note="rút")
    with pytest.raises(DataError):  # a withdrawal says why too
        _move(store, "NEW-7", "cancelled", "bo1")
    assert_unchanged(before, store)
    _move(store, "NEW-7", "cancelled", "bo1", note="Xã rút đề xuất")
    assert store.history("NEW-7")[-1].note == "Xã rút đề xuất"
    with pytest.raises(PermissionDenied):  # bringing it back is the district's decision
        _move(store, "NEW-7", "proposal", "bo1")


def test_an_import_that_skips_a_step_is_refused_whole(any_store):
    store = _with_accounts(any_store)
    store.create_project(_project("NEW-7", status="proposal"), LINES, "plan1")
    store.create_project(_project("NEW-8", status="proposal"), LINES, "plan1")
    r7, r8 = store.get_project("NEW-7"), store.get_project("NEW-8")
    before = snapshot(store)
    with pytest.raises(PermissionDenied):
        store.apply_projects([(dict(r7.project, status="appraised"), r7.funding),
                              (dict(r8.project, status="committed"), r8.funding)],
                             {"NEW-7": r7.revision, "NEW-8": r8.revision}, "plan1", note="import x.csv")
    assert_unchanged(before, store)


def test_statuses_of_before_the_workflow_are_migrated_to_its_steps(backend):
    from geo.storage.migrations import SCHEMA_VERSION

    store = backend.open()
    before = store.load().projects.set_index("project_id")["status"]
    approved, proposed = before[before == "approved"].index[0], before[before == "proposal"].index[0]
    backend.sql(f"UPDATE projects SET status='pitched' WHERE project_id='{approved}'")
    backend.sql(f"UPDATE projects SET status='idea' WHERE project_id='{proposed}'")
    backend.sql("UPDATE atlas_meta SET value='5' WHERE key='schema_version'")
    backend.forget()
    old = backend.open()
    after = old.load().projects.set_index("project_id")["status"]
    pd.testing.assert_series_equal(after, before)
    assert backend.sql("SELECT value FROM atlas_meta WHERE key='schema_version'") == [(str(SCHEMA_VERSION),)]
    log = old.audit_log(1)[0]
    assert log.action == "migrate" and "idea → proposal" in log.note and "pitched → approved" in log.note


def test_cancelling_a_project_needs_a_note_which_the_audit_trail_keeps(any_store):
    rec = any_store.get_project("TD-004")
    before = snapshot(any_store)
    with pytest.raises(DataError) as err:
        any_store.update_project("TD-004", dict(rec.project, status="cancelled"), rec.funding, rec.revision, "Lan")
    (problem,) = err.value.problems
    assert problem.column == "status" and "TD-004" in problem.text("vi") and "hủy" in problem.text("vi")
    assert_unchanged(before, any_store)
    any_store.update_project("TD-004", dict(rec.project, status="cancelled"), rec.funding, rec.revision, "Lan",
                             note="Xã đã có nguồn vốn khác")
    assert any_store.history("TD-004")[-1].note == "Xã đã có nguồn vốn khác"
    with pytest.raises(DataError):  # an import cancelling projects says why too (its note names the file)
        any_store.apply_projects([(dict(any_store.get_project("TD-002").project, status="cancelled"), [])],
                                 {"TD-002": 1}, "Lan", note="")


def test_audit_between_selects_by_time(any_store):
    any_store.create_project(_project("NEW-1"), LINES, "Lan")
    today = date.today().isoformat()
    assert [e.project_id for e in any_store.audit_between(today)] == ["NEW-1"]
    assert any_store.audit_between("2000-01-01", "2000-01-02") == []


# --- callers use the interface --------------------------------------------------------------------------
def test_pages_and_app_never_import_a_store_implementation():
    # import-linter guards geo/ (pyproject.toml); pages/ and app.py are not a package, so check them here.
    pattern = re.compile(r"^\s*(from|import)\s+geo\.storage\.(gpkg|postgis)_store\b", re.M)
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    assert len(files) > 5
    offenders = [f.name for f in files if pattern.search(f.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_point_is_checked_against_the_province_the_store_was_seeded_for(backend):
    """A store seeded from another province's ``atlas.toml`` (``[map] extent``) takes points there and
    refuses Lai Châu's, naming that province; it no longer checks every store against Lai Châu."""
    from geo.ingest.atlas_toml import to_toml

    store = backend.open()
    cfg = dataclasses.replace(store.load().config, extent=(105.0, 20.0, 106.0, 21.0),
                              province=schema.Label("tỉnh Hòa Bình", "Hòa Bình province"))
    backend.sql("UPDATE atlas_meta SET value = '" + to_toml(cfg).replace("'", "''") + "' WHERE key = 'config'")
    store = backend.open()
    store.create_project(_project("NEW-HB", lon=105.5, lat=20.5), LINES, "Minh")
    assert store.get_project("NEW-HB").project["lon"] == 105.5
    with pytest.raises(DataError) as err:
        store.create_project(_project("NEW-LC", lon=103.5, lat=22.3), LINES, "Minh")
    assert "Hòa Bình province" in err.value.text("en") and "tỉnh Hòa Bình" in err.value.text("vi")
    assert store.get_project("NEW-LC") is None


def test_only_an_admin_closes_the_public_view_and_the_change_is_audited(backend):
    store = _with_accounts(backend.open())
    assert store.public_view()  # on by default, also for every store written before the setting
    for who in ("view1", "plan1", "bo1"):
        with pytest.raises(PermissionDenied):
            store.set_public_view(False, who)
    assert store.public_view() and not [e for e in store.audit_between() if e.action == "public-view"]
    assert store.set_public_view(False, "admin1") is False
    assert not backend.open().public_view()  # kept in the store: another process sees it closed
    store.set_public_view(True, "admin1")
    changes = [e for e in store.audit_between() if e.action == "public-view"]
    assert [(e.user, e.before, e.after) for e in changes] == [
        ("admin1", {"public_view": True}, {"public_view": False}),
        ("admin1", {"public_view": False}, {"public_view": True})]
    assert backend.open().public_view()


# --- the offline basemap (issue 19) -------------------------------------------------------------------------
def test_a_basemap_is_stored_whole_with_its_provenance_seen_by_a_second_process_and_audited(backend):
    store = backend.open()
    assert store.basemap() is None and store.load().basemap is None  # none until a GIS office brings one
    version = store.version()
    store.replace_basemap(tiny_basemap(), "Lan", note="import-basemap srtm.tif")
    other = backend.open()  # another app process on the same data
    assert other.basemap() == tiny_basemap() and other.load().basemap == tiny_basemap()
    assert other.version() != version  # page caches keyed on the data version redraw the maps
    entry = other.audit_log(1)[0]
    assert (entry.action, entry.user, entry.note) == ("replace-basemap", "Lan", "import-basemap srtm.tif")
    assert entry.before is None and entry.after["provenance"]["source"] == "SRTM 1 arc-second (NASA/USGS)"
    store.replace_basemap(tiny_basemap("Cục Đo đạc, Bản đồ"), "Minh")
    assert other.basemap().provenance.source == "Cục Đo đạc, Bản đồ"  # replaced, never two
    store.replace_basemap(None, "Minh")
    entry = other.audit_log(1)[0]
    assert other.basemap() is None and entry.action == "remove-basemap" and entry.after is None
    assert entry.before["source"] == "Cục Đo đạc, Bản đồ"
    audit = len(other.audit_log(10_000))
    store.replace_basemap(None, "Minh")  # nothing there: nothing to log
    assert len(other.audit_log(10_000)) == audit



def test_a_store_from_schema_8_gets_the_basemap_table_and_keeps_everything(backend):
    store = backend.open()
    rec = store.get_project("TD-001")
    store.update_project("TD-001", dict(rec.project, description="Mô tả đã sửa"), rec.funding, rec.revision, "Lan",
                         allow_overcommit=True)
    before, audit = store.load(), store.audit_log(10_000)
    for statement in ("DROP TABLE atlas_basemap", "UPDATE atlas_meta SET value='8' WHERE key='schema_version'"):
        backend.sql(statement)
    backend.forget()
    old = backend.open()
    after = old.load()
    pd.testing.assert_frame_equal(after.projects, before.projects)
    assert after.basemap is None and old.basemap() is None
    log = old.audit_log(10_000)
    assert log[1:] == audit and log[0].action == "migrate" and log[0].note.startswith(f"schema 8 → {SCHEMA_VERSION}: atlas_basemap")
    old.replace_basemap(tiny_basemap(), "Lan")  # the new table works
    backend.forget()
    assert backend.open().basemap() == tiny_basemap()


def test_a_store_from_schema_9_gets_dac_sectors_blank_and_keeps_everything(backend):
    store = backend.open()
    before = store.load()
    for statement in ("ALTER TABLE projects DROP COLUMN dac_sectors",
                      "UPDATE atlas_meta SET value='9' WHERE key='schema_version'"):
        backend.sql(statement)
    backend.forget()
    old = backend.open()
    after = old.load()
    assert (after.projects["dac_sectors"] == "").all()
    assert after.projects.equals(before.projects)
    assert old.audit_log(1)[0].action == "migrate" and f"schema 9 → {SCHEMA_VERSION}" in old.audit_log(1)[0].note
    rec = old.get_project("TD-001")
    old.update_project("TD-001", dict(rec.project, dac_sectors="31130:100"), rec.funding, rec.revision, "Lan",
                       allow_overcommit=True)
    assert old.get_project("TD-001").project["dac_sectors"] == "31130:100"
    with pytest.raises(DataError):  # an edit is checked like an import
        old.update_project("TD-001", dict(rec.project, dac_sectors="31130:90"), rec.funding, rec.revision + 1,
                           "Lan", allow_overcommit=True)
