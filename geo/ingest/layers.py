"""Read layers and tables from files, typed per :mod:`geo.model.schema`, with their provenance.

Readers coerce columns to the schema's types (GSO codes stay text with their
leading zeros), check the CRS, and raise :class:`geo.ingest.validate.DataError` naming
the file, row and column of every problem.

Examples
--------
>>> from geo.model.config import BUNDLED_DATA_DIR
>>> communes = read_communes(BUNDLED_DATA_DIR / "communes.geojson")
>>> communes.crs.to_string(), communes["code"].iloc[0]
('EPSG:4326', '03390')
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.ingest import safe_gis
from geo.ingest.names import nfc
from geo.ingest.validate import (
    DataError,
    Problem,
    parse_int,
    validate_commune_layer,
    validate_crosswalk,
    validate_funding,
    validate_projects,
)
from geo.model import schema


def read_manifest(path: Path) -> dict[str, schema.Provenance]:
    """Provenance of every layer, from a ``layers.json`` manifest."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    out: dict[str, schema.Provenance] = {}
    for layer, meta in raw.items():
        try:
            quality = schema.Quality(meta["quality"])
        except (KeyError, ValueError):
            raise DataError([Problem.of(str(path), "err.manifest_quality", layer=layer)]) from None
        out[layer] = schema.Provenance(
            layer=layer,
            title=schema.Label(meta.get("title_vi", layer), meta.get("title_en", layer)),
            source=meta.get("source", ""),
            licence=meta.get("licence", ""),
            date=meta.get("date", ""),
            quality=quality,
            method=meta.get("method", ""),
            notes={k: v for k, v in meta.items() if k.startswith("file") or k in ("source_vi", "method_vi", "licence_vi")},
        )
    return out


def to_geographic(gdf: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326; a layer without a CRS is an error, not a guess."""
    if gdf.crs is None:
        raise DataError([Problem.of(file, "err.no_crs")])
    return gdf if gdf.crs.to_epsg() == 4326 else gdf.to_crs(schema.GEOGRAPHIC_CRS)


def to_metric(gdf: gpd.GeoDataFrame, crs: str = schema.METRIC_CRS) -> gpd.GeoDataFrame:
    """Reproject to the metric CRS used for every area and length (``Dataset.metric_crs``; EPSG:9205)."""
    return gdf.to_crs(crs)


def _text(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).map(nfc)


def read_communes(path: Path) -> gpd.GeoDataFrame:
    """Commune polygons with text codes, NFC names, in EPSG:4326."""
    file = Path(path).name
    gdf = safe_gis.read_local(path)
    gdf = to_geographic(gdf, file)
    if "code" in gdf.columns:
        gdf["code"] = gdf["code"].astype(str).str.strip().str.zfill(5)
    problems = validate_commune_layer(gdf, file)
    if problems:
        raise DataError(problems)
    for col in ("name", "full_name", "successor_name"):
        if col in gdf.columns:
            gdf[col] = _text(gdf[col])
    return gdf.sort_values("code").reset_index(drop=True)


def coerce_projects(df: pd.DataFrame) -> pd.DataFrame:
    """Cast a validated project table to the schema's dtypes (missing optional columns added)."""
    out = df.copy()
    for col, kind in schema.PROJECT_COLUMNS.items():
        if col not in out.columns:
            out[col] = pd.NA
        if kind == "str":
            out[col] = _text(out[col])
        elif kind == "int":
            out[col] = out[col].map(parse_int).astype("int64")
        elif kind == "float":
            out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    for col, (_kind, default) in schema.PROJECT_OPTIONAL_COLUMNS.items():
        out[col] = _text(out[col]).str.strip().replace("", default) if col in out.columns else default
    out["commune_code"] = out["commune_code"].str.strip().str.zfill(5)
    return out[[*schema.PROJECT_COLUMNS, *schema.PROJECT_OPTIONAL_COLUMNS]]


def coerce_funding(df: pd.DataFrame) -> pd.DataFrame:
    """Cast a validated funding table: amounts to int64 VND (blank = 0)."""
    out = df.copy()
    out["project_id"] = _text(out["project_id"])
    out["source"] = _text(out["source"])
    for col in schema.MONEY_COLUMNS:
        out[col] = out[col].map(lambda v: parse_int(v) if str(v).strip() not in ("", "nan", "None") else 0)
        out[col] = out[col].astype("int64")
    return out[list(schema.FUNDING_COLUMNS)]


def read_table(path: Path) -> pd.DataFrame:
    """Read a UTF-8 CSV as text (so codes keep leading zeros)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def read_projects(path: Path, commune_codes: list[str], unit_codes_2025: Sequence[str] = ()) -> pd.DataFrame:
    """Read and validate the project table against known commune codes (and 2025 unit codes)."""
    df = read_table(path)
    if "status" in df.columns:  # a bundle written before the approval workflow: its old statuses are steps now
        df["status"] = df["status"].map(lambda s: schema.LEGACY_STATUSES.get(s.strip(), s))
    problems = validate_projects(df, Path(path).name, commune_codes, unit_codes_2025)
    if problems:
        raise DataError(problems)
    return coerce_projects(df)


def read_funding(path: Path, project_ids: list[str]) -> pd.DataFrame:
    """Read and validate funding lines; every line must belong to a known project."""
    file = Path(path).name
    df = read_table(path)
    problems = validate_funding(df, file)
    known = set(project_ids)
    problems += [
        Problem.of(file, "err.unknown_project_id", i + 2, "project_id", pid=pid)
        for i, pid in enumerate(df.get("project_id", [])) if pid not in known
    ]
    if problems:
        raise DataError(problems)
    return coerce_funding(df)


def read_crosswalk(path: Path, old_codes: list[str], units_2025: pd.DataFrame) -> pd.DataFrame:
    """Read and validate the old → 2025 crosswalk; ``whole`` and the outside flag become booleans."""
    df = read_table(path)
    problems = validate_crosswalk(df, Path(path).name, old_codes, units_2025)
    if problems:
        raise DataError(problems)
    out = df[list(schema.CROSSWALK_COLUMNS)].copy()
    for col in ("old_name", "new_name", "legal_source"):
        out[col] = _text(out[col])
    for col in ("whole", "new_unit_has_outside_territory"):
        out[col] = out[col].str.strip().eq("true")
    return out.sort_values("old_code").reset_index(drop=True)


def read_vector(path: Path) -> gpd.GeoDataFrame:
    """Any vector layer (zones, points) in EPSG:4326, empty geometries dropped with an error."""
    file = Path(path).name
    gdf = to_geographic(safe_gis.read_local(path), file)
    bad = [Problem.of(file, "err.empty_geometry", i + 2, "geometry")
           for i, g in enumerate(gdf.geometry) if g is None or g.is_empty]
    if bad:
        raise DataError(bad)
    if "commune_code" in gdf.columns:
        gdf["commune_code"] = gdf["commune_code"].astype(str).str.zfill(5)
    return gdf
