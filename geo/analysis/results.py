"""Result indicators against their targets (issue 16 item 3): pure arithmetic, no words.

An indicator has a baseline, a target and actual values per year (``actuals``: year → value; a year with no
entry was not reported, never 0). The share achieved is how far the latest actual has moved from the baseline
towards the target, ``(actual - baseline) / (target - baseline)``; it is unknown (``None``) when the baseline or
every actual is missing, or the target equals the baseline. It can exceed 1 (target passed) or be negative
(worse than the baseline): the figure is shown as it is.

Examples
--------
>>> share_achieved(40, 200, 150)
0.6875
>>> share_achieved(None, 200, 150) is None, share_achieved(5, 5, 9) is None
(True, True)
>>> row = progress(pd.DataFrame([{"indicator_id": "a", "project_id": "P", "baseline": 0.0, "target": 12.0,
...                               "actuals": {2023: 4.0, 2024: 9.0}}])).iloc[0]
>>> int(row["latest_year"]), float(row["latest"]), float(row["share"])
(2024, 9.0, 0.75)
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

PROGRESS_COLUMNS: tuple[str, ...] = ("latest_year", "latest", "share")


def _known(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def share_achieved(baseline: object, target: object, actual: object) -> float | None:
    """``(actual - baseline) / (target - baseline)``, or None when it cannot be known."""
    b, t, a = _known(baseline), _known(target), _known(actual)
    if b is None or t is None or a is None or t == b:
        return None
    return (a - b) / (t - b)


def latest(actuals: dict | None, up_to: int | None = None) -> tuple[int | None, float | None]:
    """The last reported year (at most ``up_to``) and its value, or ``(None, None)``."""
    years = sorted(int(y) for y in (actuals or {}) if up_to is None or int(y) <= up_to)
    if not years:
        return None, None
    year = years[-1]
    return year, float((actuals or {})[year])


def progress(indicators: pd.DataFrame, up_to: int | None = None) -> pd.DataFrame:
    """``indicators`` plus ``latest_year`` (nullable), ``latest`` and ``share`` (NaN when unknown), counting
    only actuals of years up to ``up_to`` (a report's end year) when given."""
    out = indicators.copy()
    pairs = [latest(a, up_to) for a in out["actuals"]] if len(out) else []
    out["latest_year"] = pd.array([y for y, _ in pairs], dtype="Int64")
    out["latest"] = pd.Series([math.nan if v is None else v for _, v in pairs], index=out.index, dtype="float64")
    shares = [share_achieved(b, t, v) for b, t, (_, v) in zip(out["baseline"], out["target"], pairs)]
    out["share"] = pd.Series([math.nan if s is None else s for s in shares], index=out.index, dtype="float64")
    return out


def years_reported(indicators: pd.DataFrame, within: Iterable[int] | None = None) -> list[int]:
    """Every year any indicator reports an actual for (only those in ``within`` when given), in order."""
    keep = set(within) if within is not None else None
    years = {int(y) for a in indicators.get("actuals", []) for y in (a or {})}
    return sorted(y for y in years if keep is None or y in keep)


def actual_in(actuals: dict | None, year: int) -> float | None:
    """The actual reported for ``year``, or None when none was."""
    value = (actuals or {}).get(year)
    return None if value is None else float(value)
