"""The :class:`Dataset`: every layer the atlas shows, with its provenance and configuration.

Model layer: imports only :mod:`geo.model`. Stores build it (:mod:`geo.storage`); analysis, output and
the CLI read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.model import schema
from geo.model.basemap import Basemap
from geo.model.config import DEFAULT as DEFAULT_CONFIG
from geo.model.config import AtlasConfig


@dataclass(frozen=True)
class Dataset:
    """Everything the atlas shows. Geometry in EPSG:4326; codes are 5-digit text.

    ``projects.unit_version`` says whether ``commune_code`` is an old code ("2021") or a code of
    a unit from 1 July 2025 ("2025"); use :mod:`geo.analysis.units` to view either way.
    """

    communes: gpd.GeoDataFrame
    projects: pd.DataFrame
    funding: pd.DataFrame
    crop_zones: gpd.GeoDataFrame
    risk_zones: gpd.GeoDataFrame
    landslide_events: gpd.GeoDataFrame
    units_2025: pd.DataFrame
    provenance: dict[str, schema.Provenance]
    #: Old code → 2025 code (``schema.CROSSWALK_COLUMNS``). Optional so stores that predate it keep
    #: working; :func:`geo.analysis.units.crosswalk_of` then derives it from the communes' successor columns.
    crosswalk: pd.DataFrame | None = None
    #: The data folder's ``atlas.toml`` (district, metric CRS, map view, title); Tam Đường by default.
    config: AtlasConfig = DEFAULT_CONFIG
    #: Beneficiaries per project and result indicators (issue 16 item 3; ``schema.BENEFICIARY_COLUMNS``,
    #: ``schema.RESULT_COLUMNS`` with ``actuals`` a dict year → value). A store fills them; a data folder has
    #: none, so every project there is "not recorded".
    beneficiaries: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*schema.BENEFICIARY_COLUMNS]))
    results: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*schema.RESULT_COLUMNS]))
    #: The offline basemap a GIS office imported (issue 19), drawn under the communes; a data folder has none.
    basemap: Basemap | None = None

    @property
    def all_provenance(self) -> dict[str, schema.Provenance]:
        """:attr:`provenance` plus the offline basemap's when one is stored (drawn on the maps, so cited too)."""
        if self.basemap is None:
            return self.provenance
        return {**self.provenance, self.basemap.provenance.layer: self.basemap.provenance}

    @property
    def metric_crs(self) -> str:
        """The CRS every area and length of this dataset is computed in (``config.metric_crs``)."""
        return self.config.metric_crs

    def quality_of(self, *layer_ids: str) -> schema.Quality:
        """The weakest quality among the named layers (illustrative < approximate < official)."""
        order = [schema.Quality.ILLUSTRATIVE, schema.Quality.APPROXIMATE, schema.Quality.OFFICIAL]
        return min((self.provenance[i].quality for i in layer_ids), key=order.index)
