"""Funding-gap tables: need, committed, disbursed and gap by commune × content area × source.

Built on :func:`geo.analysis.funding.totals_by`, so every figure is a sum of funding lines.
Two relative measures sit next to the absolute gap:

- ``share_covered`` = covered / need, where *covered* is the committed amount up
  to each line's need (``need − gap``). It equals committed / need unless a source
  is over-committed, and an over-committed source never lifts the share above what
  the other sources' gaps allow (same rule as the gap). NaN when need is 0.
- ``committed_per_person`` = committed / population, only where the population is
  known; NaN otherwise (shown as unknown, never 0).

Examples
--------
>>> import pandas as pd
>>> projects = pd.DataFrame({"project_id": ["A", "B"], "commune_code": ["00001", "00002"],
...     "content_area": [1, 3]})
>>> lines = pd.DataFrame({"project_id": ["A", "A", "B"], "source": ["oda_grant", "state_budget", "ngo"],
...     "need": [100, 100, 50], "committed": [80, 100, 0], "disbursed": [0, 0, 0]})
>>> t = commune_gaps(projects, lines, pd.Series({"00001": 1000.0, "00002": float("nan")}))
>>> t[["gap", "share_covered", "committed_per_person"]].to_dict("index")["00001"]
{'gap': 20, 'share_covered': 0.9, 'committed_per_person': 0.18}
>>> pd.isna(t.loc["00002", "committed_per_person"])
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis import funding
from geo.model import schema

MONEY = [*schema.MONEY_COLUMNS, "gap"]
#: Every breakdown the page and report offer; keys are project columns or ``"source"``.
BREAKDOWNS: dict[str, list[str]] = {
    "commune": ["commune_code"],
    "content_area": ["content_area"],
    "source": ["source"],
    "commune_area": ["commune_code", "content_area"],
    "commune_source": ["commune_code", "source"],
    "commune_area_source": ["commune_code", "content_area", "source"],
}


def share_covered(need: pd.Series, gap: pd.Series) -> pd.Series:
    """(need − gap) / need per row; NaN where need is 0 (nothing to cover).

    >>> share_covered(pd.Series([200, 0]), pd.Series([50, 0])).tolist()
    [0.75, nan]
    """
    need = need.astype("float64")
    return ((need - gap) / need).where(need > 0)


def per_person(amount: pd.Series, population: pd.Series) -> pd.Series:
    """amount / population, NaN where the population is unknown or not positive.

    >>> per_person(pd.Series([1000, 1000]), pd.Series([4.0, float("nan")])).tolist()
    [250.0, nan]
    """
    pop = pd.to_numeric(population, errors="coerce").astype("float64")
    return amount.astype("float64") / pop.where(pop > 0)


def gap_table(projects: pd.DataFrame, lines: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Money, gap, project count and share covered, grouped by ``keys``."""
    out = funding.totals_by(projects, lines, keys)
    out["share_covered"] = share_covered(out["need"], out["gap"])
    return out


def commune_gaps(projects: pd.DataFrame, lines: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """One row per commune in ``population``'s index (zeros where no project), with relative measures.

    ``population`` is indexed by GSO code; NaN where unknown.
    """
    codes = pd.Index(population.index, name="commune_code")
    table = gap_table(projects, lines, ["commune_code"]).reindex(codes)
    for col in [*MONEY, "n_projects"]:
        table[col] = table[col].fillna(0).astype("int64")
    table["share_covered"] = share_covered(table["need"], table["gap"])
    table["population"] = pd.to_numeric(population, errors="coerce").astype("float64").to_numpy()
    table["committed_per_person"] = per_person(table["committed"], table["population"])
    return table


def matrix(projects: pd.DataFrame, lines: pd.DataFrame, value: str, codes: list[str]) -> pd.DataFrame:
    """Commune × content-area table of one money column (``need``/``committed``/``disbursed``/``gap``),
    or of ``share_covered``. Rows: every code in ``codes``; columns: every content area."""
    if value not in [*MONEY, "share_covered"]:
        raise ValueError(f"unknown measure {value!r}")
    table = gap_table(projects, lines, ["commune_code", "content_area"])
    wide = table[value].unstack("content_area") if len(table) else pd.DataFrame()
    wide = wide.reindex(index=pd.Index(codes, name="commune_code"), columns=list(schema.CONTENT_AREAS))
    if value != "share_covered":
        wide = wide.fillna(0).astype("int64")
    return wide


def long_by_source(projects: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Long table commune_code, source, need, committed, disbursed, gap — for stacked bars."""
    table = gap_table(projects, lines, ["commune_code", "source"]).reset_index()
    order = {s.key: i for i, s in enumerate(schema.FUNDING_SOURCES)}
    return table.sort_values(["commune_code", "source"], key=lambda s: s.map(order) if s.name == "source" else s)


def with_total(table: pd.DataFrame, label_col: str, label: str, extra_sums: tuple[str, ...] = (),
               skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """``table`` with a last row summing every money and count column (and ``extra_sums``);
    ratios recomputed from the sums, per-person only when every population is known. Columns in
    ``skip`` stay blank (e.g. project counts per source, whose sum would double count).

    >>> t = pd.DataFrame({"name": ["a", "b"], "need": [10, 30], "gap": [5, 5], "n_projects": [1, 2]})
    >>> with_total(t, "name", "Total").iloc[-1].to_dict()
    {'name': 'Total', 'need': 40, 'gap': 10, 'n_projects': 3}
    """
    sums = {c: table[c].sum() for c in table.columns if c in [*MONEY, "n_projects", *extra_sums] and c not in skip}
    row: dict[str, object] = {c: np.nan for c in table.columns}
    row.update(sums)
    row[label_col] = label
    if "share_covered" in table.columns:
        row["share_covered"] = float(share_covered(pd.Series([sums["need"]]), pd.Series([sums["gap"]])).iloc[0])
    if "population" in table.columns:
        # A district total per person only when every commune's population is known: no partial sums.
        complete = table["population"].notna().all() and len(table) > 0
        row["population"] = table["population"].sum() if complete else np.nan
        if "committed_per_person" in table.columns:
            row["committed_per_person"] = sums["committed"] / row["population"] if complete else np.nan
    out = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    for c in sums:
        if pd.api.types.is_integer_dtype(table[c]):
            out[c] = out[c].astype("int64")
    return out
