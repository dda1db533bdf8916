"""Make the offline basemap picture from a GIS office's raster: a DEM, a hillshade, an image, or raster tiles
(MBTiles or PMTiles).

:func:`prepare_basemap` checks the file before GDAL reads it (size, magic bytes, and for MBTiles the SQLite
catalogue: raster tiles only, no triggers), opens it with only the GeoTIFF and MBTiles drivers and GDAL's
network features off (:data:`geo.ingest.safe_gis.GDAL_CONFIG`), and warps the district's extent (plus a
margin) to Web Mercator at most :data:`MAX_SIDE` pixels on its long side, reading only that window (GDAL
uses the file's overviews or tile zoom levels). GDAL has no raster PMTiles driver: a PMTiles file's tiles
over that window are mosaicked by :mod:`geo.ingest.pmtiles_raster` (byte ranges, never the whole file) and
the mosaic is warped the same way. A DEM becomes a hillshade (:mod:`geo.analysis.terrain`); no data stays
transparent. The result is one WebP picture (:class:`geo.model.basemap.Basemap`). Bad input raises
:class:`geo.ingest.validate.DataError`, bilingual, and nothing is stored.

>>> MAX_BASEMAP_BYTES // 2**30, MAX_SIDE
(2, 1600)
"""

from __future__ import annotations

import io
import math
import sqlite3
from pathlib import Path

import numpy as np
import numpy.typing as npt
import rasterio
from PIL import Image
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.transform import from_bounds
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds

from geo.analysis import terrain
from geo.ingest import pmtiles_raster
from geo.ingest.safe_gis import GDAL_CONFIG
from geo.ingest.validate import DataError, Problem
from geo.model import schema
from geo.model.basemap import Basemap, BasemapKind

#: Largest file accepted, checked before it is opened (a national DEM tile set is larger: clip it first).
MAX_BASEMAP_BYTES = 2 * 1024**3
#: Longest side of the stored picture in pixels: sharp on an A3 print of the district, a few hundred KB.
MAX_SIDE = 1600
#: Share of the district's extent added on every side, so the map's margins are not blank.
MARGIN = 0.08
WEB_MERCATOR = "EPSG:3857"
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: PMTiles 3 starts "PMTiles" + version; versions 1 and 2 "PM" + a 16-bit version (refused, named, later).
_PMTILES_MAGIC = (pmtiles_raster.MAGIC, b"PM\x01\x00", b"PM\x02\x00")
_RASTER_TILES = {"png", "jpg", "jpeg", "webp"}


def _refuse(name: str, key: str, **params: str | int) -> DataError:
    return DataError([Problem.of(name, key, None, None, **params)])


def _check_mbtiles(path: Path) -> None:
    """Raster MBTiles only: ``tiles`` and ``metadata`` there, a raster tile format, nothing that runs on read."""
    name = path.name
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        raise _refuse(name, "err.basemap_format") from None
    try:
        objects = dict(con.execute("SELECT name, type FROM sqlite_master").fetchall())
        sql = " ".join(r[0] or "" for r in con.execute("SELECT sql FROM sqlite_master"))
        if "tiles" not in objects or "metadata" not in objects:
            raise _refuse(name, "err.basemap_not_mbtiles")
        if "trigger" in objects.values() or "VIRTUAL TABLE" in sql.upper():
            raise _refuse(name, "err.basemap_active")
        row = con.execute("SELECT value FROM metadata WHERE name = 'format'").fetchone()
    except sqlite3.DatabaseError:
        raise _refuse(name, "err.basemap_format") from None
    finally:
        con.close()
    fmt = str(row[0] if row else "png").strip().lower()  # the MBTiles spec's default is PNG
    if fmt == "pbf":
        raise _refuse(name, "err.basemap_vector", container="MBTiles", format="pbf")
    if fmt not in _RASTER_TILES:
        raise _refuse(name, "err.basemap_tile_format", format=fmt)


def _driver(path: Path) -> str:
    """``GTiff``, ``MBTiles`` or ``PMTiles`` from the file's first bytes (never from its name)."""
    name = path.name
    if not path.is_file():
        raise _refuse(name, "err.file_not_found", path=str(path))
    size = path.stat().st_size
    if size > MAX_BASEMAP_BYTES:
        raise _refuse(name, "err.basemap_too_big", mb=round(size / 2**20), limit=MAX_BASEMAP_BYTES // 2**20)
    with path.open("rb") as fh:
        head = fh.read(16)
    if head[:4] in _TIFF_MAGIC:
        return "GTiff"
    if head == _SQLITE_MAGIC:
        _check_mbtiles(path)
        return "MBTiles"
    if head.startswith(_PMTILES_MAGIC):
        return "PMTiles"
    raise _refuse(name, "err.basemap_format")


def _window(district: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The district plus :data:`MARGIN` on every side, in degrees."""
    w, s, e, n = district
    dx, dy = (e - w) * MARGIN, (n - s) * MARGIN
    return w - dx, s - dy, e + dx, n + dy


def _target(district: tuple[float, float, float, float], src: rasterio.DatasetReader,
            ) -> tuple[tuple[float, float, float, float], int, int]:
    """Web-Mercator bounds of the district plus margin, and a width/height at the file's own detail, capped."""
    x0, y0, x1, y1 = transform_bounds("EPSG:4326", WEB_MERCATOR, *_window(district))
    sx0, sy0, sx1, sy1 = transform_bounds(src.crs, WEB_MERCATOR, *src.bounds)
    native = max((sx1 - sx0) / max(src.width, 1), (sy1 - sy0) / max(src.height, 1))
    width, height = (x1 - x0) / native, (y1 - y0) / native
    scale = min(1.0, MAX_SIDE / max(width, height))
    return (x0, y0, x1, y1), max(64, round(width * scale)), max(64, round(height * scale))


def _relief(band: np.ma.MaskedArray, cell: float, lat: float, is_dem: bool) -> npt.NDArray[np.uint8]:
    """Grey 1–255 (0 = no data): a DEM's hillshade, or a hillshade's own values."""
    if not is_dem:
        grey = np.asarray(band.filled(0), dtype=np.float64)
        return np.where(np.ma.getmaskarray(band), 0, np.clip(grey, 1, 255)).astype(np.uint8)
    z = np.ma.filled(band.astype(np.float64), np.nan)
    metres = cell * math.cos(math.radians(lat))  # a Web-Mercator metre is 1/cos(lat) ground metres
    return terrain.hillshade_interior(np.pad(z, 1, mode="edge"), metres, metres)


def _mosaic_file(path: Path, district: tuple[float, float, float, float]) -> MemoryFile:
    """The raster PMTiles' tiles over the district as an in-memory RGBA GeoTIFF in Web Mercator."""
    pixels, bounds = pmtiles_raster.mosaic(path, _window(district), MAX_SIDE)
    height, width = pixels.shape[:2]
    mem = MemoryFile()
    with mem.open(driver="GTiff", width=width, height=height, count=4, dtype="uint8", crs=WEB_MERCATOR,
                  transform=from_bounds(*bounds, width, height)) as dst:
        dst.write(np.moveaxis(pixels, -1, 0))
    return mem


def _picture(src: rasterio.DatasetReader, district: tuple[float, float, float, float], name: str,
             ) -> tuple[npt.NDArray[np.uint8], tuple[float, float, float, float], BasemapKind]:
    """The district's window of ``src`` warped to Web Mercator: RGBA pixels, their bounds (metres), kind."""
    if src.crs is None:
        raise _refuse(name, "err.basemap_no_crs")
    fw, fs, fe, fn = transform_bounds(src.crs, "EPSG:4326", *src.bounds)
    w, s, e, n = district
    if fe <= w or fw >= e or fn <= s or fs >= n:
        raise _refuse(name, "err.basemap_outside", covers=f"{fw:.3f}…{fe:.3f} E, {fs:.3f}…{fn:.3f} N",
                      district=f"{w:.3f}…{e:.3f} E, {s:.3f}…{n:.3f} N")
    bounds, width, height = _target(district, src)
    kind: BasemapKind = "image" if src.count >= 3 else "relief"
    is_dem = kind == "relief" and src.dtypes[0] != "uint8"
    resampling = Resampling.bilinear if kind == "relief" else Resampling.average
    with WarpedVRT(src, crs=WEB_MERCATOR, transform=from_bounds(*bounds, width, height),
                   width=width, height=height, resampling=resampling) as vrt:
        if kind == "relief":
            band = vrt.read(1, masked=True)
            grey = _relief(band, (bounds[2] - bounds[0]) / width, (s + n) / 2, is_dem)
            rgba = np.dstack([grey, grey, grey, np.where(grey > 0, 255, 0).astype(np.uint8)])
        else:
            bands = vrt.read(indexes=[1, 2, 3], masked=True)
            alpha = (vrt.read(4) if src.count >= 4 else
                     np.where(np.ma.getmaskarray(bands).any(axis=0), 0, 255)).astype(np.uint8)
            rgb = np.moveaxis(np.asarray(bands.filled(0), dtype=np.uint8), 0, -1)
            rgba = np.dstack([rgb, alpha])
    return rgba, bounds, kind


def prepare_basemap(path: str | Path, district: tuple[float, float, float, float],
                    provenance: schema.Provenance) -> Basemap:
    """The basemap picture of ``district`` (west, south, east, north in degrees) from the raster at ``path``.

    Raises :class:`DataError` for a file that is too big, not a GeoTIFF, raster MBTiles or raster PMTiles,
    without a CRS, not covering the district, damaged, or with no data there.
    """
    path = Path(path)
    name = path.name
    driver = _driver(path)
    with rasterio.Env(**GDAL_CONFIG):
        if driver == "PMTiles":
            with _mosaic_file(path, district) as mem, mem.open() as src:
                rgba, bounds, kind = _picture(src, district, name)
        else:
            try:
                src = rasterio.open(path, driver=driver)
            except rasterio.errors.RasterioIOError:
                raise _refuse(name, "err.basemap_format") from None
            with src:
                rgba, bounds, kind = _picture(src, district, name)
    if not rgba[..., 3].any():
        raise _refuse(name, "err.basemap_empty")
    height, width = rgba.shape[:2]
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, format="WEBP", quality=80, method=4)
    west, south, east, north = transform_bounds(WEB_MERCATOR, "EPSG:4326", *bounds)
    return Basemap(out.getvalue(), (west, south, east, north), kind, width, height, provenance)
