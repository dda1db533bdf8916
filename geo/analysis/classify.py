"""Class breaks and colours for choropleths, shared by the web map and printed maps.

The same function feeds the interactive legend and the print legend, so a number
falls in the same class, with the same colour, on screen and on paper.

Examples
--------
>>> c = classify([0, 1, 2, 3, 10, 20, 30, 40], scheme="equal_interval", k=4)
>>> c.upper_bounds
(10.0, 20.0, 30.0, 40.0)
>>> c.classes[:5]
(0, 0, 0, 0, 0)
>>> c.color_of(35) == c.colors[3]
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Classification:
    """Upper bounds of each class, the class of every value, and a colour per class."""

    upper_bounds: tuple[float, ...]
    lower: float
    classes: tuple[int, ...]  # -1 = no data
    colors: tuple[str, ...]

    def color_of(self, value: float | None) -> str:
        """Colour for any value (also values not in the classified set)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return NO_DATA_COLOR
        for i, ub in enumerate(self.upper_bounds):
            if value <= ub:
                return self.colors[i]
        return self.colors[-1]

    def intervals(self) -> list[tuple[float, float]]:
        """``(lower, upper)`` of each class, for legends."""
        lows = (self.lower, *self.upper_bounds[:-1])
        return list(zip(lows, self.upper_bounds))


def classify(values: Sequence[float], scheme: str = "quantiles", k: int = 5, palette: str = "reds") -> Classification:
    """Classify values into at most ``k`` classes with a mapclassify scheme.

    Fewer distinct values than ``k`` give fewer classes (never empty ones). NaN
    values get class -1 and :data:`NO_DATA_COLOR`.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme '{scheme}'; choose one of {', '.join(SCHEMES)}")
    arr = np.asarray(values, dtype="float64")
    valid = arr[~np.isnan(arr)]
    if valid.size == 0:
        return Classification((0.0,), 0.0, tuple(-1 for _ in arr), (PALETTES[palette][0],))
    k = max(1, min(k, len(np.unique(valid)), len(PALETTES[palette])))
    if k == 1:
        bins = np.array([valid.max()])
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
    classes = tuple(-1 if math.isnan(v) else int(np.searchsorted(bins, v, side="left")) for v in arr)
    classes = tuple(min(c, len(bins) - 1) for c in classes)
    return Classification(tuple(float(b) for b in bins), float(valid.min()), classes, colors)


def _spread(palette: tuple[str, ...], n: int) -> tuple[str, ...]:
    """Pick ``n`` colours spread across the palette, keeping its darkest for the top class."""
    if n >= len(palette):
        return palette
    idx = np.linspace(0, len(palette) - 1, n).round().astype(int)
    return tuple(palette[i] for i in idx)
