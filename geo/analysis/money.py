"""Money over time (issue 16): committed, disbursed and spent per period, from dated money records.

Pure arithmetic on the frame :meth:`geo.storage.interface.MoneyStore.money_records` returns (columns
:data:`geo.model.schema.MONEY_RECORD_COLUMNS`) and the projects frame. A record without a date is *undated*:
it is counted in its own :data:`UNDATED` period and in the ``*_undated`` columns, never spread over years or
put in a period by guess. Budgets are yearly plan figures: they count in their ``year`` (yearly tables only;
a year is not split into quarters). Sums are exact int64.

Examples
--------
>>> recs = pd.DataFrame([
...     {"project_id": "A", "kind": "commitment", "source": "ngo", "amount": 100, "date": "2023-02-01", "year": None},
...     {"project_id": "A", "kind": "disbursement", "source": "ngo", "amount": 40, "date": "2023-11-30", "year": None},
...     {"project_id": "A", "kind": "disbursement", "source": "ngo", "amount": 25, "date": "2025-01-15", "year": None},
...     {"project_id": "A", "kind": "disbursement", "source": "ngo", "amount": 10, "date": "", "year": None}])
>>> flows(recs)[["commitment", "disbursement"]].to_dict("index")
{'2023': {'commitment': 100, 'disbursement': 40}, '2025': {'commitment': 0, 'disbursement': 25}, 'undated': {'commitment': 0, 'disbursement': 10}}
>>> s = period_summary(recs, date(2024, 1, 1), date(2025, 12, 31)).iloc[0]
>>> int(s.disbursed_in), int(s.disbursed_to_end), int(s.disbursed_undated), int(s.committed_to_end)
(25, 65, 10, 100)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import pandas as pd

from geo.model import schema

Freq = Literal["year", "quarter"]
#: The period key of records whose date is unknown (shown as "date unknown", never spread).
UNDATED = "undated"
#: What a summary can be grouped by: a record's own column or its project's.
GROUPS: tuple[str, ...] = ("project_id", "source", "commune_code", "content_area")
#: Transaction kind → the column stem of :func:`period_summary` (``committed_in``, ``disbursed_to_end`` …).
STEMS: dict[str, str] = {"commitment": "committed", "disbursement": "disbursed", "expenditure": "expended"}
KINDS: tuple[str, ...] = tuple(k.key for k in schema.MONEY_KINDS)


def period_key(day: object, freq: Freq = "year") -> str:
    """``"2024"`` (year) or ``"2024-Q2"`` (quarter) of an ISO date; :data:`UNDATED` for an empty one.

    >>> period_key("2024-05-20"), period_key("2024-05-20", "quarter"), period_key("")
    ('2024', '2024-Q2', 'undated')
    """
    text = "" if day is None or (isinstance(day, float) and pd.isna(day)) else str(day).strip()
    if not text:
        return UNDATED
    d = date.fromisoformat(text)
    return str(d.year) if freq == "year" else f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def _dated(records: pd.DataFrame) -> pd.Series:
    return records["date"].fillna("").astype(str).str.strip() != ""


def with_projects(records: pd.DataFrame, projects: pd.DataFrame | None) -> pd.DataFrame:
    """The records with their project's ``commune_code`` and ``content_area``; with ``projects``, only records
    of those projects (so a filtered or cancelled-free project list filters the money too)."""
    if projects is None:
        return records.copy()
    cols = [c for c in ("project_id", "commune_code", "content_area") if c in projects.columns]
    extra = [c for c in cols if c != "project_id" and c in records.columns]
    return records.drop(columns=extra).merge(projects[cols], on="project_id", how="inner")


def _order(keys: Sequence[str]) -> list[str]:
    return sorted((k for k in keys if k != UNDATED), key=str) + ([UNDATED] if UNDATED in keys else [])


def flows(records: pd.DataFrame, projects: pd.DataFrame | None = None, by: str | None = None,
          freq: Freq = "year") -> pd.DataFrame:
    """Amount per period and kind (columns :data:`KINDS`, whole VND), indexed by period (and ``by`` first).

    Dated transactions fall in the year or quarter of their date; undated ones in :data:`UNDATED` (last);
    budgets in their year (``freq="year"`` only: a quarterly table has no budget column, a year is not split).
    """
    recs = with_projects(records, projects)
    budget = recs["kind"] == "budget"
    period = pd.Series(UNDATED, index=recs.index, dtype=object)
    tx = ~budget
    period[tx] = [period_key(d, freq) for d in recs.loc[tx, "date"]]
    period[budget] = [UNDATED if pd.isna(y) else str(int(y)) for y in recs.loc[budget, "year"]]
    recs = recs.assign(period=period)
    kinds = [k for k in KINDS if freq == "year" or k != "budget"]
    if freq != "year":
        recs = recs[~budget]
    keys = [by, "period"] if by else ["period"]
    table = (recs.pivot_table(index=keys, columns="kind", values="amount", aggfunc="sum", fill_value=0)
             .reindex(columns=kinds, fill_value=0).astype("int64")) if len(recs) else pd.DataFrame(
        columns=kinds, index=pd.MultiIndex.from_tuples([], names=keys) if by else pd.Index([], name="period"),
        dtype="int64")
    table.columns.name = None
    if by:
        order = sorted(table.index, key=lambda k: (str(k[0]), k[1] == UNDATED, k[1]))
        return table.loc[order]
    return table.loc[_order(list(table.index))]


def period_summary(records: pd.DataFrame, start: date, end: date, projects: pd.DataFrame | None = None,
                   by: str | None = None) -> pd.DataFrame:
    """What the periodic report counts for ``[start, end]`` (both days included), per ``by`` group (one row
    ``"all"`` without ``by``):

    - ``committed_in`` / ``disbursed_in`` / ``expended_in``: dated records inside the period;
    - ``committed_to_end`` / ``disbursed_to_end`` / ``expended_to_end``: dated records up to its end, cumulatively;
    - ``committed_undated`` / ``disbursed_undated`` / ``expended_undated``: records without a date (not in either
      figure above, whatever their real date was);
    - ``budget_in``: budgets of the years wholly inside the period;
    - ``undated_share_committed`` / ``undated_share_disbursed``: undated ÷ (to end + undated), None when both 0.
    """
    if start > end:
        raise ValueError(f"period start {start} is after its end {end}")
    recs = with_projects(records, projects)
    group = recs[by].astype(str) if by else pd.Series("all", index=recs.index)
    dated = _dated(recs)
    days = pd.to_datetime(recs["date"].where(dated), format="%Y-%m-%d", errors="coerce")
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    cols: dict[str, pd.Series] = {}
    for kind, stem in STEMS.items():
        amount = recs["amount"].where(recs["kind"] == kind, 0).astype("int64")
        cols[f"{stem}_in"] = amount.where(dated & (days >= lo) & (days <= hi), 0)
        cols[f"{stem}_to_end"] = amount.where(dated & (days <= hi), 0)
        cols[f"{stem}_undated"] = amount.where(~dated, 0)
    first = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    last = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    years = pd.to_numeric(recs["year"], errors="coerce")
    cols["budget_in"] = recs["amount"].where((recs["kind"] == "budget") & (years >= first) & (years <= last), 0)
    frame = pd.DataFrame(cols).astype("int64").assign(group=group.to_numpy())
    out = frame.groupby("group", sort=True).sum().astype("int64")
    if not by and out.empty:
        out = pd.DataFrame({c: [0] for c in cols}, index=pd.Index(["all"]), dtype="int64")
    out.index.name = by or "group"
    for stem in ("committed", "disbursed"):
        known = out[f"{stem}_to_end"] + out[f"{stem}_undated"]
        out[f"undated_share_{stem}"] = (out[f"{stem}_undated"] / known.where(known > 0)).astype("float64")
    return out


def unrecorded(records: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """Per project and source: a funding line's committed/disbursed total minus the sum of its money records of
    that kind (dated or not). 0 everywhere after the schema-6 migration; a line edited since without its
    records shows the difference here (``committed_diff``, ``disbursed_diff``), only rows that are not 0."""
    lines = funding.groupby(["project_id", "source"])[["committed", "disbursed"]].sum()
    recs = records[records["kind"].isin(list(schema.TOTAL_OF_KIND))]
    rec = (recs.pivot_table(index=["project_id", "source"], columns="kind", values="amount", aggfunc="sum",
                            fill_value=0).reindex(columns=list(schema.TOTAL_OF_KIND), fill_value=0)
           .rename(columns=schema.TOTAL_OF_KIND)) if len(recs) else pd.DataFrame(columns=["committed", "disbursed"])
    both = lines.join(rec.add_suffix("_rec"), how="outer").fillna(0).astype("int64")
    out = pd.DataFrame({"committed_diff": both["committed"] - both["committed_rec"],
                        "disbursed_diff": both["disbursed"] - both["disbursed_rec"]})
    return out[(out != 0).any(axis=1)]
