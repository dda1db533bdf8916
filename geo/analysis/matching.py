"""Match open funding gaps to donors, transparently (issue 5).

A project is a *candidate* while it still seeks money: :func:`geo.analysis.priority.rankable`
(gap above 0, not completed, rejected or cancelled) and an open **ask** above 0, where the ask is the
gap on its international funding lines (ODA grant, concessional loan, NGO, foreign business):
the part a development partner can fill. Counterpart lines stay the district's job
(:mod:`geo.analysis.counterpart`).

**The instrument follows the shape of the ask** (issue 17), not the donor: the ask splits into a *loan
part* (the gap on concessional-loan lines, ``ask_loan``) and a *grant part* (the gap on ODA-grant, NGO and
foreign-business lines, ``ask_grant``). A loan part goes to lenders only (a donor offering concessional
loans); a grant part to grant-makers (a donor offering grants, or technical assistance where it suits the
content area: areas 3 and 5–10, no hard works). A mixed ask is split: each donor takes the parts it can, and
the rest is left for another partner (:func:`ask_split`, explained in words by :mod:`geo.output.pitch.explain`).

The fit of a donor to a candidate is the product of three parts, each 0–1::

    area_fit       = donor's priority level for the project's content area / 3
    instrument_fit = the share of the ask the donor's instruments can take (ask_taken / ask)
    size_fit       = 1 when ask_taken is inside the donor's ticket range [min, max];
                     ask_taken / min below it, max / ask_taken above it (a partial co-finance)
    fit            = area_fit × instrument_fit × size_fit
    match          = fit × priority score (geo.analysis.priority, 0–1)

Candidates without the split columns (hand-made tables) are judged by the older donor-side rule
(:func:`suits`): a loan only for areas 1–4 with an ask ≥ ``LOAN_MIN_ASK``.

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
#: International sources whose lines are a loan (the loan part of an ask); the others are grant lines.
LOAN_SOURCES: tuple[str, ...] = ("concessional_loan",)
GRANT_SOURCES: tuple[str, ...] = tuple(k for k in INTERNATIONAL if k not in LOAN_SOURCES)
#: Instruments that can take a grant part (technical assistance only in its content areas).
GRANT_INSTRUMENTS: tuple[str, ...] = ("grant", "technical_assistance")
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


def ask_by_instrument(lines: pd.DataFrame) -> pd.DataFrame:
    """Per project_id: ``ask_loan`` (gap on concessional-loan lines) and ``ask_grant`` (gap on the other
    international lines).

    >>> lines = pd.DataFrame({"project_id": ["A", "A", "A"], "source": ["concessional_loan", "oda_grant", "state_budget"],
    ...     "need": [30, 15, 9], "committed": [0, 5, 0], "disbursed": [0, 0, 0]})
    >>> ask_by_instrument(lines).to_dict("index")
    {'A': {'ask_loan': 30, 'ask_grant': 10}}
    """
    gap = funding.line_gap(lines)
    out = pd.DataFrame({"ask_loan": gap.where(lines["source"].isin(LOAN_SOURCES), 0),
                        "ask_grant": gap.where(lines["source"].isin(GRANT_SOURCES), 0)})
    return out.groupby(lines["project_id"]).sum().astype("int64")


def candidates(projects: pd.DataFrame, lines: pd.DataFrame, indicator_table: pd.DataFrame,
               risk_zones: gpd.GeoDataFrame, weights: Mapping[str, float] = priority.DEFAULT_WEIGHTS) -> pd.DataFrame:
    """Projects still seeking money, with their ask and priority score, best score first.

    ``projects``/``lines`` are already filtered (:func:`geo.analysis.funding.apply_filters`); the score
    is :func:`geo.analysis.priority.rank` over the same projects the Funding gaps page ranks.
    Columns: ``commune_code``, ``content_area``, ``status``, ``name_vi``, ``name_en``, ``gap``,
    ``ask`` (VND) with its ``ask_loan`` and ``ask_grant`` parts, ``score``, ``rank`` and the priority components as ``comp_gap``, ``comp_risk``, …
    """
    feats = priority.project_features(projects, lines, indicator_table, risk_zones)
    feats = feats[priority.rankable(feats)]
    if feats.empty:
        cols = ["commune_code", "content_area", "status", "name_vi", "name_en", "gap", "ask", "ask_loan", "ask_grant",
                "score", "rank"]
        return pd.DataFrame(columns=cols, index=pd.Index([], name="project_id"))
    ranked = priority.rank(priority.components(feats), weights)
    ranked = ranked.rename(columns={c: COMPONENT_PREFIX + c for c in priority.COMPONENTS})
    ask = international_gap(lines).reindex(ranked.index, fill_value=0)
    info = projects.set_index("project_id")[["name_vi", "name_en"]]
    out = pd.concat([feats.loc[ranked.index, ["commune_code", "content_area", "status", "gap"]],
                     info.reindex(ranked.index), ranked], axis=1)
    out["ask"] = ask.astype("int64")
    split = ask_by_instrument(lines).reindex(ranked.index, fill_value=0)
    out["ask_loan"], out["ask_grant"] = split["ask_loan"].astype("int64"), split["ask_grant"].astype("int64")
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


def takes(instrument: str, part: str, area: int) -> bool:
    """Whether a donor instrument can take one part (``"loan"`` or ``"grant"``) of an ask in content area ``area``.

    >>> takes("concessional_loan", "loan", 9), takes("grant", "loan", 4), takes("grant", "grant", 4)
    (True, False, True)
    >>> takes("technical_assistance", "grant", 4), takes("technical_assistance", "grant", 5)
    (False, True)
    """
    if part == "loan":
        return instrument == "concessional_loan"
    if instrument == "technical_assistance":
        return int(area) in INSTRUMENT_AREAS["technical_assistance"]
    return instrument == "grant"


def ask_split(donor: DonorProfile, area: int, ask_loan: int, ask_grant: int) -> dict[str, int | str]:
    """What a donor can take of a split ask: ``loan_taken``, ``grant_taken`` (VND) and the instrument that takes
    each (``loan_by``, ``grant_by``; "" when it takes none of that part).

    >>> jica = DonorProfile("j", "J", instruments=("grant", "concessional_loan"))
    >>> ask_split(jica, 1, 30, 15)
    {'loan_taken': 30, 'loan_by': 'concessional_loan', 'grant_taken': 15, 'grant_by': 'grant'}
    >>> ask_split(DonorProfile("u", "U", instruments=("grant",)), 1, 30, 15)["loan_taken"]
    0
    """
    out: dict[str, int | str] = {}
    for part, amount in (("loan", ask_loan), ("grant", ask_grant)):
        by = next((i for i in donor.instruments if takes(i, part, area)), "") if amount > 0 else ""
        out[f"{part}_taken"], out[f"{part}_by"] = (int(amount), by) if by else (0, "")
    return out


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


SPLIT_COLUMNS: tuple[str, ...] = ("ask_taken", "loan_taken", "loan_by", "grant_taken", "grant_by")


def fit_parts(donor: DonorProfile, area: int, ask: int, ask_loan: int | None = None,
              ask_grant: int | None = None) -> dict[str, float | str | int]:
    """The three parts, the instrument that suits, what the donor takes of the ask and their product ``fit``.

    With ``ask_loan`` / ``ask_grant`` the instrument follows the shape of the ask (see the module docstring);
    without them, the donor-side rule :func:`instrument_fit`.

    >>> bank = DonorProfile("b", "B", instruments=("concessional_loan",), priorities={4: 3}, ticket_min=1, ticket_max=99)
    >>> p = fit_parts(bank, 4, 40, ask_loan=30, ask_grant=10)
    >>> p["instrument"], p["ask_taken"], p["instrument_fit"]
    ('concessional_loan', 30, 0.75)
    """
    area_value = area_fit(donor, area)
    if ask_loan is None or ask_grant is None:
        inst_value, inst = instrument_fit(donor, area, ask)
        taken = int(ask) if inst_value else 0
        split: dict[str, int | str] = {"loan_taken": taken if inst == "concessional_loan" else 0,
                                       "loan_by": inst if inst == "concessional_loan" else "",
                                       "grant_taken": taken if inst and inst != "concessional_loan" else 0,
                                       "grant_by": inst if inst != "concessional_loan" else ""}
    else:
        split = ask_split(donor, area, int(ask_loan), int(ask_grant))
        taken = int(split["loan_taken"]) + int(split["grant_taken"])
        inst_value = taken / ask if ask > 0 else 0.0
        inst = str(split["loan_by"] if int(split["loan_taken"]) >= int(split["grant_taken"]) else split["grant_by"])
        inst = inst or str(split["grant_by"] or split["loan_by"])
    size_value = size_fit(taken, donor.ticket_min, donor.ticket_max)
    return {"area_fit": area_value, "instrument_fit": float(inst_value), "instrument": inst, "size_fit": size_value,
            "fit": area_value * float(inst_value) * size_value, "ask_taken": taken, **split}


# --- matching ---------------------------------------------------------------------------------------
def match_donor(donor: DonorProfile, cands: pd.DataFrame, only_fitting: bool = True) -> pd.DataFrame:
    """``cands`` (needs ``content_area``, ``ask``, ``score``) with the parts, ``fit`` and ``match``,
    best match first; only rows with ``fit > 0`` unless ``only_fitting`` is False."""
    split = "ask_loan" in cands.columns and "ask_grant" in cands.columns
    loan = list(cands["ask_loan"]) if split else [None] * len(cands)
    grant = list(cands["ask_grant"]) if split else [None] * len(cands)
    parts = pd.DataFrame([fit_parts(donor, a, k, lo, gr) for a, k, lo, gr in
                          zip(cands["content_area"], cands["ask"], loan, grant)],
                         index=cands.index, columns=[*PARTS, "instrument", "fit", *SPLIT_COLUMNS])
    out = cands.join(parts)
    out["match"] = out["fit"] * out["score"].astype("float64")
    if only_fitting:
        out = out[out["fit"] > 0]
    return out.sort_values(["match", "ask"], ascending=[False, False], kind="stable")


def match_project(donors: Iterable[DonorProfile], cand: pd.Series, only_fitting: bool = True) -> pd.DataFrame:
    """For one candidate row: every donor's parts, ``fit`` and ``match``, best first (index donor_id)."""
    rows = []
    for d in donors:
        parts = fit_parts(d, cand["content_area"], cand["ask"], cand.get("ask_loan"), cand.get("ask_grant"))
        rows.append({"donor_id": d.donor_id, **parts, "match": float(parts["fit"]) * float(cand["score"])})
    out = pd.DataFrame(rows, columns=["donor_id", *PARTS, "instrument", "fit", *SPLIT_COLUMNS, "match"]
                       ).set_index("donor_id")
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
