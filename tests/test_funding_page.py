"""The Funding gaps page (Streamlit AppTest): tabs, weights that reorder, ratios that change totals, USD view."""


import pytest
from streamlit.testing.v1 import AppTest

from geo.text import fmt
from geo.text.i18n import t


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.fixture(scope="module")
def page_vi(app_page):
    return app_page("pages/funding.py", "vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_renders_tabs_and_illustrative_labels(app_page, lang):
    at = app_page("pages/funding.py", lang)
    assert not at.exception
    assert [tab.label for tab in at.tabs] == [t(f"gaps.tab_{k}", lang) for k in
                                              ("gaps", "counterpart", "priorities", "report")]
    assert any(("MINH HỌA" if lang == "vi" else "ILLUSTRATIVE") in w.value for w in at.warning)
    tag = t("gaps.illustrative_tag", lang)
    assert sum(tag in c.value for c in at.caption) >= 6  # under every table and chart
    by_commune = frame_with(at, t("gaps.col.committed_per_person", lang))
    assert len(by_commune) == 13 + 1  # communes + totals row
    # Communes without a reported population read "unknown", never 0.
    assert t("gaps.unknown", lang) in set(by_commune[t("gaps.col.committed_per_person", lang)])


def test_totals_row_matches_headline(ds, page_vi):
    by_area = frame_with(page_vi, t("gaps.col.content_area", "vi"))
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    lines = lines[lines["status"] != "cancelled"]
    gap = int((lines["need"] - lines["committed"]).clip(lower=0).sum())
    assert by_area.iloc[-1][t("common.gap", "vi")] == fmt.vnd(gap, "vi")


def test_moving_a_weight_slider_changes_the_ranking(ds, page_vi):
    at = page_vi
    col_id = t("gaps.col.project_id", "vi")
    rank_col = t("priority.col.rank", "vi")

    def order():
        return frame_with(at, rank_col)[col_id].tolist()

    for key in ("risk", "crop_fit", "readiness"):
        at.slider(key=f"w_{key}").set_value(0)
    at.slider(key="w_gap").set_value(100).run()
    by_gap = order()
    # Gap weight alone: the project with the largest open gap comes first (computed from the funding lines).
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    lines = lines[~lines["status"].isin(["completed", "cancelled"])]
    gaps = (lines["need"] - lines["committed"]).clip(lower=0).groupby(lines["project_id"]).sum()
    assert by_gap[0] == gaps.idxmax()
    at.slider(key="w_gap").set_value(0)
    at.slider(key="w_readiness").set_value(100).run()
    by_readiness = order()
    assert by_readiness != by_gap
    first = ds.projects.set_index("project_id").loc[by_readiness[0], "status"]
    assert first == "implementing"  # readiness alone puts the furthest-along open project first


def test_counterpart_total_follows_the_ratio(app_page, ds):
    at = app_page("pages/funding.py", "vi")
    required_col = t("counterpart.col.required", "vi")

    def total_required():
        return frame_with(at, t("counterpart.col.ratio", "vi")).iloc[-1][required_col]

    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    lines = lines[lines["status"] != "cancelled"]

    def expected(oda):
        ratio = lines["source"].map({"oda_grant": oda, "concessional_loan": 0.20, "ngo": 0.10}).fillna(0)
        return fmt.vnd(int((lines["committed"] * ratio).round().sum()), "vi")

    assert total_required() == expected(0.15)
    at.number_input(key="cp_ratio_oda_grant").set_value(30).run()
    assert total_required() == expected(0.30) != expected(0.15)


def test_usd_view_shows_the_rate(app_page):
    at = app_page("pages/funding.py", "en")
    at.toggle(key="usd_on").set_value(True).run()
    at.number_input(key="usd_rate").set_value(20_000).run()
    assert not at.exception
    assert any("1 USD = VND 20,000" in c.value for c in at.caption)
    by_area = frame_with(at, t("gaps.col.content_area", "en"))
    assert all(v.startswith("USD ") for v in by_area[t("common.need", "en")])
    assert at.metric[0].value.startswith("USD ") and at.metric[0].value.endswith(" million")


def test_reversed_report_period_shows_an_error(app_page):
    at = app_page("pages/funding.py", "en")
    at.number_input(key="report_from").set_value(2026)
    at.number_input(key="report_to").set_value(2021).run()
    assert any("2026" in e.value and "2021" in e.value for e in at.error)


def test_the_workflow_step_filter_narrows_the_gaps_to_that_step(app_page, ds):
    at = app_page("pages/funding.py", "en")
    statuses = at.sidebar.multiselect(key="f_statuses")
    assert statuses.options[:6] == ["Proposal", "Appraised", "Approved for pitching", "Committed", "Implementing",
                                    "Completed"]
    at = statuses.set_value(["approved"]).run()
    assert not at.exception
    lines = ds.funding.merge(ds.projects[["project_id", "status"]])
    approved = lines[lines["status"] == "approved"]
    gap = int((approved["need"] - approved["committed"]).clip(lower=0).sum())
    assert 0 < gap < int((lines["need"] - lines["committed"]).clip(lower=0).sum())
    by_area = frame_with(at, t("gaps.col.content_area", "en"))
    assert by_area.iloc[-1][t("common.gap", "en")] == fmt.vnd(gap, "en")
    assert any("Approved for pitching" in c.value for c in [*at.caption, *at.markdown, *at.info])  # "Filtered: …"
