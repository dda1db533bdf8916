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
>>> counts_by_commune(projects, zones, ["01", "02", "03"]).to_dict("index")
{'01': {'high': 1, 'medium': 1}, '02': {'high': 0, 'medium': 0}, '03': {'high': 0, 'medium': 0}}
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from geo.analysis import joins
from geo.model import schema

#: Risk classes, highest first (the order of tables and legends).
LEVELS: tuple[str, ...] = tuple(sorted(schema.RISK_LEVELS, key=lambda k: k != "high"))
#: The class the "in a high-risk zone" filter keeps.
HIGH = "high"


def zone_levels(projects: pd.DataFrame, risk_zones: gpd.GeoDataFrame) -> pd.Series:
    """Risk class of the zone each project's point lies in (``"high"``, ``"medium"``; ``""`` outside every
    zone or without a point), indexed like ``projects``."""
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
