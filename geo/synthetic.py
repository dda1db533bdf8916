"""Synthetic coverages and project pipelines for benchmarks and tests (never shown as real data).

:func:`coverage` builds ``n`` communes that tile a box with no gap or overlap and
share wiggly borders, like surveyed boundaries: a Voronoi diagram of jittered grid
points, its edge network noded once (so neighbours share every vertex), densified
and bent by one smooth displacement field (the same vertex moves the same way in
both neighbours), then polygonised back into cells. :func:`projects` scatters
geocoded projects with funding lines over it; :func:`write_bundle` writes a data
folder (``atlas.toml``, ``layers.json`` marked *illustrative*, layers) that the
app loads through ``$ATLAS_BUNDLE_DIR``. Everything is deterministic by ``seed``.

Examples
--------
>>> c = coverage(30, seed=1)
>>> len(c), c["code"].is_unique, bool(shapely.coverage_is_valid(c.to_crs(METRIC).geometry.to_numpy()))
(30, True, True)
>>> p, f = projects(c, 100, seed=1)
>>> len(p), set(p["commune_code"]) <= set(c["code"]), bool((f["disbursed"] <= f["committed"]).all())
(100, True, True)
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from geo.analysis import aggregate
from geo.ingest.atlas_toml import to_toml
from geo.model import schema
from geo.model.config import DEFAULT, AtlasConfig

#: VN-2000 / UTM 48N: the synthetic country is laid out in it (northern Vietnam's latitudes).
METRIC = schema.NATIONAL_CRS
ORIGIN = (300_000.0, 1_900_000.0)
SYLLABLES = ("Nà", "Bản", "Pá", "Sin", "Hồ", "Tả", "Lèng", "Khun", "Há", "Phìn", "Giang", "Ma",
             "Hua", "Bum", "Mường", "Chăn", "Nậm", "Lùng", "Thàng", "Sơn", "Bình", "Phong", "Tân", "Lư")
DONORS = ("JICA", "KOICA", "ADB", "World Bank", "EU", "UNDP", "IFAD", "")


def _names(n: int) -> list[str]:
    """Unique names from three syllables (mixed radix on the index)."""
    k = len(SYLLABLES)
    return [f"{SYLLABLES[i % k]} {SYLLABLES[(i // k) % k]} {SYLLABLES[(i // k // k) % k]}" for i in range(n)]


def _displace(xy: np.ndarray, cell: float, seed: int) -> np.ndarray:
    """A smooth, fold-free displacement field (three octaves; its gradient stays well below 1)."""
    rng = np.random.default_rng(seed + 7919)
    out = xy.copy()
    for wavelength, amp in ((cell, 0.04 * cell), (cell / 5, 0.008 * cell), (cell / 25, 0.0016 * cell)):
        k = 2 * math.pi / wavelength
        p = rng.uniform(0, 2 * math.pi, 4)
        x, y = xy[:, 0], xy[:, 1]
        out[:, 0] += amp * np.sin(k * x + p[0]) * np.cos(k * y + p[1])
        out[:, 1] += amp * np.cos(k * x + p[2]) * np.sin(k * y + p[3])
    return out


def coverage(n: int, seed: int = 0, cell_m: float = 5_500.0, vertex_m: float | None = None,
             origin: tuple[float, float] = ORIGIN) -> gpd.GeoDataFrame:
    """``n`` communes tiling a box (EPSG:4326), with the columns of ``data/communes.geojson``.

    ``cell_m`` is the grid spacing (≈ √ of a commune's area; 5.5 km ≈ Vietnam's pre-2025 average),
    ``vertex_m`` the border vertex spacing (default ``cell_m / 55``: ~200 vertices per commune).
    Codes are 5 digits from 10000; every three consecutive communes merge into one 2025 unit
    (codes from 50000), like the 2025 reform.
    """
    if not 1 <= n <= 80_000:
        raise ValueError("n must be between 1 and 80000")
    rng = np.random.default_rng(seed)
    nx = math.ceil(math.sqrt(n))
    ny = math.ceil(n / nx)
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny))
    seeds = np.c_[gx.ravel()[:n], gy.ravel()[:n]].astype("float64") + 0.5
    seeds += rng.uniform(-0.35, 0.35, seeds.shape)
    seeds = seeds * cell_m + origin
    frame = box(origin[0], origin[1], origin[0] + nx * cell_m, origin[1] + ny * cell_m)
    if n == 1:
        cells = np.array([frame])
    else:
        cells = np.array(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True).geoms)
        cells = shapely.intersection(cells, frame)
    # One noded edge network: every shared border exists once, so both neighbours get the same vertices.
    edges = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.boundary(cells))))
    edges = shapely.segmentize(edges, vertex_m or cell_m / 55)
    coords = shapely.get_coordinates(edges)
    edges = shapely.set_coordinates(edges, _displace(coords, cell_m, seed))
    polys = shapely.get_parts(shapely.polygonize(edges))
    moved = shapely.points(_displace(seeds, cell_m, seed))
    pi, gi = shapely.STRtree(polys).query(moved, predicate="intersects")
    if len(pi) != n or len(set(gi.tolist())) != n:
        raise RuntimeError("synthetic coverage could not match cells to seeds")
    geoms = np.empty(n, dtype=object)
    geoms[pi] = polys[gi]
    codes = [f"{10_000 + i:05d}" for i in range(n)]
    names = _names(n)
    new_codes = [f"{50_000 + i // 3:05d}" for i in range(n)]
    new_names = _names(n // 3 + 1)
    gdf = gpd.GeoDataFrame({
        "code": codes, "name": names, "full_name": [f"Xã {x}" for x in names],
        "name_ascii": [schema_ascii(x) for x in names], "unit_type": "xa",
        "successor_code": new_codes, "successor_name": [f"Xã {new_names[i // 3]}" for i in range(n)],
        "successor_partial": False, "area_km2_reported": np.nan, "area_source": "",
        "population_reported": rng.integers(2_000, 15_000, n).astype("float64"),
        "households_reported": np.nan, "population_source": "synthetic", "boundary_quality": "illustrative",
    }, geometry=geoms, crs=METRIC)
    return gdf.to_crs(schema.GEOGRAPHIC_CRS)


def schema_ascii(text: str) -> str:
    """Name without diacritics (``Mường`` → ``Muong``)."""
    from geo.ingest.names import strip_accents

    return strip_accents(text)


def units_2025(communes: gpd.GeoDataFrame) -> pd.DataFrame:
    """The ``units_2025`` table for a synthetic coverage (one row per successor code)."""
    first = communes.drop_duplicates("successor_code")
    return pd.DataFrame({"code": first["successor_code"].to_numpy(),
                         "name": first["successor_name"].str.removeprefix("Xã ").to_numpy(),
                         "unit_type": "xa", "area_km2": "", "outside_territory": "false", "legal_source": "synthetic"})


def projects(communes: gpd.GeoDataFrame, n: int, seed: int = 0, lines_per_project: float = 2.0,
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` geocoded projects (schema columns, each inside a commune) and their funding lines.

    Points are uniform over the coverage; ``commune_code`` is the commune containing each
    (via :func:`geo.analysis.aggregate.locate`). Each project has 1 to ``2·lines_per_project − 1`` lines
    from distinct sources; 0 ≤ disbursed ≤ committed, amounts in VND.
    """
    rng = np.random.default_rng(seed + 1)
    minx, miny, maxx, maxy = communes.total_bounds
    tree = shapely.STRtree(communes.geometry.to_numpy())
    lon = np.empty(0)
    lat = np.empty(0)
    idx = np.empty(0, dtype=np.int64)
    while len(idx) < n:  # a few points fall outside the wiggly outer border: draw again
        m = int((n - len(idx)) * 1.1) + 16
        x, y = rng.uniform(minx, maxx, m).round(6), rng.uniform(miny, maxy, m).round(6)
        i = aggregate.locate(x, y, communes, tree)
        ok = i >= 0
        lon, lat, idx = np.r_[lon, x[ok]][:n], np.r_[lat, y[ok]][:n], np.r_[idx, i[ok]][:n]
    statuses = np.array([s.key for s in schema.STATUSES])
    start = rng.integers(2021, 2026, n)
    ids = np.char.add("SYN-", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    status = statuses[rng.integers(0, len(statuses), n)]
    p = pd.DataFrame({
        "project_id": ids, "name_vi": np.char.add("Dự án tổng hợp ", ids), "name_en": np.char.add("Synthetic project ", ids),
        "description": "", "commune_code": communes["code"].to_numpy()[idx],
        "content_area": rng.integers(1, 11, n), "status": status, "start_year": start,
        "end_year": start + rng.integers(0, 4, n), "lead_agency": "", "donor": np.array(DONORS)[rng.integers(0, len(DONORS), n)],
        "lon": lon, "lat": lat, "quality": "illustrative",
    })
    k = rng.integers(1, max(2, int(round(2 * lines_per_project))), n)
    owner = np.repeat(np.arange(n), k)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(k) - k, k)
    src_keys = np.array([s.key for s in schema.FUNDING_SOURCES])
    first_src = rng.integers(0, len(src_keys), n)
    source = src_keys[(first_src[owner] + offset) % len(src_keys)]  # distinct sources within a project
    need = rng.integers(1, 500, len(owner)).astype("int64") * 100_000_000
    committed = (need * rng.uniform(0, 1.1, len(owner))).astype("int64") // 1_000_000 * 1_000_000
    disbursed = (committed * rng.uniform(0, 1, len(owner))).astype("int64") // 1_000_000 * 1_000_000
    f = pd.DataFrame({"project_id": ids[owner], "source": source, "need": need, "committed": committed,
                      "disbursed": disbursed})
    return p, f


def _zones(communes: gpd.GeoDataFrame, rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, ...]:
    """A few crop zones, risk zones and landslide points, so every indicator has data."""
    metric = communes.to_crs(METRIC)
    k = max(3, len(communes) // 50)
    pick = rng.choice(len(communes), size=min(k, len(communes)), replace=False)
    pts = metric.geometry.iloc[pick].representative_point()
    crops = list(schema.CROPS)
    crop = gpd.GeoDataFrame({
        "zone_id": [f"CZ-{i:05d}" for i in range(len(pick))], "crop": [crops[i % len(crops)] for i in range(len(pick))],
        "commune_code": communes["code"].to_numpy()[pick], "area_ha_reported": np.nan, "area_source": "",
        "geometry_note": "synthetic", "quality": "illustrative",
    }, geometry=pts.buffer(600).to_numpy(), crs=METRIC)
    risk = gpd.GeoDataFrame({"zone_id": ["RZ-high", "RZ-medium"], "risk_level": ["high", "medium"],
                             "basis": "synthetic", "quality": "illustrative"},
                            geometry=[pts.iloc[:2].buffer(1500).union_all(), pts.iloc[2:3].buffer(3000).union_all()],
                            crs=METRIC)
    events = gpd.GeoDataFrame({
        "event_id": [f"LS-{i:05d}" for i in range(len(pick))], "date": "2020-07", "kind": "landslide",
        "commune_code": communes["code"].to_numpy()[pick], "place": "", "location_accuracy": "exact", "deaths": 0,
        "injured": np.nan, "description_vi": "Sạt lở (tổng hợp)", "description_en": "Landslide (synthetic)",
        "source": "synthetic", "reliability": "C",
    }, geometry=pts.to_numpy(), crs=METRIC)
    return tuple(g.to_crs(schema.GEOGRAPHIC_CRS) for g in (crop, risk, events))


def write_bundle(path: Path | str, communes: gpd.GeoDataFrame, project_table: pd.DataFrame,
                 lines: pd.DataFrame, config: AtlasConfig, seed: int = 0) -> Path:
    """Write a data folder the app can load (``ATLAS_BUNDLE_DIR=path``): config, manifest, layers.

    Every layer is marked *illustrative* in its provenance, so maps say the data is not real.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    crop, risk, events = _zones(communes, np.random.default_rng(seed + 2))
    communes.to_file(path / "communes.geojson", driver="GeoJSON")
    crop.to_file(path / "crop_zones.geojson", driver="GeoJSON")
    risk.to_file(path / "risk_zones.geojson", driver="GeoJSON")
    events.to_file(path / "landslide_events.geojson", driver="GeoJSON")
    project_table.to_csv(path / "projects.csv", index=False)
    lines.to_csv(path / "project_funding.csv", index=False)
    units_2025(communes).to_csv(path / "units_2025.csv", index=False)
    files = {"communes": "communes.geojson", "projects": "projects.csv", "funding": "project_funding.csv",
             "crop_zones": "crop_zones.geojson", "risk_zones": "risk_zones.geojson",
             "landslide_events": "landslide_events.geojson", "units_2025": "units_2025.csv"}
    manifest = {layer: {"file": file, "title_vi": f"{layer} (dữ liệu tổng hợp)", "title_en": f"{layer} (synthetic)",
                        "source": "geo/synthetic.py (generated, not real)", "licence": "CC0", "date": "2026-01-01",
                        "quality": "illustrative", "method": f"synthetic, seed {seed}"}
                for layer, file in files.items()}
    (path / config.manifest).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    (path / "atlas.toml").write_text(to_toml(config), encoding="utf-8")
    return path


def country(path: Path | str, n: int, n_projects: int, seed: int = 0) -> Path:
    """A whole synthetic data folder: ``n`` communes, ``n_projects`` projects, a config naming it synthetic
    (title, extent, metric CRS), for the scale benchmarks and the country-scale browser tests."""
    communes = coverage(n, seed)
    p, f = projects(communes, n_projects, seed)
    x0, y0, x1, y1 = communes.to_crs(4326).total_bounds  # the synthetic country is not Lai Châu
    cfg = dataclasses.replace(DEFAULT, extent=(float(x0) - 0.1, float(y0) - 0.1, float(x1) + 0.1, float(y1) + 0.1),
                  id=f"synthetic-{n}", name=schema.Label(f"{n} xã tổng hợp", f"{n} synthetic communes"),
                  province=schema.Label("Dữ liệu tổng hợp", "Synthetic data"),
                  title=schema.Label(f"Bản đồ thử nghiệm {n} xã", f"Synthetic atlas, {n} communes"), metric_crs=METRIC)
    return write_bundle(path, communes, p, f, cfg, seed)


__all__ = ["METRIC", "coverage", "projects", "units_2025", "write_bundle", "country"]
