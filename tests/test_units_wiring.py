"""The unit switch wired into the funding page, the report workbook, print maps and the atlas (issue 8).

Expected figures are summed here from the raw funding lines through the reform table written out by
hand (Resolution 1670/NQ-UBTVQH15), not taken from geo.analysis.units.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from geo.analysis.classify import classify
from geo.cli.main import main
from geo.output.maps import render
from geo.output.reports import report
from geo.storage.store import BUNDLED_DATA_DIR, BundledStore, load_dataset
from geo.text import fmt
from geo.text.i18n import t

# New unit ← former communes, as the resolution states it.
REFORM = {
    "03390": {"03390", "03412", "03413"}, "03405": {"03400", "03405", "03406"}, "03424": {"03424", "03427"},
    "03430": {"03430", "03421"}, "03394": {"03394"}, "03408": {"03415", "03418"},
}
NEW_OF = {old: new for new, olds in REFORM.items() for old in olds}
NEW_NEED = 7_000_000_000  # a project keyed by new Tả Lèng (3 former communes): unallocated in the old view


def data_with_new_code_project(tmp_path: Path) -> Path:
    """The bundled data plus one proposal keyed by the new unit 03405 (Tả Lèng), 7 bn need, 2 bn committed."""
    d = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA_DIR, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    p = pd.read_csv(d / "projects.csv", dtype=str, keep_default_na=False)
    p["unit_version"] = p.get("unit_version", "")
    row = {**p.iloc[0].to_dict(), "project_id": "NEW-W1", "name_vi": "Dự án theo đơn vị mới",
           "name_en": "Project by new unit", "commune_code": "03405", "unit_version": "2025", "status": "proposal",
           "start_year": "2024", "end_year": "2025", "lon": "", "lat": ""}
    pd.concat([p, pd.DataFrame([row])]).to_csv(d / "projects.csv", index=False)
    f = pd.read_csv(d / "project_funding.csv", dtype=str, keep_default_na=False)
    line = {"project_id": "NEW-W1", "source": "ngo", "need": str(NEW_NEED), "committed": "2000000000", "disbursed": "0"}
    pd.concat([f, pd.DataFrame([line])]).to_csv(d / "project_funding.csv", index=False)
    return d


def live_lines(ds, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Funding lines of non-cancelled projects (overlapping ``years``), with the project's code and version."""
    p = ds.projects[ds.projects["status"] != "cancelled"]
    if years:
        p = p[(p["start_year"] <= years[1]) & (p["end_year"] >= years[0])]
    lines = ds.funding.merge(p[["project_id", "commune_code", "unit_version"]], on="project_id")
    lines["gap"] = (lines["need"] - lines["committed"]).clip(lower=0)
    new = lines["unit_version"].fillna("").eq("2025")
    lines["new_unit"] = lines["commune_code"].where(new, lines["commune_code"].map(NEW_OF))
    return lines


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


# --- funding page --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_funding_page_switches_to_six_units_with_the_same_totals(app_page, lang, tmp_path, monkeypatch):
    from pages import _shared

    d = data_with_new_code_project(tmp_path)
    monkeypatch.setattr(_shared, "default_store", lambda: BundledStore(d))
    ds = load_dataset(d)
    lines = live_lines(ds)
    at = app_page("pages/funding.py", lang)
    assert not at.exception
    need, unit = t("common.need", lang), t("units.unit", lang)

    old = frame_with(at, t("gaps.col.committed_per_person", lang))
    # 13 communes, the project that fits no single former commune on its own row, and the total.
    assert len(old) == 13 + 1 + 1
    assert old.iloc[-2][t("common.commune", lang)] == t("units.unallocated_row", lang)
    assert old.iloc[-2][need] == fmt.vnd(NEW_NEED, lang)
    stuck = frame_with(at, t("units.could_lie_in", lang))
    assert set(stuck[t("units.could_lie_in", lang)].iloc[0].split(", ")) == REFORM["03405"]
    old_total = old.iloc[-1]

    switch = next(r for r in at.sidebar.radio if r.key == "units")
    switch.set_value("2025").run()
    assert not at.exception
    new = frame_with(at, unit)
    by_code = new.iloc[:-1].set_index(t("common.code", lang))
    assert sorted(by_code.index) == sorted(REFORM)  # 6 units, no unallocated row
    expected = lines.groupby("new_unit")[["need", "gap"]].sum()
    for code in REFORM:
        assert by_code.loc[code, need] == fmt.vnd(expected.loc[code, "need"] if code in expected.index else 0, lang)
        assert by_code.loc[code, t("common.gap", lang)] == fmt.vnd(
            expected.loc[code, "gap"] if code in expected.index else 0, lang)
    for col in (need, t("common.committed", lang), t("common.gap", lang)):
        assert new.iloc[-1][col] == old_total[col]  # same district totals, unallocated included
    assert new.iloc[-1][need] == fmt.vnd(lines["need"].sum(), lang)
    assert not any(t("units.could_lie_in", lang) in df.value.columns for df in at.dataframe)
    # The partial units say so, and the captions say which units.
    notes = dict(zip(by_code.index, by_code[t("units.note", lang)]))
    assert notes["03394"] == notes["03408"] == t("units.partial_note", lang) and notes["03424"] == ""
    assert any("1670" in c.value for c in at.caption)
    # Priorities by unit: the per-commune score table lists new units only.
    prio = frame_with(at, t("priority.col.score", lang))
    by_unit = next(df.value for df in at.dataframe if list(df.value.columns)[0] == unit)
    assert set(by_unit[unit]) <= set(by_code[unit])
    assert by_unit[t("gaps.col.n_projects", lang)].sum() == len(prio)


def test_unit_choice_made_on_the_overview_holds_on_the_funding_page(app_page, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    at = app_page("pages/overview.py", "en")
    next(r for r in at.sidebar.radio if r.key == "units").set_value("2025").run()
    at.switch_page("pages/funding.py")
    at.run()
    assert not at.exception
    assert len(frame_with(at, t("units.unit", "en"))) == 6 + 1


# --- report workbook --------------------------------------------------------------------------------
def sheet_rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def unit_table(ws, lang):
    rows = sheet_rows(ws)
    start = next(i for i, r in enumerate(rows) if sum(v is not None for v in r) >= 4)
    end = next(i for i in range(start + 1, len(rows)) if rows[i][0] == t("report.total", lang))
    return rows[start], rows[start + 1:end], rows[end]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_by_new_units_sums_to_the_project_list(ds, lang):
    wb = openpyxl.load_workbook(io.BytesIO(report.build_report(ds, 2021, 2025, lang, unit_version="2025")))
    label = "Đơn vị từ 1/7/2025" if lang == "vi" else "Units from 1/7/2025"
    for ws in wb.worksheets:  # every sheet says which units, under the banner
        assert label in ws["A2"].value and "1670" in ws["A2"].value, ws.title
    header, rows, total = unit_table(wb[t("report.sheet.by_commune", lang)], lang)
    assert header[1] == t("units.unit", lang)
    assert sorted(r[0] for r in rows) == sorted(REFORM)
    n = header.index(t("common.need", lang))
    lines = live_lines(ds, (2021, 2025))
    expected = lines.groupby("new_unit")["need"].sum()
    assert {r[0]: r[n] for r in rows} == {c: int(expected.get(c, 0)) for c in REFORM}
    p_header, projects, _ = unit_table(wb[t("report.sheet.projects", lang)], lang)
    assert sum(r[n] for r in rows) == total[n] == sum(r[p_header.index(t("common.need", lang))] for r in projects)
    # The project list names the new unit of each project.
    names = {r[0]: r[p_header.index(t("units.unit", lang))] for r in projects}
    full = dict(zip(ds.units_2025["code"], ds.units_2025["name"]))
    for pid, code in ds.projects.set_index("project_id")["commune_code"].items():
        if pid in names:
            assert names[pid].endswith(full[NEW_OF[code]])
    prov = sheet_rows(wb[t("report.sheet.provenance", lang)])
    assert any(r[0] == t("units.switch", lang) and label in r[1] for r in prov)


def test_report_old_units_keep_an_unallocated_row_and_say_so(tmp_path):
    ds = load_dataset(data_with_new_code_project(tmp_path))
    wb = openpyxl.load_workbook(io.BytesIO(report.build_report(ds, 2021, 2025, "en")))
    assert all(ws["A2"].value == "Administrative units: Units 2021–2025" for ws in wb.worksheets)
    header, rows, total = unit_table(wb["By commune"], "en")
    n = header.index("Need")
    assert len(rows) == 13 + 1 and rows[-1][1] == t("units.unallocated_row", "en") and rows[-1][n] == NEW_NEED
    assert total[n] == live_lines(ds, (2021, 2025))["need"].sum()
    new = openpyxl.load_workbook(io.BytesIO(report.build_report(ds, 2021, 2025, "en", unit_version="2025")))
    new_header, _, new_total = unit_table(new["By commune"], "en")
    assert new_total[new_header.index("Need")] == total[n]


def test_report_cli_units_option(tmp_path, capsys):
    out = tmp_path / "r.xlsx"
    assert main(["report", "--units", "2025", "--lang", "en", "--out", str(out)]) == 0
    assert "Units from 1/7/2025" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert len(unit_table(wb["By commune"], "en")[1]) == 6
    with pytest.raises(SystemExit):
        main(["report", "--units", "2030", "--out", str(out)])


# --- print maps ----------------------------------------------------------------------------------
def footer_text(fig) -> str:
    return " ".join(a.get_text().replace("\n", " ") for a in fig.texts if a.get_gid() in ("footer", "footer_quality"))


def test_print_map_in_2025_mode_draws_the_six_new_units(ds):
    fig = render.render_map(ds, "gap", lang="en", units="2025", date="2026-01-02")
    (coll,) = [a for a in fig.findobj() if a.get_gid() == "choropleth"]
    assert len(coll.get_paths()) == 6
    labels = {a.get_gid()[len("label-"):]: a.get_text() for a in fig.findobj()
              if str(a.get_gid()).startswith("label-")}
    names = dict(zip(ds.units_2025["code"], ds.units_2025["name"]))
    assert set(labels) == set(REFORM)
    for code, text in labels.items():  # new names; the two partial units marked for the footer note
        assert text == names[code] + (" *" if code in ("03394", "03408") else "")
    # Classes come from the new units' own gaps (summed from the funding lines).
    gaps = live_lines(ds).groupby("new_unit")["gap"].sum().reindex(sorted(REFORM), fill_value=0)
    c = classify(gaps.to_numpy(dtype=float), "quantiles", palette="reds")
    drawn = sorted(tuple(round(v, 3) for v in rgba) for rgba in coll.get_facecolors())
    wanted = sorted(tuple(round(v, 3) for v in to_rgba(c.color_of(float(g)))) for g in gaps)
    assert drawn == wanted
    text = footer_text(fig)
    assert "Units from 1/7/2025" in text and "1670" in text
    assert t("units.partial_note", "en") in text and "Sin Suối Hồ" in text


def test_print_map_footer_states_old_units_and_refuses_codes_of_the_other_version(ds):
    fig = render.render_map(ds, "gap", lang="vi", date="2026-01-02")
    assert "Đơn vị 2021–2025" in footer_text(fig)
    with pytest.raises(ValueError, match="03412"):
        render.render_map(ds, "gap", units="2025", highlight="03412")  # old TT Tam Đường is no new unit
    fig = render.render_map(ds, "gap", lang="en", units="2025", highlight="03408")
    box = next(a.get_text() for a in fig.texts if a.get_gid() == "highlight_name")
    assert box == "Phường Tân Phong"


def test_atlas_in_2025_mode_writes_district_plus_six_units(tmp_path, capsys):
    out = tmp_path / "atlas"
    assert main(["atlas", "--indicator", "gap", "--units", "2025", "--dpi", "50", "--out", str(out)]) == 0
    files = sorted(f.name for f in out.iterdir())
    assert len(files) == 7
    assert sum("district" in f for f in files) == 1
    for code in REFORM:
        assert sum(re.search(rf"-{code}-", f) is not None for f in files) == 1
    assert "7/7" in capsys.readouterr().err


def test_export_map_cli_takes_units(tmp_path):
    out = tmp_path / "m.pdf"
    assert main(["--lang", "en", "export-map", "--indicator", "gap", "--units", "2025", "--out", str(out)]) == 0
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Units from 1/7/2025" in text


def test_print_panel_passes_the_unit_version_through():
    def script():
        import streamlit as st

        from geo.analysis.funding import Filters
        from pages import _print_export, _shared

        original = st.download_button

        def capture(label, data, **kwargs):
            st.session_state["served"] = data() if callable(data) else data
            st.session_state["served_name"] = kwargs.get("file_name")
            return original(label, data, **kwargs)

        st.download_button = capture
        try:
            _print_export.print_export_panel(_shared.dataset(), "gap", Filters(), "en", (), "quantiles", "2025")
        finally:
            st.download_button = original

    at = AppTest.from_function(script, default_timeout=120)
    at.run()
    at.selectbox(key="print_format").select("pdf").run()
    assert not at.exception
    assert at.session_state["served_name"] == "tam-duong-gap-units2025-A4-landscape.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(at.session_state["served"])).pages)
    assert "Units from 1/7/2025" in text and "Tân Phong: Part of the new unit" in text
