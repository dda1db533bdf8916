"""Match open funding gaps to donors, transparently (issue 5).

A project is a *candidate* while it still seeks money: :func:`geo.analysis.priority.rankable`
(gap above 0, not completed, rejected or cancelled) and an open **ask** above 0, where the ask is the
gap on its international funding lines (ODA grant, concessional loan, NGO, foreign business):
the part a development partner can fill. Counterpart lines stay the district's job
(:mod:`geo.analysis.counterpart`).

The fit of a donor to a candidate is the product of three parts, each 0–1::

    area_fit       = donor's priority level for the project's content area / 3
    instrument_fit = 1 if any of the donor's instruments suits the project, else 0:
                     grant                 → every content area
                     concessional loan     → areas 1–4 (land and water, resettlement, value chain,
                                             infrastructure) with an ask ≥ LOAN_MIN_ASK
                     technical assistance  → areas 3 and 5–10 (no hard works)
    size_fit       = 1 inside the donor's ticket range [min, max];
                     ask / min below it, max / ask above it (a partial co-finance)
    fit            = area_fit × instrument_fit × size_fit
    match          = fit × priority score (geo.analysis.priority, 0–1)

Candidates are ranked by ``match``, best first; ties by the larger ask.

Examples
--------
>>> from geo.model.donors import DonorProfile
>>> d = DonorProfile("d", "D", instruments=("grant",), priorities={3: 3, 5: 1},
...                  ticket_min=1_000, ticket_max=10_000)
>>> cands = pd.DataFrame({"content_area": [3, 5, 4], "ask": [5_000, 20_000, 5_000],
...                       "score": [0.5, 0.9, 1.0]}, index=["A", "B", "C"])
>>> m = match_donor(d, cands)
>>> m[["area_fit", "size_fit", "fit", "match"]].round(3).to_dict("index")
{'A': {'area_fit': 1.0, 'size_fit': 1.0, 'fit': 1.0, 'match': 0.5}, 'B': {'area_fit': 0.333, 'size_fit': 0.5, 'fit': 0.167, 'match': 0.15}}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from geo.analysis import funding, priority
from geo.model import schema
from geo.model.donors import DonorProfile

MAX_LEVEL = max(schema.PRIORITY_LEVELS)
ALL_AREAS: tuple[int, ...] = tuple(schema.CONTENT_AREAS)
#: Content areas each instrument suits (see the module docstring).
INSTRUMENT_AREAS: dict[str, tuple[int, ...]] = {
    "grant": ALL_AREAS,
    "concessional_loan": (1, 2, 3, 4),
    "technical_assistance": (3, 5, 6, 7, 8, 9, 10),
}
#: A concessional loan for less than this is rarely worth its preparation (VND).
LOAN_MIN_ASK = 10_000_000_000
INTERNATIONAL: tuple[str, ...] = tuple(s.key for s in schema.FUNDING_SOURCES if s.group == "international")
PARTS: tuple[str, ...] = ("area_fit", "instrument_fit", "size_fit")
COMPONENT_PREFIX = "comp_"


# --- candidates -----------------------------------------------------------------------------------
def international_gap(lines: pd.DataFrame) -> pd.Series:
    """The ask per project_id: gap summed over its international lines (0 if none).

    >>> lines = pd.DataFrame({"project_id": ["A", "A", "B"], "source": ["oda_grant", "state_budget", "ngo"],
    ...     "need": [100, 50, 10], "committed": [40, 0, 30], "disbursed": [0, 0, 0]})
    >>> international_gap(lines).to_dict()
    {'A': 60, 'B': 0}
    """
    gap = funding.line_gap(lines).where(lines["source"].isin(INTERNATIONAL), 0)
    return gap.groupby(lines["project_id"]).sum().astype("int64")


def candidates(projects: pd.DataFrame, lines: pd.DataFrame, indicator_table: pd.DataFrame,
               risk_zones: gpd.GeoDataFrame, weights: Mapping[str, float] = priority.DEFAULT_WEIGHTS) -> pd.DataFrame:
    """Projects still seeking money, with their ask and priority score, best score first.

    ``projects``/``lines`` are already filtered (:func:`geo.analysis.funding.apply_filters`); the score
    is :func:`geo.analysis.priority.rank` over the same projects the Funding gaps page ranks.
    Columns: ``commune_code``, ``content_area``, ``status``, ``name_vi``, ``name_en``, ``gap``,
    ``ask`` (VND), ``score``, ``rank`` and the priority components as ``comp_gap``, ``comp_risk``, …
    """
    feats = priority.project_features(projects, lines, indicator_table, risk_zones)
    feats = feats[priority.rankable(feats)]
    if feats.empty:
        cols = ["commune_code", "content_area", "status", "name_vi", "name_en", "gap", "ask", "score", "rank"]
        return pd.DataFrame(columns=cols, index=pd.Index([], name="project_id"))
    ranked = priority.rank(priority.components(feats), weights)
    ranked = ranked.rename(columns={c: COMPONENT_PREFIX + c for c in priority.COMPONENTS})
    ask = international_gap(lines).reindex(ranked.index, fill_value=0)
    info = projects.set_index("project_id")[["name_vi", "name_en"]]
    out = pd.concat([feats.loc[ranked.index, ["commune_code", "content_area", "status", "gap"]],
                     info.reindex(ranked.index), ranked], axis=1)
    out["ask"] = ask.astype("int64")
    out.index.name = "project_id"
    return out[out["ask"] > 0]


# --- the three parts --------------------------------------------------------------------------------
def area_fit(donor: DonorProfile, area: int) -> float:
    """Priority level / 3 (``MAX_LEVEL``)."""
    return donor.weight(area) / MAX_LEVEL


def suits(instrument: str, area: int, ask: int) -> bool:
    """Whether ``instrument`` suits a project of content area ``area`` asking ``ask`` VND.

    >>> suits("concessional_loan", 4, 20_000_000_000), suits("concessional_loan", 4, 2_000_000_000)
    (True, False)
    >>> suits("technical_assistance", 4, 1), suits("technical_assistance", 5, 1)
    (False, True)
    """
    if int(area) not in INSTRUMENT_AREAS.get(instrument, ()):
        return False
    return ask >= LOAN_MIN_ASK if instrument == "concessional_loan" else True


def instrument_fit(donor: DonorProfile, area: int, ask: int) -> tuple[float, str]:
    """(1, the first suitable instrument of the donor) or (0, "")."""
    for instrument in donor.instruments:
        if suits(instrument, area, ask):
            return 1.0, instrument
    return 0.0, ""


def size_fit(ask: float, lo: float, hi: float) -> float:
    """1 inside ``[lo, hi]``; ``ask / lo`` below, ``hi / ask`` above; 0 for no ask.

    >>> size_fit(5, 1, 10), size_fit(2, 4, 10), size_fit(40, 1, 10), size_fit(0, 1, 10)
    (1.0, 0.5, 0.25, 0.0)
    """
    if ask <= 0:
        return 0.0
    if ask < lo:
        return float(ask / lo)
    if hi > 0 and ask > hi:
        return float(hi / ask)
    return 1.0


def fit_parts(donor: DonorProfile, area: int, ask: int) -> dict[str, float | str]:
    """The three parts, the instrument that suits and their product ``fit``."""
    inst_value, inst = instrument_fit(donor, area, ask)
    area_value, size_value = area_fit(donor, area), size_fit(ask, donor.ticket_min, donor.ticket_max)
    return {"area_fit": area_value, "instrument_fit": inst_value, "instrument": inst, "size_fit": size_value,
            "fit": area_value * inst_value * size_value}


# --- matching ---------------------------------------------------------------------------------------
def match_donor(donor: DonorProfile, cands: pd.DataFrame, only_fitting: bool = True) -> pd.DataFrame:
    """``cands`` (needs ``content_area``, ``ask``, ``score``) with the parts, ``fit`` and ``match``,
    best match first; only rows with ``fit > 0`` unless ``only_fitting`` is False."""
    parts = pd.DataFrame([fit_parts(donor, a, k) for a, k in zip(cands["content_area"], cands["ask"])],
                         index=cands.index, columns=[*PARTS, "instrument", "fit"])
    out = cands.join(parts)
    out["match"] = out["fit"] * out["score"].astype("float64")
    if only_fitting:
        out = out[out["fit"] > 0]
    return out.sort_values(["match", "ask"], ascending=[False, False], kind="stable")


def match_project(donors: Iterable[DonorProfile], cand: pd.Series, only_fitting: bool = True) -> pd.DataFrame:
    """For one candidate row: every donor's parts, ``fit`` and ``match``, best first (index donor_id)."""
    rows = []
    for d in donors:
        parts = fit_parts(d, cand["content_area"], cand["ask"])
        rows.append({"donor_id": d.donor_id, **parts, "match": float(parts["fit"]) * float(cand["score"])})
    out = pd.DataFrame(rows, columns=["donor_id", *PARTS, "instrument", "fit", "match"]).set_index("donor_id")
    if only_fitting:
        out = out[out["fit"] > 0]
    return out.sort_values(["match"], ascending=False, kind="stable")


def commune_matches(matches: pd.DataFrame) -> pd.DataFrame:
    """Per commune: matching projects, total ask, best and summed match, best first."""
    if matches.empty:
        return pd.DataFrame(columns=["n_projects", "ask", "best_match", "total_match"])
    out = matches.groupby("commune_code").agg(n_projects=("match", "size"), ask=("ask", "sum"),
                                              best_match=("match", "max"), total_match=("match", "sum"))
    return out.sort_values(["total_match", "ask"], ascending=False)
