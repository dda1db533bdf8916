"""Spatial joins between communes and the other layers.

All areas are computed in a metric CRS, never in degrees: ``metric_crs`` (the dataset's
``Dataset.metric_crs``, from ``atlas.toml``), by default :data:`geo.model.schema.METRIC_CRS` (EPSG:9205).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> communes = gpd.GeoDataFrame({"code": ["00001", "00002"]},
...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs="EPSG:9205")
>>> zones = gpd.GeoDataFrame({"crop": ["tea"]}, geometry=[box(500, 0, 1500, 1000)], crs="EPSG:9205")
>>> zone_hectares(zones, communes, "crop").round(1).to_dict("index")
{'00001': {'tea': 50.0}, '00002': {'tea': 50.0}}
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.model import schema


def _metric(gdf: gpd.GeoDataFrame, crs: str = schema.METRIC_CRS) -> gpd.GeoDataFrame:
    return gdf.to_crs(crs)


def locate_points(points: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> pd.Series:
    """GSO code of the commune containing each point (NA outside every commune).

    Points on a shared border go to the lower code, so each point counts once.
    """
    pts = points[["geometry"]].to_crs(communes.crs)
    hit = gpd.sjoin(pts, communes[["code", "geometry"]], how="left", predicate="intersects")
    hit = hit.sort_values("code").groupby(level=0)["code"].first()
    return hit.reindex(points.index).astype("string")


def assign_projects(projects: pd.DataFrame, communes: gpd.GeoDataFrame) -> pd.DataFrame:
    """Resolve each project's commune: by its code, checked against its point when geocoded.

    Adds ``located_code`` (commune containing the point, NA if no point) and
    ``location_mismatch`` (point lies in another commune than the code says).
    A project with a point but no code takes the located commune.
    """
    out = projects.copy()
    has_point = out["lon"].notna() & out["lat"].notna()
    out["located_code"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if has_point.any():
        pts = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(out.loc[has_point, "lon"], out.loc[has_point, "lat"]),
            index=out.index[has_point], crs=schema.GEOGRAPHIC_CRS,
        )
        out.loc[has_point, "located_code"] = locate_points(pts, communes)
    missing_code = out["commune_code"].isin(["", "00000"]) & out["located_code"].notna()
    out.loc[missing_code, "commune_code"] = out.loc[missing_code, "located_code"]
    out["location_mismatch"] = (
        out["located_code"].notna() & (out["located_code"] != out["commune_code"])
    ).astype(bool)
    return out


def zone_hectares(zones: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, by: str,
                  metric_crs: str = schema.METRIC_CRS) -> pd.DataFrame:
    """Hectares of each zone category (column ``by``) inside each commune.

    Zones are dissolved per category first, so overlapping zones of one category
    are not double-counted. Rows: every commune code; columns: categories.
    """
    codes = pd.Index(communes["code"], name="code")
    if zones.empty:
        return pd.DataFrame(index=codes)
    dissolved = _metric(zones[[by, "geometry"]], metric_crs).dissolve(by=by).reset_index()
    pieces = gpd.overlay(_metric(communes[["code", "geometry"]], metric_crs), dissolved, how="intersection",
                         keep_geom_type=True)
    pieces["ha"] = pieces.geometry.area / 10_000
    table = pieces.pivot_table(index="code", columns=by, values="ha", aggfunc="sum", fill_value=0.0)
    table.columns.name = None
    return table.reindex(codes, fill_value=0.0)


def area_share(zones: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, metric_crs: str = schema.METRIC_CRS) -> pd.Series:
    """Share (0–1) of each commune's area covered by the union of ``zones``."""
    metric = _metric(communes[["code", "geometry"]], metric_crs)
    total = pd.Series(metric.geometry.area.to_numpy(), index=metric["code"])
    if zones.empty:
        return pd.Series(0.0, index=total.index)
    union = _metric(zones[["geometry"]], metric_crs).union_all()
    covered = metric.geometry.intersection(union).area.to_numpy()
    return pd.Series(covered, index=metric["code"]) / total


def points_in_zones(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> pd.Series:
    """True for each point that lies inside any zone."""
    if zones.empty or points.empty:
        return pd.Series(False, index=points.index)
    union = zones.to_crs(points.crs).union_all()
    return points.geometry.intersects(union)


def count_by_commune(points: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> pd.Series:
    """Number of points per commune code (0 where none)."""
    located = locate_points(points, communes)
    return located.value_counts().reindex(communes["code"], fill_value=0).astype("int64")
