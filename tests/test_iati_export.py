"""The IATI 2.03 export (issue 16 item 4): the file validates against IATI's own XSD, one project with known money
gives exactly its budgets, transactions, sectors and location, undated money is counted and left out, a bad
sector override is refused on import by row and column, future transactions are refused, and the data page
offers the file with the placeholder warning."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from importlib import resources

import pytest
from lxml import etree

from geo.cli.main import main
from geo.ingest import imports
from geo.ingest.atlas_toml import parse_config
from geo.ingest.iati_check import XSD_PACKAGE, XSD_PATH, check_iati
from geo.ingest.validate import DataError
from geo.model import schema
from geo.model.config import IATI_PLACEHOLDER_REF
from geo.output.exports.iati import build_iati
from geo.text.i18n import t
from tests.helpers import csv_text, row

NOW = datetime(2026, 6, 30, 8, 0, tzinfo=UTC)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _official_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(resources.files(XSD_PACKAGE).joinpath(XSD_PATH))))


def _activity(xml: bytes, pid: str, ref: str = IATI_PLACEHOLDER_REF) -> etree._Element:
    root = etree.fromstring(xml)
    return next(a for a in root.iter("iati-activity") if a.findtext("iati-identifier") == f"{ref}-{pid}")


def _narr(el: etree._Element | None) -> dict[str, str]:
    return {} if el is None else {n.get(XML_LANG): n.text for n in el.findall("narrative")}


def test_the_bundled_data_exports_to_a_file_the_official_iati_2_03_schema_accepts(store):
    made = build_iati(store.load(), store.money_records(), NOW)
    root = etree.fromstring(made.xml)
    assert _official_schema().validate(root), _official_schema().error_log
    assert root.get("version") == "2.03" and root.get("generated-datetime") == "2026-06-30T08:00:00Z"
    assert made.activities == len(store.load().projects) == len(root.findall("iati-activity"))
    # nothing was configured: the placeholder is in every identifier and both languages say not to publish it
    assert made.placeholder and all(i.text.startswith(f"{IATI_PLACEHOLDER_REF}-") for i in root.iter("iati-identifier"))
    assert IATI_PLACEHOLDER_REF in made.notes("vi")[0] and "Không công bố" in made.notes("vi")[0]
    assert "Do not publish" in made.notes("en")[0]
    # the bundled money is the former totals, all undated: none of it becomes a dated transaction
    assert root.find(".//transaction") is None and made.undated == len(store.money_records())


def test_one_project_with_known_money_gives_exactly_its_budgets_transactions_sectors_and_location(store):
    cfg = dataclasses.replace(store.load().config, iati_reporting_org_ref="VN-LCI-TD")
    project = {"project_id": "IA-1", "name_vi": "Nước sạch bản Pá Pao", "name_en": "", "description": "Cấp nước",
               "description_en": "", "commune_code": "03424", "content_area": 1, "status": "implementing",
               "start_year": 2024, "end_year": 2025, "lead_agency": "", "donor": "KOICA", "lon": 103.62,
               "lat": 22.31, "quality": "official", "dac_sectors": "14030:70;31130:30"}
    store.create_project(project, [{"source": "oda_grant", "need": 9_000, "committed": 0, "disbursed": 0}], "Lan")
    for rec in ({"kind": "budget", "year": 2024, "amount": 1_000, "source": "oda_grant"},
                {"kind": "budget", "year": 2024, "amount": 500, "source": "state_budget"},
                {"kind": "budget", "year": 2025, "amount": 700, "source": "oda_grant"},
                {"kind": "commitment", "date": "2024-02-01", "amount": 3_000, "source": "oda_grant"},
                {"kind": "disbursement", "date": "2024-09-15", "amount": 1_200, "source": "oda_grant"},
                {"kind": "expenditure", "date": "2025-03-10", "amount": 800, "source": "oda_grant"},
                {"kind": "disbursement", "date": "", "amount": 400, "source": "oda_grant"}):
        store.add_money({"project_id": "IA-1", "note": "", **rec}, "Lan")
    ds = dataclasses.replace(store.load(), config=cfg)
    made = build_iati(ds, store.money_records(), NOW)
    act = _activity(made.xml, "IA-1", "VN-LCI-TD")

    assert not made.placeholder and made.notes("en")[0] != t("iati.placeholder", "en", ref="VN-LCI-TD")
    assert act.find("reporting-org").get("ref") == "VN-LCI-TD"
    assert _narr(act.find("title")) == {"vi": "Nước sạch bản Pá Pao"}  # no English name: none invented
    assert _narr(act.find("description")) == {"vi": "Cấp nước"}
    roles = [(o.get("role"), _narr(o).get("en") or o.findtext("narrative")) for o in act.findall("participating-org")]
    assert roles == [("1", "KOICA"), ("4", "Bản Bo commune People's Committee"),
                     ("2", "Tam Đường district People's Committee")]
    assert act.find("activity-status").get("code") == "2"
    assert [(d.get("type"), d.get("iso-date")) for d in act.findall("activity-date")] == [
        ("1", "2024-01-01"), ("3", "2025-12-31")]
    assert [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in act.findall("sector")] == [
        ("1", "14030", "70"), ("1", "31130", "30"), ("99", "1", "100")]
    loc = act.find("location")
    assert loc.get("ref") == "GSO-03424" and _narr(loc.find("name")) == {"vi": "Xã Bản Bo"}
    assert loc.find("point").get("srsName") == "http://www.opengis.net/def/crs/EPSG/0/4326"
    assert loc.findtext("point/pos") == "22.310000 103.620000"  # lat then lon
    budgets = [(b.findtext("value"), b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"),
                b.get("status")) for b in act.findall("budget")]
    assert budgets == [("1500", "2024-01-01", "2024-12-31", "1"), ("700", "2025-01-01", "2025-12-31", "1")]
    txs = [(x.find("transaction-type").get("code"), x.find("transaction-date").get("iso-date"), x.findtext("value"),
            x.find("value").get("currency"), x.find("value").get("value-date")) for x in act.findall("transaction")]
    assert txs == [("2", "2024-02-01", "3000", "VND", "2024-02-01"), ("3", "2024-09-15", "1200", "VND", "2024-09-15"),
                   ("4", "2025-03-10", "800", "VND", "2025-03-10")]
    # the undated disbursement is counted, not exported (with the store's 147 undated former totals); the need
    # (9,000) is no transaction
    assert made.undated == 1 + len(store.money_records()) - 7
    assert f"{made.undated} undated amounts not exported" in made.notes("en")[0]
    alone = build_iati(ds, store.money_records("IA-1"), NOW)
    assert alone.undated == 1 and alone.notes("en") == [t("iati.undated_one", "en")]
    assert "1 khoản tiền không rõ ngày không được xuất" in alone.notes("vi")[0]


def test_a_project_without_coordinates_has_a_location_without_a_point(store):
    made = build_iati(store.load(), store.money_records(), NOW)
    act = _activity(made.xml, "TD-002")
    assert act.find("location").get("ref") == "GSO-03430" and act.find("location/point") is None


def test_the_cli_writes_the_file_and_says_placeholder_and_undated_in_the_chosen_language(store, tmp_path, capsys):
    out = tmp_path / "f.xml"
    assert main(["--lang", "vi", "export", "--format", "iati", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert IATI_PLACEHOLDER_REF in said and "không được xuất" in said
    assert f"{len(store.money_records())} khoản tiền không rõ ngày" in said
    assert _official_schema().validate(etree.parse(str(out)))


def test_a_future_transaction_is_refused_naming_the_activity_and_element_and_no_file_is_written(store, tmp_path):
    store.add_money({"project_id": "TD-001", "kind": "disbursement", "source": "ngo", "amount": 10,
                     "date": "2026-05-02", "note": ""}, "Lan", today=date(2026, 6, 1))
    with pytest.raises(DataError) as err:
        build_iati(store.load(), store.money_records(), NOW, today=date(2026, 5, 1))
    (problem,) = err.value.problems
    assert problem.key == "err.iati_future_transaction"
    assert f"{IATI_PLACEHOLDER_REF}-TD-001" in problem.text("vi") and "transaction-date" in problem.text("vi")
    assert "ở tương lai" in problem.text("vi") and "in the future" in problem.text("en")


def test_a_project_without_any_description_is_refused_by_name_not_given_an_invented_one(store):
    rec = store.get_project("TD-003")
    store.update_project("TD-003", dict(rec.project, description="", description_en=""), rec.funding, rec.revision,
                         "Lan", allow_overcommit=True)
    with pytest.raises(DataError) as err:
        build_iati(store.load(), store.money_records(), NOW)
    (problem,) = err.value.problems
    assert problem.key == "err.iati_no_description" and f"{IATI_PLACEHOLDER_REF}-TD-003" in problem.text("en")


def test_the_rule_check_refuses_what_the_schema_lets_through():
    xml = b"""<iati-activities version="2.03"><iati-activity>
      <iati-identifier>OTHER-1</iati-identifier><reporting-org ref="VN-X" type="11"><narrative>UBND</narrative>
      </reporting-org><title><narrative>Road</narrative></title><description><narrative>Road</narrative></description>
      <participating-org role="2"><narrative>UBND</narrative></participating-org><activity-status code="2"/>
      <activity-date type="1" iso-date="2024-01-01"/>
      <sector vocabulary="1" code="31130" percentage="60"/><sector vocabulary="1" code="14030" percentage="50"/>
      <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2025-06-30"/>
        <value value-date="2024-01-01">1</value></budget>
    </iati-activity></iati-activities>"""
    assert _official_schema().validate(etree.fromstring(xml))  # valid for the XSD ...
    keys = {p.key: p for p in check_iati(xml, "f.xml", date(2026, 1, 1))}  # ... yet the validator's errors
    assert set(keys) == {"err.iati_identifier", "err.iati_budget_period", "err.iati_sector_sum"}
    assert "budget" in keys["err.iati_budget_period"].text("en") and "110" in keys["err.iati_sector_sum"].text("en")


def test_a_wrong_sector_override_is_refused_on_import_by_row_and_column(store):
    ds = store.load()
    data = csv_text([row(pid="IM-1"), row(pid="IM-2", dac_sectors="31130:60;14030:50"),
                     row(pid="IM-3", dac_sectors="311:100")]).encode()
    pre = imports.preview_projects(data, "p.csv", ds, store.project_revisions())
    bad = sorted((p.row, p.column) for p in pre.problems if p.key == "err.bad_dac_sectors")
    assert not pre.ok and bad == [(3, "Lĩnh vực DAC"), (4, "Lĩnh vực DAC")]  # the file's own header
    assert "tổng đúng 100" in pre.problems[0].text("vi")
    good = imports.preview_projects(csv_text([row(pid="IM-1", dac_sectors="31130:50; 14030:50")]).encode(),
                                    "p.csv", ds, store.project_revisions())
    assert good.ok and schema.dac_sectors_of(good.records[0][0]["dac_sectors"]) == (("31130", 50), ("14030", 50))


def test_the_reporting_org_ref_is_read_from_atlas_toml_and_a_bad_one_is_refused():
    assert parse_config({"iati": {"reporting_org_ref": "VN-LCI-TD"}}).iati_reporting_org_ref == "VN-LCI-TD"
    assert parse_config({}).iati_reporting_org_ref == ""
    with pytest.raises(DataError) as err:
        parse_config({"iati": {"reporting_org_ref": "VN LCI/TD"}})
    assert err.value.problems[0].column == "iati.reporting_org_ref"


def test_every_status_has_an_iati_activity_status_code():
    assert set(schema.IATI_ACTIVITY_STATUS) == set(schema.STATUS_BY_KEY)
    assert set(schema.IATI_ACTIVITY_STATUS.values()) <= {1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_data_page_offers_the_iati_file_with_the_placeholder_warning(app_page, signed_in, lang):
    at = app_page("pages/data.py", lang, **signed_in())
    next(r for r in at.radio if r.key == "export_fmt").set_value("iati").run()
    assert not at.exception, at.exception
    button = next(d for d in at.get("download_button") if d.key == "export_download")
    assert button.proto.label == t("data.download", lang)
    warnings = " ".join(w.value for w in at.warning)
    assert IATI_PLACEHOLDER_REF in warnings and t("iati.placeholder", lang, ref=IATI_PLACEHOLDER_REF)[:40] in warnings
    assert ("không được xuất" if lang == "vi" else "undated amounts not exported") in warnings
