"""View, aggregate and report by the units before or after the 1 July 2025 reform.

The plan ran on the 13 old units of Tam Đường; from 1 July 2025 they merged whole into 6 new
communes/wards (Resolution 1670/NQ-UBTVQH15). :func:`view` gives either set as one layer keyed by
``code`` with the indicator columns, so any map or table switches with one call.

- New units: polygons are the old ones dissolved; money is re-summed from the project funding
  lines mapped old → new (never by adding old rows); crops and risk are recomputed on the
  dissolved polygons; population only when every part is known.
- Old units: a project keyed by a new code that spans several old units is *not* split; it is
  listed by :func:`unallocated_projects` and counted only in the district total.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> ds = BundledStore().load()
>>> layer = view(ds, "2025")
>>> len(layer), version_label("2025", "en")
(6, 'Units from 1/7/2025')
>>> layer.set_index("code").loc["03405", "former_names"]
'Xã Tả Lèng, Xã Giang Ma, Xã Hồ Thầu'
>>> bool(layer.set_index("code").loc["03394", "partial"])  # Sin Suối Hồ also holds Phong Thổ land
True
"""

from __future__ import annotations

import dataclasses
from typing import cast

import geopandas as gpd
import pandas as pd
import shapely

from geo.analysis import funding, joins
from geo.analysis.funding import Filters
from geo.analysis.indicators import commune_indicators, with_geometry
from geo.model import schema
from geo.model.dataset import Dataset
from geo.model.text import strip_accents
from geo.model.types import UnitVersion

MONEY = [*schema.MONEY_COLUMNS, "gap"]
TOTAL_COLUMNS = [*MONEY, "n_projects"]
UNALLOCATED_COLUMNS = ["project_id", "name_vi", "name_en", "new_code", "new_name", "former_codes", "outside", *MONEY]


def check_unit_version(unit_version: str) -> UnitVersion:
    """``unit_version`` itself when it is ``"2021"`` or ``"2025"``; raises ``ValueError`` otherwise."""
    if unit_version not in schema.UNIT_VERSIONS:
        raise ValueError(f"unit version must be one of {', '.join(schema.UNIT_VERSIONS)}, got {unit_version!r}")
    return cast(UnitVersion, unit_version)


def version_label(unit_version: str, lang: str) -> str:
    """``"Units from 1/7/2025"`` for ``"2025"``; raises ``ValueError`` on an unknown version.

    >>> version_label("2021", "vi")
    'Đơn vị 2021–2025'
    """
    return schema.UNIT_VERSIONS[check_unit_version(unit_version)](lang)


def full_name(name: str, unit_type: str) -> str:
    """``'Phường Tân Phong'`` from a short name and a :data:`geo.model.schema.UNIT_TYPES` key.

    >>> full_name("Tân Phong", "phuong")
    'Phường Tân Phong'
    """
    return f"{schema.UNIT_TYPES[unit_type].vi} {name}"


def crosswalk_of(ds: Dataset) -> pd.DataFrame:
    """The dataset's crosswalk, or one derived from the communes' successor columns if it has none."""
    if ds.crosswalk is not None and len(ds.crosswalk):
        return ds.crosswalk
    c = ds.communes
    new = new_units(ds.units_2025)
    return pd.DataFrame({
        "old_code": c["code"], "old_name": c["full_name"], "new_code": c["successor_code"].astype(str),
        "new_name": c["successor_name"], "new_type": c["successor_code"].map(new["unit_type"]),
        "whole": True, "new_unit_has_outside_territory": c["successor_code"].map(new["outside_territory"]),
        "legal_source": schema.REFORM_LEGAL_SOURCE,
    }).sort_values("old_code").reset_index(drop=True)


def new_units(units_2025: pd.DataFrame) -> pd.DataFrame:
    """The ``units_2025`` table typed: indexed by code, ``official_area_km2`` float, ``outside_territory`` bool."""
    out = units_2025.set_index("code")[["name", "unit_type"]].copy()
    out["full_name"] = [full_name(n, t) for n, t in zip(out["name"], out["unit_type"])]
    out["official_area_km2"] = pd.to_numeric(units_2025.set_index("code")["area_km2"], errors="coerce")
    out["outside_territory"] = units_2025.set_index("code")["outside_territory"].astype(str).str.strip().eq("true")
    return out


def _polygonal(geom):
    """A valid (Multi)Polygon: repair, then keep only the areal parts."""
    geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    return shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])


def dissolve_to_2025(
    communes: gpd.GeoDataFrame, crosswalk: pd.DataFrame, units_2025: pd.DataFrame,
    metric_crs: str = schema.METRIC_CRS,
) -> gpd.GeoDataFrame:
    """One valid polygon per new unit: the union of its former communes, in the communes' CRS.

    Columns: ``code``, ``name``, ``full_name``, ``unit_type``, ``former_codes``, ``former_names``,
    ``n_former``, ``area_km2`` (of the dissolved part, EPSG:9205), ``official_area_km2`` (of the
    whole new unit) and ``partial`` (the new unit also holds land outside the old district; the
    sentence saying so is added where it is shown). Raises ``ValueError`` naming any commune without a crosswalk row.

    >>> from shapely.geometry import box
    >>> old = gpd.GeoDataFrame({"code": ["00001", "00002"], "full_name": ["Xã Một", "Xã Hai"]},
    ...     geometry=[box(500_000, 2_470_000, 501_000, 2_471_000), box(501_000, 2_470_000, 502_000, 2_471_000)],
    ...     crs="EPSG:9205")
    >>> cw = pd.DataFrame({"old_code": ["00001", "00002"], "new_code": ["00009", "00009"]})
    >>> new = pd.DataFrame({"code": ["00009"], "name": ["Chín"], "unit_type": ["xa"], "area_km2": ["5.0"],
    ...     "outside_territory": ["true"]})
    >>> out = dissolve_to_2025(old, cw, new)
    >>> out[["code", "full_name", "n_former", "area_km2", "official_area_km2", "partial"]].values.tolist()
    [['00009', 'Xã Chín', 2, 2.0, 5.0, True]]
    >>> out.geometry.iloc[0].geom_type
    'Polygon'
    """
    to_new = dict(zip(crosswalk["old_code"], crosswalk["new_code"]))
    missing = sorted(set(communes["code"]) - set(to_new))
    if missing:
        raise ValueError(f"no crosswalk row for commune(s) {', '.join(missing)}")
    new = new_units(units_2025)
    metric = communes.to_crs(metric_crs)
    metric = metric.assign(new_code=metric["code"].map(to_new)).sort_values("code")
    rows = []
    for code, parts in metric.groupby("new_code", sort=True):
        rows.append({
            "code": code,
            "former_codes": ", ".join(parts["code"]),
            "former_names": ", ".join(parts["full_name"]) if "full_name" in parts else ", ".join(parts["code"]),
            "n_former": len(parts),
            "geometry": _polygonal(shapely.union_all(parts.geometry.to_numpy())),
        })
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=metric_crs)
    info = new.reindex(out["code"])
    out.insert(1, "name", info["name"].to_numpy())
    out.insert(2, "full_name", info["full_name"].to_numpy())
    out.insert(3, "unit_type", info["unit_type"].to_numpy())
    out["area_km2"] = (out.geometry.area / 1e6).round(2)
    out["official_area_km2"] = info["official_area_km2"].to_numpy()
    out["partial"] = info["outside_territory"].fillna(False).astype(bool).to_numpy()
    return out.to_crs(communes.crs)


def codes_in_2025(projects: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.Series:
    """The new-unit code of each project: old codes through the crosswalk, new codes as they are."""
    to_new = dict(zip(crosswalk["old_code"], crosswalk["new_code"]))
    old = funding.unit_version_of(projects) == "2021"
    return projects["commune_code"].where(~old, projects["commune_code"].map(to_new))


def codes_in_2021(projects: pd.DataFrame, crosswalk: pd.DataFrame, units_2025: pd.DataFrame) -> pd.Series:
    """The old commune of each project, or NA when a new code cannot be placed in exactly one.

    A new code is placeable only if it has a single former commune and no territory from outside
    the old district (else the project may lie in land the old view does not show).
    """
    outside = new_units(units_2025)["outside_territory"]
    parts = crosswalk.groupby("new_code")["old_code"].agg(list)
    sole = {new: olds[0] for new, olds in parts.items() if len(olds) == 1 and not outside.get(new, True)}
    new = funding.unit_version_of(projects) == "2025"
    placed = projects["commune_code"].map(sole).astype(object)
    return projects["commune_code"].astype(object).where(~new, placed)


def unit_codes(projects: pd.DataFrame, ds: Dataset, unit_version: str) -> pd.Series:
    """The unit code of each project under ``unit_version`` (``"2021"`` or ``"2025"``).

    ``"2025"``: old codes through the crosswalk, new codes as they are. ``"2021"``: the old
    code, or NA for a new-code project that fits no single old commune (it is *unallocated*:
    never split, see :func:`unallocated_projects`). Tables by unit group on this.

    >>> from geo.storage.store import BundledStore
    >>> ds = BundledStore().load()
    >>> p = ds.projects.drop_duplicates("commune_code")
    >>> p = p[p["commune_code"].isin(["03412", "03427"])].sort_values("commune_code")
    >>> list(zip(p["commune_code"], unit_codes(p, ds, "2025")))
    [('03412', '03390'), ('03427', '03424')]
    """
    check_unit_version(unit_version)
    cw = crosswalk_of(ds)
    if unit_version == "2025":
        return codes_in_2025(projects, cw)
    return codes_in_2021(projects, cw, ds.units_2025)


def unit_table(ds: Dataset, unit_version: str) -> pd.DataFrame:
    """The units of ``version`` without geometry, indexed by ``code`` in display order.

    Columns: ``full_name``, ``name``, ``name_ascii`` (for file names), ``population`` (new units:
    the sum of the former communes' reported figures only when all are known, else NaN),
    and ``partial`` (the unit also holds land outside the old district).

    >>> from geo.storage.store import BundledStore
    >>> t = unit_table(BundledStore().load(), "2025")
    >>> t.loc["03408", "full_name"], t.loc["03408", "name_ascii"], bool(t.loc["03408", "partial"])
    ('Phường Tân Phong', 'Tan Phong', True)
    """
    check_unit_version(unit_version)
    c = ds.communes.set_index("code")
    pop = pd.to_numeric(c["population_reported"], errors="coerce")
    if unit_version == "2021":
        out = pd.DataFrame({"full_name": c["full_name"], "name": c["name"], "name_ascii": c["name_ascii"],
                            "population": pop.astype("float64"), "partial": False}, index=c.index)
    else:
        cw = crosswalk_of(ds)
        new = new_units(ds.units_2025)
        codes = pd.Index(sorted(set(cw["new_code"])), name="code")
        parts = pop.groupby(pop.index.map(dict(zip(cw["old_code"], cw["new_code"]))))
        out = pd.DataFrame({
            "full_name": new["full_name"].reindex(codes), "name": new["name"].reindex(codes),
            "name_ascii": [strip_accents(str(n)) for n in new["name"].reindex(codes)],
            "population": parts.sum(min_count=1).where(parts.count() == parts.size()).reindex(codes),
            "partial": new["outside_territory"].reindex(codes).fillna(False).astype(bool),
        }, index=codes)
    out.index.name = "code"
    return out


def unallocated_projects(ds: Dataset, filters: Filters = Filters()) -> pd.DataFrame:
    """Projects (matching ``filters``) keyed by a new unit that cannot be placed in one old commune.

    Columns: ``project_id``, ``name_vi``, ``name_en``, ``new_code``, ``new_name``, ``former_codes``
    (where the project could lie), ``outside`` (it could also lie outside the old district) and
    the money columns and gap of the filtered funding lines. Empty when every project is placeable.
    """
    cw = crosswalk_of(ds)
    projects, lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    stuck = projects[codes_in_2021(projects, cw, ds.units_2025).isna()]
    cols = UNALLOCATED_COLUMNS
    if stuck.empty:
        return pd.DataFrame(columns=cols)
    new = new_units(ds.units_2025)
    parts = cw.groupby("new_code")["old_code"].agg(", ".join)
    money = funding.project_totals(lines[lines["project_id"].isin(stuck["project_id"])])
    out = pd.DataFrame({
        "project_id": stuck["project_id"].to_numpy(),
        "name_vi": stuck["name_vi"].to_numpy(),
        "name_en": stuck["name_en"].to_numpy(),
        "new_code": stuck["commune_code"].to_numpy(),
        "new_name": stuck["commune_code"].map(new["full_name"]).to_numpy(),
        "former_codes": stuck["commune_code"].map(parts).fillna("").to_numpy(),
        "outside": stuck["commune_code"].map(new["outside_territory"]).fillna(False).astype(bool).to_numpy(),
    })
    for col in MONEY:
        out[col] = out["project_id"].map(money[col]).fillna(0).astype("int64")
    return out[cols].sort_values("project_id").reset_index(drop=True)


def indicators_2021(ds: Dataset, filters: Filters = Filters()) -> pd.DataFrame:
    """Indicators by old commune; new-code projects included only where they fit one old commune."""
    cw = crosswalk_of(ds)
    placed = codes_in_2021(ds.projects, cw, ds.units_2025)
    movable = (funding.unit_version_of(ds.projects) == "2025") & placed.notna()
    projects = ds.projects.copy()
    projects.loc[movable, "commune_code"] = placed[movable]
    projects.loc[movable, "unit_version"] = "2021"
    return commune_indicators(dataclasses.replace(ds, projects=projects), filters)


def indicators_2025(ds: Dataset, filters: Filters = Filters(), layer: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Indicators by new unit (index ``code``), recomputed from projects and on dissolved polygons.

    ``layer`` is the output of :func:`dissolve_to_2025` when the caller already has it.
    Population is the sum of the former communes' reported figures only if all are known.
    """
    cw = crosswalk_of(ds)
    layer = dissolve_to_2025(ds.communes, cw, ds.units_2025, metric_crs=ds.metric_crs) if layer is None else layer
    codes = pd.Index(layer["code"], name="code")
    projects, lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    projects = projects.assign(unit_code=codes_in_2025(projects, cw))
    stray = sorted(set(projects["unit_code"].dropna()) - set(codes))
    if stray:
        raise ValueError(f"projects keyed by unit(s) {', '.join(stray)} that no former commune maps to")
    money = funding.totals_by(projects, lines, ["unit_code"])
    table = pd.DataFrame(index=codes)
    for col in MONEY:
        table[col] = money[col].reindex(codes, fill_value=0).astype("int64")
    table["n_projects"] = projects.groupby("unit_code").size().reindex(codes, fill_value=0).astype("int64")

    crops = joins.zone_hectares(ds.crop_zones, layer, "crop", ds.metric_crs) if len(ds.crop_zones) else pd.DataFrame(index=codes)
    for crop in schema.CROPS:
        table[f"ha_{crop}"] = crops[crop].round(1) if crop in crops else 0.0
    risk = ds.risk_zones
    high = risk[risk["risk_level"].isin(schema.HIGH_RISK_LEVELS)] if len(risk) else risk
    table["risk_share"] = (joins.area_share(high, layer, ds.metric_crs) * 100).round(1).reindex(codes)
    events = ds.landslide_events
    table["n_events"] = joins.count_by_commune(events, layer) if len(events) else 0

    table["area_km2"] = layer.set_index("code")["area_km2"].reindex(codes)
    table["population"] = unit_table(ds, "2025")["population"].reindex(codes)
    return table


def shapes(ds: Dataset, unit_version: str) -> gpd.GeoDataFrame:
    """The polygons of ``unit_version``'s units (``code``, ``name``, ``full_name``, ``partial``),
    in the communes' CRS: the communes as they are, or dissolved to the new units."""
    check_unit_version(unit_version)
    if unit_version == "2025":
        return dissolve_to_2025(ds.communes, crosswalk_of(ds), ds.units_2025, ds.metric_crs)
    return ds.communes[["code", "name", "full_name", "geometry"]].assign(partial=False)


def indicators(ds: Dataset, unit_version: str, filters: Filters = Filters(),
               layer: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Indicators by unit of ``unit_version`` (index ``code``): :func:`indicators_2021` or :func:`indicators_2025`."""
    check_unit_version(unit_version)
    return indicators_2025(ds, filters, layer) if unit_version == "2025" else indicators_2021(ds, filters)


def view(ds: Dataset, unit_version: str, filters: Filters = Filters()) -> gpd.GeoDataFrame:
    """The layer for a unit version with its indicators (label it with :func:`version_label`).

    Both versions share the columns ``code``, ``name``, ``full_name``, ``unit_version``, the
    :data:`geo.analysis.indicators.INDICATORS` columns, ``area_km2``, ``population`` and ``partial``
    (EPSG:4326). The new view adds ``former_codes``, ``former_names``, ``n_former`` and
    ``official_area_km2``; the old view adds ``new_code`` and ``new_name``. In the old view,
    :func:`unallocated_projects` lists what could not be placed; :func:`district_totals` adds it back.
    """
    check_unit_version(unit_version)
    if unit_version == "2021":
        layer = with_geometry(ds, indicators_2021(ds, filters))
        cw = crosswalk_of(ds).set_index("old_code")
        layer["new_code"] = layer["code"].map(cw["new_code"])
        layer["new_name"] = layer["code"].map(cw["new_name"])
        layer["partial"] = False
    else:
        layer = dissolve_to_2025(ds.communes, crosswalk_of(ds), ds.units_2025, ds.metric_crs)
        table = indicators_2025(ds, filters, layer).drop(columns=["area_km2"])
        layer = layer.merge(table.reset_index(), on="code", how="left")
    layer.insert(3, "unit_version", unit_version)
    return layer


def district_totals(layer: pd.DataFrame, unallocated: pd.DataFrame | None = None) -> pd.Series:
    """Need, committed, disbursed, gap and project count of a view plus its unallocated projects.

    The same in both versions: nothing is dropped or split between them.
    """
    totals = layer[TOTAL_COLUMNS].sum().astype("int64")
    if unallocated is not None and len(unallocated):
        totals[MONEY] += unallocated[MONEY].sum().astype("int64")
        totals["n_projects"] += len(unallocated)
    return totals
