"""Importing dated money records (issue 16) from CSV and the Excel money template: every problem by file, row and
column in both languages, nothing stored on any error, and the same file twice changes nothing."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import load_workbook

from geo.cli.main import main
from geo.ingest.money_import import MONEY_LABELS, preview_money, write_money_template
from geo.storage.store import default_store

TODAY = date(2026, 12, 3)
PROJECTS = {"TD-001", "TD-002"}
EMPTY = pd.DataFrame(columns=["record_id", "project_id", "revision"])
HEADER = "Mã dự án,Loại,Nguồn vốn,Số tiền (VND),Tiền tệ gốc,Số tiền gốc,Tỷ giá (đồng/đơn vị),Ngày (NNNN-TT-NN),Năm kế hoạch,Ghi chú\n"
GOOD = HEADER + ("TD-001,Kế hoạch vốn năm,ngo,1000000,,,,,2024,kế hoạch\n"
                 "TD-001,Disbursement,Tổ chức phi chính phủ,,USD,100,25000,2024-05-01,,đợt 1\n"
                 "TD-002,commitment,ngo,300,,,,,,không rõ ngày\n")


def _preview(text: str, name: str = "m.csv", stored: pd.DataFrame = EMPTY):
    return preview_money(text.encode("utf-8"), name, PROJECTS, stored, TODAY)


def test_a_good_file_reads_budgets_dated_and_undated_transactions_in_vnd_with_the_original_currency():
    pre = _preview(GOOD)
    assert pre.ok and len(pre.new_ids) == 3
    t = pre.table().set_index("kind")
    assert t.loc["budget", ["year", "amount", "date"]].tolist() == [2024, 1_000_000, ""]
    assert t.loc["disbursement", ["amount", "currency", "original_amount", "rate", "source"]].tolist() == [
        2_500_000, "USD", 100.0, 25_000.0, "ngo"]
    assert t.loc["commitment", "date"] == "" and set(t["origin"]) == {"import"}


def test_every_bad_cell_is_named_by_file_row_and_column_in_both_languages():
    bad = HEADER + ("NOPE,disbursement,ngo,5,,,,2024-01-01,,\n"
                    "TD-001,disbursement,lottery,-5,,,,2024-02-30,,\n"
                    "TD-001,commitment,ngo,,USD,100,,2024-01-01,,\n"
                    "TD-001,disbursement,ngo,5,,,,2026-12-04,,\n")
    pre = _preview(bad, "tiền.csv")
    got = {(p.row, p.column) for p in pre.problems}
    assert got == {(2, "Mã dự án"), (3, "Nguồn vốn"), (3, "Số tiền (VND)"), (3, "Ngày (NNNN-TT-NN)"),
                   (4, "Tỷ giá (đồng/đơn vị)"), (5, "Ngày (NNNN-TT-NN)")}
    texts = {p.row: (p.text("vi"), p.text("en")) for p in pre.problems}
    assert "tệp tiền.csv, dòng 2" in texts[2][0] and "NOPE" in texts[2][1]
    assert "2026-12-04" in texts[5][1] and "after today" in texts[5][1] and "sau hôm nay" in texts[5][0]
    assert not pre.records or len(pre.records) < 4


def test_a_file_without_the_required_columns_says_which_are_missing():
    pre = _preview("Mã dự án,Ngày\nTD-001,2024-01-01\n")
    missing = " ".join(p.text("en") for p in pre.problems)
    assert "Kind" in missing and "Funding source" in missing and "Amount (VND)" in missing and not pre.records


def test_the_same_rows_again_are_found_unchanged_and_identical_rows_stay_two_records():
    twice = HEADER + "TD-001,commitment,ngo,300,,,,,,\n" * 2
    pre = _preview(twice)
    assert pre.ok and len(set(pre.new_ids)) == 2
    stored = pre.table().assign(revision=1)
    again = _preview(twice, stored=stored)
    assert again.unchanged_ids == pre.new_ids and not again.new_ids and not again.changed_ids


def test_the_money_template_has_bilingual_headers_and_reads_back_with_only_its_example_rows_skipped(tmp_path):
    path = write_money_template(tmp_path / "t.xlsx")
    ws = load_workbook(path).worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[1] == f"{MONEY_LABELS['project_id'].vi} / {MONEY_LABELS['project_id'].en}"
    ws.append(["", "TD-001", "Giải ngân", "ngo", 5, "", "", "", "2025-01-02", "", ""])
    buf = io.BytesIO()
    ws.parent.save(buf)
    pre = preview_money(buf.getvalue(), "t.xlsx", PROJECTS, EMPTY, TODAY)
    assert pre.ok and [r["amount"] for r in pre.records] == [5]


# --- the command, on a real store ------------------------------------------------------------------------
def test_import_money_previews_writes_once_and_a_second_run_changes_nothing(tmp_path, capsys):
    f = tmp_path / "m.csv"
    f.write_text(GOOD, encoding="utf-8")
    store = default_store()
    n0 = len(store.money_records())
    assert main(["import-money", str(f), "--dry-run"]) == 0
    assert "3 new" in capsys.readouterr().out and len(store.money_records()) == n0
    assert main(["import-money", str(f), "--yes", "--user", "Lan"]) == 0
    assert "3 created" in capsys.readouterr().out and len(store.money_records()) == n0 + 3
    version = store.version()
    assert main(["import-money", str(f), "--yes"]) == 0
    assert "3 unchanged" in capsys.readouterr().out
    assert store.version() == version and len(store.money_records()) == n0 + 3


def test_import_money_with_one_bad_row_exits_1_and_stores_nothing(tmp_path, capsys):
    f = tmp_path / "m.csv"
    f.write_text(GOOD + "TD-001,commitment,ngo,5,,,,2024-01-01,2024,\n", encoding="utf-8")
    before = default_store().money_records()
    assert main(["import-money", str(f), "--yes"]) == 1
    assert "row 5, column 'Năm kế hoạch'" in capsys.readouterr().err
    pd.testing.assert_frame_equal(default_store().money_records(), before)
