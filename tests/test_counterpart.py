"""Counterpart funds (vốn đối ứng) arithmetic on hand-made lines with known answers."""

import pandas as pd
import pytest

from geo.analysis import counterpart

LINES = pd.DataFrame({
    "project_id": ["A", "A", "A", "B", "B", "B"],
    "source": ["oda_grant", "concessional_loan", "state_budget", "ngo", "foreign_business", "community"],
    "need": [0] * 6,
    "committed": [1000, 2000, 300, 333, 500, 50],
    "disbursed": [0] * 6,
})
RATIOS = {"oda_grant": 0.15, "concessional_loan": 0.20, "ngo": 0.10, "foreign_business": 0.0}


def test_required_committed_and_shortfall_per_project():
    t = counterpart.by_project(LINES, RATIOS)
    # A: 1000 × 15 % + 2000 × 20 % = 550 required, 300 committed on the state budget → 250 short.
    assert t.loc["A"].to_dict() == {"international_committed": 3000, "required": 550,
                                    "counterpart_committed": 300, "shortfall": 250}
    # B: 333 × 10 % = 33.3 → 33 VND; foreign business at 0 %; community 50 covers it.
    assert t.loc["B"].to_dict() == {"international_committed": 833, "required": 33,
                                    "counterpart_committed": 50, "shortfall": 0}


def test_totals_are_sums_of_projects_and_a_surplus_does_not_hide_a_shortfall():
    totals = counterpart.totals(counterpart.by_project(LINES, RATIOS))
    assert totals == {"international_committed": 3833, "required": 583, "counterpart_committed": 350, "shortfall": 250}


def test_changing_a_ratio_changes_the_total():
    higher = counterpart.totals(counterpart.by_project(LINES, {**RATIOS, "oda_grant": 0.20}))
    assert higher["required"] == 583 + 50 and higher["shortfall"] == 300


def test_by_source_lists_every_international_source():
    t = counterpart.by_source(LINES, RATIOS)
    assert list(t.index) == ["oda_grant", "concessional_loan", "ngo", "foreign_business"]
    assert t.loc["oda_grant", ["committed", "required"]].tolist() == [1000, 150]
    assert t.loc["foreign_business", "required"] == 0
    assert t["required"].sum() == counterpart.totals(counterpart.by_project(LINES, RATIOS))["required"]


def test_defaults_are_the_documented_assumptions():
    assert counterpart.DEFAULT_RATIOS == RATIOS
    assert set(counterpart.DEFAULT_RATIOS) == set(counterpart.INTERNATIONAL)


@pytest.mark.parametrize("bad", [{"oda_grant": 1.5}, {"ngo": -0.1}, {"state_budget": 0.1}, {"ngo": float("nan")}])
def test_bad_ratios_are_refused(bad):
    with pytest.raises(ValueError):
        counterpart.by_project(LINES, bad)
