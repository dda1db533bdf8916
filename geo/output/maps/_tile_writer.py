"""Write one PMTiles file from a GeoJSON file, in a process of its own: ``python -m geo.output.maps._tile_writer
SRC DEST MINZOOM MAXZOOM``.

GDAL's PMTiles writer goes through temporary MBTiles (its SQLite and MVT drivers). The app's process keeps
only the drivers uploads may use (:func:`geo.ingest.safe_gis.lock_down_gdal`), so the tiles are written
here, by a GDAL nobody else's file ever reaches; the parent gives it only a GeoJSON it wrote itself.
"""

from __future__ import annotations

import sys

import pyogrio

#: A tile is 1024 units across its 256 pixels, and vertices closer than one unit (a quarter pixel) to the line
#: are dropped: half the bytes of GDAL's defaults (4096, none) for 10,000 communes, invisible on screen.
TILE_OPTIONS = {"EXTENT": 1024, "SIMPLIFICATION": 1}


def write(src: str, dest: str, min_zoom: int, max_zoom: int, layer: str) -> None:
    """Read ``src`` (GeoJSON, EPSG:4326) and write ``dest`` as PMTiles with one layer ``layer``."""
    gdf = pyogrio.read_dataframe(src)
    pyogrio.write_dataframe(gdf, dest, driver="PMTiles", layer=layer,
                            dataset_options={"MINZOOM": min_zoom, "MAXZOOM": max_zoom, "NAME": layer, **TILE_OPTIONS})


if __name__ == "__main__":
    write(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
