"""Money in `geo export` (issue 16): transactions and budgets tables with provenance and "date unknown"; the OCHA
3W and funding-flow tables with HXL hashtags that libhxl parses, and USD only where a rate gives it."""

from __future__ import annotations

import dataclasses
import zipfile

import hxl
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from geo.cli.main import main
from geo.output.exports import export_data, money_export
from geo.storage.store import default_store

RECS = pd.DataFrame([
    {"record_id": "a", "project_id": "TD-001", "kind": "disbursement", "source": "ngo", "amount": 2_540_000,
     "currency": "USD", "original_amount": 100.0, "rate": 25_400.0, "date": "2024-01-01", "year": None,
     "origin": "import", "note": "=HYPERLINK(1)"},
    {"record_id": "b", "project_id": "TD-001", "kind": "commitment", "source": "ngo", "amount": 5_000_000,
     "currency": "VND", "original_amount": None, "rate": None, "date": "", "year": None, "origin": "total",
     "note": ""},
    {"record_id": "c", "project_id": "TD-002", "kind": "budget", "source": "ngo", "amount": 900, "currency": "VND",
     "original_amount": None, "rate": None, "date": "", "year": 2025, "origin": "entry", "note": ""}])


def _hxl_rows(path):
    src = hxl.data(str(path), hxl.InputOptions(allow_local=True))
    return [c.display_tag for c in src.columns], list(src)


def test_every_exported_hashtag_parses_with_libhxl_and_description_is_the_standard_one():
    for tags in (money_export.THREE_W_HXL, money_export.FLOW_HXL, export_data.HXL):
        for tag in tags.values():
            assert hxl.model.Column.parse(tag, use_exception=True).display_tag == tag
    assert export_data.HXL["description"] == "#description"
    assert "#activity+description" not in export_data.HXL.values()


def test_the_3w_export_reads_back_with_libhxl_one_row_per_project(tmp_path, ds):
    path = export_data.export(ds, "3w", tmp_path / "3w.csv", "en")
    tags, rows = _hxl_rows(path)
    assert {"#org+funder", "#org+impl", "#sector", "#adm3+code", "#adm3+name", "#status", "#date+start"} <= set(tags)
    assert len(rows) == len(ds.projects)
    first = ds.projects.sort_values("project_id").iloc[0]
    got = {r.get("#activity+code"): r for r in rows}[first["project_id"]]
    assert got.get("#adm3+code") == first["commune_code"] and got.get("#org+funder") == first["donor"]
    assert path.read_text(encoding="utf-8").startswith("#")  # provenance lines first


def test_funding_flows_give_usd_only_where_a_rate_exists(tmp_path, ds):
    path = export_data.export(ds, "fts", tmp_path / "f.csv", "en", money=RECS)
    tags, rows = _hxl_rows(path)
    by_id = {r.get("#meta+id"): r for r in rows}
    assert set(by_id) == {"a", "b"}  # a budget is a plan, not a flow
    assert by_id["a"].get("#value+usd") == "100.0" and by_id["a"].get("#currency+original") == "USD"
    assert by_id["a"].get("#value+rate+vnd") == "25400.0"
    assert by_id["b"].get("#value+usd") in ("", None) and by_id["b"].get("#meta+date_unknown") == "date unknown"
    assert "no rate" in by_id["b"].get("#meta+usd_basis")
    assert by_id["a"].get("#description") == "'=HYPERLINK(1)"  # formula neutralised


def test_a_configured_reference_rate_converts_vnd_and_is_named_with_its_source(tmp_path, ds):
    cfg = dataclasses.replace(ds.config, usd_rate=25_000.0, usd_rate_source="SBV central rate", usd_rate_date="2024-06-28")
    flows = money_export.funding_flows(dataclasses.replace(ds, config=cfg), RECS, "vi").set_index("record_id")
    assert flows.loc["b", "usd"] == 200.0 and "SBV central rate" in flows.loc["b", "usd_basis"]
    assert flows.loc["a", "usd"] == 100.0  # kept in USD: its own amount, not the reference rate


def test_xlsx_gpkg_and_zip_carry_transactions_and_budgets_with_date_unknown_and_provenance(tmp_path, ds):
    xlsx = export_data.export(ds, "xlsx", tmp_path / "a.xlsx", "vi", money=RECS)
    wb = load_workbook(xlsx)
    tx = wb["money_transactions"]
    header = [c.value for c in tx[1]]
    assert "Không rõ ngày / Date unknown" in header and "Nguồn gốc số liệu / Provenance" in header
    rows = [dict(zip(header, [c.value for c in r])) for r in tx.iter_rows(min_row=2)]
    undated = [r for r in rows if r["Mã khoản tiền / Record ID"] == "b"][0]
    assert undated["Không rõ ngày / Date unknown"] == "không rõ ngày"
    assert undated["Nguồn gốc số liệu / Provenance"] == "chuyển từ tổng số trước đây"
    budgets = [[c.value for c in r] for r in wb["money_budgets"].iter_rows(min_row=2)]
    assert len(budgets) == 1 and 2025 in budgets[0] and 900 in budgets[0]
    gpkg = export_data.export(ds, "gpkg", tmp_path / "a.gpkg", "en", money=RECS)
    assert {"money_transactions", "money_budgets"} <= set(pyogrio.list_layers(gpkg)[:, 0])
    got = pyogrio.read_dataframe(gpkg, layer="money_transactions")
    assert sorted(got["record_id"]) == ["a", "b"] and set(got["date_unknown"]) == {"", "date unknown"}
    z = export_data.export(ds, "geojson", tmp_path / "a.zip", "en", money=RECS)
    with zipfile.ZipFile(z) as zf:
        text = zf.read("money_transactions.csv").decode("utf-8")
    assert text.startswith("#") and "date unknown" in text


@pytest.mark.parametrize("fmt", ["3w", "fts", "xlsx"])
def test_geo_export_writes_the_store_money(tmp_path, fmt):
    out = tmp_path / f"x.{fmt}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    assert main(["export", "--format", fmt, "--out", str(out)]) == 0
    n = len(default_store().money_records())
    if fmt == "fts":
        assert len(_hxl_rows(out)[1]) == n  # the seeded store holds only transactions (former totals)
    if fmt == "xlsx":
        assert load_workbook(out)["money_transactions"].max_row == n + 1


@pytest.mark.parametrize(("money", "field"), [
    ({"usd_rate": 25_000, "usd_rate_source": "SBV", "usd_rate_date": "28/6/2024"}, "money.usd_rate_date"),
    ({"usd_rate_source": "SBV"}, "money.usd_rate"),  # a source with no rate: both or neither
    ({"usd_rate": -1, "usd_rate_source": "SBV"}, "money.usd_rate"),
])
def test_a_bad_reference_rate_in_atlas_toml_is_refused_naming_the_key(money, field):
    from geo.ingest.atlas_toml import parse_config, to_toml
    from geo.ingest.validate import DataError

    with pytest.raises(DataError) as err:
        parse_config({"money": money})
    assert [p.column for p in err.value.problems] == [field]
    ok = parse_config({"money": {"usd_rate": 25_000, "usd_rate_source": "SBV central rate"}})
    assert ok.usd_rate_date == "" and "usd_rate_date" not in to_toml(ok)  # the date is optional, never made up
    assert money_export.reference_rate_text(ok, "en") == "at the reference rate of 25,000 VND per USD (SBV central rate)"
    assert money_export.reference_rate_text(ok, "vi") == "theo tỷ giá tham chiếu 25.000 đồng/USD (SBV central rate)"


def test_exported_transactions_import_back_unchanged(tmp_path):
    """The zip's money_transactions.csv (provenance lines, bilingual headers) is a file import-money reads: every
    record is found already stored, nothing new or changed."""
    from geo.ingest.money_import import preview_money

    store = default_store()
    out = export_data.export_store(store, "geojson", tmp_path / "a.zip", "vi")
    with zipfile.ZipFile(out) as zf:
        data = zf.read("money_transactions.csv")
    stored = store.money_records()
    got = preview_money(data, "money_transactions.csv", set(store.load().projects["project_id"]), stored)
    assert got.ok and len(got.unchanged_ids) == len(stored) > 0
    assert not got.new_ids and not got.changed_ids
