import pandas as pd

from geo.analysis.funding import Filters, apply_filters, project_totals, totals_by


def test_project_totals_and_gap(tiny_projects):
    _, funding = tiny_projects
    totals = project_totals(funding)
    assert totals.loc["A"].to_dict() == {"need": 1200, "committed": 800, "disbursed": 150, "gap": 400}
    assert totals.loc["B", "gap"] == 500


def test_gap_is_per_line_so_overcommitment_does_not_hide_a_gap():
    funding = pd.DataFrame({"project_id": ["X", "X"], "source": ["oda_grant", "ngo"],
                            "need": [100, 100], "committed": [150, 20], "disbursed": [0, 0]})
    assert project_totals(funding).loc["X", "gap"] == 80


def test_cancelled_projects_are_excluded_by_default(tiny_projects):
    projects, funding = tiny_projects
    p, lines = apply_filters(projects, funding, Filters())
    assert set(p["project_id"]) == {"A", "B"}
    assert set(lines["project_id"]) == {"A", "B"}
    p, _ = apply_filters(projects, funding, Filters(include_cancelled=True))
    assert "C" in set(p["project_id"])


def test_filters_by_area_source_year_donor(tiny_projects):
    projects, funding = tiny_projects
    assert set(apply_filters(projects, funding, Filters(content_areas=(3,)))[0]["project_id"]) == {"B"}
    p, lines = apply_filters(projects, funding, Filters(sources=("state_budget",)))
    assert set(p["project_id"]) == {"A"} and lines["need"].sum() == 200
    assert set(apply_filters(projects, funding, Filters(years=(2024, 2026)))[0]["project_id"]) == {"B"}
    assert set(apply_filters(projects, funding, Filters(donors=("JICA",)))[0]["project_id"]) == {"A"}


def test_grouped_totals_equal_sum_of_rows(tiny_projects):
    projects, funding = tiny_projects
    p, lines = apply_filters(projects, funding, Filters())
    by_commune = totals_by(p, lines, ["commune_code"])
    by_source = totals_by(p, lines, ["source"])
    assert by_commune.loc["00001", "need"] == 1700
    assert by_commune["gap"].sum() == by_source["gap"].sum() == project_totals(lines)["gap"].sum() == 900
    assert by_commune.loc["00001", "n_projects"] == 2
