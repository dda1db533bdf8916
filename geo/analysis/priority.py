"""A transparent priority score per project (and per commune). No hidden magic.

Each component is a number from 0 to 1 (higher = more urgent or better placed):

``gap``
    project gap / largest project gap among the projects ranked (0 if no gap anywhere).
``risk``
    landslide-risk exposure: the largest of (a) where the project point lies —
    1 inside a very high- or high-risk zone, 0.5 medium, 0.25 low, 0 very low, elsewhere or without a
    point — (b) its commune's share of area at (very) high risk / the largest commune share, and (c) the
    landslides and flash floods reported in its commune / the largest commune count (a zoning map is a
    forecast; events are what happened, so a commune hit often ranks high even where no zone was drawn).
``crop_fit``
    1 if the project is value-chain agriculture (content area 3) in a commune with a
    plan crop zone, else 0.
``readiness``
    status rank / rank of "implementing" (proposal 1/5, appraised 2/5, approved 3/5,
    committed 4/5, implementing 5/5).
user indicators (``extra:<name>``)
    a value per commune, rescaled (value − min) / (max − min) over the communes that
    have a value (reversed if lower means more priority); unknown where no value.

Score::

    score = Σ weight_i × component_i / Σ weight_i      (0–1, shown ×100)

summed over the components known for that project (an unknown user value is left out,
not counted as 0, and the page says so). A commune's score is the mean of its projects'
scores. Only projects still seeking funds are ranked (:func:`rankable`): not completed,
not rejected or cancelled, with a gap above 0.

Examples
--------
>>> import pandas as pd
>>> feats = pd.DataFrame({"gap": [100, 50], "zone_level": ["high", ""], "commune_risk_share": [0.0, 10.0],
...     "content_area": [3, 1], "crop_ha": [5.0, 0.0], "status": ["proposal", "implementing"]}, index=["P", "Q"])
>>> comps = components(feats)
>>> comps.loc["Q"].to_dict()
{'gap': 0.5, 'risk': 1.0, 'crop_fit': 0.0, 'readiness': 1.0}
>>> float(score(comps, {"gap": 1, "risk": 0, "crop_fit": 0, "readiness": 1}).loc["P"])
0.6
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis import exposure, funding
from geo.model import schema

COMPONENTS: tuple[str, ...] = ("gap", "risk", "crop_fit", "readiness")
#: Starting weights (the user moves them); equal-ish, gap first because closing gaps is the point.
DEFAULT_WEIGHTS: dict[str, float] = {"gap": 40, "risk": 25, "crop_fit": 15, "readiness": 20}
#: Location score per risk class (an assumption, stated in ``priority.method``): the two high classes 1, medium 0.5,
#: low 0.25; very low, outside every zone or without a point 0.
ZONE_SCORE: dict[str, float] = {"very_high": 1.0, "high": 1.0, "medium": 0.5, "low": 0.25, "very_low": 0.0, "": 0.0}
VALUE_CHAIN_AREA = 3
EXTRA_PREFIX = "extra:"
#: Readiness is 1 at "implementing"; completed, rejected and cancelled projects are not ranked at all.
READY_RANK = schema.status_rank("implementing")
NOT_RANKED_STATUSES: tuple[str, ...] = ("completed", "rejected", "cancelled")


def project_features(
    projects: pd.DataFrame,
    lines: pd.DataFrame,
    indicator_table: pd.DataFrame,
    risk_zones: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Raw inputs of the components, one row per project (index project_id).

    ``indicator_table`` is :func:`geo.analysis.indicators.commune_indicators` (``risk_share`` in %,
    ``n_events``, ``ha_<crop>`` columns); ``risk_zones`` has a ``risk_level`` column.
    """
    p = projects.set_index("project_id")
    gap = funding.project_totals(lines)["gap"].reindex(p.index, fill_value=0)
    crop_cols = [f"ha_{c}" for c in schema.CROPS if f"ha_{c}" in indicator_table.columns]
    crop_ha = indicator_table[crop_cols].sum(axis=1) if crop_cols else pd.Series(0.0, index=indicator_table.index)
    zone = exposure.zone_levels(p, risk_zones)  # high wins where zones overlap
    events = indicator_table["n_events"] if "n_events" in indicator_table else pd.Series(0, index=indicator_table.index)
    return pd.DataFrame({
        "commune_code": p["commune_code"],
        "gap": gap.astype("int64"),
        "zone_level": zone,
        "commune_risk_share": indicator_table["risk_share"].reindex(p["commune_code"]).fillna(0.0).to_numpy(),
        "commune_events": events.reindex(p["commune_code"]).fillna(0).astype("int64").to_numpy(),
        "content_area": p["content_area"],
        "crop_ha": crop_ha.reindex(p["commune_code"]).fillna(0.0).to_numpy(),
        "status": p["status"],
    }, index=p.index)


def rankable(features: pd.DataFrame) -> pd.Series:
    """True for projects still seeking funds: a gap above 0 and not completed, rejected or cancelled."""
    return (features["gap"] > 0) & ~features["status"].isin(NOT_RANKED_STATUSES)


def _scaled(values: pd.Series) -> pd.Series:
    """values / max (0 everywhere when the max is not positive)."""
    top = values.max()
    return values / top if top and top > 0 else values * 0.0


def components(features: pd.DataFrame) -> pd.DataFrame:
    """The four built-in components (0–1) from :func:`project_features`."""
    zone = features["zone_level"].map(ZONE_SCORE).fillna(0.0)
    share = _scaled(features["commune_risk_share"].astype("float64"))
    # features built before events were counted (or by hand) have no column: no events is no evidence
    events = _scaled(features.get("commune_events", pd.Series(0, index=features.index)).astype("float64"))
    # float even when no project is left (an empty map keeps the string dtype of its input)
    ranks = features["status"].map(lambda s: schema.status_rank(s)).astype("float64")
    return pd.DataFrame({
        "gap": _scaled(features["gap"].astype("float64")),
        "risk": np.maximum(np.maximum(zone, share), events),
        "crop_fit": ((features["content_area"] == VALUE_CHAIN_AREA) & (features["crop_ha"] > 0)).astype("float64"),
        "readiness": (ranks / READY_RANK).clip(upper=1.0),
    }, index=features.index)


def rescale_indicator(values: pd.Series, higher_is_priority: bool = True) -> pd.Series:
    """(v − min) / (max − min) over known values; 1 − that when lower means more priority.

    All equal → 1 for every known value (nothing separates them, nobody loses). NaN stays NaN.

    >>> rescale_indicator(pd.Series([10.0, 30.0, float("nan"), 20.0])).tolist()
    [0.0, 1.0, nan, 0.5]
    >>> rescale_indicator(pd.Series([10.0, 30.0]), higher_is_priority=False).tolist()
    [1.0, 0.0]
    """
    v = pd.to_numeric(values, errors="coerce").astype("float64")
    lo, hi = v.min(), v.max()
    if pd.isna(lo):
        return v
    out = (v - lo) / (hi - lo) if hi > lo else v.where(v.isna(), 1.0)
    return out if higher_is_priority else 1.0 - out


def add_indicator(comps: pd.DataFrame, features: pd.DataFrame, name: str, per_commune: pd.Series,
                  higher_is_priority: bool = True) -> pd.DataFrame:
    """``comps`` with a column ``extra:<name>``: the rescaled commune value of each project's commune."""
    scaled = rescale_indicator(per_commune, higher_is_priority)
    out = comps.copy()
    out[EXTRA_PREFIX + name] = scaled.reindex(features["commune_code"]).to_numpy()
    return out


def score(comps: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Weighted mean of the known components per row (0–1). Weights must be ≥ 0, not all 0.

    Components without a weight count with weight 0.
    """
    w = pd.Series({c: float(weights.get(c, 0.0)) for c in comps.columns})
    if (w < 0).any():
        raise ValueError("weights must be zero or positive")
    if w.sum() <= 0:
        raise ValueError("at least one weight must be above zero")
    known = comps.notna()
    num = (comps.fillna(0.0) * w).sum(axis=1)
    den = (known * w).sum(axis=1)
    return (num / den.where(den > 0)).rename("score")


def rank(comps: pd.DataFrame, weights: Mapping[str, float]) -> pd.DataFrame:
    """Components, ``score`` and ``rank`` (1 = highest score; ties share the better rank), best first."""
    out = comps.copy()
    out["score"] = score(comps, weights)
    out["rank"] = out["score"].rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["score"], ascending=False, kind="stable")


def contributions(comps_row: pd.Series, weights: Mapping[str, float]) -> pd.DataFrame:
    """For one project: each component's value, weight, share of weight and points (sum = score).

    >>> contributions(pd.Series({"gap": 1.0, "risk": 0.5}), {"gap": 3, "risk": 1})["points"].tolist()
    [0.75, 0.125]
    """
    w = pd.Series({c: float(weights.get(c, 0.0)) for c in comps_row.index})
    known = comps_row.notna()
    total = w[known].sum()
    share = (w / total).where(known, np.nan) if total > 0 else w * np.nan
    return pd.DataFrame({"value": comps_row, "weight": w, "weight_share": share,
                         "points": comps_row * share})


def commune_scores(ranked: pd.DataFrame, commune_of: pd.Series) -> pd.DataFrame:
    """Mean score and number of projects per commune (``commune_of``: project_id → code), best first."""
    frame = pd.DataFrame({"score": ranked["score"], "commune_code": commune_of.reindex(ranked.index)})
    out = frame.groupby("commune_code").agg(score=("score", "mean"), n_projects=("score", "size"))
    return out.sort_values("score", ascending=False)
