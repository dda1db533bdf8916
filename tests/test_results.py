"""Beneficiaries and result indicators (issue 16 item 3): the arithmetic on hand-made indicators with known
answers, and the lines and tables every place shows (detail panel, periodic report, pitch pack)."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pandas as pd
import pytest

from geo.analysis import results as arith
from geo.analysis.funding import Filters
from geo.ingest import donors
from geo.ingest.results import clean_beneficiaries, clean_indicator
from geo.model import schema
from geo.output import results_text
from geo.output.maps.details import commune_detail
from geo.output.pitch import pack as pitch
from geo.output.reports import report
from geo.text.i18n import t


def _ind(pid: str, **kw) -> dict:
    return clean_indicator({"project_id": pid, "indicator_id": kw.pop("indicator_id", f"{pid}-w"),
                            "name_vi": "Hộ có nước sạch", "name_en": "Households with clean water",
                            "unit": "households", "baseline": 40, "baseline_year": 2021, "target": 200,
                            "target_year": 2025, "actuals": {2023: 90, 2024: 150}, **kw})


def _with_results(ds, indicators: list[dict], beneficiaries: list[dict]):
    return dataclasses.replace(ds, results=pd.DataFrame(indicators, columns=[*schema.RESULT_COLUMNS]),
                               beneficiaries=pd.DataFrame(beneficiaries, columns=[*schema.BENEFICIARY_COLUMNS]))


# --- arithmetic ---------------------------------------------------------------------------------------------
def test_share_achieved_is_the_way_from_baseline_to_target_and_unknown_when_it_cannot_be_known():
    frame = pd.DataFrame([
        {"indicator_id": "water", "baseline": 40.0, "target": 200.0, "actuals": {2023: 90.0, 2024: 150.0}},
        {"indicator_id": "road", "baseline": 0.0, "target": 12.0, "actuals": {2022: 4.0, 2025: 15.0}},
        {"indicator_id": "tea", "baseline": 300.0, "target": 500.0, "actuals": {2024: 250.0}},
        {"indicator_id": "no-base", "baseline": None, "target": 10.0, "actuals": {2024: 5.0}},
        {"indicator_id": "no-actual", "baseline": 1.0, "target": 10.0, "actuals": {}},
        {"indicator_id": "flat", "baseline": 10.0, "target": 10.0, "actuals": {2024: 12.0}},
    ])
    got = arith.progress(frame).set_index("indicator_id")
    assert got.loc["water", "share"] == pytest.approx(110 / 160)  # (150 - 40) / (200 - 40)
    assert got.loc["road", "share"] == pytest.approx(15 / 12) and got.loc["road", "latest_year"] == 2025  # passed
    assert got.loc["tea", "share"] == pytest.approx(-0.25)  # worse than the baseline, shown as it is
    assert got.loc[["no-base", "no-actual", "flat"], "share"].isna().all()
    assert pd.isna(got.loc["no-actual", "latest_year"]) and pd.isna(got.loc["no-actual", "latest"])
    # a report ending in 2024 counts the road's 2022 figure, not the later one
    to_2024 = arith.progress(frame, up_to=2024).set_index("indicator_id")
    assert to_2024.loc["road", "latest"] == 4.0 and to_2024.loc["road", "share"] == pytest.approx(4 / 12)
    assert arith.years_reported(frame) == [2022, 2023, 2024, 2025]
    assert arith.years_reported(frame, range(2023, 2025)) == [2023, 2024]


# --- words ------------------------------------------------------------------------------------------------
def test_the_bundled_projects_record_no_beneficiaries_or_results(ds):
    assert ds.results.empty and ds.beneficiaries.empty
    assert (ds.projects["description_en"] == "").all()
    pid = ds.projects["project_id"].iloc[0]
    assert results_text.short_line(ds, pid, "vi") == "chưa ghi nhận"
    assert results_text.short_line(ds, pid, "en") == "not recorded"


def test_lines_say_what_is_recorded_in_each_language_and_nothing_else(ds):
    pid = ds.projects["project_id"].iloc[0]
    ben = clean_beneficiaries({"project_id": pid, "households": 1250, "ethnic_groups": "Mông; Dao",
                               "women_percent": 52.5})
    mine = _with_results(ds, [_ind(pid)], [ben])
    assert results_text.beneficiary_lines(ben, "vi") == ["1.250 hộ", "Dân tộc: Mông; Dao", "Nữ: 52,5%"]
    assert results_text.beneficiary_lines(ben, "en") == ["1,250 households", "Ethnic groups: Mông; Dao",
                                                         "Women: 52.5%"]  # people not recorded: not shown
    assert results_text.result_lines(mine, pid, "en") == [
        "Households with clean water: baseline 40 households (2021), target 200 households (2025); "
        "actual 150 households (2024), 68.8% of the target achieved"]
    assert results_text.result_lines(mine, pid, "vi") == [
        "Hộ có nước sạch: cơ sở 40 hộ (2021), mục tiêu 200 hộ (2025); thực hiện 150 hộ (2024), đạt 68,8% mục tiêu"]
    assert results_text.short_line(mine, pid, "en") == "1,250 households · result indicators: 1"


def test_the_description_is_read_in_the_readers_language_else_the_other():
    both = {"description": "Cấp nước", "description_en": "Water supply"}
    assert results_text.description(both, "vi") == "Cấp nước" and results_text.description(both, "en") == "Water supply"
    assert results_text.description({"description": "Cấp nước", "description_en": ""}, "en") == "Cấp nước"
    assert results_text.description({"description": "", "description_en": ""}, "en") == ""


def test_the_detail_panel_has_a_short_results_line_per_project(ds):
    code = ds.projects["commune_code"].iloc[0]
    pid = ds.projects["project_id"].iloc[0]
    mine = _with_results(ds, [_ind(pid)], [])
    from geo.analysis.indicators import commune_indicators

    for lang, expected in (("vi", "1 chỉ số kết quả"), ("en", "result indicators: 1")):
        d = commune_detail(mine, commune_indicators(mine, Filters()), code, lang)
        col = d.projects[t("results.col.summary", lang)]
        shown = dict(zip(d.projects[t("common.code", lang)], col))
        assert shown[pid] == expected
        assert set(shown.values()) - {expected} <= {t("results.not_recorded", lang)}


# --- the periodic report ------------------------------------------------------------------------------------
def _sheet(wb, lang):
    return wb[t("report.sheet.results", lang)]


def _cells(ws) -> list[list[str]]:
    return [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]


def test_the_report_has_a_results_sheet_with_baseline_target_actual_by_year_and_share(ds):
    pid = ds.projects["project_id"].iloc[0]
    road = _ind(pid, indicator_id="road", name_vi="Đường giao thông", name_en="Road", unit="km", baseline=0,
                baseline_year=None, target=12, target_year=2025, actuals={2022: 4, 2024: 9.5, 2025: 12})
    ben = clean_beneficiaries({"project_id": pid, "people": 480, "households": 120})
    mine = _with_results(ds, [_ind(pid), road], [ben])
    for lang in ("vi", "en"):
        wb = openpyxl.load_workbook(io.BytesIO(report.build_report(mine, 2021, 2024, lang)))
        rows = _cells(_sheet(wb, lang))
        header = next(r for r in rows if t("results.col.indicator", lang) in r)
        assert header[-4:] == [t("results.col.actual_year", lang, year=y) for y in (2022, 2023, 2024)] + [
            t("results.col.share", lang)]  # 2025 is after the period
        road_row = next(r for r in rows if "Road" in r or "Đường giao thông" in r)
        share = "79,2%" if lang == "vi" else "79.2%"  # 9.5 / 12, the 2025 figure left out
        assert road_row[-1] == share and ("9,5" if lang == "vi" else "9.5") in road_row
        assert any("480" in r for r in rows)  # beneficiaries under the indicators
    wb = openpyxl.load_workbook(io.BytesIO(report.build_report(ds, 2021, 2024, "en")))
    assert [t("results.none", "en")] in _cells(_sheet(wb, "en"))  # the bundled data records none


# --- the pitch pack -----------------------------------------------------------------------------------------
def test_the_pitch_pack_carries_recorded_beneficiaries_and_results_and_leaves_the_rest_empty(ds):
    jica = donors.by_id(donors.profiles_from_frame(donors.bundled_frame()))["jica"]
    plain = pitch.build_pack(ds, pitch.Target("donor", donor=jica), lang="en", top=2)
    assert all(o.beneficiaries == [] and o.results == [] for o in plain.opportunities)  # "not recorded yet"
    pid = plain.opportunities[0].key
    ben = clean_beneficiaries({"project_id": pid, "households": 120, "ethnic_groups": "Mông"})
    mine = _with_results(ds, [_ind(pid)], [ben])
    pack = pitch.build_pack(mine, pitch.Target("donor", donor=jica), lang="en", top=2)
    first = next(o for o in pack.opportunities if o.key == pid)
    assert first.beneficiaries == ["120 households", "Ethnic groups: Mông"]
    assert first.results == results_text.result_lines(mine, pid, "en") and "68.8%" in first.results[0]
    assert all(o.results == [] for o in pack.opportunities if o.key != pid)
