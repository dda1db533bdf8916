"""Projects → communes at country scale: one spatial-index query, then array sums.

:func:`locate` finds the commune containing each point with one vectorised
``shapely.STRtree.query(..., predicate="intersects")`` (prepared polygons, no
per-point Python); :func:`sum_by_commune` sums funding lines per commune with
exact int64 arithmetic (``numpy.add.at``), so VND totals never pass through
floats. Points on a shared border count once, for the commune with the lowest
code, as in :func:`geo.analysis.joins.locate_points`.

Examples
--------
>>> import geopandas as gpd, numpy as np, pandas as pd
>>> from shapely.geometry import box
>>> communes = gpd.GeoDataFrame({"code": ["00002", "00001"]},
...     geometry=[box(1, 0, 2, 1), box(0, 0, 1, 1)], crs="EPSG:4326")
>>> locate(np.array([0.5, 1.5, 1.0, 9.0]), np.array([0.5, 0.5, 0.5, 9.0]), communes).tolist()
[1, 0, 1, -1]
>>> projects = pd.DataFrame({"project_id": ["A", "B"], "lon": [0.5, 1.5], "lat": [0.5, 0.5]})
>>> lines = pd.DataFrame({"project_id": ["A", "A", "B"], "need": [10, 5, 7], "committed": [1, 2, 3],
...     "disbursed": [0, 0, 1]})
>>> aggregate_projects(projects, lines, communes).to_dict("index")["00001"]
{'n_projects': 1, 'need': 15, 'committed': 3, 'disbursed': 0, 'gap': 12}
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis import funding
from geo.model import schema

OUTSIDE = -1


def locate(lon: np.ndarray, lat: np.ndarray, communes: gpd.GeoDataFrame,
           tree: shapely.STRtree | None = None) -> np.ndarray:
    """Row position (in ``communes``) of the commune containing each point; ``-1`` outside all.

    ``lon``/``lat`` are in the communes' CRS (EPSG:4326 in a Dataset). The frame's spatial index
    (``communes.sindex``) is used unless ``tree`` (a ``shapely.STRtree`` of its geometries) is given.
    """
    pts = shapely.points(np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64"))
    # The GeoDataFrame's own index is built once and kept with the frame (as geopandas.sjoin does).
    pi, ci = (communes.sindex if tree is None else tree).query(pts, predicate="intersects")
    out = np.full(len(pts), OUTSIDE, dtype=np.int64)
    if len(pi) == 0:
        return out
    # A point on a shared border hits several communes: keep the lowest code.
    rank = np.argsort(np.argsort(communes["code"].to_numpy(), kind="stable"), kind="stable")
    order = np.lexsort((rank[ci], pi))
    pi, ci = pi[order], ci[order]
    first = np.r_[True, pi[1:] != pi[:-1]]
    out[pi[first]] = ci[first]
    return out


def sum_by_commune(commune_idx: np.ndarray, values: np.ndarray, n_communes: int) -> np.ndarray:
    """Exact int64 sums of ``values`` per commune position (``-1`` entries are dropped).

    >>> sum_by_commune(np.array([0, 2, 0, -1]), np.array([5, 7, 9_000_000_000_000_000, 1]), 3).tolist()
    [9000000000000005, 0, 7]
    """
    idx = np.asarray(commune_idx)
    keep = idx >= 0
    out = np.zeros(n_communes, dtype=np.int64)
    np.add.at(out, idx[keep], np.asarray(values, dtype=np.int64)[keep])
    return out


def aggregate_projects(projects: pd.DataFrame, lines: pd.DataFrame, communes: gpd.GeoDataFrame,
                       tree: shapely.STRtree | None = None) -> pd.DataFrame:
    """Per commune code: located projects and the sums of their funding lines (need, committed,
    disbursed, gap), from each project's ``lon``/``lat``. The gap is summed per line, floored at zero
    (:func:`geo.analysis.funding.line_gap`), so an over-committed source never hides a gap in another.

    Projects without coordinates or outside every commune are not counted (see :func:`locate`).
    """
    idx = locate(projects["lon"].to_numpy(), projects["lat"].to_numpy(), communes, tree)
    n = len(communes)
    out = pd.DataFrame(index=pd.Index(communes["code"], name="code"))
    out["n_projects"] = np.bincount(idx[idx >= 0], minlength=n).astype("int64")
    pos = pd.Index(projects["project_id"]).get_indexer(lines["project_id"])
    line_idx = np.where(pos >= 0, idx[pos], OUTSIDE)
    for col in schema.MONEY_COLUMNS:
        out[col] = sum_by_commune(line_idx, lines[col].to_numpy(), n)
    out["gap"] = sum_by_commune(line_idx, funding.line_gap(lines).to_numpy(), n)
    return out


__all__ = ["OUTSIDE", "locate", "sum_by_commune", "aggregate_projects"]
