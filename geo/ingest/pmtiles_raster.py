"""Raster PMTiles for the offline basemap (issue 19): the tiles over the district, mosaicked in Web Mercator.

rasterio's GDAL (3.10) has no raster PMTiles driver, so :func:`mosaic` reads the archive with protomaps' own
``pmtiles`` package (its header and directory decoding, :mod:`pmtiles.tile`) through byte ranges of the file
(seek and read), never the whole file: a 2 GB archive costs its 127-byte header, the directories on the way
to the tiles needed, and those tiles. The zoom read is the coarsest whose tiles give at least ``max_side``
pixels over the window (or the deepest the file has), so the picture is as sharp as the other basemaps
without reading a finer level than it needs. :func:`geo.ingest.basemap.prepare_basemap` warps the mosaic like
any other raster.

Every check names the file (:class:`geo.ingest.validate.DataError`, bilingual): a header cut short or with
impossible values, a spec version other than 3, directories compressed other than with gzip, vector tiles,
bounds that miss the window, a directory or tile that points past the end of the file or cannot be decoded,
a tile that is not a PNG, JPEG or WebP picture, and a file whose coarsest zoom would need too many tiles.

>>> _tile_range((-20037508.34, -20037508.34, 20037508.34, 20037508.34), 1)
(0, 0, 1, 1)
"""

from __future__ import annotations

import io
import math
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
from PIL import Image
from pmtiles.tile import (
    Compression,
    Entry,
    HeaderDict,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)
from rasterio.warp import transform_bounds

from geo.ingest.validate import DataError, Problem, per_language
from geo.text import fmt

MAGIC = b"PMTiles"
#: A version 3 header is exactly this long; the root directory follows it.
HEADER_BYTES = 127
#: Largest directory read (compressed, and again once decompressed): a country's leaf directory is far smaller.
MAX_DIRECTORY_BYTES = 32 * 2**20
#: Largest tile read: a 512 px picture is well under 1 MB.
MAX_TILE_BYTES = 4 * 2**20
#: Largest mosaic in pixels (4,096 × 4,096, 64 MB as RGBA): the chosen zoom stays under 3,700 px a side, so
#: only a file without coarse enough zooms reaches it, and it is refused rather than read tile by tile.
MAX_MOSAIC_PIXELS = 4096 * 4096
TILE_SIDES = (256, 512)
#: Half the Web-Mercator world's width in metres (EPSG:3857).
HALF_WORLD = 20037508.342789244
#: Directory depth the spec allows (root plus leaves).
_MAX_DEPTH = 4
_RASTER = {TileType.PNG: "PNG", TileType.JPEG: "JPEG", TileType.WEBP: "WEBP"}
_VECTOR = {TileType.MVT: "MVT", TileType.MLT: "MLT"}
Bounds = tuple[float, float, float, float]


def _refuse(name: str, key: str, **params: object) -> DataError:
    return DataError([Problem.of(name, key, None, None, **params)])


def _count(n: int) -> object:
    """A byte count or offset, written the reader's way (``1.234.567`` / ``1,234,567``)."""
    return per_language(lambda lang: fmt.number(n, lang))


class _Ranges:
    """Byte ranges of the open file; a range past its end means the file is damaged or cut short."""

    def __init__(self, fh: BinaryIO, size: int, name: str):
        self.fh, self.size, self.name = fh, size, name

    def check(self, offset: int, length: int) -> None:
        """Refuse a range that is not inside the file."""
        if offset < 0 or length < 0 or offset + length > self.size:
            raise _refuse(self.name, "err.basemap_pmtiles_past_end", start=_count(offset),
                          end=_count(offset + length), size=_count(self.size))

    def __call__(self, offset: int, length: int) -> bytes:
        self.check(offset, length)
        self.fh.seek(offset)
        return self.fh.read(length)


def _gunzip(data: bytes, limit: int) -> bytes:
    """``data`` decompressed, refusing (``ValueError``) more than ``limit`` bytes or a stream cut short."""
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = d.decompress(data, limit)
    if d.unconsumed_tail or not d.eof:
        raise ValueError("gzip stream too long or cut short")
    return out


def _header(read: _Ranges) -> HeaderDict:
    """The checked version 3 header: raster tiles, gzip directories, sane zooms and bounds."""
    name = read.name
    head = read(0, min(read.size, HEADER_BYTES))
    # v3 starts "PMTiles" + a version byte; v1/v2 "PM" + a 16-bit version, with another layout
    if head[:7] != MAGIC or (len(head) > 7 and head[7] != 3):
        version = head[7] if head[:7] == MAGIC else int.from_bytes(head[2:4], "little")
        raise _refuse(name, "err.basemap_pmtiles_version", version=version)
    if len(head) < HEADER_BYTES:
        raise _refuse(name, "err.basemap_pmtiles_short", size=_count(len(head)), need=HEADER_BYTES)
    try:
        h = deserialize_header(head)
    except ValueError:  # a compression or tile-type byte no writer makes
        raise _refuse(name, "err.basemap_pmtiles_header") from None
    if h["tile_type"] in _VECTOR:
        raise _refuse(name, "err.basemap_vector", container="PMTiles", format=_VECTOR[h["tile_type"]])
    if h["tile_type"] not in _RASTER:
        raise _refuse(name, "err.basemap_tile_format", format=h["tile_type"].name.lower())
    # the package decodes gzip directories only; tiles are stored as they are (or gzip, rare for pictures)
    for compression, allowed in ((h["internal_compression"], (Compression.GZIP,)),
                                 (h["tile_compression"], (Compression.NONE, Compression.UNKNOWN, Compression.GZIP))):
        if compression not in allowed:
            raise _refuse(name, "err.basemap_pmtiles_compression", method=compression.name.lower())
    west, south = h["min_lon_e7"] / 1e7, h["min_lat_e7"] / 1e7
    east, north = h["max_lon_e7"] / 1e7, h["max_lat_e7"] / 1e7
    if not (h["min_zoom"] <= h["max_zoom"] <= 30 and -180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise _refuse(name, "err.basemap_pmtiles_header")
    return h


class _Directories:
    """Tile lookup through the root and leaf directories, each read and decoded once."""

    def __init__(self, read: _Ranges, header: HeaderDict):
        self.read, self.h = read, header
        self._cache: dict[tuple[int, int], list[Entry]] = {}

    def _directory(self, offset: int, length: int) -> list[Entry]:
        key = (offset, length)
        if key not in self._cache:
            self.read.check(offset, length)
            raw = self.read(offset, length) if length <= MAX_DIRECTORY_BYTES else b""  # b"": refused below
            try:
                _gunzip(raw, MAX_DIRECTORY_BYTES)  # bounded first: deserialize_directory would inflate anything
                self._cache[key] = deserialize_directory(raw)
            except (ValueError, EOFError, OSError, zlib.error):
                raise _refuse(self.read.name, "err.basemap_pmtiles_directory", start=_count(offset),
                              end=_count(offset + length)) from None
        return self._cache[key]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The stored bytes of tile ``z/x/y``, or ``None`` where the file has none."""
        tile_id = zxy_to_tileid(z, x, y)
        offset, length = self.h["root_offset"], self.h["root_length"]
        for _ in range(_MAX_DEPTH):
            entry = find_tile(self._directory(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length == 0:  # a leaf directory
                offset, length = self.h["leaf_directory_offset"] + entry.offset, entry.length
                continue
            if entry.length > MAX_TILE_BYTES:
                raise _refuse(self.read.name, "err.basemap_pmtiles_tile", tile=f"{z}/{x}/{y}")
            return self.read(self.h["tile_data_offset"] + entry.offset, entry.length)
        return None  # deeper than the spec allows: treated as absent


def _decode(data: bytes, compression: Compression, where: str, name: str) -> npt.NDArray[np.uint8]:
    """One tile as side × side × 4 bytes; anything but a square 256/512 px PNG, JPEG or WebP is refused."""
    picture = None
    try:
        if compression is Compression.GZIP:
            data = _gunzip(data, MAX_TILE_BYTES)
        image = Image.open(io.BytesIO(data), formats=list(_RASTER.values()))
        if image.width == image.height and image.width in TILE_SIDES:  # checked before the pixels are decoded
            picture = np.asarray(image.convert("RGBA"))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, zlib.error):
        picture = None
    if picture is None:
        raise _refuse(name, "err.basemap_pmtiles_tile", tile=where)
    return picture


def _tile_range(window: Bounds, z: int) -> tuple[int, int, int, int]:
    """First and last tile column and row (XYZ: row 0 at the top) over ``window`` (Web-Mercator metres)."""
    n = 2**z
    size = 2 * HALF_WORLD / n
    x0, y0, x1, y1 = window
    col = lambda v: min(n - 1, max(0, math.floor((v + HALF_WORLD) / size)))  # noqa: E731
    row = lambda v: min(n - 1, max(0, math.floor((HALF_WORLD - v) / size)))  # noqa: E731
    return col(x0), row(y1), col(x1), row(y0)


def _zoom(window: Bounds, h: HeaderDict, side: int, max_side: int) -> int:
    """The coarsest zoom whose ``side``-pixel tiles give ``max_side`` pixels over the window, else the deepest."""
    span = max(window[2] - window[0], window[3] - window[1]) / (2 * HALF_WORLD)
    for z in range(h["min_zoom"], h["max_zoom"] + 1):
        if span * side * 2**z >= max_side:
            return z
    return h["max_zoom"]


def _cells(window: Bounds, z: int, side: int, name: str) -> list[tuple[int, int]]:
    """The tiles (column, row) over the window at zoom ``z``; refused when their mosaic would be too big."""
    c0, r0, c1, r1 = _tile_range(window, z)
    count = (c1 - c0 + 1) * (r1 - r0 + 1)
    if count * side * side > MAX_MOSAIC_PIXELS:
        raise _refuse(name, "err.basemap_pmtiles_too_fine", zoom=z, tiles=_count(count),
                      limit=_count(MAX_MOSAIC_PIXELS // (side * side)))
    return [(c, r) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def _tile_side(tiles: _Directories, h: HeaderDict, cells: list[tuple[int, int]], z: int, name: str) -> int:
    """The pixel size of the level's tiles: that of its first tile over the window (256 when it has none)."""
    for c, r in cells:
        data = tiles.tile(z, c, r)
        if data is not None:
            return int(_decode(data, h["tile_compression"], f"{z}/{c}/{r}", name).shape[0])
    return TILE_SIDES[0]


def _assemble(tiles: _Directories, h: HeaderDict, window: Bounds, max_side: int, name: str,
              ) -> tuple[npt.NDArray[np.uint8], Bounds]:
    z = _zoom(window, h, TILE_SIDES[0], max_side)
    cells = _cells(window, z, TILE_SIDES[0], name)
    side = _tile_side(tiles, h, cells, z, name)
    if side != TILE_SIDES[0]:  # 512 px tiles: the same detail one zoom coarser
        z = _zoom(window, h, side, max_side)
        cells = _cells(window, z, side, name)
    c0, r0, c1, r1 = _tile_range(window, z)
    out = np.zeros(((r1 - r0 + 1) * side, (c1 - c0 + 1) * side, 4), dtype=np.uint8)  # no tile: transparent
    for c, r in cells:
        data = tiles.tile(z, c, r)
        if data is None:
            continue
        picture = _decode(data, h["tile_compression"], f"{z}/{c}/{r}", name)
        if picture.shape[0] != side:  # every tile of a level has the same size
            raise _refuse(name, "err.basemap_pmtiles_tile", tile=f"{z}/{c}/{r}")
        y, x = (r - r0) * side, (c - c0) * side
        out[y:y + side, x:x + side] = picture
    size = 2 * HALF_WORLD / 2**z
    bounds = (-HALF_WORLD + c0 * size, HALF_WORLD - (r1 + 1) * size,
              -HALF_WORLD + (c1 + 1) * size, HALF_WORLD - r0 * size)
    return out, bounds


def mosaic(path: Path, window: Bounds, max_side: int) -> tuple[npt.NDArray[np.uint8], Bounds]:
    """The tiles of the raster PMTiles at ``path`` over ``window`` (west, south, east, north in degrees).

    Parameters
    ----------
    path
        A file whose first bytes are a PMTiles header (the caller sniffed them; the name is not looked at).
    window
        The district's extent plus its margin, in degrees.
    max_side
        Pixels wanted over the window's long side; the zoom read gives at least as many when the file has it.

    Returns
    -------
    pixels, bounds
        Height × width × 4 (RGBA; transparent where the file has no tile) and its Web-Mercator bounds
        (west, south, east, north in metres), tile-aligned around the window.

    Raises
    ------
    DataError
        For a damaged, unsupported or vector file, or one that does not cover the window.
    """
    name = path.name
    with path.open("rb") as fh:
        read = _Ranges(fh, path.stat().st_size, name)
        h = _header(read)
        w, s, e, n = window
        fw, fs, fe, fn = h["min_lon_e7"] / 1e7, h["min_lat_e7"] / 1e7, h["max_lon_e7"] / 1e7, h["max_lat_e7"] / 1e7
        if fe <= w or fw >= e or fn <= s or fs >= n:
            raise _refuse(name, "err.basemap_outside", covers=f"{fw:.3f}…{fe:.3f} E, {fs:.3f}…{fn:.3f} N",
                          district=f"{w:.3f}…{e:.3f} E, {s:.3f}…{n:.3f} N")
        merc = transform_bounds("EPSG:4326", "EPSG:3857", w, s, e, n)
        return _assemble(_Directories(read, h), h, merc, max_side, name)
