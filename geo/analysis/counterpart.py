"""Counterpart funds (vốn đối ứng) the district must budget for its international funding.

For each project::

    required  = Σ over international sources s of  round(committed_s × ratio_s)
    committed = Σ committed on counterpart sources (state budget, community, domestic business)
    shortfall = max(required − committed, 0)

The ratios are user-set; :data:`DEFAULT_RATIOS` are ASSUMPTIONS for planning, not
rules: real ratios are set in each financing agreement (ODA grants usually ask for
a smaller counterpart than concessional loans; NGO projects often ask for a small
in-kind or cash contribution; foreign private funds usually ask for none). Replace
them with the agreements' figures. Rounding is to whole VND per funding line, so the
district total is exactly the sum of the project rows.

Examples
--------
>>> import pandas as pd
>>> lines = pd.DataFrame({"project_id": ["A", "A", "A"], "source": ["oda_grant", "ngo", "state_budget"],
...     "need": [0, 0, 0], "committed": [1000, 200, 100], "disbursed": [0, 0, 0]})
>>> by_project(lines, {"oda_grant": 0.15, "ngo": 0.10}).loc["A"].to_dict()
{'international_committed': 1200, 'required': 170, 'counterpart_committed': 100, 'shortfall': 70}
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from geo.model import schema

#: International source keys, in schema order.
INTERNATIONAL: tuple[str, ...] = tuple(s.key for s in schema.FUNDING_SOURCES if s.group == "international")
COUNTERPART: tuple[str, ...] = tuple(s.key for s in schema.FUNDING_SOURCES if s.group == "counterpart")

#: ASSUMED counterpart ratio per international source type (share of the committed amount).
#: Planning defaults only; the page and report print them as assumptions.
DEFAULT_RATIOS: dict[str, float] = {
    "oda_grant": 0.15,
    "concessional_loan": 0.20,
    "ngo": 0.10,
    "foreign_business": 0.0,
}
COLUMNS: tuple[str, ...] = ("international_committed", "required", "counterpart_committed", "shortfall")


def check_ratios(ratios: Mapping[str, float]) -> dict[str, float]:
    """Ratios for every international source (missing → 0), each within 0–1; ValueError otherwise.

    >>> check_ratios({"ngo": 0.1})["oda_grant"]
    0.0
    """
    unknown = set(ratios) - set(INTERNATIONAL)
    if unknown:
        raise ValueError(f"counterpart ratios only apply to international sources, not {sorted(unknown)}")
    out = {}
    for key in INTERNATIONAL:
        value = float(ratios.get(key, 0.0))
        if math.isnan(value) or not 0.0 <= value <= 1.0:
            raise ValueError(f"counterpart ratio for '{key}' must be between 0 and 1 (0–100 %), got {value}")
        out[key] = value
    return out


def required_per_line(lines: pd.DataFrame, ratios: Mapping[str, float]) -> pd.Series:
    """Counterpart each funding line calls for: round(committed × ratio) for international lines, else 0."""
    r = check_ratios(ratios)
    ratio = lines["source"].map(r).fillna(0.0)
    return (lines["committed"] * ratio).round().astype("int64")


def by_project(lines: pd.DataFrame, ratios: Mapping[str, float]) -> pd.DataFrame:
    """Per project_id: international committed, counterpart required, counterpart committed, shortfall."""
    intl = lines["source"].isin(INTERNATIONAL)
    frame = pd.DataFrame({
        "project_id": lines["project_id"],
        "international_committed": lines["committed"].where(intl, 0),
        "required": required_per_line(lines, ratios),
        "counterpart_committed": lines["committed"].where(lines["source"].isin(COUNTERPART), 0),
    })
    out = frame.groupby("project_id")[list(COLUMNS[:3])].sum().astype("int64")
    out["shortfall"] = (out["required"] - out["counterpart_committed"]).clip(lower=0).astype("int64")
    return out


def by_source(lines: pd.DataFrame, ratios: Mapping[str, float]) -> pd.DataFrame:
    """Per international source: committed, ratio and counterpart required (all four sources listed)."""
    r = check_ratios(ratios)
    intl = lines[lines["source"].isin(INTERNATIONAL)]
    committed = intl.groupby("source")["committed"].sum().reindex(list(INTERNATIONAL), fill_value=0)
    required = required_per_line(intl, r).groupby(intl["source"]).sum().reindex(list(INTERNATIONAL), fill_value=0)
    out = pd.DataFrame({"committed": committed.astype("int64"), "ratio": pd.Series(r), "required": required.astype("int64")})
    out.index.name = "source"
    return out


def totals(table: pd.DataFrame) -> dict[str, int]:
    """Column sums of a :func:`by_project` table (the district totals)."""
    return {c: int(table[c].sum()) for c in COLUMNS}
