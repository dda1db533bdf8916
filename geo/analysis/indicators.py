"""The per-commune indicator table every page, map and export reads.

One row per commune (GSO code), columns from :data:`INDICATORS`. Money is summed
from funding lines (:mod:`geo.analysis.funding`), crops and risk from area-weighted
overlays in the dataset's metric CRS (``ds.metric_crs``, EPSG:9205 for Tam Đường; :mod:`geo.analysis.joins`).

Examples
--------
>>> from geo.storage.store import BundledStore
>>> table = commune_indicators(BundledStore().load())
>>> len(table), round(float(table.loc["03424", "ha_tea"]))  # Bản Bo: over 800 ha of tea
(13, 800)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import pandas as pd

from geo.analysis import funding, joins
from geo.model import schema
from geo.model.dataset import Dataset

#: What kind of figure an indicator is; each kind has one formatter in :mod:`geo.text.fmt`.
Kind = Literal["money", "count", "hectares", "percent"]


@dataclass(frozen=True)
class Indicator:
    """A mappable per-commune figure. ``percent`` values are percentage points (12.5 for 12.5 %)."""

    key: str
    label: schema.Label
    unit: schema.Label
    layers: tuple[str, ...]  # provenance of the layers it derives from
    palette: str = "reds"  # geo.analysis.classify.PALETTES key: the same on screen and on paper
    unit_one: str = ""  # English singular of a counted unit ("event"); Vietnamese nouns do not inflect
    kind: Kind = "count"

    def unit_for(self, value: float, lang: str) -> str:
        """The unit to write after ``value`` in ``lang``: singular for exactly one in English.

        >>> ind = INDICATORS["n_events"]
        >>> ind.unit_for(1, "en"), ind.unit_for(2, "en"), ind.unit_for(1, "vi")
        ('event', 'events', 'vụ')
        """
        if lang == "en" and self.unit_one and value == 1:
            return self.unit_one
        return self.unit(lang)


_VND, _HA, _PCT = schema.UNITS["vnd"], schema.UNITS["ha"], schema.UNITS["percent"]
INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in [
        Indicator("gap", schema.Label("Vốn còn thiếu", "Funding gap"), _VND, ("projects", "funding"), kind="money"),
        Indicator("need", schema.Label("Nhu cầu vốn", "Funding need"), _VND, ("projects", "funding"), "oranges",
                  kind="money"),
        Indicator("committed", schema.Label("Vốn đã cam kết", "Committed"), _VND, ("projects", "funding"), "greens",
                  kind="money"),
        Indicator("disbursed", schema.Label("Vốn đã giải ngân", "Disbursed"), _VND, ("projects", "funding"), "blues",
                  kind="money"),
        Indicator("n_projects", schema.Label("Số dự án", "Number of projects"), schema.Label("dự án", "projects"), ("projects",),
                  "purples", unit_one="project"),
        *[
            Indicator(f"ha_{crop}", schema.Label(f"{label.vi} ({_HA.vi})", f"{label.en} ({_HA.en})"), _HA, ("crop_zones",),
                      "greens", kind="hectares")
            for crop, label in schema.CROPS.items()
        ],
        Indicator("risk_share", schema.Label("Tỷ lệ diện tích nguy cơ sạt lở cao", "Share of area at high landslide risk"),
                  _PCT, ("risk_zones",), kind="percent"),
        Indicator("n_events", schema.Label("Số vụ sạt lở đã báo cáo", "Reported landslide events"),
                  schema.Label("vụ", "events"), ("landslide_events",), "purples", unit_one="event"),
    ]
}


def commune_indicators(ds: Dataset, filters: funding.Filters = funding.Filters(),
                       money: pd.DataFrame | None = None) -> pd.DataFrame:
    """Indicator table indexed by commune code, for the projects matching ``filters``.

    Crop, risk and event columns do not depend on project filters. Projects keyed by a unit from
    1/7/2025 are left out (a new code may equal an unrelated old one); :func:`geo.analysis.units.view` shows
    them, and lists those that cannot be placed in one old commune. ``money`` is
    :func:`geo.analysis.funding.totals_by_commune` for ``filters`` when the caller already has it (a store
    sums it in SQL); otherwise it is computed from ``ds``.
    """
    communes = ds.communes
    codes = pd.Index(communes["code"], name="code")
    if money is None:
        money = funding.totals_by_commune(ds.projects, ds.funding, filters, "2021", ds.risk_zones)
    table = pd.DataFrame(index=codes)
    for col in [*schema.MONEY_COLUMNS, "gap", "n_projects"]:
        table[col] = money[col].reindex(codes, fill_value=0).astype("int64").to_numpy()

    crops = joins.zone_hectares(ds.crop_zones, communes, "crop", ds.metric_crs) if len(ds.crop_zones) else pd.DataFrame(index=codes)
    for crop in schema.CROPS:
        table[f"ha_{crop}"] = crops[crop].round(1) if crop in crops else 0.0

    high = ds.risk_zones[ds.risk_zones["risk_level"].isin(schema.HIGH_RISK_LEVELS)] if len(ds.risk_zones) else ds.risk_zones
    table["risk_share"] = (joins.area_share(high, communes, ds.metric_crs) * 100).round(1).reindex(codes)
    table["n_events"] = joins.count_by_commune(ds.landslide_events, communes) if len(ds.landslide_events) else 0

    metric_area = communes.to_crs(ds.metric_crs).geometry.area.to_numpy() / 1e6
    table["area_km2"] = pd.Series(metric_area, index=codes).round(2)
    table["population"] = pd.to_numeric(communes.set_index("code")["population_reported"], errors="coerce").reindex(codes)
    return table


def with_geometry(ds: Dataset, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Commune polygons with the indicator columns and names attached."""
    base = ds.communes[["code", "name", "full_name", "name_ascii", "boundary_quality", "geometry"]]
    return base.merge(table.reset_index(), on="code", how="left")
