"""The Funding gaps page's tables without Streamlit: headers, order, money view and the priority breakdown."""

import pandas as pd
import pytest

from geo.analysis import priority
from geo.output.reports import funding_tables as tables
from geo.output.reports import report
from geo.text.i18n import t

FEATURES = pd.DataFrame({
    "commune_code": ["c1", "c2", "c3"],
    "gap": [200_000_000, 100_000_000, 50_000_000],
    "zone_level": ["high", "", "medium"],
    "commune_risk_share": [0.0, 20.0, 10.0],
    "content_area": [3, 1, 3],
    "crop_ha": [10.0, 10.0, 0.0],
    "status": ["approved", "implementing", "proposal"],
}, index=pd.Index(["P", "Q", "R"], name="project_id"))
PROJECTS = pd.DataFrame({"project_id": ["P", "Q", "R"], "name_vi": ["Đường", "Trường", "Chợ"],
                         "name_en": ["Road", "", "Market"], "commune_code": ["c1", "c2", "c3"],
                         "status": ["approved", "implementing", "proposal"]})
UNIT_NAMES = {"c1": "Xã Một", "c2": "Xã Hai", "c3": "Xã Ba"}
WEIGHTS = {"gap": 40, "risk": 25, "crop_fit": 15, "readiness": 20}


def ranked(weights=WEIGHTS, comps=None):
    comps = priority.components(FEATURES) if comps is None else comps
    return priority.rank(comps, weights), list(comps.columns)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_priority_breakdown_columns_rows_and_points(lang):
    rank, cols = ranked()
    inputs = tables.component_inputs(FEATURES.loc["R"], FEATURES, tables.Money(lang))
    shown = tables.priority_breakdown(rank.loc["R"], cols, WEIGHTS, inputs, lang)
    assert list(shown.columns) == [t(f"priority.col.{c}", lang) for c in ("component", "input", "value", "weight",
                                                                          "points")]
    assert shown[t("priority.col.component", lang)].tolist() == [t(f"priority.comp.{c}", lang)
                                                                 for c in priority.COMPONENTS]
    # R's gap is a quarter of the largest: 0.25 × 40 % of the weight = 10 points; the input names both gaps.
    gap_row = shown.iloc[0]
    assert gap_row[t("priority.col.points", lang)] == ("10,0" if lang == "vi" else "10.0")
    assert ("50.000.000" if lang == "vi" else "50,000,000") in gap_row[t("priority.col.input", lang)]
    assert ("200.000.000" if lang == "vi" else "200,000,000") in gap_row[t("priority.col.input", lang)]
    points = [float(p.replace(",", ".")) if lang == "vi" else float(p) for p in shown[t("priority.col.points", lang)]]
    assert sum(points) == pytest.approx(rank.loc["R", "score"] * 100, abs=0.2)


def test_an_added_indicator_is_named_as_the_user_typed_and_unknown_reads_unknown():
    per_commune = pd.Series({"c1": 10.0, "c2": 30.0, "c3": float("nan")})
    comps = priority.add_indicator(priority.components(FEATURES), FEATURES, "Hộ nghèo", per_commune)
    weights = {**WEIGHTS, "extra:Hộ nghèo": 20}
    rank, cols = ranked(weights, comps)
    inputs = tables.component_inputs(FEATURES.loc["R"], FEATURES, tables.Money("en"), per_commune)
    shown = tables.priority_breakdown(rank.loc["R"], cols, weights, inputs, "en")
    last = shown.iloc[-1]
    assert last[t("priority.col.component", "en")] == "Hộ nghèo"
    assert last[t("priority.col.value", "en")] == t("gaps.unknown", "en")
    assert last[t("priority.col.points", "en")] == t("gaps.unknown", "en")
    assert last[t("priority.col.input", "en")] == t("priority.in_extra", "en", value="–")


@pytest.mark.parametrize(("lang", "units", "unit_header"), [("vi", "2021", "common.commune"),
                                                            ("en", "2025", "units.unit")])
def test_ranking_columns_in_order_with_whole_component_numbers(lang, units, unit_header):
    rank, cols = ranked({"gap": 1})
    table = tables.ranking_frame(rank, FEATURES, PROJECTS, UNIT_NAMES, lang)
    shown = tables.shown_ranking(table, cols, units, tables.Money(lang))
    assert list(shown.columns) == [
        t("priority.col.rank", lang), t("gaps.col.project_id", lang), t("priority.col.score", lang),
        *[t(f"priority.comp.{c}", lang) for c in priority.COMPONENTS],
        t("gaps.col.project", lang), t(unit_header, lang), t("gaps.col.status", lang), t("common.gap", lang)]
    assert shown[t("gaps.col.project_id", lang)].tolist() == ["P", "Q", "R"]  # gap alone: largest gap first
    assert shown[t("priority.comp.gap", lang)].tolist() == [100, 50, 25]
    # an English name where there is one, the Vietnamese one otherwise
    assert shown[t("gaps.col.project", lang)].tolist() == (["Road", "Trường", "Market"] if lang == "en"
                                                            else ["Đường", "Trường", "Chợ"])
    assert shown[t(unit_header, lang)].tolist() == ["Xã Một", "Xã Hai", "Xã Ba"]


def test_ranking_download_has_scores_on_100_and_the_weights_in_its_title():
    rank, cols = ranked()
    table = tables.ranking_frame(rank, FEATURES, PROJECTS, UNIT_NAMES, "en")
    export, layout, title = tables.ranking_export(table, cols, WEIGHTS, "2021", "en")
    assert export["gap"].tolist() == [100.0, 50.0, 25.0]
    assert export["score"].max() <= 100
    assert [c.title("en") for c in layout][-4:] == [t(f"priority.comp.{c}", "en") for c in priority.COMPONENTS]
    assert title.endswith(f"{t('priority.comp.gap', 'en')} 40; {t('priority.comp.risk', 'en')} 25; "
                          f"{t('priority.comp.crop_fit', 'en')} 15; {t('priority.comp.readiness', 'en')} 20")


@pytest.mark.parametrize(("units", "header"), [("2021", "common.commune"), ("2025", "units.unit")])
def test_scores_by_unit_are_headed_by_the_unit_version(units, header):
    rank, _ = ranked()
    shown = tables.commune_scores(rank, PROJECTS, UNIT_NAMES, units, "vi")
    assert list(shown.columns) == [t(header, "vi"), t("priority.col.score", "vi"), t("gaps.col.n_projects", "vi")]
    best = PROJECTS.set_index("project_id").loc[rank.index[0], "commune_code"]  # one project per unit here
    assert shown[t(header, "vi")].iloc[0] == UNIT_NAMES[best]


def test_money_reads_vnd_or_usd_at_the_users_rate_and_unknown_never_zero():
    vnd, usd = tables.Money("vi"), tables.Money("en", 25_000)
    assert vnd.full(1_234_000) == "1.234.000 ₫"
    assert usd.full(25_000_000) == "USD 1,000"
    assert vnd.full(float("nan")) == t("gaps.unknown", "vi") == tables.cell_text(None, "pct", vnd)
    assert tables.cell_text(None, "int", vnd) is None and tables.cell_text(None, "text", vnd) == ""


def test_totals_row_sums_money_and_leaves_per_source_project_counts_blank():
    frame = pd.DataFrame({"label": ["A", "B"], "group": ["g", "g"], "need": [100, 300], "committed": [50, 100],
                          "disbursed": [0, 0], "gap": [50, 200], "share_covered": [0.5, 1 / 3],
                          "n_projects": [2, 3]})
    shown = tables.shown_table(frame, report.LAYOUTS["by_source"], tables.Money("en"), "label")
    total = shown.iloc[-1]
    assert total[t("gaps.col.source", "en")] == t("report.total", "en")
    assert total[t("common.need", "en")] == "VND 400"
    assert total[t("gaps.col.share_covered", "en")] == "37.5%"  # recomputed from the sums, not added
    assert pd.isna(total[t("gaps.col.n_projects", "en")])  # blank: a project with two sources would count twice


def test_heat_cells_blank_where_no_project():
    wide = pd.DataFrame({3: [2e9, 0.0]}, index=["c1", "c2"])
    heat = tables.heat_chart_frame(wide, UNIT_NAMES, "gap", tables.Money("vi"))
    assert heat["label"].tolist() == ["2,0", ""]
    assert heat["commune"].tolist() == ["Xã Một", "Xã Hai"]


def test_heat_map_caption_is_true_of_its_cells():
    # "Blank cell: no project, or 0": no cell reads 0,0 (a 30 million gap is not 0), every 0 is blank.
    wide = pd.DataFrame({3: [30e6, 1.26e9], 5: [0.0, 49e6], 7: [51e6, 0.0]}, index=["c1", "c2"])
    heat = tables.heat_chart_frame(wide, UNIT_NAMES, "gap", tables.Money("vi"))
    assert heat["label"].tolist() == ["<0,1", "", "0,1", "1,3", "<0,1", ""]
    assert heat.loc[heat["v"] == 0, "value"].isna().all() and heat.loc[heat["v"] > 0, "value"].notna().all()
    caption = tables.heat_caption("gap", "vi")
    assert "0 ₫" in caption and "<0,1" in caption
    # Share covered: blank only without need; a real 0 % is shown as 0 and the caption says so.
    share = pd.DataFrame({3: [0.0, float("nan")]}, index=["c1", "c2"])
    cells = tables.heat_chart_frame(share, UNIT_NAMES, "share_covered", tables.Money("en"))
    assert cells["label"].tolist() == ["0", ""]
    assert "0" in tables.heat_caption("share_covered", "en")
