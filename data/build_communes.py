"""Build ``data/communes.geojson``: approximate polygons of Tam Đường's 13 pre-2025 communes.

No official commune boundaries are available to this project, so the polygons are
*constructed* from open facts only and are labelled ``boundary_quality = "approximate"``.

Inputs
------
* ``data/units.csv``: codes, names, reported areas and populations.
* ``data/units_2025.csv``: areas of the 2025 communes, four of which are exact unions of
  old Tam Đường communes.
* ``vietnamadminunits`` (MIT): the geocoded centroid and bounding box of every pre-2025
  commune, ours and the neighbouring ones (table ``admin_units_legacy``), and the centroid
  of each 2025 unit (table ``admin_units``).

Target areas
------------
Each commune gets a target area: the reported area where one exists; otherwise the area
implied by its 2025 unit (2025 area minus the reported areas of its partners); where two
or three unknown communes share one remainder, it is split in proportion to their
bounding-box areas. The district total (662.92 km², 2020) fixes the last remainder.

Construction
------------
On a 100 m grid in EPSG:9205 (VN-2000 / TM-3 103-00) covering the district's bounding
box, every cell goes to the seed with the lowest *power* cost
``d² − w + λ·(distance outside the seed's bounding box)²``. Seeds are the 13 communes plus
the neighbouring communes of Lai Châu city, Phong Thổ, Sìn Hồ, Tân Uyên, Sa Pa and Bát
Xát, so the district outline (including the notch of Lai Châu city) comes out of the
same competition instead of being drawn by hand. Only the 13 weights ``w`` are iterated
until every commune's area meets its target (a capacity-constrained power diagram);
the neighbours' weights stay 0 so they absorb whatever the district does not need.
The generators of the members of each 2025 unit are shifted together so that the group's
target-weighted centre falls on that unit's centroid (table ``admin_units``), and the
weights are bounded so that no cell can swallow another commune's geocoded seed.
Stray fragments and enclosed holes are then handed to their neighbours, the raster is
polygonised exactly, stair-steps are removed with a topology-preserving coverage
simplification, and the result is reprojected to EPSG:4326 and snapped to 1e-6°.

Run ``python data/build_communes.py`` to rewrite the file, ``--check`` to verify it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sqlite3
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

DATA_DIR = Path(__file__).resolve().parent
OUTPUT = DATA_DIR / "communes.geojson"
UNITS_CSV = DATA_DIR / "units.csv"
UNITS_2025_CSV = DATA_DIR / "units_2025.csv"

METRIC_CRS = "EPSG:9205"
GEOGRAPHIC_CRS = "EPSG:4326"
DISTRICT_CODE = "106"
DISTRICT_AREA_KM2 = 662.92

CELL_KM = 0.1
#: Weight of the squared distance (km²) outside a seed's bounding box.
BOX_PENALTY = 50.0
#: A box whose shorter side is below this is a geocoder artefact, not an extent.
MIN_BOX_SIDE_KM = 1.5
#: Cells this close to a commune's own seed always belong to it.
SEED_RADIUS_KM = 0.3
#: Radius around each seed that the weights may never give away.
SEED_MARGIN_KM = 0.5
WEIGHT_STEP = 0.3
#: How far around the district bbox neighbouring communes are used as competitors.
NEIGHBOUR_MARGIN_DEG = 0.08
AREA_TOLERANCE = 0.005
MAX_ITERATIONS = 3000
SIMPLIFY_TOLERANCE_M = 300.0
PRECISION_DEG = 1e-6

METHOD = (
    "Capacity-constrained power (weighted Voronoi) partition on a 100 m grid in EPSG:9205, "
    "seeded at vietnamadminunits geocoded centroids (shifted per 2025 unit toward its centroid), "
    "penalised outside each commune's geocoded bounding box, competing with neighbouring "
    "communes' seeds for the district outline, weights iterated to each commune's target area, "
    "then coverage-simplified."
)

UNIT_PREFIX = {"thi_tran": "Thị trấn", "xa": "Xã", "phuong": "Phường"}

# 2025 units that are exact unions of whole old communes of this district.
GROUPS_2025: dict[str, tuple[str, ...]] = {
    "03390": ("03390", "03412", "03413"),
    "03405": ("03400", "03405", "03406"),
    "03424": ("03424", "03427"),
    "03430": ("03430", "03421"),
}
# Communes whose 2025 unit also holds outside territory: they share the district remainder.
REMAINDER_GROUP = ("03394", "03415", "03418")

PROPERTY_ORDER = (
    "code", "name", "full_name", "name_ascii", "unit_type", "successor_code", "successor_name",
    "successor_partial", "area_km2_reported", "area_source", "population_reported",
    "households_reported", "population_source", "area_km2_target", "target_basis",
    "area_km2_approx", "centroid_lon", "centroid_lat", "boundary_quality", "method",
)


@dataclass(frozen=True)
class Seed:
    """A geocoded commune from vietnamadminunits: centroid and (lon/lat) bounding box."""

    code: str
    full_name: str
    lon: float
    lat: float
    bounds: tuple[float, float, float, float] | None  # lon_min, lat_min, lon_max, lat_max


# --- inputs -------------------------------------------------------------------------------


def nfc(text: str) -> str:
    """Unicode NFC, the form every stored name uses."""
    return unicodedata.normalize("NFC", text)


def ascii_name(text: str) -> str:
    """Strip diacritics; ``Đ``/``đ`` become ``D``/``d``."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return bare.replace("Đ", "D").replace("đ", "d")


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV as text (codes keep their leading zeros)."""
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: nfc(v) for k, v in row.items()} for row in csv.DictReader(f)]


def dataset_path() -> Path:
    """Location of the vietnamadminunits SQLite database."""
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data" / "dataset.db"


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """``'lat_min,lon_min – lat_max,lon_max'`` to ``(lon_min, lat_min, lon_max, lat_max)``."""
    low, high = (part.strip() for part in text.replace("–", "|").split("|"))
    lat0, lon0 = (float(v) for v in low.split(","))
    lat1, lon1 = (float(v) for v in high.split(","))
    return lon0, lat0, lon1, lat1


def box_sides_km(bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    """Approximate east-west and north-south sides of a lon/lat box, in km."""
    lon0, lat0, lon1, lat1 = bounds
    mid = math.radians((lat0 + lat1) / 2)
    return (lon1 - lon0) * 111.32 * math.cos(mid), (lat1 - lat0) * 110.57


def load_legacy(db: Path) -> tuple[list[Seed], list[Seed], tuple[float, float, float, float]]:
    """District seeds, neighbouring seeds and the district bbox from vietnamadminunits."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT wardCode, ward, wardLat, wardLon, wardBounds, districtCode, districtBounds "
            "FROM admin_units_legacy ORDER BY wardCode"
        ).fetchall()
    finally:
        con.close()
    district_bbox = parse_bounds(next(r[6] for r in rows if r[5] == DISTRICT_CODE))
    lon0, lat0, lon1, lat1 = district_bbox
    m = NEIGHBOUR_MARGIN_DEG
    inside: list[Seed] = []
    around: list[Seed] = []
    for code, name, lat, lon, bounds, district, _ in rows:
        if code is None or name is None or lat is None or lon is None:
            continue
        box = parse_bounds(bounds) if bounds else None
        if box is not None and min(box_sides_km(box)) < MIN_BOX_SIDE_KM:
            box = None
        seed = Seed(code, nfc(name), float(lon), float(lat), box)
        if district == DISTRICT_CODE:
            inside.append(seed)
        elif lon0 - m <= seed.lon <= lon1 + m and lat0 - m <= seed.lat <= lat1 + m:
            around.append(seed)
    return inside, around, district_bbox


def load_centroids_2025(db: Path) -> dict[str, tuple[float, float]]:
    """(lon, lat) of the 2025 units that are unions of our communes (table ``admin_units``)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT wardCode, wardLon, wardLat FROM admin_units WHERE wardCode IN ({})".format(
                ",".join("?" * len(GROUPS_2025))),
            tuple(GROUPS_2025),
        ).fetchall()
    finally:
        con.close()
    return {code: (float(lon), float(lat)) for code, lon, lat in rows}


def metric_km(points: list[tuple[float, float]], to_metric: Transformer) -> np.ndarray:
    """Lon/lat points as an (n, 2) array of EPSG:9205 coordinates in km."""
    lon, lat = zip(*points)
    x, y = to_metric.transform(np.array(lon), np.array(lat))
    return np.column_stack([x, y]) / 1000


def group_shifts(
    codes: list[str],
    targets: np.ndarray,
    seed_xy: np.ndarray,
    centroids: dict[str, tuple[float, float]],
    to_metric: Transformer,
) -> np.ndarray:
    """Offset (km) from each seed to its power-diagram generator.

    The members of a 2025 unit all move by the gap between that unit's centroid and the
    target-weighted mean of their seeds, so the group's mass sits where the 2025 unit does
    (e.g. Bản Bo + Nà Tăm lie ~3 km east of their geocoded points). Others do not move.
    """
    shift = np.zeros_like(seed_xy)
    index = {c: i for i, c in enumerate(codes)}
    for new_code, members in GROUPS_2025.items():
        rows = [index[c] for c in members]
        mean = np.average(seed_xy[rows], axis=0, weights=targets[rows])
        shift[rows] = metric_km([centroids[new_code]], to_metric)[0] - mean
    return shift


# --- target areas -------------------------------------------------------------------------


def box_area_km2(bounds: tuple[float, float, float, float], to_metric: Transformer) -> float:
    """Area of a lon/lat box in EPSG:9205, km²."""
    ring = shapely.segmentize(shapely.box(*bounds), 0.001)
    return shapely.transform(ring, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1]))).area / 1e6


def target_areas(
    units: list[dict[str, str]], units_2025: list[dict[str, str]], seeds: dict[str, Seed], to_metric: Transformer
) -> dict[str, tuple[float, str]]:
    """Target area (km²) and its basis for each commune."""
    reported = {u["code"]: float(u["area_km2_reported"]) for u in units if u["area_km2_reported"]}
    area_2025 = {u["code"]: float(u["area_km2"]) for u in units_2025}
    targets: dict[str, tuple[float, str]] = {c: (a, "reported") for c, a in reported.items()}
    for new_code, members in GROUPS_2025.items():
        unknown = [c for c in members if c not in reported]
        rest = area_2025[new_code] - sum(reported.get(c, 0.0) for c in members)
        targets.update(split_by_bbox(unknown, rest, seeds, to_metric))
    rest = DISTRICT_AREA_KM2 - sum(a for a, _ in targets.values())
    targets.update(split_by_bbox(list(REMAINDER_GROUP), rest, seeds, to_metric))
    missing = {u["code"] for u in units} - set(targets)
    if missing:
        raise ValueError(f"no target area for {sorted(missing)}")
    return targets


def split_by_bbox(
    codes: list[str], total: float, seeds: dict[str, Seed], to_metric: Transformer
) -> dict[str, tuple[float, str]]:
    """Share ``total`` among ``codes``: all of it to a single one, else by bbox area."""
    if len(codes) == 1:
        return {codes[0]: (round(total, 2), "derived_2025_units")}
    sizes = {c: box_area_km2(seeds[c].bounds, to_metric) for c in codes}
    whole = sum(sizes.values())
    return {c: (round(total * sizes[c] / whole, 2), "split_by_bbox") for c in codes}


# --- power diagram on a grid --------------------------------------------------------------


@dataclass
class Grid:
    """Cell centres of the raster in EPSG:9205 (km) and lon/lat."""

    x0: float  # metres, west edge
    y1: float  # metres, north edge
    nx: int
    ny: int
    x: np.ndarray  # km, flattened row-major from the north-west cell
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def make_grid(bbox: tuple[float, float, float, float], to_metric: Transformer, to_geo: Transformer) -> Grid:
    """A raster covering the district bbox; cells outside the lon/lat bbox are dropped later."""
    edge = shapely.segmentize(shapely.box(*bbox), 0.001)
    ring = shapely.transform(edge, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))
    cell = CELL_KM * 1000
    xmin, ymin, xmax, ymax = ring.bounds
    x0, y0 = math.floor(xmin / cell) * cell, math.floor(ymin / cell) * cell
    nx, ny = math.ceil((xmax - x0) / cell), math.ceil((ymax - y0) / cell)
    y1 = y0 + ny * cell
    cx = x0 + (np.arange(nx) + 0.5) * cell
    cy = y1 - (np.arange(ny) + 0.5) * cell
    xx, yy = np.meshgrid(cx, cy)
    lon, lat = to_geo.transform(xx.ravel(), yy.ravel())
    return Grid(x0, y1, nx, ny, xx.ravel() / 1000, yy.ravel() / 1000, np.asarray(lon), np.asarray(lat))


def outside_box_km(grid: Grid, bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Distance (km, locally flat) from each cell centre to a lon/lat box; 0 inside."""
    lon0, lat0, lon1, lat1 = bounds
    kx = 111.32 * np.cos(np.radians(grid.lat))
    dx = np.maximum(np.maximum(lon0 - grid.lon, grid.lon - lon1), 0.0) * kx
    dy = np.maximum(np.maximum(lat0 - grid.lat, grid.lat - lat1), 0.0) * 110.57
    return np.hypot(dx, dy)


def static_cost(grid: Grid, seed: Seed, generator: tuple[float, float]) -> np.ndarray:
    """Weight-free part of the power cost of every cell for one seed (generator in km)."""
    cost = (grid.x - generator[0]) ** 2 + (grid.y - generator[1]) ** 2
    if seed.bounds is not None:
        cost = cost + BOX_PENALTY * outside_box_km(grid, seed.bounds) ** 2
    return cost


def seed_cells(grid: Grid, seeds: list[Seed], to_metric: Transformer) -> np.ndarray:
    """Label (index into seeds) forced on cells near a seed, −1 elsewhere."""
    forced = np.full(grid.x.size, -1)
    for i, seed in enumerate(seeds):
        sx, sy = (v / 1000 for v in to_metric.transform(seed.lon, seed.lat))
        forced[np.hypot(grid.x - sx, grid.y - sy) <= SEED_RADIUS_KM] = i
    return forced


def assign(cost: np.ndarray, weights: np.ndarray, foreign: np.ndarray, forced: np.ndarray) -> np.ndarray:
    """Label of each cell: commune index, or −1 for the neighbouring communes."""
    own = cost - weights[:, None]
    best = own.argmin(axis=0)
    labels = np.where(own[best, np.arange(own.shape[1])] <= foreign, best, -1)
    return np.where(forced >= 0, forced, labels)


def components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """4-connected components of a 2-D boolean mask (0 = background), by union-find."""
    ny, nx = mask.shape
    parent = np.arange(mask.size)

    def root(i: np.ndarray) -> np.ndarray:
        while True:
            p = parent[i]
            if np.array_equal(p, i):
                return i
            i = p

    idx = np.arange(mask.size).reshape(ny, nx)
    pairs = [
        (idx[:, :-1][mask[:, :-1] & mask[:, 1:]], idx[:, 1:][mask[:, :-1] & mask[:, 1:]]),
        (idx[:-1, :][mask[:-1, :] & mask[1:, :]], idx[1:, :][mask[:-1, :] & mask[1:, :]]),
    ]
    a = np.concatenate([p[0] for p in pairs])
    b = np.concatenate([p[1] for p in pairs])
    # Pointer-jumping label propagation: vectorised and deterministic.
    changed = True
    while changed:
        ra, rb = root(a), root(b)
        lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
        diff = lo != hi
        changed = bool(diff.any())
        if changed:
            np.minimum.at(parent, hi[diff], lo[diff])
        parent = parent[parent]
    roots = root(np.arange(mask.size))
    out = np.zeros(mask.size, dtype=np.int64)
    uniq, inv = np.unique(roots[mask.ravel()], return_inverse=True)
    out[mask.ravel()] = inv + 1
    return out.reshape(ny, nx), len(uniq)


def clean_labels(labels: np.ndarray, grid: Grid, forced: np.ndarray, n: int) -> np.ndarray:
    """Make each commune one piece holding its seed and the district one hole-free piece.

    Cut-off fragments and enclosed non-district holes are re-assigned, layer by layer from
    their edge, to the adjacent kept label with most shared sides.
    """
    lab = labels.reshape(grid.ny, grid.nx).copy()
    seeds_2d = forced.reshape(grid.ny, grid.nx)
    orphan = np.zeros_like(lab, dtype=bool)
    for i in range(n):
        comp, count = components(lab == i)
        if count > 1:
            keep = np.unique(comp[(seeds_2d == i) & (comp > 0)])
            orphan |= (comp > 0) & ~np.isin(comp, keep)
    district = (lab >= 0) & ~orphan
    outside, count = components(~district)
    border = np.unique(np.concatenate([outside[0], outside[-1], outside[:, 0], outside[:, -1]]))
    orphan |= (outside > 0) & ~np.isin(outside, border)
    comp, count = components(district)
    if count > 1:
        sizes = np.bincount(comp.ravel())[1:]
        orphan |= (comp > 0) & (comp != 1 + int(sizes.argmax()))
    return fill_orphans(lab, orphan, n).ravel()


def fill_orphans(lab: np.ndarray, orphan: np.ndarray, n: int) -> np.ndarray:
    """Give each orphan cell the label most common among its kept 4-neighbours, repeatedly."""
    lab = lab.copy()
    orphan = orphan.copy()
    while orphan.any():
        votes = np.zeros((n + 1,) + lab.shape, dtype=np.int64)  # index 0 is "outside" (−1)
        kept = np.where(orphan, -2, lab)
        for shifted in (
            np.pad(kept, ((1, 0), (0, 0)), constant_values=-2)[:-1],
            np.pad(kept, ((0, 1), (0, 0)), constant_values=-2)[1:],
            np.pad(kept, ((0, 0), (1, 0)), constant_values=-2)[:, :-1],
            np.pad(kept, ((0, 0), (0, 1)), constant_values=-2)[:, 1:],
        ):
            for k in range(-1, n):
                votes[k + 1] += shifted == k
        has = votes.sum(axis=0) > 0
        take = orphan & has
        if not take.any():
            raise RuntimeError("orphan cells with no labelled neighbour")
        lab[take] = votes.argmax(axis=0)[take] - 1
        orphan &= ~take
    return lab


def cell_areas_km2(grid: Grid, labels: np.ndarray, n: int) -> np.ndarray:
    """Area per commune (km²) of a labelling; every cell is CELL_KM² in EPSG:9205."""
    counts = np.bincount(labels[labels >= 0], minlength=n)
    return counts * CELL_KM**2


def seed_margins(
    seed_xy: np.ndarray, gen_xy: np.ndarray, cost_at_seeds: np.ndarray, foreign_at_seeds: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weight bounds that keep a disc of SEED_MARGIN_KM around every seed in its own cell.

    ``cost_at_seeds[j, i]`` is commune j's static cost at seed i. The result ``cap[i, j]``
    bounds ``w_j − w_i`` and ``floor[i]`` bounds ``w_i`` from below (the neighbours' weights
    are 0). Without them a heavy cell can swallow a light neighbour's seed (Bản Bo did so to
    Nà Tăm), cutting that commune off from its own centroid.
    """
    r = SEED_MARGIN_KM
    reach = np.hypot(*(seed_xy[:, None, :] - gen_xy[None, :, :]).transpose(2, 0, 1))  # |s_i − g_j|
    own = np.diag(cost_at_seeds)
    own_reach = np.diag(reach)
    cap = cost_at_seeds.T - own[:, None] - 2 * r * (reach + own_reach[:, None]) - r**2
    foreign_drop = 2 * r * np.sqrt(np.maximum(foreign_at_seeds, 0.0))
    floor = own + 2 * r * own_reach + r**2 - foreign_at_seeds + foreign_drop
    return cap, floor


def project_weights(weights: np.ndarray, cap: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Lower offending weights until ``w_j ≤ w_i + cap[i, j]`` and raise them to ``floor``."""
    w = np.maximum(weights, floor)
    for _ in range(w.size * 4):
        bound = np.min(w[:, None] + cap + np.diag(np.full(w.size, np.inf)), axis=0)
        if np.all(w <= bound + 1e-12):
            break
        w = np.minimum(w, bound)
    return w


def solve_weights(
    cost: np.ndarray,
    foreign: np.ndarray,
    forced: np.ndarray,
    targets: np.ndarray,
    grid: Grid,
    seed_index: np.ndarray,
    seed_xy: np.ndarray,
    gen_xy: np.ndarray,
) -> np.ndarray:
    """Iterate the power weights until every commune's (cleaned) raster area meets its target."""
    n = targets.size
    cap, floor = seed_margins(seed_xy, gen_xy, cost[:, seed_index], foreign[seed_index])
    weights = project_weights(np.zeros(n), cap, floor)
    for _ in range(MAX_ITERATIONS):
        labels = assign(cost, weights, foreign, forced)
        error = targets - cell_areas_km2(grid, labels, n)
        if np.all(np.abs(error) <= AREA_TOLERANCE * targets):
            # Cleaning is costly, so only a converged raw labelling is cleaned and re-measured.
            labels = clean_labels(labels, grid, forced, n)
            error = targets - cell_areas_km2(grid, labels, n)
            if np.all(np.abs(error) <= AREA_TOLERANCE * targets):
                return labels
        weights = project_weights(weights + WEIGHT_STEP * error, cap, floor)
    raise RuntimeError(f"weights did not converge: relative errors {np.round(error / targets, 4)}")


def polygonise(grid: Grid, labels: np.ndarray, n: int) -> list[shapely.Polygon]:
    """Exact stair-step polygon (EPSG:9205, metres) of each label's cells."""
    cell = CELL_KM * 1000
    rows, cols = np.divmod(np.arange(labels.size), grid.nx)
    polys = []
    for i in range(n):
        sel = labels == i
        xmin = grid.x0 + cols[sel] * cell
        ymax = grid.y1 - rows[sel] * cell
        boxes = shapely.box(xmin, ymax - cell, xmin + cell, ymax)
        merged = shapely.coverage_union_all(boxes)
        if merged.geom_type != "Polygon":
            raise RuntimeError(f"commune {i} is not a single polygon: {merged.geom_type}")
        polys.append(merged)
    return polys


# --- output geometry ----------------------------------------------------------------------


def finish(polys: list[shapely.Polygon], to_geo: Transformer) -> list[shapely.Polygon]:
    """Simplify the coverage, reproject to lon/lat and snap to PRECISION_DEG."""
    simple = shapely.coverage_simplify(np.array(polys, dtype=object), SIMPLIFY_TOLERANCE_M)
    geo = shapely.transform(simple, lambda xy: np.column_stack(to_geo.transform(xy[:, 0], xy[:, 1])))
    snapped = shapely.set_precision(shapely.GeometryCollection(list(geo)), PRECISION_DEG)
    out = [shapely.orient_polygons(g, exterior_cw=False) for g in shapely.get_parts(snapped)]
    if len(out) != len(polys) or any(g.geom_type != "Polygon" for g in out):
        raise RuntimeError("snapping changed the polygon set")
    return out


def check_coverage(geoms: list[shapely.Polygon], seeds: list[Seed]) -> None:
    """Raise unless the polygons form a valid, gap-free single-piece coverage holding their seeds."""
    arr = np.array(geoms, dtype=object)
    if not all(shapely.is_valid(arr)) or not shapely.coverage_is_valid(arr):
        raise RuntimeError("invalid coverage")
    union = shapely.union_all(arr)
    if union.geom_type != "Polygon" or len(union.interiors):
        raise RuntimeError(f"district union is a {union.geom_type} with holes")
    for g, s in zip(geoms, seeds):
        if not g.contains(shapely.Point(s.lon, s.lat)):
            raise RuntimeError(f"seed of {s.code} falls outside its polygon")


# --- assembly -----------------------------------------------------------------------------


def successor_full_name(row: dict[str, str]) -> str:
    """``'Xã Bình Lư'`` from the successor's short name and type."""
    return f"{UNIT_PREFIX[row['successor_type']]} {row['successor_name']}"


def opt_float(text: str) -> float | None:
    """A number, or None for an empty cell."""
    return float(text) if text else None


def opt_int(text: str) -> int | None:
    """An integer, or None for an empty cell."""
    return int(text) if text else None


def opt_str(text: str) -> str | None:
    """Text, or None for an empty cell."""
    return text or None


def build() -> gpd.GeoDataFrame:
    """Construct the 13 approximate commune polygons (EPSG:4326), sorted by code."""
    to_metric = Transformer.from_crs(GEOGRAPHIC_CRS, METRIC_CRS, always_xy=True)
    to_geo = Transformer.from_crs(METRIC_CRS, GEOGRAPHIC_CRS, always_xy=True)
    units = sorted(read_csv(UNITS_CSV), key=lambda u: u["code"])
    db = dataset_path()
    inside, around, bbox = load_legacy(db)
    by_code = {s.code: s for s in inside}
    seeds = [by_code[u["code"]] for u in units]
    targets = target_areas(units, read_csv(UNITS_2025_CSV), by_code, to_metric)
    target = np.array([targets[u["code"]][0] for u in units])

    seed_xy = metric_km([(s.lon, s.lat) for s in seeds], to_metric)
    shift = group_shifts([u["code"] for u in units], target, seed_xy, load_centroids_2025(db), to_metric)
    gen_xy = seed_xy + shift
    around_xy = metric_km([(s.lon, s.lat) for s in around], to_metric)

    grid = make_grid(bbox, to_metric, to_geo)
    cost = np.stack([static_cost(grid, s, g) for s, g in zip(seeds, gen_xy)])
    foreign = np.min(np.stack([static_cost(grid, s, g) for s, g in zip(around, around_xy)]), axis=0)
    lon0, lat0, lon1, lat1 = bbox
    beyond = (grid.lon < lon0) | (grid.lon > lon1) | (grid.lat < lat0) | (grid.lat > lat1)
    foreign = np.where(beyond, -np.inf, foreign)
    forced = seed_cells(grid, seeds, to_metric)
    seed_index = np.array([int(np.argmin(np.hypot(grid.x - x, grid.y - y))) for x, y in seed_xy])

    labels = solve_weights(cost, foreign, forced, target, grid, seed_index, seed_xy, gen_xy)
    geoms = finish(polygonise(grid, labels, len(seeds)), to_geo)
    check_coverage(geoms, seeds)

    metric_area = gpd.GeoSeries(geoms, crs=GEOGRAPHIC_CRS).to_crs(METRIC_CRS).area / 1e6
    records = []
    for u, s, g, area in zip(units, seeds, geoms, metric_area):
        records.append({
            "code": u["code"],
            "name": u["name"],
            "full_name": s.full_name,
            "name_ascii": ascii_name(u["name"]),
            "unit_type": u["unit_type"],
            "successor_code": u["successor_code"],
            "successor_name": successor_full_name(u),
            "successor_partial": u["successor_partial"] == "true",
            "area_km2_reported": opt_float(u["area_km2_reported"]),
            "area_source": opt_str(u["area_source"]),
            "population_reported": opt_int(u["population_reported"]),
            "households_reported": opt_int(u["households_reported"]),
            "population_source": opt_str(u["population_source"]),
            "area_km2_target": targets[u["code"]][0],
            "target_basis": targets[u["code"]][1],
            "area_km2_approx": round(float(area), 2),
            "centroid_lon": s.lon,
            "centroid_lat": s.lat,
            "boundary_quality": "approximate",
            "method": METHOD,
            "geometry": g,
        })
    return gpd.GeoDataFrame(records, geometry="geometry", crs=GEOGRAPHIC_CRS)


def ring_coords(ring: shapely.LinearRing) -> list[list[float]]:
    """Ring coordinates rounded to the snapping grid (shortest float repr)."""
    digits = round(-math.log10(PRECISION_DEG))
    return [[round(x, digits), round(y, digits)] for x, y in ring.coords]


def to_geojson_text(gdf: gpd.GeoDataFrame) -> str:
    """Byte-stable GeoJSON: one feature per line, properties in PROPERTY_ORDER."""
    lines = []
    for _, row in gdf.sort_values("code").iterrows():
        geom = row.geometry
        feature = {
            "type": "Feature",
            "properties": {k: to_json_value(row[k]) for k in PROPERTY_ORDER},
            "geometry": {
                "type": "Polygon",
                "coordinates": [ring_coords(geom.exterior)] + [ring_coords(r) for r in geom.interiors],
            },
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    head = '{"type":"FeatureCollection","name":"communes","features":[\n'
    return head + ",\n".join(lines) + "\n]}\n"


def to_json_value(value: object) -> object:
    """Plain JSON scalars from pandas/numpy values (NaN and None become null)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def main(argv: list[str] | None = None) -> int:
    """Write data/communes.geojson, or with ``--check`` report whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    args = parser.parse_args(argv)
    text = to_geojson_text(build())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
        if current != text:
            print(f"{OUTPUT.name} is out of date; run python data/build_communes.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT.name} is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
