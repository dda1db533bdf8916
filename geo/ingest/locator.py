"""The outlines of the print maps' locator inset: Viet Nam, its neighbours and the province (``locator.geojson``).

The file is reference geometry built by ``data/build_locator.py``, not a layer of the store: it is read from
the data folder (``$ATLAS_BUNDLE_DIR``, else the bundled ``data/``) and carries its own provenance, which every
print map that draws it names in the footer. A province outline is drawn only when it is the data folder's
province (``atlas.toml``); another province's map still shows the country.

Examples
--------
>>> loc = read_locator()
>>> sorted(set(loc.shapes["kind"]))
['country', 'neighbour', 'province']
>>> loc.provenance.quality.value, loc.province("Lai Châu province") is not None, loc.province("Hà Giang province")
('approximate', True, None)
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from shapely.geometry import shape

from geo.ingest.atlas_toml import bundle_dir
from geo.model import schema
from geo.model.config import BUNDLED_DATA_DIR

LOCATOR_FILE = "locator.geojson"


@dataclass(frozen=True, eq=False)
class Locator:
    """Outlines in EPSG:4326 (``kind``: country / neighbour / province, ``name_vi``, ``name_en``) and provenance."""

    shapes: gpd.GeoDataFrame
    provenance: schema.Provenance

    def of_kind(self, kind: str) -> gpd.GeoDataFrame:
        return self.shapes[self.shapes["kind"] == kind]

    def province(self, name_en: str) -> gpd.GeoDataFrame | None:
        """The province outline if it is ``name_en`` (the data folder's province), else None."""
        rows = self.of_kind("province")
        rows = rows[rows["name_en"] == name_en]
        return rows if len(rows) else None


def read_locator(folder: Path | None = None) -> Locator | None:
    """The locator of ``folder`` (default: the data folder), the bundled one if it has none; None if neither."""
    for d in (folder or bundle_dir(), BUNDLED_DATA_DIR):
        path = Path(d) / LOCATOR_FILE
        if path.exists():
            return _read(path.resolve(), path.stat().st_mtime_ns)
    return None


@functools.lru_cache(maxsize=2)
def _read(path: Path, _mtime: int) -> Locator:
    raw = json.loads(path.read_text(encoding="utf-8"))
    meta = raw["provenance"]
    prov = schema.Provenance(
        layer="locator", title=schema.Label(meta["title_vi"], meta["title_en"]), source=meta["source"],
        licence=meta["licence"], date=meta["date"], quality=schema.Quality(meta["quality"]),
        notes={k: meta[k] for k in ("source_vi", "licence_vi") if k in meta})
    rows = [{**f["properties"], "geometry": shape(f["geometry"])} for f in raw["features"]]
    return Locator(gpd.GeoDataFrame(rows, geometry="geometry", crs=schema.GEOGRAPHIC_CRS), prov)
