"""Class breaks and colours for choropleths, shared by the web map and printed maps.

The same function feeds the interactive legend and the print legend, so a number
falls in the same class, with the same colour, on screen and on paper.

Zero and "no data" are classes of their own (:data:`ZERO` and :data:`NO_DATA`): a commune with no
project or no tea is not the lowest step of a range starting at 0, and a missing value is not 0. With
no more distinct non-zero values than classes, classes follow the values (one class per value, no
"0–800" range for a single 800).

Examples
--------
>>> c = classify([0, 1, 2, 3, 10, 20, 30, 40], scheme="equal_interval", k=4)
>>> c.upper_bounds
(10.0, 20.0, 30.0, 40.0)
>>> c.classes[:5]
(-2, 0, 0, 0, 0)
>>> c.color_of(35) == c.colors[3], c.color_of(0) == ZERO_COLOR
(True, True)
>>> [(k.kind, k.lower, k.upper) for k in classify([0, 0, 800.5, float("nan")]).legend_classes()]
[('zero', 0.0, 0.0), ('value', 800.5, 800.5), ('no_data', None, None)]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import mapclassify
import numpy as np

from geo.model import schema

#: User-facing names of the classification schemes (mapclassify under the hood).
SCHEMES: dict[str, schema.Label] = {
    "quantiles": schema.Label("Phân vị", "Quantiles"),
    "natural_breaks": schema.Label("Ngắt tự nhiên (Jenks)", "Natural breaks (Jenks)"),
    "equal_interval": schema.Label("Khoảng đều", "Equal interval"),
}

#: Sequential palettes (ColorBrewer, colour-blind safe), light → dark, 5 classes max.
PALETTES: dict[str, tuple[str, ...]] = {
    "reds": ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"),
    "greens": ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"),
    "blues": ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    "purples": ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
    "oranges": ("#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"),
}
NO_DATA_COLOR = "#d9d9d9"
#: Zero (no project, no hectare, no event): near-white, apart from every palette's lightest class and from grey no data.
ZERO_COLOR = "#ffffff"
#: Class numbers of the two classes outside the scheme.
NO_DATA, ZERO = -1, -2


@dataclass(frozen=True)
class LegendClass:
    """One legend row: its colour and what it holds. ``kind`` is ``"zero"``, ``"value"`` (one value),
    ``"range"`` (``lower``–``upper``) or ``"no_data"`` (bounds None)."""

    color: str
    kind: Literal["zero", "value", "range", "no_data"]
    lower: float | None
    upper: float | None


@dataclass(frozen=True)
class Classification:
    """Upper bounds of each class, the class of every value, and a colour per class."""

    upper_bounds: tuple[float, ...]
    lower: float  # smallest classified (non-zero) value
    classes: tuple[int, ...]  # NO_DATA (-1), ZERO (-2), else 0 … len(upper_bounds) − 1
    colors: tuple[str, ...]
    #: Zero is a class of its own (values are never negative).
    zero: bool = False
    #: One class per distinct value (few values): a class holds exactly its upper bound.
    exact: bool = False

    def color_of(self, value: float | None) -> str:
        """Colour for any value (also values not in the classified set)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOR
        if self.zero and value == 0:
            return ZERO_COLOR
        if not self.upper_bounds:
            return self.colors[-1] if self.colors else ZERO_COLOR
        for i, ub in enumerate(self.upper_bounds):
            if value <= ub:
                return self.colors[i]
        return self.colors[-1]

    def intervals(self) -> list[tuple[float, float]]:
        """``(lower, upper)`` of each scheme class (zero and no data excluded); ``lower == upper`` for exact classes."""
        if self.exact:
            return [(ub, ub) for ub in self.upper_bounds]
        lows = (self.lower, *self.upper_bounds[:-1])
        return list(zip(lows, self.upper_bounds))

    def legend_classes(self) -> list[LegendClass]:
        """Every legend row, in order: zero (when some value is 0), the scheme classes, no data (when a value is
        missing). The web map and the print map both draw their legends from this list."""
        rows = [LegendClass(ZERO_COLOR, "zero", 0.0, 0.0)] if ZERO in self.classes else []
        for color, (lo, hi) in zip(self.colors, self.intervals()):
            rows.append(LegendClass(color, "value" if lo == hi else "range", lo, hi))
        if NO_DATA in self.classes:
            rows.append(LegendClass(NO_DATA_COLOR, "no_data", None, None))
        return rows


def classify(values: Sequence[float], scheme: str = "quantiles", k: int = 5, palette: str = "reds") -> Classification:
    """Classify values into at most ``k`` classes with a mapclassify scheme.

    NaN values get class :data:`NO_DATA` and :data:`NO_DATA_COLOR`. When no value is negative, zeros get
    class :data:`ZERO` and :data:`ZERO_COLOR`, and the scheme cuts only the values above 0. With at most
    ``k`` distinct values left, each is a class of its own (``exact``); never an empty class.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme '{scheme}'; choose one of {', '.join(SCHEMES)}")
    arr = np.asarray(values, dtype="float64")
    valid = arr[~np.isnan(arr)]
    zero = bool(valid.size) and bool((valid >= 0).all())
    ranked = valid[valid != 0] if zero else valid
    if ranked.size == 0:
        return Classification((), 0.0, tuple(NO_DATA if math.isnan(v) else ZERO for v in arr), (), zero=True,
                              exact=True)
    distinct = np.unique(ranked)
    k = max(1, min(k, len(PALETTES[palette])))
    exact = len(distinct) <= k
    if exact:
        bins = distinct
    else:
        with warnings.catch_warnings():
            # Ties make mapclassify shrink k itself; np.unique below handles that, so the warning is noise.
            warnings.filterwarnings("ignore", message="Not enough unique values", category=UserWarning)
            if scheme == "quantiles":
                bins = mapclassify.Quantiles(valid, k=k).bins
            elif scheme == "natural_breaks":
                bins = mapclassify.NaturalBreaks(valid, k=k).bins
            else:
                bins = mapclassify.EqualInterval(valid, k=k).bins
    bins = np.unique(bins)
    colors = _spread(PALETTES[palette], len(bins))
    classes = tuple(NO_DATA if math.isnan(v) else ZERO if zero and v == 0
                    else min(int(np.searchsorted(bins, v, side="left")), len(bins) - 1) for v in arr)
    return Classification(tuple(float(b) for b in bins), float(ranked.min()), classes, colors, zero=zero, exact=exact)


def _spread(palette: tuple[str, ...], n: int) -> tuple[str, ...]:
    """Pick ``n`` colours spread across the palette, keeping its darkest for the top class (a lone class too)."""
    if n == 1:
        return (palette[-1],)
    if n >= len(palette):
        return palette
    idx = np.linspace(0, len(palette) - 1, n).round().astype(int)
    return tuple(palette[i] for i in idx)
