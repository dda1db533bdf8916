"""Terrain screening arithmetic (issue 19): slope, slope classes, hillshade, frequency ratio and its ROC AUC.

Pure numpy on blocks of a DEM already in a metric CRS; :mod:`geo.ingest.dem` reads the raster window by
window (with a one-cell halo) and hands each block here, so nothing holds the whole raster.

The result is a *screening*, never an official zoning: the catalogue's ``terrain.screening_label`` says so
wherever it is shown.

Examples
--------
>>> import numpy as np
>>> z = np.add.outer(np.zeros(5), np.arange(5.0) * 5.0)  # rises 5 m per 10 m cell eastwards: 26.57°
>>> s = slope_degrees(z, 10.0, 10.0)
>>> round(float(s[2, 2]), 2), bool(np.isnan(s[0, 0]))
(26.57, True)
>>> int(slope_class(s)[2, 2])  # 25–35°
3
>>> fr = frequency_ratio(np.array([80, 20]), np.array([2, 8]))
>>> [round(float(x), 2) for x in fr]
[0.25, 4.0]
>>> round(success_rate_auc(np.array([80, 20]), np.array([2, 8])), 2)
0.8
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: Upper bounds (degrees) of the slope classes; the last class is open (> 45°). Classes used in Vietnamese
#: landslide work (0–8, 8–15, 15–25, 25–35, 35–45, > 45).
SLOPE_BREAKS: tuple[float, ...] = (8.0, 15.0, 25.0, 35.0, 45.0)
N_CLASSES = len(SLOPE_BREAKS) + 1
#: Class code for cells with no slope (nodata in the 3×3 neighbourhood, or the DEM's edge).
NO_CLASS = -1

FloatArray = npt.NDArray[np.floating]


def _horn(z: FloatArray, dx: float, dy: float) -> tuple[FloatArray, FloatArray]:
    """Horn's (1981) gradients dz/dx (east) and dz/dy (north) of the interior cells of ``z``.

    ``z`` is a block with a one-cell halo on every side; the result is two cells smaller in each direction.
    Rows run north to south, as in a north-up raster.
    """
    a, b, c = z[:-2, :-2], z[:-2, 1:-1], z[:-2, 2:]
    d, f = z[1:-1, :-2], z[1:-1, 2:]
    g, h, i = z[2:, :-2], z[2:, 1:-1], z[2:, 2:]
    dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8.0 * dx)
    dzdy = ((a + 2 * b + c) - (g + 2 * h + i)) / (8.0 * dy)  # north minus south
    return dzdx, dzdy


def slope_degrees(z: FloatArray, dx: float, dy: float) -> FloatArray:
    """Slope in degrees of every cell of ``z`` (same shape); NaN on the edge and next to NaN cells.

    ``dx``/``dy`` are the cell sizes in metres (the DEM's heights in metres too).
    """
    z = np.asarray(z, dtype=np.float64)
    out = np.full(z.shape, np.nan)
    if z.shape[0] < 3 or z.shape[1] < 3:
        return out
    out[1:-1, 1:-1] = slope_interior(z, dx, dy)
    return out


def slope_interior(z: FloatArray, dx: float, dy: float) -> FloatArray:
    """Slope in degrees of the interior cells of a haloed block (two cells smaller each way)."""
    dzdx, dzdy = _horn(np.asarray(z, dtype=np.float64), dx, dy)
    return np.degrees(np.arctan(np.hypot(dzdx, dzdy)))


def hillshade_interior(z: FloatArray, dx: float, dy: float, azimuth: float = 315.0,
                       altitude: float = 45.0) -> npt.NDArray[np.uint8]:
    """Hillshade (0–255, 0 also for no data) of the interior cells of a haloed block; light from ``azimuth``
    (degrees clockwise from north) at ``altitude`` degrees above the horizon."""
    dzdx, dzdy = _horn(np.asarray(z, dtype=np.float64), dx, dy)
    slope = np.arctan(np.hypot(dzdx, dzdy))
    aspect = np.arctan2(-dzdx, -dzdy)  # direction the slope faces, clockwise from north
    zen = np.radians(90.0 - altitude)
    az = np.radians(azimuth)
    shade = np.cos(zen) * np.cos(slope) + np.sin(zen) * np.sin(slope) * np.cos(az - aspect)
    out = np.clip(shade, 0.0, 1.0) * 254.0 + 1.0  # 1–255: 0 stays "no data"
    return np.where(np.isnan(out), 0, out).astype(np.uint8)


def slope_class(slope: FloatArray, breaks: tuple[float, ...] = SLOPE_BREAKS) -> npt.NDArray[np.int8]:
    """Class index 0…len(breaks) of each slope (class k: breaks[k-1] < slope ≤ breaks[k]); NaN → NO_CLASS."""
    cls = np.searchsorted(np.asarray(breaks), np.nan_to_num(slope, nan=0.0), side="left").astype(np.int8)
    cls[np.isnan(slope)] = NO_CLASS
    return cls


def class_counts(classes: npt.NDArray[np.integer], n: int = N_CLASSES) -> npt.NDArray[np.int64]:
    """Number of cells in each class 0…n-1 (NO_CLASS cells not counted)."""
    valid = classes[classes >= 0]
    return np.bincount(valid.ravel().astype(np.int64), minlength=n)[:n].astype(np.int64)


def frequency_ratio(area_cells: npt.ArrayLike, event_cells: npt.ArrayLike) -> FloatArray:
    """Frequency ratio per class: (events in class ÷ all events) ÷ (cells in class ÷ all cells).

    A class with no area gets NaN; with no events at all every ratio is NaN (nothing to screen by).
    """
    area = np.asarray(area_cells, dtype=np.float64)
    events = np.asarray(event_cells, dtype=np.float64)
    if area.sum() == 0 or events.sum() == 0:
        return np.full(area.shape, np.nan)
    area_share = area / area.sum()
    event_share = events / events.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(area > 0, event_share / np.where(area > 0, area_share, 1.0), np.nan)


def success_rate_auc(area_cells: npt.ArrayLike, event_cells: npt.ArrayLike) -> float:
    """Area under the success-rate (ROC-style) curve of the frequency ratio against the events it came from.

    Classes are ranked from the highest ratio down; the curve runs through (cumulative share of area,
    cumulative share of events) after each class, and the area under it (trapezoids) is returned:
    0.5 is no better than chance, 1 is every event in the smallest highest-ranked area. NaN without events.
    """
    area = np.asarray(area_cells, dtype=np.float64)
    events = np.asarray(event_cells, dtype=np.float64)
    if area.sum() == 0 or events.sum() == 0:
        return float("nan")
    fr = frequency_ratio(area, events)
    keep = area > 0
    area, events, fr = area[keep], events[keep], fr[keep]
    order = np.argsort(-fr, kind="stable")
    x = np.concatenate([[0.0], np.cumsum(area[order]) / area.sum()])
    y = np.concatenate([[0.0], np.cumsum(events[order]) / events.sum()])
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0))
