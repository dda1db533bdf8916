"""Landslide-risk exposure of projects: which risk zone each located project lies in, counted per commune.

A pure spatial join (:func:`geo.analysis.joins.points_in_zones`): a project is *in* a risk class when its
point lies inside a zone of that ``risk_level``; where zones overlap, the higher class wins (a project is
counted once). Projects without coordinates are in no zone (they are not guessed from their commune).
The priority score (:mod:`geo.analysis.priority`) and the "in a high-risk zone" filter
(:func:`geo.analysis.funding.apply_filters`) use the same :func:`zone_levels`.

Examples
--------
>>> import geopandas as gpd, pandas as pd
>>> from shapely.geometry import box
>>> zones = gpd.GeoDataFrame({"risk_level": ["medium", "high"]},
...     geometry=[box(103.0, 22.0, 103.2, 22.2), box(103.0, 22.0, 103.1, 22.1)], crs="EPSG:4326")
>>> projects = pd.DataFrame({"project_id": ["A", "B", "C", "D"], "commune_code": ["01", "01", "02", "02"],
...     "lon": [103.05, 103.15, 103.5, None], "lat": [22.05, 22.15, 22.5, None]})
>>> zone_levels(projects, zones).tolist()
['high', 'medium', '', '']
>>> counts_by_commune(projects, zones, ["01", "02", "03"])[["high", "medium"]].to_dict("index")
{'01': {'high': 1, 'medium': 1}, '02': {'high': 0, 'medium': 0}, '03': {'high': 0, 'medium': 0}}
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis import joins
from geo.model import schema

#: Risk classes, highest first (the order of tables and legends).
LEVELS: tuple[str, ...] = tuple(schema.RISK_LEVELS)
#: The classes the "in a high-risk zone" filter keeps.
HIGH: tuple[str, ...] = schema.HIGH_RISK_LEVELS


def levels_in(risk_zones: gpd.GeoDataFrame | None) -> tuple[str, ...]:
    """The classes a risk layer uses, highest first (tables show only these: the bundled buffers have two).

    >>> import geopandas as gpd
    >>> levels_in(gpd.GeoDataFrame({"risk_level": ["medium", "very_high", "medium"]}, geometry=[None] * 3))
    ('very_high', 'medium')
    """
    if risk_zones is None or risk_zones.empty:
        return ()
    used = set(risk_zones["risk_level"].astype(str))
    return tuple(lvl for lvl in LEVELS if lvl in used)


def zone_levels(projects: pd.DataFrame, risk_zones: gpd.GeoDataFrame) -> pd.Series:
    """Risk class of the zone each project's point lies in (a key of ``schema.RISK_LEVELS``; ``""`` outside
    every zone or without a point), indexed like ``projects``."""
    levels = pd.Series("", index=projects.index, dtype="object")
    has_point = projects["lon"].notna() & projects["lat"].notna()
    if not has_point.any() or risk_zones is None or risk_zones.empty:
        return levels
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(projects.loc[has_point, "lon"], projects.loc[has_point, "lat"]),
                           index=projects.index[has_point], crs=schema.GEOGRAPHIC_CRS)
    for level in reversed(LEVELS):  # the highest last, so it wins where zones overlap
        inside = joins.points_in_zones(pts, risk_zones[risk_zones["risk_level"] == level])
        levels.loc[inside[inside].index] = level
    return levels


def exposed(projects: pd.DataFrame, risk_zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """The projects inside a risk zone, with their ``risk_level``, highest class first (then by project id)."""
    out = projects.assign(risk_level=zone_levels(projects, risk_zones))
    out = out[out["risk_level"] != ""]
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    return out.sort_values(["risk_level", "project_id"], key=lambda s: s.map(order) if s.name == "risk_level" else s,
                           kind="stable")


def counts_by_commune(projects: pd.DataFrame, risk_zones: gpd.GeoDataFrame, codes: Sequence[str],
                      by: str = "commune_code") -> pd.DataFrame:
    """Number of projects in each risk class per commune: rows ``codes`` (0 where none), columns :data:`LEVELS`.

    ``by`` names the column holding each project's unit code (``commune_code``, or a unit of 1/7/2025 after
    :func:`geo.output.reports.report.keyed_by_unit`).
    """
    hits = exposed(projects, risk_zones)
    table = pd.crosstab(hits[by], hits["risk_level"]) if len(hits) else pd.DataFrame()
    table = table.reindex(index=pd.Index(list(codes), name=by), columns=list(LEVELS), fill_value=0).fillna(0)
    table.columns.name = None
    return table.astype("int64")


def class_shares(risk_zones: gpd.GeoDataFrame, units: gpd.GeoDataFrame, metric_crs: str = schema.METRIC_CRS,
                 key: str = "code") -> pd.DataFrame:
    """Share (0–1) of each unit's area in each risk class: rows the units' ``key``, columns :data:`LEVELS`.

    Areas in ``metric_crs``. Where zones of different classes overlap, the higher class takes the overlap
    (as for projects), so a unit's shares never add up to more than 1; the rest of the unit is unzoned.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> units = gpd.GeoDataFrame({"code": ["01", "02"]}, geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)],
    ...                          crs="EPSG:9205")
    >>> zones = gpd.GeoDataFrame({"risk_level": ["low", "very_high"]},
    ...                          geometry=[box(0, 0, 150, 100), box(50, 0, 100, 100)], crs="EPSG:9205")
    >>> class_shares(zones, units)[["very_high", "low"]].to_dict("index")
    {'01': {'very_high': 0.5, 'low': 0.5}, '02': {'very_high': 0.0, 'low': 0.5}}
    """
    metric = units[[key, "geometry"]].to_crs(metric_crs)
    total = metric.geometry.area.to_numpy()
    out = pd.DataFrame(0.0, index=pd.Index(metric[key], name=key), columns=list(LEVELS))
    if risk_zones is None or risk_zones.empty:
        return out
    zones = risk_zones[["risk_level", "geometry"]].to_crs(metric_crs)
    taken = None  # the union of the higher classes so far
    for level in LEVELS:
        part = zones.loc[zones["risk_level"] == level, "geometry"]
        if part.empty:
            continue
        union = part.union_all()
        own = union if taken is None else union.difference(taken)
        taken = union if taken is None else taken.union(union)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[level] = np.where(total > 0, metric.geometry.intersection(own).area.to_numpy() / total, 0.0)
    return out
