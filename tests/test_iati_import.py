"""Importing a donor's IATI activity file (issue 16 item 5): the activities located in the district become
projects with dated money records in both stores, a second import changes nothing, and every refused file
(bad XML, entity bomb, external entity, another root, a currency without a rate) leaves the store as it was.

The fixture tests/data/iati_donor_activities.xml holds seven activities: Bản Bo by ``location/@ref``
``GSO-03424``; Thèn Sin by ``administrative/@code`` with a second location in Tả Lèng; Nà Tăm in USD; Bình Lư
by ``point/pos`` only; Nùng Nàng by ``location/name`` only ("xa Nung Nang"); Khun Há by its title only; and one
in Hà Nội, left out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.cli.main import main
from geo.ingest.iati import preview_iati
from geo.ingest.validate import DataError
from geo.storage.records import PermissionDenied
from geo.storage.store import default_store
from geo.text.i18n import t
from tests.helpers import add_account, assert_bilingual
from tests.stores import assert_unchanged, snapshot

FIXTURE = Path(__file__).parent / "data" / "iati_donor_activities.xml"
RATE = ["--rate", "USD=25000", "--rate-source", "SBV 2026-11-30"]
#: Where each kept activity must land: GSO code of its commune, content area, how it was located.
EXPECTED = {
    "XM-TEST-41122-TD-WASH-01": ("03424", 1),  # location/@ref GSO-03424; DAC 14030
    "JP-TEST-8-TD-ROADS-02": ("03394", 4),  # administrative/@code, the first of two locations; DAC 43040
    "US-TEST-EIN-123-TD-TEA-03": ("03427", 3),  # DAC 31120 (60 %) over 15160 (40 %)
    "GB-TEST-CHC-555-TD-NUT-04": ("03412", 7),  # point only; the atlas's own vocabulary-99 sector wins over DAC
    "DE-TEST-1-TD-SKILLS-05": ("03415", 5),  # location/name "xa Nung Nang"
    "AU-TEST-5-TD-GENDER-06": ("03430", 8),  # title "… in Khun Há commune"
}


def _preview(store, rates: dict[str, float] | None = None, source: Path = FIXTURE):
    return preview_iati(source, source.name, store.load(), store.money_records(), store.project_revisions(),
                        rates, "SBV 2026-11-30" if rates else "")


def _imported(store) -> pd.DataFrame:
    projects = store.load().projects
    return projects[projects["iati_identifier"] != ""].set_index("iati_identifier")


# --- what is imported, in both stores --------------------------------------------------------------------------
def test_the_district_activities_become_projects_with_their_money_in_both_stores(backend):
    store = backend.open()
    n_projects, n_money = len(store.load().projects), len(store.money_records())
    pre = _preview(store, {"USD": 25_000})
    assert pre.ok and pre.read == 7 and pre.outside == 1
    counts = store.apply_projects(pre.records, pre.base_revisions, "Lan", "import iati", allow_overcommit=True,
                                  money=pre.money, money_revisions=pre.money_revisions)
    assert counts["created"] == 6 and counts["money_created"] == 12

    got = _imported(backend.open())
    assert {i: (r["commune_code"], int(r["content_area"])) for i, r in got.iterrows()} == EXPECTED
    assert "XM-TEST-41122-HN-WATER-07" not in set(got.index)  # Hà Nội: not this district's
    assert len(store.load().projects) == n_projects + 6
    assert got.loc["XM-TEST-41122-TD-WASH-01", "name_vi"] == "Cấp nước sạch cho trường học xã Bản Bo"
    assert got.loc["XM-TEST-41122-TD-WASH-01", "name_en"] == "Piped water for Bản Bo schools"
    assert got.loc["GB-TEST-CHC-555-TD-NUT-04", ["lon", "lat"]].tolist() == [103.6407, 22.3603]
    assert got.loc["DE-TEST-1-TD-SKILLS-05", "quality"] == "approximate"  # a name, not a code or a point

    money = store.money_records()
    assert len(money) == n_money + 12
    tea = money[money["project_id"] == got.loc["US-TEST-EIN-123-TD-TEA-03", "project_id"]].set_index("kind")
    assert tea.loc["commitment", ["amount", "currency", "original_amount", "rate", "date"]].tolist() == [
        2_500_000_000, "USD", 100_000.0, 25_000.0, "2024-02-01"]
    assert "SBV 2026-11-30" in tea.loc["commitment", "note"]
    # the revised 2024 budget replaces the original one; the budget across 2025–2026 is not split by guess
    assert tea.loc["budget", ["year", "original_amount"]].tolist() == [2024, 60_000.0]
    wash = money[money["project_id"] == got.loc["XM-TEST-41122-TD-WASH-01", "project_id"]]
    assert sorted(wash["kind"]) == ["budget", "budget", "commitment", "disbursement"]  # type 1 (incoming): no
    line = store.get_project(got.loc["XM-TEST-41122-TD-WASH-01", "project_id"]).funding
    assert [(ln["source"], ln["committed"], ln["disbursed"]) for ln in line] == [
        ("oda_grant", 2_000_000_000, 800_000_000)]


def test_importing_the_same_file_again_changes_nothing_in_either_store(backend):
    store = backend.open()
    pre = _preview(store, {"USD": 25_000})
    store.apply_projects(pre.records, pre.base_revisions, "Lan", "import iati", allow_overcommit=True,
                         money=pre.money, money_revisions=pre.money_revisions)
    before = snapshot(store)
    again = _preview(store, {"USD": 25_000})
    assert again.ok and not again.changes and len(again.unchanged_ids) == 6 and not again.money_new
    # even written again, nothing moves: no revision, no audit row, no second copy of a transaction
    counts = store.apply_projects(again.records, again.base_revisions, "Lan", "import iati", allow_overcommit=True,
                                  money=again.money, money_revisions=again.money_revisions)
    assert counts == {"created": 0, "updated": 0, "unchanged": 6, "money_created": 0, "money_updated": 0,
                      "money_unchanged": 12, "money_deleted": 0}
    after = snapshot(store)
    assert after["revisions"] == before["revisions"] and after["audit"] == before["audit"]
    pd.testing.assert_frame_equal(after["money"], before["money"])


def test_a_revised_file_updates_the_project_and_replaces_the_revised_transaction_in_both_stores(backend,
                                                                                                tmp_path):
    store = backend.open()
    pre = _preview(store, {"USD": 25_000})
    store.apply_projects(pre.records, pre.base_revisions, "Lan", "import iati", allow_overcommit=True,
                         money=pre.money, money_revisions=pre.money_revisions)
    revised = tmp_path / "revised.xml"  # the donor corrected the Bản Bo disbursement: 800 → 900 million
    revised.write_text(FIXTURE.read_text(encoding="utf-8").replace(">800000000<", ">900000000<"), encoding="utf-8")
    again = _preview(store, {"USD": 25_000}, revised)
    pid = _imported(store).loc["XM-TEST-41122-TD-WASH-01", "project_id"]
    assert again.changed_ids == [pid] and again.money_new == 1 and len(again.money_gone) == 1
    counts = store.apply_projects(again.records, again.base_revisions, "Lan", "import revised", allow_overcommit=True,
                                  money=again.money, money_revisions=again.money_revisions,
                                  money_gone=again.money_gone)
    assert counts["updated"] == 1 and counts["money_created"] == 1 and counts["money_deleted"] == 1
    wash = store.money_records(pid)
    assert wash.loc[wash["kind"] == "disbursement", "amount"].tolist() == [900_000_000]  # never both
    assert store.get_project(pid).funding[0]["disbursed"] == 900_000_000 and store.get_project(pid).revision == 2
    assert [e.action for e in store.audit_log(3)][:2] == ["money-create", "money-delete"]
    assert not _preview(store, {"USD": 25_000}, revised).changes


def test_the_preview_names_the_other_commune_and_what_was_left_out():
    pre = _preview(default_store(), {"USD": 25_000})
    notes = {(dict(n.params)["activity"], n.key): n for n in pre.notes}
    other = notes[("JP-TEST-8-TD-ROADS-02", "note.iati.other_communes")]
    assert "Tả Lèng" in other.text("vi") and "Thèn Sin" in other.text("en") and "one commune" in other.text("en")
    assert "never split" in notes[("US-TEST-EIN-123-TD-TEA-03", "note.iati.budget_span")].text("en")
    assert "Nùng Nàng" in notes[("DE-TEST-1-TD-SKILLS-05", "note.iati.by_name")].text("vi")
    table = pre.table("vi")
    assert list(table.columns[:5]) == [t(f"iati.col_{c}", "vi") for c in ("identifier", "title", "commune",
                                                                          "located", "area")]
    assert table.set_index(t("iati.col_identifier", "vi")).loc["GB-TEST-CHC-555-TD-NUT-04",
                                                                t("iati.col_located", "vi")] == "tọa độ"


# --- the command ---------------------------------------------------------------------------------------------
def test_import_iati_dry_run_writes_nothing_then_imports_once(capsys):
    store = default_store()
    before = snapshot(store)
    assert main(["import-iati", str(FIXTURE), "--dry-run", *RATE]) == 0
    out = capsys.readouterr().out
    assert "6 in the district (6 new" in out and "1 elsewhere" in out and "nothing written" in out
    assert "JP-TEST-8-TD-ROADS-02" in out and "also located in Tả Lèng" in out
    assert_unchanged(before, store)

    assert main(["import-iati", str(FIXTURE), "--yes", "--user", "Lan", *RATE]) == 0
    assert "projects 6 created" in capsys.readouterr().out
    written = snapshot(store)
    assert main(["--lang", "vi", "import-iati", str(FIXTURE), "--yes", *RATE]) == 0
    assert "6 không đổi" in (out := capsys.readouterr().out) and t("iati.nothing_to_do", "vi") in out
    assert_unchanged(written, store)  # not even the data version moved


def test_usd_without_a_rate_is_refused_naming_activity_and_element_and_nothing_changes(capsys):
    store = default_store()
    before = snapshot(store)
    assert main(["import-iati", str(FIXTURE), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "activity US-TEST-EIN-123-TD-TEA-03, transaction[1]/value: currency USD without a rate" in err
    assert "EUR" not in err  # the Hà Nội activity's euros are not this district's problem
    assert_unchanged(before, store)
    assert main(["import-iati", str(FIXTURE), "--yes", "--rate", "USD=25000"]) == 1  # a rate without its source
    assert "--rate-source" in capsys.readouterr().err
    pre = _preview(store)
    assert {p.key for p in pre.problems} == {"err.iati.no_rate"} and len(pre.problems) == 4  # 2 transactions, 2 budgets
    assert "transaction[1]/value: tiền tệ USD không có tỷ giá" in pre.problems[0].text("vi")
    assert_bilingual(pre.problems)
    assert_unchanged(before, store)


PASSWD = Path("/etc/passwd").read_text().splitlines()[0] if Path("/etc/passwd").exists() else "root:x:0:0"
HOSTILE = {
    "malformed": ('<?xml version="1.0"?>\n<iati-activities version="2.03">\n<iati-activity>\n'
                  "<iati-identifier>X-1</iati-identifier>\n</iati-activities>\n", "line 5", "dòng 5"),
    "bomb": ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
             '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
             '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
             '<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>\n'
             '<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;</iati-identifier>'
             '<title><narrative>&lol9;</narrative></title><location ref="GSO-03424"/></iati-activity>'
             "</iati-activities>\n", "DTD", "DTD"),
    "external_entity": ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                        '<iati-activities version="2.03"><iati-activity><iati-identifier>X-1</iati-identifier>'
                        '<title><narrative>&xxe;</narrative></title><location ref="GSO-03424"/>'
                        "</iati-activity></iati-activities>\n", "DTD", "DTD"),
    "xinclude": ('<?xml version="1.0"?>\n<iati-activities version="2.03" xmlns:xi="http://www.w3.org/2001/XInclude">\n'
                 '<xi:include href="file:///etc/passwd" parse="text"/></iati-activities>\n', "XInclude", "XInclude"),
    "not_iati": ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>news</title></channel></rss>\n',
                 "<rss>", "không phải tệp hoạt động IATI"),
    "unknown_version": ('<?xml version="1.0"?>\n<iati-activities version="1.05"></iati-activities>\n',
                        "version '1.05'", "phiên bản IATI '1.05'"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_or_wrong_file_is_refused_in_both_languages_and_nothing_changes(case, tmp_path, capsys):
    text, en, vi = HOSTILE[case]
    f = tmp_path / f"{case}.xml"
    f.write_text(text, encoding="utf-8")
    store = default_store()
    before = snapshot(store)
    assert main(["import-iati", str(f), "--yes"]) == 1
    out, err = capsys.readouterr()
    assert en in err and PASSWD not in out + err and "lollol" not in out + err
    with pytest.raises(DataError) as refused:
        _preview(store, source=f)
    assert vi in refused.value.text("vi") and en in refused.value.text("en")
    assert_bilingual(refused.value.problems)
    assert_unchanged(before, store)


# --- who may import --------------------------------------------------------------------------------------------
def test_a_viewer_is_refused_where_the_import_writes(store):
    add_account(store, "admin1", "admin")
    add_account(store, "viewer1", "viewer")
    before = snapshot(store)
    pre = _preview(store, {"USD": 25_000})
    with pytest.raises(PermissionDenied):
        store.apply_projects(pre.records, pre.base_revisions, "viewer1", "import", allow_overcommit=True,
                             money=pre.money, money_revisions=pre.money_revisions)
    assert_unchanged(before, store)


# --- the data page (AppTest) -----------------------------------------------------------------------------------
def _upload(at, data: bytes, name: str = FIXTURE.name):
    return at.file_uploader(key="iati_upload").set_value((name, data, "text/xml")).run()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_previews_the_activities_and_imports_them_once_confirmed(app_page, signed_in, store, lang):
    at = app_page("pages/data.py", lang, **signed_in("planner"))
    assert not at.exception, at.exception
    at = _upload(at, FIXTURE.read_bytes())
    problems = next(d.value for d in at.dataframe if t("iati.col_element", lang) in d.value.columns)
    assert "transaction[1]/value" in set(problems[t("iati.col_element", lang)])  # USD, no rate yet
    assert not any(b.label == t("iati.confirm", lang) for b in at.button) and not _imported(store).shape[0]

    at.text_area(key="iati_rates").set_value("USD=25000").run()
    at.text_input(key="iati_rate_source").set_value("SBV 2026-11-30").run()
    assert not at.exception, at.exception
    preview = next(d.value for d in at.dataframe if t("iati.col_located", lang) in d.value.columns)
    assert list(preview[t("iati.col_identifier", lang)]) == list(EXPECTED)
    assert any(t("data.nothing_written", lang) in i.value for i in at.info) and not len(_imported(store))
    at = next(b for b in at.button if b.label == t("iati.confirm", lang)).click().run()
    assert not at.exception, at.exception
    got = _imported(store)
    assert {i: (r["commune_code"], int(r["content_area"])) for i, r in got.iterrows()} == EXPECTED
    assert any(t("iati.imported", lang, created=6, updated=0, unchanged=0, money_created=12, money_updated=0,
                 money_unchanged=0, money_deleted=0) == s.value for s in at.success)
    history = store.history(got.loc["XM-TEST-41122-TD-WASH-01", "project_id"])
    assert [(e.action, e.user) for e in history] == [("create", "planner1")]  # the signed-in account
    v = store.version()
    at = _upload(at, FIXTURE.read_bytes(), "again.xml")  # the same file again: nothing to do, no button
    assert any(t("iati.nothing_to_do", lang) in s.value for s in at.success)
    assert not any(b.label == t("iati.confirm", lang) for b in at.button) and store.version() == v


def test_a_viewer_sees_the_preview_but_no_import_button(app_page, signed_in, store):
    at = app_page("pages/data.py", "en", **signed_in("viewer"))
    assert not at.exception, at.exception
    assert at.file_uploader(key="iati_upload").disabled  # the write path refuses a viewer too (test above)
    assert not any(b.label == t("iati.confirm", "en") for b in at.button)


# --- schema 9 -------------------------------------------------------------------------------------------------
def test_a_store_from_schema_8_gets_iati_identifier_blank_and_keeps_everything(backend):
    from geo.storage.migrations import SCHEMA_VERSION

    store = backend.open()
    before, audit = store.load(), store.audit_log(10_000)
    for statement in ("ALTER TABLE projects DROP COLUMN iati_identifier",
                      "UPDATE atlas_meta SET value='8' WHERE key='schema_version'"):
        backend.sql(statement)
    backend.forget()
    old = backend.open()
    after = old.load()
    pd.testing.assert_frame_equal(after.projects, before.projects)  # the column is back, blank
    assert (after.projects["iati_identifier"] == "").all()
    log = old.audit_log(10_000)
    assert log[1:] == audit and log[0].note.startswith(f"schema 8 → {SCHEMA_VERSION}")
    assert "iati_identifier" in log[0].note
    pre = _preview(old, {"USD": 25_000})  # and the import works on it
    assert old.apply_projects(pre.records, pre.base_revisions, "Lan", allow_overcommit=True, money=pre.money,
                              money_revisions=pre.money_revisions)["created"] == 6


def test_a_title_naming_only_the_district_is_not_read_as_its_township(tmp_path):
    f = tmp_path / "district.xml"
    f.write_text('<iati-activities version="2.02"><iati-activity default-currency="VND">'
                 "<iati-identifier>XX-1</iati-identifier><title><narrative>Rural roads in Tam Đường district"
                 '</narrative></title><sector code="43040"/></iati-activity></iati-activities>', encoding="utf-8")
    pre = _preview(default_store(), source=f)
    assert not pre.records and pre.outside == 1
    assert [p.key for p in pre.problems] == ["err.iati.empty"] and "none of the file's 1" in pre.problems[0].text("en")


# --- the atlas's own export, read back --------------------------------------------------------------------------
def test_an_exported_project_imports_back_with_its_names_commune_area_years_and_dated_money(store, tmp_path):
    """Export → import: a district that publishes with ``export --format iati`` and a partner system that reads
    it (here a second atlas) see the same project and the same dated transactions."""
    import dataclasses

    from geo.output.exports.iati import build_iati
    from geo.storage.gpkg_store import GpkgStore

    store.create_project({"project_id": "RT-1", "name_vi": "Kênh mương nội đồng Bản Bo", "name_en": "Bản Bo canals",
                          "description": "Kiên cố hóa 4 km kênh", "description_en": "Lining 4 km of canals",
                          "commune_code": "03424", "content_area": 1, "status": "approved", "start_year": 2024,
                          "end_year": 2026, "quality": "official"},
                         [{"source": "oda_grant", "need": 3_000_000_000, "committed": 0, "disbursed": 0}], "Lan")
    for rec in ({"kind": "commitment", "amount": 900_000_000, "date": "2024-05-10"},
                {"kind": "disbursement", "amount": 300_000_000, "date": "2024-09-01"},
                {"kind": "budget", "amount": 1_500_000_000, "year": 2025}):
        store.add_money({"project_id": "RT-1", "source": "oda_grant", "note": "", **rec}, "Lan")
    ds = store.load()
    one = dataclasses.replace(ds, projects=ds.projects[ds.projects["project_id"] == "RT-1"])
    made = build_iati(one, store.money_records("RT-1"))
    path = tmp_path / "district_iati.xml"
    path.write_bytes(made.xml)

    other = GpkgStore(tmp_path / "partner.gpkg")  # a second atlas, seeded from the bundle
    pre = _preview(other, source=path)
    assert pre.ok, [p.text("en") for p in pre.problems]
    other.apply_projects(pre.records, pre.base_revisions, "Hoa", "import iati", allow_overcommit=True,
                         money=pre.money, money_revisions=pre.money_revisions)
    got = _imported(other)
    from geo.model.config import IATI_PLACEHOLDER_REF

    assert list(got.index) == [f"{ds.config.iati_reporting_org_ref or IATI_PLACEHOLDER_REF}-RT-1"]
    p = got.iloc[0]
    assert (p["name_vi"], p["name_en"], p["commune_code"], int(p["content_area"])) == (
        "Kênh mương nội đồng Bản Bo", "Bản Bo canals", "03424", 1)
    assert (int(p["start_year"]), int(p["end_year"])) == (2024, 2026)
    assert (p["description"], p["description_en"]) == ("Kiên cố hóa 4 km kênh", "Lining 4 km of canals")
    back = other.money_records(p["project_id"])
    dated = back[back["kind"] != "budget"].sort_values("date")
    assert list(zip(dated["kind"], dated["date"], dated["amount"])) == [
        ("commitment", "2024-05-10", 900_000_000), ("disbursement", "2024-09-01", 300_000_000)]
    budget = back[back["kind"] == "budget"]
    assert list(zip(budget["year"], budget["amount"])) == [(2025, 1_500_000_000)]
