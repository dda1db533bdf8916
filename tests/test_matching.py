"""Donor matching on small hand-made profiles and projects whose answers are worked out by hand."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geo.analysis import matching
from geo.analysis.matching import LOAN_MIN_ASK
from geo.model import schema
from geo.model.donors import DonorProfile
from geo.output.pitch import explain

BN = 1_000_000_000

# Three candidates: value chain (area 3) asking 5 bn, education (5) asking 1 bn, infrastructure (4) asking 40 bn.
CANDS = pd.DataFrame({
    "commune_code": ["00001", "00001", "00002"],
    "content_area": [3, 5, 4],
    "ask": [5 * BN, 1 * BN, 40 * BN],
    "score": [0.5, 0.8, 0.6],
}, index=pd.Index(["VC", "EDU", "ROAD"], name="project_id"))

# A grant donor caring about value chains (3) and education (1), ticket 2–20 bn.
FARM = DonorProfile("farm", "Farm Fund", instruments=("grant",), priorities={3: 3, 5: 1},
                    ticket_min=2 * BN, ticket_max=20 * BN)
# A lender for infrastructure only, ticket 50–500 bn.
BANK = DonorProfile("bank", "Bank", donor_type="multilateral", instruments=("concessional_loan",),
                    priorities={4: 3, 3: 3}, ticket_min=50 * BN, ticket_max=500 * BN)
# A technical-assistance NGO for education, ticket 0.5–2 bn.
SCHOOL = DonorProfile("school", "School Aid", donor_type="ingo", instruments=("technical_assistance",),
                      priorities={5: 3, 4: 3}, ticket_min=BN // 2, ticket_max=2 * BN)


def test_grant_donor_ranks_by_fit_times_priority():
    m = matching.match_donor(FARM, CANDS)
    # VC: area 3/3, grant fits, 5 bn inside 2–20 → fit 1, match 0.5.
    # EDU: area 1/3, grant fits, 1 bn below 2 → size 0.5, fit 1/6, match 0.8/6 ≈ 0.133.
    # ROAD: area 4 has priority 0 → no fit, left out.
    assert list(m.index) == ["VC", "EDU"]
    assert m.loc["VC", "match"] == pytest.approx(0.5)
    assert m.loc["EDU", "size_fit"] == pytest.approx(0.5)
    assert m.loc["EDU", "match"] == pytest.approx(0.8 / 6)


def test_loans_only_for_large_hard_projects_and_size_decays_above_the_ticket():
    m = matching.match_donor(BANK, CANDS)
    # ROAD asks 40 bn ≥ LOAN_MIN_ASK in area 4: the loan fits; 40 bn below the 50 bn minimum → 0.8.
    # VC asks 5 bn: below LOAN_MIN_ASK, a loan does not suit it. EDU: area priority 0.
    assert 5 * BN < LOAN_MIN_ASK <= 40 * BN
    assert list(m.index) == ["ROAD"]
    assert m.loc["ROAD", "instrument"] == "concessional_loan"
    assert m.loc["ROAD", "fit"] == pytest.approx(0.8)
    assert m.loc["ROAD", "match"] == pytest.approx(0.8 * 0.6)


def test_technical_assistance_never_funds_construction():
    m = matching.match_donor(SCHOOL, CANDS, only_fitting=False)
    assert m.loc["ROAD", "instrument_fit"] == 0 and m.loc["ROAD", "fit"] == 0  # area 4 is works
    assert m.loc["EDU", "fit"] == pytest.approx(1.0)  # area 5, 1 bn inside 0.5–2 bn
    assert m.index[0] == "EDU"


def test_donors_for_a_project_best_first():
    fits = matching.match_project([FARM, BANK, SCHOOL], CANDS.loc["EDU"])
    # SCHOOL: 3/3 × TA × inside → 1; FARM: 1/3 × grant × 0.5 → 1/6; BANK: area 5 priority 0 → out.
    assert list(fits.index) == ["school", "farm"]
    assert fits.loc["farm", "fit"] == pytest.approx(1 / 6)


def test_changing_a_priority_changes_the_ranking():
    keen = DonorProfile("farm", "Farm Fund", instruments=("grant",), priorities={3: 1, 5: 3},
                        ticket_min=BN // 2, ticket_max=20 * BN)
    assert list(matching.match_donor(FARM, CANDS).index)[0] == "VC"
    assert list(matching.match_donor(keen, CANDS).index)[0] == "EDU"


def test_explanation_is_sentences_about_priority_instrument_and_ticket_not_arithmetic():
    m = matching.match_donor(FARM, CANDS)
    lines = explain.explain(m.loc["EDU"], FARM, "en")
    assert lines[0].startswith("Farm Fund gives priority 1 of 3")
    assert "grant" in lines[1].lower()
    assert "below its usual minimum of VND 2.0 billion" in lines[-1]
    assert not any("×" in line or "match" in line.lower() for line in lines)
    vi = explain.explain(m.loc["EDU"], FARM, "vi")
    assert "thấp hơn" in vi[-1] and "2,0 tỷ" in vi[-1]


# Split asks (issue 17): LOAN is a 30 bn concessional-loan line, GRANT a 4 bn ODA grant line, MIXED both.
SPLIT = pd.DataFrame({
    "commune_code": ["00001"] * 3, "content_area": [9, 3, 1],
    "ask": [30 * BN, 4 * BN, 40 * BN], "ask_loan": [30 * BN, 0, 30 * BN], "ask_grant": [0, 4 * BN, 10 * BN],
    "score": [0.5, 0.5, 0.5],
}, index=pd.Index(["LOAN", "GRANT", "MIXED"], name="project_id"))
LENDER = DonorProfile("lender", "Lender", instruments=("concessional_loan",), priorities={9: 3, 3: 3, 1: 3},
                      ticket_min=1 * BN, ticket_max=100 * BN)
GIVER = DonorProfile("giver", "Giver", instruments=("grant",), priorities={9: 3, 3: 3, 1: 3},
                     ticket_min=1 * BN, ticket_max=100 * BN)


def test_a_loan_line_goes_to_lenders_and_grant_lines_to_grant_makers():
    lend = matching.match_donor(LENDER, SPLIT, only_fitting=False)
    give = matching.match_donor(GIVER, SPLIT, only_fitting=False)
    # a loan line is a loan even in a content area (9) the donor-side rule never lent to
    assert lend.loc["LOAN", "fit"] == 1 and lend.loc["LOAN", "instrument"] == "concessional_loan"
    assert give.loc["LOAN", "fit"] == 0
    assert give.loc["GRANT", "fit"] == 1 and lend.loc["GRANT", "fit"] == 0
    # the matching list for a lender leaves out the grant-only project
    assert "GRANT" not in matching.match_donor(LENDER, SPLIT).index


def test_a_mixed_ask_is_split_each_donor_takes_its_part_and_the_sentences_say_so():
    lend = matching.match_donor(LENDER, SPLIT).loc["MIXED"]
    give = matching.match_donor(GIVER, SPLIT).loc["MIXED"]
    assert (lend["loan_taken"], lend["grant_taken"], lend["ask_taken"]) == (30 * BN, 0, 30 * BN)
    assert (give["loan_taken"], give["grant_taken"]) == (0, 10 * BN)
    assert lend["instrument_fit"] == pytest.approx(0.75) and give["instrument_fit"] == pytest.approx(0.25)
    words = " ".join(explain.explain(lend, LENDER, "en"))
    assert "mixed" in words and "VND 30.0 billion" in words and "VND 10.0 billion" in words
    assert "left for a grant-maker" in words
    vi = " ".join(explain.explain(give, GIVER, "vi"))
    assert "dành cho một bên cho vay khác" in vi


def test_candidates_ask_only_the_international_gap_of_projects_still_seeking_money():
    projects = pd.DataFrame({
        "project_id": ["A", "B", "C", "D"], "name_vi": ["A", "B", "C", "D"], "name_en": ["", "", "", ""],
        "commune_code": ["00001"] * 4, "content_area": [1, 3, 3, 7],
        "status": ["proposal", "completed", "proposal", "proposal"], "lon": [None] * 4, "lat": [None] * 4,
    })
    lines = pd.DataFrame({
        "project_id": ["A", "A", "B", "C", "D"],
        "source": ["oda_grant", "state_budget", "ngo", "oda_grant", "state_budget"],
        "need": [100, 60, 50, 30, 80], "committed": [40, 0, 0, 30, 0], "disbursed": [0] * 5,
    })
    table = pd.DataFrame({"risk_share": [0.0], **{f"ha_{c}": [0.0] for c in schema.CROPS}},
                         index=pd.Index(["00001"], name="code"))
    zones = gpd.GeoDataFrame({"risk_level": []}, geometry=[], crs="EPSG:4326")
    c = matching.candidates(projects, lines, table, zones)
    # A: ask = ODA gap 60 (the 60 state-budget gap is the district's); B completed; C no gap;
    # D only a counterpart gap → nothing for a donor to fill.
    assert list(c.index) == ["A"]
    assert c.loc["A", "ask"] == 60 and c.loc["A", "gap"] == 120
    assert (c.loc["A", "ask_loan"], c.loc["A", "ask_grant"]) == (0, 60)
    assert 0 <= c.loc["A", "score"] <= 1


@pytest.mark.parametrize("ask,lo,hi,expected", [(5, 1, 10, 1.0), (1, 4, 10, 0.25), (20, 1, 10, 0.5), (0, 1, 10, 0.0)])
def test_size_fit(ask, lo, hi, expected):
    assert matching.size_fit(ask, lo, hi) == pytest.approx(expected)
