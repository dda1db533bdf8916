"""An offline basemap (issue 19): one picture of the district's terrain or tiles, drawn under the communes.

District offices are mostly offline, and outlines alone give nothing to orient by. A GIS office brings a DEM,
a hillshade or raster tiles (MBTiles, PMTiles); :mod:`geo.ingest.basemap` turns the part over the district into
one Web-Mercator picture (WebP), the store keeps it with its provenance, and the web map and print maps draw it.
One picture rather than a tile pyramid: at district scale it is a few hundred KB, the same at every zoom the
maps use, and it travels with the store (copies, backups, PostGIS) like every other layer.

Model layer: imports only :mod:`geo.model`.

>>> b = Basemap(b"RIFF", (103.4, 22.2, 103.9, 22.6), "relief", 800, 640, PROVENANCE_EXAMPLE)
>>> b.kind, b.bounds[0], b.provenance.quality.value
('relief', 103.4, 'approximate')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geo.model import schema

#: ``relief``: one band (a DEM, turned into a hillshade, or a hillshade): grey, drawn over the fills to model
#: them; ``image``: colour tiles or an orthophoto, drawn under semi-transparent fills.
BasemapKind = Literal["relief", "image"]
BASEMAP_KINDS: tuple[BasemapKind, ...] = ("relief", "image")
#: The provenance layer id of the basemap (it is not a feature layer of :data:`geo.model.schema.LAYER_IDS`).
BASEMAP_LAYER = "basemap"
BASEMAP_TITLE = schema.Label("Nền địa hình ngoại tuyến", "Offline basemap")


@dataclass(frozen=True)
class Basemap:
    """The stored picture: WebP bytes in EPSG:3857 between ``bounds`` (west, south, east, north in degrees)."""

    image: bytes
    bounds: tuple[float, float, float, float]
    kind: BasemapKind
    width: int
    height: int
    provenance: schema.Provenance


PROVENANCE_EXAMPLE = schema.Provenance(
    layer=BASEMAP_LAYER, title=BASEMAP_TITLE, source="SRTM 1 arc-second (NASA / USGS)", licence="Public domain",
    date="2014-09-23", quality=schema.Quality.APPROXIMATE, method="Hillshade of the DEM")
