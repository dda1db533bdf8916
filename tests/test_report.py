"""The periodic report workbook (opened with openpyxl) and the `python -m geo report` command."""

import dataclasses
import io
import subprocess
import sys

import openpyxl
import pytest

from geo.analysis import counterpart
from geo.cli.main import main
from geo.output.reports import report
from geo.text.i18n import t

PERIOD = (2021, 2025)


def in_period(ds, start, end):
    """Funding lines of the non-cancelled projects whose years overlap the period (computed here, not by geo)."""
    p = ds.projects
    keep = (p["start_year"] <= end) & (p["end_year"] >= start) & (p["status"] != "cancelled")
    ids = set(p.loc[keep, "project_id"])
    return p[keep], ds.funding[ds.funding["project_id"].isin(ids)]


def open_wb(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def table_rows(ws, lang):
    """(header, data rows, totals row) of the first table on a sheet (header = first row with ≥ 4 cells)."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if sum(v is not None for v in r) >= 4)
    end = next(i for i in range(start + 1, len(rows)) if rows[i][0] == t("report.total", lang))
    return rows[start], rows[start + 1:end], rows[end]


@pytest.fixture(scope="module")
def wb_vi(ds):
    return open_wb(report.build_report(ds, *PERIOD, "vi"))


def test_sheets_in_vietnamese_with_banner_on_each(wb_vi):
    assert wb_vi.sheetnames == [t(f"report.sheet.{s}", "vi") for s in report.SHEETS]
    for ws in wb_vi.worksheets:
        assert "MINH HỌA" in ws["A1"].value, ws.title


@pytest.mark.parametrize("sheet", ["by_area", "by_commune", "by_source", "projects"])
def test_totals_equal_sum_of_rows_and_of_funding_lines(ds, wb_vi, sheet):
    ws = wb_vi[t(f"report.sheet.{sheet}", "vi")]
    header, rows, total = table_rows(ws, "vi")
    _, lines = in_period(ds, *PERIOD)
    expected = {"need": int(lines["need"].sum()), "committed": int(lines["committed"].sum()),
                "disbursed": int(lines["disbursed"].sum()),
                "gap": int((lines["need"] - lines["committed"]).clip(lower=0).sum())}
    for key, value in expected.items():
        j = header.index(t(f"common.{key}", "vi"))
        assert total[j] == sum(r[j] or 0 for r in rows) == value, (sheet, key)
        assert ws.cell(row=5, column=j + 1).number_format.endswith('"₫"')


def test_project_list_is_the_projects_of_the_period(ds, wb_vi):
    header, rows, _ = table_rows(wb_vi[t("report.sheet.projects", "vi")], "vi")
    projects, _ = in_period(ds, *PERIOD)
    assert sorted(r[0] for r in rows) == sorted(projects["project_id"])


def test_counterpart_totals_at_default_ratios(ds, wb_vi):
    ws = wb_vi[t("report.sheet.counterpart", "vi")]
    _, lines = in_period(ds, *PERIOD)
    ratio = lines["source"].map(counterpart.DEFAULT_RATIOS).fillna(0)
    required = int((lines["committed"] * ratio).round().sum())
    values = [c.value for row in ws.iter_rows() for c in row]
    assert values.count(required) == 2  # by-source total and by-project total agree


def test_provenance_sheet_names_every_layer_and_the_assumptions(ds, wb_vi):
    ws = wb_vi[t("report.sheet.provenance", "vi")]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for p in ds.provenance.values():
        assert p.title("vi") in text and p.source_in("vi") in text
    assert "2021–2025" in text and "GIẢ ĐỊNH" in text


def test_english_sheet_names_and_money_format(ds):
    wb = open_wb(report.build_report(ds, *PERIOD, "en"))
    assert wb.sheetnames == ["By content area", "By commune", "By funding source", "Projects",
                             "Counterpart funds", "Landslide-risk exposure", "Results", "Data provenance"]
    assert all("ILLUSTRATIVE" in ws["A1"].value for ws in wb.worksheets)
    ws = wb["By content area"]
    header, rows, _ = table_rows(ws, "en")
    first_data = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "Need") + 1
    assert header[1] == "Need" and "VND" in ws.cell(row=first_data, column=2).number_format


def test_formula_looking_names_are_neutralised(ds):
    projects = ds.projects.copy()
    pid = in_period(ds, *PERIOD)[0]["project_id"].iloc[0]
    projects.loc[projects["project_id"] == pid, "name_vi"] = "=1+1"
    wb = open_wb(report.build_report(dataclasses.replace(ds, projects=projects), *PERIOD, "vi"))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value == "'=1+1" for c in cells)
    assert not any(c.value.startswith("=") for c in cells)


def test_reversed_period_is_refused(ds):
    with pytest.raises(ValueError, match="after its end"):
        report.build_report(ds, 2026, 2021, "vi")


def test_cli_writes_the_workbook(tmp_path):
    out = tmp_path / "report.xlsx"
    assert main(["report", "--from", "2021", "--to", "2025", "--lang", "vi", "--out", str(out)]) == 0
    assert open_wb(out.read_bytes()).sheetnames[0] == t("report.sheet.by_area", "vi")
    # the global flag before the sub-command works too; without any flag the report is Vietnamese
    assert main(["--lang", "en", "report", "--out", str(tmp_path / "en.xlsx")]) == 0
    assert open_wb((tmp_path / "en.xlsx").read_bytes()).sheetnames[0] == "By content area"
    assert main(["report", "--out", str(tmp_path / "default.xlsx")]) == 0
    assert open_wb((tmp_path / "default.xlsx").read_bytes()).sheetnames[0] == t("report.sheet.by_area", "vi")


def test_cli_bad_period_fails_with_a_clear_message(tmp_path):
    out = tmp_path / "r.xlsx"
    run = subprocess.run([sys.executable, "-m", "geo", "report", "--from", "2026", "--to", "2021", "--out", str(out)],
                         capture_output=True, text=True)
    assert run.returncode != 0
    # the report's language (Vietnamese unless asked), as on the funding page
    assert t("report.bad_period", "vi", start=2026, end=2021) in run.stderr
    assert not out.exists()


def test_cli_ratio_override_changes_counterpart(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert main(["report", "--out", str(a)]) == 0
    assert main(["report", "--ratio", "oda_grant=0.5", "--out", str(b)]) == 0
    sheet = t("report.sheet.counterpart", "vi")
    va = [c.value for row in open_wb(a.read_bytes())[sheet].iter_rows() for c in row]
    vb = [c.value for row in open_wb(b.read_bytes())[sheet].iter_rows() for c in row]
    assert 0.5 in vb and 0.5 not in va


def test_table_downloads_carry_provenance_and_neutralise_cells(ds):
    import pandas as pd

    frame = pd.DataFrame({"label": ["=1+1", "Bản Bo"], "need": [100, 250], "committed": [40, 250],
                          "disbursed": [0, 10], "gap": [60, 0], "share_covered": [0.4, 1.0], "n_projects": [1, 2]})
    layout = report.LAYOUTS["by_area"]
    text = report.table_csv(ds, frame, layout, "vi", title="Bảng thử")
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert head[0] == "# Bảng thử" and "MINH HỌA" in head[1] and any("minh họa" in h for h in head[2:])
    body = pd.read_csv(io.StringIO(text), comment="#")
    assert body.iloc[0, 0] == "'=1+1" and body[t("common.need", "vi")].tolist() == [100, 250]

    wb = open_wb(report.table_xlsx(ds, frame, layout, "vi", title="Bảng thử", total=True))
    ws = wb.active
    assert "MINH HỌA" in ws["A1"].value
    header, rows, total = table_rows(ws, "vi")
    j = header.index(t("common.need", "vi"))
    assert total[j] == 350 and rows[0][0] == "'=1+1"
