"""The period money report (issue 16): ``python -m geo report-period`` and its workbook."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import openpyxl
import pandas as pd

from geo.cli.main import main
from geo.model.filters import Filters
from geo.output.reports.money_report import build_period_workbook
from geo.text.i18n import t


def _wb(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _summary_row(ws, heading_key: str, label: str, column_key: str, lang: str):
    """The value in the row ``label`` of the table headed ``heading_key``, column ``column_key``."""
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == t(heading_key, lang) and r[1] is not None)
    j = rows[head].index(t(column_key, lang))
    for r in rows[head + 1:]:
        if r[0] == label:
            return r[j]
        if r[0] is None:
            break
    raise AssertionError(f"no row {label!r} under {heading_key}")


def _not_cancelled(ds) -> pd.DataFrame:
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    return lines[lines["status"] != "cancelled"]


def test_cli_writes_the_period_workbook_with_undated_totals_apart_and_provenance(tmp_path, store, ds, capsys):
    out = tmp_path / "von.xlsx"
    assert main(["report-period", "--from", "2023-01-01", "--to", "2024-12-31", "--out", str(out)]) == 0
    assert "01/01/2023" in capsys.readouterr().out
    wb = _wb(out.read_bytes())
    assert wb.sheetnames == [t(f"money.sheet.{k}", "vi") for k in ("summary", "year", "quarter")] + [
        t("report.sheet.provenance", "vi")]
    summary = wb[t("money.sheet.summary", "vi")]
    assert "MINH HỌA" in summary["A1"].value  # the illustrative banner
    total = t("report.total", "vi")
    disbursed = int(_not_cancelled(ds)["disbursed"].sum())
    assert _summary_row(summary, "money.by.source", total, "money.col.disbursed_undated", "vi") == disbursed
    assert _summary_row(summary, "money.by.source", total, "money.col.disbursed_in", "vi") == 0  # no date, no period
    year = wb[t("money.sheet.year", "vi")]
    first = [c.value for c in year["A"]]
    head = first.index(t("money.period", "vi"))
    periods = first[head + 1:first.index(None, head)]
    assert periods == [t("money.undated", "vi")]  # the seeded store: every amount undated, on its own row
    assert len(year._charts) == 4  # native Excel charts: commitments vs disbursements, then the three splits
    prov = [c.value for row in wb[t("report.sheet.provenance", "vi")].iter_rows() for c in row if c.value]
    assert "01/01/2023 – 31/12/2024" in prov and t("money.method", "vi") in prov
    assert any(ds.provenance["funding"].title("vi") == v for v in prov)


def test_dated_records_count_in_their_period_and_cumulatively_to_its_end(tmp_path, store):
    base = {"project_id": "TD-001", "kind": "disbursement", "source": "oda_grant"}
    store.add_money({**base, "amount": 1_000_000, "date": "2022-03-01"}, "Lan")  # before
    store.add_money({**base, "amount": 20_000_000, "date": "2024-12-31"}, "Lan")  # inside, last day
    store.add_money({**base, "amount": 300_000_000, "date": "2025-01-01"}, "Lan")  # after
    out = tmp_path / "en.xlsx"
    assert main(["--lang", "en", "report-period", "--from", "2023-01-01", "--to", "2024-12-31", "--out", str(out)]) == 0
    summary = _wb(out.read_bytes())["Summary"]
    label = next(c.value for c in summary["A"] if isinstance(c.value, str) and c.value.startswith("TD-001 — "))
    assert _summary_row(summary, "money.by.project_id", label, "money.col.disbursed_in", "en") == 20_000_000
    assert _summary_row(summary, "money.by.project_id", label, "money.col.disbursed_to_end", "en") == 21_000_000


def test_bad_dates_fail_with_a_sentence_and_write_nothing(tmp_path, store):
    out = tmp_path / "r.xlsx"
    for argv, words in ((["--from", "2024-02-30", "--to", "2024-12-31"], "dates must be written YYYY-MM-DD"),
                        (["--from", "2025-01-01", "--to", "2024-12-31"], "is after the end")):
        run = subprocess.run([sys.executable, "-m", "geo", "--lang", "en", "report-period", *argv, "--out", str(out)],
                             capture_output=True, text=True)
        assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()


def test_the_help_lists_report_period():
    run = subprocess.run([sys.executable, "-m", "geo", "--help"], capture_output=True, text=True)
    assert "report-period" in run.stdout


def test_filters_narrow_the_workbook_to_the_chosen_sources(ds):
    recs = pd.DataFrame([
        {"project_id": "TD-001", "kind": "commitment", "source": "community", "amount": 7, "date": "2023-05-05", "year": None},
        {"project_id": "TD-001", "kind": "commitment", "source": "oda_grant", "amount": 900, "date": "2023-05-05",
         "year": None}])
    data = build_period_workbook(ds, recs, date(2023, 1, 1), date(2023, 12, 31), "en", Filters(sources=("community",)))
    summary = _wb(data)["Summary"]
    assert _summary_row(summary, "money.by.source", "Total", "money.col.committed_in", "en") == 7


def test_the_workbook_says_when_totals_and_records_disagree(ds):
    recs = pd.DataFrame([{"project_id": "TD-001", "kind": "commitment", "source": "oda_grant", "amount": 1,
                          "date": "", "year": None}])
    summary = _wb(build_period_workbook(ds, recs, date(2023, 1, 1), date(2023, 12, 31), "en"))["Summary"]
    texts = [c.value for c in summary["A"] if isinstance(c.value, str)]
    assert any("differ from their money records" in v and "TD-001" in v for v in texts)


def test_per_year_sheet_splits_disbursements_by_source_area_and_commune_with_charts(ds):
    recs = pd.DataFrame([
        {"project_id": "TD-001", "kind": "disbursement", "source": "oda_grant", "amount": 40, "date": "2023-02-01",
         "year": None},
        {"project_id": "TD-001", "kind": "disbursement", "source": "community", "amount": 2, "date": "2024-02-01",
         "year": None},
        {"project_id": "TD-001", "kind": "budget", "source": "oda_grant", "amount": 50, "date": "", "year": 2023}])
    ws = _wb(build_period_workbook(ds, recs, date(2023, 1, 1), date(2024, 12, 31), "en"))["Per year"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == t("money.chart_by", "en", by=t("money.by.source", "en")))
    header = rows[head + 1]
    oda, community = header.index("ODA grant"), header.index("Community and individuals")
    assert rows[head + 2][0] == "2023" and rows[head + 2][oda] == 40 and rows[head + 2][community] == 0
    assert rows[head + 3][0] == "2024" and rows[head + 3][community] == 2
    plan = next(r for r in rows if r[0] == "2023" and t("money.col.budget", "en") not in r)
    assert 50 in plan and 40 in plan  # budget (plan) and disbursement (actual) of 2023 side by side
    assert len(ws._charts) == 4  # commitments vs disbursements, then one stacked chart per split


def test_the_periodic_report_counts_money_in_its_years_and_says_how_much_is_undated(tmp_path, store, ds):
    store.add_money({"project_id": "TD-001", "kind": "disbursement", "source": "oda_grant", "amount": 70_000_000,
                     "date": "2023-08-08"}, "Lan")
    store.add_money({"project_id": "TD-001", "kind": "disbursement", "source": "oda_grant", "amount": 9_000_000,
                     "date": "2025-08-08"}, "Lan")
    out = tmp_path / "r.xlsx"
    assert main(["--lang", "en", "report", "--from", "2023", "--to", "2024", "--out", str(out)]) == 0
    wb = _wb(out.read_bytes())
    assert wb.sheetnames[-2:] == [t("money.sheet.period", "en"), t("report.sheet.provenance", "en")]
    sheet = wb[t("money.sheet.period", "en")]
    assert _summary_row(sheet, "money.by.source", "ODA grant", "money.col.disbursed_in", "en") == 70_000_000
    assert _summary_row(sheet, "money.by.source", "Total", "money.col.disbursed_undated", "en") == int(
        _not_cancelled(ds)["disbursed"].sum())
    assert any(isinstance(c.value, str) and c.value.startswith("Date unknown:") for c in sheet["A"])
