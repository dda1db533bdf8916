"""What one data folder is about: :class:`AtlasConfig` (district, metric CRS, map view, title).

Model layer: plain values, no file I/O (reading ``atlas.toml`` is :mod:`geo.ingest.atlas_toml`).
A folder without ``atlas.toml`` is Tam Đường (:data:`DEFAULT`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from geo.model import schema

CONFIG_FILE = "atlas.toml"
BUNDLE_ENV = "ATLAS_BUNDLE_DIR"
#: The data folder shipped with the app.
BUNDLED_DATA_DIR = Path(__file__).resolve().parents[2] / "data"
#: The IATI reporting-organisation ref written when ``[iati] reporting_org_ref`` is not set: ``XI-`` is no
#: registration agency's prefix, so nobody can mistake a file carrying it for a publishable one (the CLI and the
#: data page say so next to it).
IATI_PLACEHOLDER_REF = "XI-PLACEHOLDER-TAMDUONG"
#: An organisation identifier as IATI allows it: no spaces, and none of ``/ & | ?`` (they break identifiers).
IATI_ORG_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$")

@dataclass(frozen=True)
class AtlasConfig:
    """What one data folder is about. Frozen and hashable, so it can key a cache."""

    id: str = "tam-duong"
    name: schema.Label = schema.Label("Huyện Tam Đường", "Tam Đường district")
    province: schema.Label = schema.Label("Tỉnh Lai Châu", "Lai Châu province")
    title: schema.Label = schema.Label("Bản đồ Đầu tư Tam Đường", "Tam Đường Investment Atlas")
    #: Every area and length is computed in this CRS (a projected CRS in metres).
    metric_crs: str = schema.METRIC_CRS
    #: Initial map view in lon/lat (west, south, east, north); None = fit the communes.
    bbox: tuple[float, float, float, float] | None = None
    #: Display geometry stays sharp this many zoom levels past the initial view.
    detail_zooms: int = 2
    #: Plausibility box (west, south, east, north, degrees) every imported boundary, zone and point must lie in:
    #: the province (``[map] extent`` in ``atlas.toml``; Lai Châu by default, :data:`schema.PROVINCE_EXTENT`).
    extent: tuple[float, float, float, float] = schema.PROVINCE_EXTENT
    manifest: str = "layers.json"
    #: A sourced reference rate (``[money] usd_rate``, VND per USD, with ``usd_rate_source`` and optionally
    #: ``usd_rate_date``): decks show USD beside VND and the funding-flow export fills its USD column from it.
    #: None: VND only, said so; only records kept in USD or with their own rate get a USD figure. A rate is
    #: never made up; the bundled data sets none.
    usd_rate: float | None = None
    usd_rate_source: str = ""
    usd_rate_date: str = ""
    #: The IATI reporting organisation's identifier (``[iati] reporting_org_ref``, e.g. the one the IATI
    #: registry gave the district People's Committee). Empty: the export writes :data:`IATI_PLACEHOLDER_REF`
    #: and says so.
    iati_reporting_org_ref: str = ""


DEFAULT = AtlasConfig()
