"""Vector tiles of a commune layer, for the web map at province and country scale (issue 20).

At thousands of communes one GeoJSON document costs megabytes before the first polygon is drawn, and the
bytes grow with the country. :func:`commune_tiles` writes the display polygons once per content as two
PMTiles archives (GDAL's PMTiles driver through pyogrio, in a child process): the polygons, carrying only their position ``i``
in :attr:`CommuneTiles.codes`, and the name labels as points, from the zoom where names are shown. The
browser fetches only the tiles in view, by HTTP range requests on the app's own static files (Streamlit
answers them with 206 Partial Content), and draws them with protomaps-leaflet; colours come with the map as
one character per commune (:func:`webmap.build_map`), so an indicator switch sends no geometry, and a click
is located on the server (:func:`webmap.code_at`). Small layers keep GeoJSON (:data:`VECTOR_TILES_MIN`).

Files are named by a hash of what they hold, written to a temporary name and renamed, so several app
processes can share the folder and a browser may cache them for ever; older files are pruned.

Examples
--------
>>> import tempfile
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> g = gpd.GeoSeries([box(103.5, 22.3, 103.6, 22.4), box(103.6, 22.3, 103.7, 22.4)], index=["00001", "00002"],
...                   crs="EPSG:4326")
>>> names = pd.Series(["Một", "Hai"], index=g.index)
>>> folder = Path(tempfile.mkdtemp())
>>> t = commune_tiles(g, names, folder, min_zoom=8, max_zoom=11, label_zoom=10)
>>> t.codes, t.max_zoom, (folder / t.polygons).stat().st_size > 0
(('00001', '00002'), 11, True)
>>> commune_tiles(g, names, folder, min_zoom=8, max_zoom=11, label_zoom=10) == t  # same content, same files
True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

#: From this many communes the web map draws vector tiles instead of one GeoJSON document. Below it a
#: GeoJSON is smaller than the tiles and their script (Tam Đường: 13 communes, about 40 KB).
VECTOR_TILES_MIN = 1500
#: The layer name inside both archives (protomaps-leaflet's ``dataLayer``).
LAYER = "communes"
#: Bumped when what is written changes, so old files are not reused.
_FORMAT = "2"
#: Pruning keeps files used in the last day (another process may still serve them) and the newest few.
_KEEP_SECONDS = 24 * 3600
_KEEP_NEWEST = 6
#: The folder holding the ``geo`` package (for the child process that writes the files).
_PACKAGE_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class CommuneTiles:
    """Two PMTiles files in one folder and what the map needs to draw them."""

    polygons: str  #: file name of the polygons (feature property ``i``)
    labels: str  #: file name of the name points (property ``name``), zoom ``label_zoom`` only
    min_zoom: int
    max_zoom: int  #: deepest zoom in the file; the browser over-zooms beyond it
    label_zoom: int
    codes: tuple[str, ...]  #: commune code of feature ``i``


def _digest(display: gpd.GeoSeries, names: pd.Series, zooms: tuple[int, int, int]) -> str:
    h = hashlib.sha256(_FORMAT.encode())
    h.update(repr(zooms).encode())
    h.update("\x1f".join(map(str, display.index)).encode())
    h.update("\x1f".join(map(str, names.reindex(display.index).fillna(""))).encode())
    for wkb in shapely.to_wkb(display.to_numpy()):
        h.update(wkb)
    return h.hexdigest()[:20]


def _write(gdf: gpd.GeoDataFrame, path: Path, min_zoom: int, max_zoom: int) -> None:
    """Write ``gdf`` as PMTiles under a temporary name, then rename: a reader never sees half a file.

    The writing runs in a child process (:mod:`geo.output.maps._tile_writer`: GDAL's PMTiles writer needs
    drivers this process has switched off for uploads)."""
    if path.exists():
        os.utime(path)  # in use: keep it from pruning
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    src = path.with_name(f".{path.name}.{os.getpid()}.geojson")
    try:
        pyogrio.write_dataframe(gdf, src, driver="GeoJSON")
        # the child finds this same ``geo`` whatever the app's folder or install
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_ROOT),
                                                                         os.environ.get("PYTHONPATH")]))}
        done = subprocess.run([sys.executable, "-m", "geo.output.maps._tile_writer", str(src), str(tmp),
                               str(min_zoom), str(max_zoom), LAYER], capture_output=True, text=True, timeout=1800,
                              env=env)
        if done.returncode != 0:
            raise OSError(f"PMTiles not written: {done.stderr.strip()[-500:]}")
        os.replace(tmp, path)
    finally:
        for p in (tmp, src):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()


def _prune(folder: Path, keep: set[str]) -> None:
    files = sorted(folder.glob("communes-*.pmtiles"), key=lambda p: p.stat().st_mtime, reverse=True)
    now = time.time()
    for i, p in enumerate(files):
        if p.name in keep or i < _KEEP_NEWEST or now - p.stat().st_mtime < _KEEP_SECONDS:
            continue
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def commune_tiles(display: gpd.GeoSeries, names: pd.Series, folder: Path, *, min_zoom: int, max_zoom: int,
                  label_zoom: int) -> CommuneTiles:
    """Write (or reuse) the PMTiles of a commune layer in ``folder`` and describe them.

    Parameters
    ----------
    display : GeoSeries
        Display polygons in EPSG:4326 indexed by commune code (``webmap.lean_communes``).
    names : Series
        Label text by commune code.
    folder : Path
        Where the files go: a folder the web server serves (the app's ``static/tiles``); created if needed.
    min_zoom, max_zoom : int
        Zoom levels written; the map does not zoom out past ``min_zoom`` and over-zooms past ``max_zoom``.
    label_zoom : int
        The zoom from which names are drawn (the labels file holds that level only).

    Raises
    ------
    OSError
        The folder cannot be written (the caller falls back to GeoJSON).
    """
    display = display.to_crs("EPSG:4326")
    label_zoom = max(min_zoom, min(label_zoom, max_zoom))
    key = _digest(display, names, (min_zoom, max_zoom, label_zoom))
    folder.mkdir(parents=True, exist_ok=True)
    polygons, labels = f"communes-{key}.pmtiles", f"communes-{key}-labels.pmtiles"
    codes = tuple(str(c) for c in display.index)
    _write(gpd.GeoDataFrame({"i": range(len(codes))}, geometry=display.to_numpy(), crs="EPSG:4326"),
           folder / polygons, min_zoom, max_zoom)
    # A label inside its commune even when the commune is not convex (a centroid may fall outside).
    points = shapely.point_on_surface(display.to_numpy())
    _write(gpd.GeoDataFrame({"name": names.reindex(display.index).fillna("").astype(str).to_numpy()},
                            geometry=points, crs="EPSG:4326"), folder / labels, label_zoom, label_zoom)
    _prune(folder, {polygons, labels})
    return CommuneTiles(polygons, labels, min_zoom, max_zoom, label_zoom, codes)


__all__ = ["CommuneTiles", "commune_tiles", "VECTOR_TILES_MIN", "LAYER"]
