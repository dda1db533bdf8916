"""Result indicators and beneficiaries from the Excel template (issue 16 item 3): a good file imports and a
second import changes nothing; bad rows are refused naming file, sheet, row and column in both languages, and
nothing is stored."""

from __future__ import annotations

import io

import openpyxl
import pytest

from geo.ingest.imports import write_template
from geo.ingest.results_import import BENEFICIARIES_SHEET, RESULTS_SHEET, preview_results
from geo.ingest.validate import DataError


def _workbook(ds, results: list[list], beneficiaries: list[list]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(write_template(io.BytesIO(), ds).getvalue()))
    for name, rows in ((RESULTS_SHEET, results), (BENEFICIARIES_SHEET, beneficiaries)):
        ws = wb[name]
        ws.delete_rows(2)  # the example row
        for r in rows:
            ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _header(ds, sheet: str) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(write_template(io.BytesIO(), ds).getvalue()))
    return [c.value for c in wb[sheet][1]]


GOOD = [["TD-001", "", "Hộ có nước sạch", "Households with clean water", "hộ", 40, 2021, 200, 2025, "",
         "", "", 90, 150, ""],
        ["TD-002", "", "Km đường", "Km of road", "km", 0, "", "12,5", 2025, "", "", 4, "", "", ""]]
BEN = [["TD-001", 480, 120, "Mông; Dao", 52, "khảo sát 2024"]]


def test_the_template_has_a_results_and_a_beneficiaries_sheet_with_a_column_per_plan_year(ds):
    head = _header(ds, RESULTS_SHEET)
    assert head[:5] == ["Mã dự án", "Mã chỉ số", "Tên chỉ số tiếng Việt", "Tên chỉ số tiếng Anh", "Đơn vị"]
    assert head[-5:] == [f"Thực hiện {y}" for y in range(2021, 2026)]
    assert _header(ds, BENEFICIARIES_SHEET)[:3] == ["Mã dự án", "Số người", "Số hộ"]


def test_a_good_file_imports_and_importing_it_again_changes_nothing(store, ds):
    data = _workbook(ds, GOOD, BEN)
    got = preview_results(data, "kq.xlsx", store.load().projects["project_id"])
    assert got.ok, [p.text("en") for p in got.problems]
    assert [r["actuals"] for r in got.indicators] == [{2023: 90.0, 2024: 150.0}, {2022: 4.0}]
    assert got.indicators[1]["target"] == 12.5 and got.indicators[0]["unit"] == "households"
    assert store.apply_results(got.indicators, got.beneficiaries, "Lan") == {
        "added": 2, "updated": 0, "unchanged": 0, "beneficiaries": 1}
    loaded = store.load()
    assert len(loaded.results) == 2 and loaded.beneficiaries.iloc[0]["households"] == 120
    again = preview_results(data, "kq.xlsx", loaded.projects["project_id"])
    assert store.apply_results(again.indicators, again.beneficiaries, "Lan") == {
        "added": 0, "updated": 0, "unchanged": 2, "beneficiaries": 0}
    assert len(store.result_indicators()) == 2 and store.result_indicators("TD-001")["revision"].iloc[0] == 1
    assert len(store.results_history("TD-001")) == 1  # the second import wrote no audit row


def test_bad_rows_are_refused_by_file_sheet_row_and_column_in_both_languages(store, ds):
    bad = [GOOD[0], ["NO-SUCH", "", "Hộ", "", "hộ", 1, "", 2, "", "", "", "", "", "", ""],
           ["TD-002", "", "", "", "bao", 0, "", "-3", "", "", "", "abc", "", "", ""]]
    got = preview_results(_workbook(ds, bad, [["TD-001", 10, 40, "", 130, ""]]), "kq.xlsx",
                          store.load().projects["project_id"])
    assert not got.ok
    where = {(p.file, p.row, p.column) for p in got.problems}
    sheet = f"kq.xlsx [{RESULTS_SHEET}]"
    assert (sheet, 3, "Mã dự án") in where  # NO-SUCH
    assert {(sheet, 4, c) for c in ("Tên chỉ số tiếng Việt", "Đơn vị", "Mục tiêu")} <= where
    assert any(f == sheet and r == 4 and "Thực hiện 2022" in (c or "") for f, r, c in where)
    assert {(f"kq.xlsx [{BENEFICIARIES_SHEET}]", 2, c) for c in ("Số hộ", "Tỷ lệ nữ (%)")} <= where
    texts = {p.text("vi") for p in got.problems} | {p.text("en") for p in got.problems}
    assert any("dòng 3" in x and "NO-SUCH" in x for x in texts) and any("row 3" in x for x in texts)


def test_an_import_with_one_bad_record_stores_nothing(store):
    good = {"project_id": "TD-001", "name_vi": "Hộ có nước", "unit": "households", "target": 10}
    before = (store.version(), len(store.audit_log(10_000)))
    with pytest.raises(DataError):
        store.apply_results([good, dict(good, project_id="TD-002", unit="bags")], [], "Lan")
    assert store.result_indicators().empty and (store.version(), len(store.audit_log(10_000))) == before
