"""Read a DEM GeoTIFF window by window and screen it (issue 19): slope classes, frequency ratio, AUC.

The arithmetic is :mod:`geo.analysis.terrain`; this module only reads. The raster is never copied whole:
rows are read in blocks of :data:`BLOCK_ROWS` with a one-row halo (a geographic DEM through a
:class:`rasterio.vrt.WarpedVRT` to UTM 48N, so slopes are in metres). Bad input raises
:class:`geo.ingest.validate.DataError` with a bilingual message and nothing is written.

>>> MAX_DEM_BYTES // 2**30
2
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import rasterio
from rasterio.enums import Resampling
from rasterio.transform import rowcol
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform as warp_transform
from rasterio.windows import Window

from geo.analysis import terrain
from geo.ingest.validate import DataError, Problem

#: Largest DEM file accepted, checked before the file is opened.
MAX_DEM_BYTES = 2 * 1024**3
#: The metric CRS a geographic DEM is warped to (UTM zone 48N covers Lai Châu).
METRIC_CRS = "EPSG:32648"
#: Rows per block read (plus the halo).
BLOCK_ROWS = 256
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


@dataclass
class Screening:
    """What :func:`screen_dem` found: cells and events per slope class, frequency ratio and its AUC."""

    file: str
    crs: str
    reprojected: bool
    cell_m: tuple[float, float]
    area_cells: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(terrain.N_CLASSES, np.int64))
    event_cells: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(terrain.N_CLASSES, np.int64))
    events_total: int = 0

    @property
    def events_outside(self) -> int:
        """Events off the DEM or on cells without a slope (edge, no data)."""
        return self.events_total - int(self.event_cells.sum())

    @property
    def ratio(self) -> npt.NDArray[np.floating]:
        return terrain.frequency_ratio(self.area_cells, self.event_cells)

    @property
    def auc(self) -> float:
        return terrain.success_rate_auc(self.area_cells, self.event_cells)


def check_dem_file(path: Path) -> None:
    """Refuse a missing, oversized (checked before reading) or non-GeoTIFF file."""
    name = path.name
    if not path.is_file():
        raise DataError([Problem.of(name, "err.file_not_found", path=str(path))])
    size = path.stat().st_size
    if size > MAX_DEM_BYTES:
        raise DataError([Problem.of(name, "err.dem_too_big", mb=round(size / 2**20),
                                    limit=MAX_DEM_BYTES // 2**20)])
    with path.open("rb") as fh:
        if fh.read(4) not in _TIFF_MAGIC:
            raise DataError([Problem.of(name, "err.dem_not_geotiff")])


def _open(path: Path, stack: ExitStack):
    """The dataset to read, in a metric CRS: the file itself, or a warped view of a geographic one."""
    name = path.name
    try:
        src = stack.enter_context(rasterio.open(path))
    except rasterio.errors.RasterioIOError:
        raise DataError([Problem.of(name, "err.dem_not_geotiff")]) from None
    if src.crs is None:
        raise DataError([Problem.of(name, "err.dem_no_crs")])
    if src.crs.is_geographic:
        vrt = stack.enter_context(WarpedVRT(src, crs=METRIC_CRS, resampling=Resampling.bilinear,
                                            src_nodata=src.nodata, nodata=-32768.0, dtype="float32"))
        return vrt, True
    units = (src.crs.linear_units or "").lower()
    if units not in ("metre", "meter", "m", "metres", "meters"):
        raise DataError([Problem.of(name, "err.dem_units", units=units or "?")])
    return src, False


def _blocks(ds) -> Iterator[tuple[int, npt.NDArray[np.float64]]]:
    """(first row, block with a one-cell NaN/neighbour halo on every side) for each block of rows."""
    height, width = ds.height, ds.width
    for r0 in range(0, height, BLOCK_ROWS):
        r1 = min(r0 + BLOCK_ROWS, height)
        a, b = max(r0 - 1, 0), min(r1 + 1, height)
        band = ds.read(1, window=Window(0, a, width, b - a), masked=True).astype(np.float64).filled(np.nan)
        block = np.full((r1 - r0 + 2, width + 2), np.nan)
        top = 1 - (r0 - a)
        block[top:top + (b - a), 1:-1] = band
        yield r0, block


def screen_dem(path: str | Path, events_lonlat: tuple[npt.ArrayLike, npt.ArrayLike] = ((), ()),
               hillshade_out: str | Path | None = None) -> Screening:
    """Slope classes of the DEM at ``path``, the landslide events (lon, lat in WGS 84) in each, and optionally
    a hillshade GeoTIFF written block by block to ``hillshade_out`` (in the CRS the slope was computed in)."""
    path = Path(path)
    check_dem_file(path)
    with ExitStack() as stack:
        ds, warped = _open(path, stack)
        tr = ds.transform
        dx, dy = abs(tr.a), abs(tr.e)
        result = Screening(path.name, ds.crs.to_string(), warped, (dx, dy))
        lon = np.asarray(events_lonlat[0], dtype=np.float64)
        lat = np.asarray(events_lonlat[1], dtype=np.float64)
        result.events_total = len(lon)
        rows = cols = np.zeros(0, dtype=np.int64)
        if len(lon):
            xs, ys = warp_transform("EPSG:4326", ds.crs, lon.tolist(), lat.tolist())
            r, c = rowcol(tr, xs, ys, op=math.floor)
            rows, cols = np.asarray(r, dtype=np.int64), np.asarray(c, dtype=np.int64)
        shade = None
        if hillshade_out is not None:
            profile = {"driver": "GTiff", "height": ds.height, "width": ds.width, "count": 1, "dtype": "uint8",
                       "crs": ds.crs, "transform": tr, "nodata": 0, "compress": "deflate"}
            shade = stack.enter_context(rasterio.open(hillshade_out, "w", **profile))
        valid = 0
        for r0, block in _blocks(ds):
            valid += int(np.count_nonzero(~np.isnan(block[1:-1, 1:-1])))
            cls = terrain.slope_class(terrain.slope_interior(block, dx, dy))
            result.area_cells += terrain.class_counts(cls)
            inside = (rows >= r0) & (rows < r0 + cls.shape[0]) & (cols >= 0) & (cols < ds.width)
            if inside.any():
                result.event_cells += terrain.class_counts(cls[rows[inside] - r0, cols[inside]])
            if shade is not None:
                shade.write(terrain.hillshade_interior(block, dx, dy), 1,
                            window=Window(0, r0, ds.width, cls.shape[0]))
        if valid == 0:
            raise DataError([Problem.of(path.name, "err.dem_all_nodata")])
    return result


_LON = ("lon", "lng", "long", "longitude", "x", "kinh_do")
_LAT = ("lat", "latitude", "y", "vi_do")
#: Event types counted as landslides (the screening is for landslides; flash floods are not counted).
LANDSLIDE_TYPES = ("landslide", "trượt lở", "sạt lở", "trượt lở đất", "sạt lở đất")


def read_event_points(path: str | Path) -> tuple[list[float], list[float]]:
    """Longitudes and latitudes (WGS 84) of the landslide events in a CSV with lon/lat columns.

    A ``type`` column, when present, keeps only landslides. Bad numbers are refused naming row and column.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise DataError([Problem.of(name, "err.file_not_found", path=str(path))])
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = {h.strip().lower(): h for h in (reader.fieldnames or [])}
    lon_col = next((header[h] for h in _LON if h in header), None)
    lat_col = next((header[h] for h in _LAT if h in header), None)
    if lon_col is None or lat_col is None:
        raise DataError([Problem.of(name, "err.events_no_coords")])
    type_col = header.get("type") or header.get("loai")
    lons: list[float] = []
    lats: list[float] = []
    problems: list[Problem] = []
    for i, row in enumerate(reader, start=2):
        if type_col and (row.get(type_col) or "").strip().lower() not in LANDSLIDE_TYPES:
            continue
        vals = []
        for col, lo, hi in ((lon_col, -180.0, 180.0), (lat_col, -90.0, 90.0)):
            raw = (row.get(col) or "").strip()
            try:
                v = float(raw.replace(",", "."))
            except ValueError:
                v = math.nan
            if not (lo <= v <= hi):
                problems.append(Problem.of(name, "err.events_bad_coord", i, col, value=raw))
            vals.append(v)
        lons.append(vals[0])
        lats.append(vals[1])
    if problems:
        raise DataError(problems)
    return lons, lats
