"""Funding arithmetic: filters, per-project and grouped totals, gaps.

Every total here is a plain sum of funding lines, so each figure traces back to
projects. ``gap = need − committed`` per funding line, floored at zero, then summed.

Examples
--------
>>> import pandas as pd
>>> funding = pd.DataFrame({"project_id": ["A", "A", "B"],
...     "source": ["oda_grant", "state_budget", "ngo"],
...     "need": [100, 20, 50], "committed": [60, 20, 80], "disbursed": [10, 5, 0]})
>>> project_totals(funding).to_dict("index")["A"]
{'need': 120, 'committed': 80, 'disbursed': 15, 'gap': 40}
>>> int(project_totals(funding).loc["B", "gap"])
0
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.analysis import exposure
from geo.model import schema
from geo.model.filters import Filters

MONEY = list(schema.MONEY_COLUMNS)


def apply_filters(projects: pd.DataFrame, funding: pd.DataFrame, f: Filters,
                  risk_zones: gpd.GeoDataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projects and funding lines matching ``f``.

    A project matches the year range when its years overlap it. Filtering by
    source keeps only those sources' lines (and projects having at least one).
    ``f.high_risk`` keeps projects whose point lies in a high-risk zone of ``risk_zones``
    (:func:`geo.analysis.exposure.zone_levels`); it needs ``risk_zones`` (``ds.risk_zones``), and a
    caller that forgets them gets an error rather than an unfiltered answer.
    """
    keep = pd.Series(True, index=projects.index)
    if f.content_areas:
        keep &= projects["content_area"].isin(f.content_areas)
    if f.statuses:
        keep &= projects["status"].isin(f.statuses)
    elif not f.include_cancelled:
        keep &= ~projects["status"].isin(schema.CLOSED_STATUSES)
    if f.years:
        lo, hi = f.years
        keep &= (projects["start_year"] <= hi) & (projects["end_year"] >= lo)
    if f.donors:
        keep &= projects["donor"].isin(f.donors)
    if f.high_risk:
        if risk_zones is None:
            raise ValueError("the high-risk filter needs the risk zones: apply_filters(..., risk_zones=ds.risk_zones)")
        keep &= exposure.zone_levels(projects, risk_zones).isin(exposure.HIGH)
    lines = funding[funding["project_id"].isin(projects.loc[keep, "project_id"])]
    if f.sources:
        lines = lines[lines["source"].isin(f.sources)]
        keep &= projects["project_id"].isin(lines["project_id"])
    return projects[keep], lines


def line_gap(funding: pd.DataFrame) -> pd.Series:
    """Gap of each funding line: need − committed, floored at 0.

    Computed per line (project × source) so that every higher total is the sum of
    its rows, and an over-committed source never hides a gap in another.
    """
    return (funding["need"] - funding["committed"]).clip(lower=0)


def project_totals(funding: pd.DataFrame) -> pd.DataFrame:
    """Need, committed, disbursed and gap per project_id (VND, int64)."""
    lines = funding.assign(gap=line_gap(funding))
    return lines.groupby("project_id")[[*MONEY, "gap"]].sum().astype("int64")


def totals_by(projects: pd.DataFrame, funding: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sum money and gap by project columns (e.g. ``["commune_code"]``) and/or ``"source"``.

    Gap is computed per project × source line then summed, so it equals the sum
    of the rows shown.
    """
    lines = funding.merge(projects, on="project_id", how="inner", validate="many_to_one")
    lines = lines.assign(gap=line_gap(lines))
    out = lines.groupby(keys, dropna=False)[[*MONEY, "gap"]].sum().astype("int64")
    out["n_projects"] = lines.groupby(keys, dropna=False)["project_id"].nunique()
    return out


def totals_by_commune(projects: pd.DataFrame, funding: pd.DataFrame, filters: Filters = Filters(),
                      unit_version: str = "2021", risk_zones: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Per ``commune_code`` of the projects matching ``filters`` keyed by units of ``unit_version``: need,
    committed, disbursed and gap of their funding lines (gap per line, floored at 0) and ``n_projects``
    (matching projects, with or without lines). Index: the codes having a matching project, sorted; int64.

    A store answers the same question in SQL (``Store.funding_totals_by_commune``), with the same result.

    >>> p = pd.DataFrame({"project_id": ["A", "B", "C"], "commune_code": ["02", "01", "02"],
    ...     "status": ["proposal", "proposal", "cancelled"]})
    >>> f = pd.DataFrame({"project_id": ["A", "A", "C"], "source": ["ngo", "ngo", "ngo"],
    ...     "need": [10, 5, 9], "committed": [12, 1, 0], "disbursed": [0, 0, 0]})
    >>> totals_by_commune(p, f).to_dict("index")["02"]
    {'need': 15, 'committed': 13, 'disbursed': 0, 'gap': 4, 'n_projects': 1}
    >>> totals_by_commune(p, f).index.tolist()
    ['01', '02']
    """
    projects, lines = apply_filters(projects, funding, filters, risk_zones)
    projects = projects[(unit_version_of(projects) == unit_version) & projects["commune_code"].notna()]
    lines = lines.merge(projects[["project_id", "commune_code"]], on="project_id", how="inner")
    money = lines.assign(gap=line_gap(lines)).groupby("commune_code")[[*MONEY, "gap"]].sum()
    codes = pd.Index(sorted(projects["commune_code"].unique()), name="commune_code", dtype=object)
    out = money.reindex(codes, fill_value=0).astype("int64")
    out["n_projects"] = projects.groupby("commune_code").size().reindex(codes, fill_value=0).astype("int64")
    return out


def unit_version_of(projects: pd.DataFrame) -> pd.Series:
    """Which units each ``commune_code`` refers to: ``"2021"`` (old) unless the row says ``"2025"``.

    >>> unit_version_of(pd.DataFrame({"unit_version": ["2025", ""]})).tolist()
    ['2025', '2021']
    """
    default = schema.PROJECT_OPTIONAL_COLUMNS["unit_version"][1]
    if "unit_version" not in projects.columns:
        return pd.Series(default, index=projects.index, dtype=object)
    return projects["unit_version"].fillna("").astype(str).str.strip().replace("", default)


def source_group(source_key: str) -> str:
    """``"international"`` or ``"counterpart"`` for a source key."""
    return schema.SOURCE_BY_KEY[source_key].group
