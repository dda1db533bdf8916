"""Everything the map's detail panel shows for one commune, as plain tables.

Tables hold text already formatted per language (:mod:`geo.text.fmt`, indicators by
:func:`geo.output.figures.indicator_value` as on the maps, money in whole VND), so a
page only lays them out. Project names stay plain text: pages show them with
``st.dataframe``, which never interprets HTML.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> from geo.analysis.indicators import commune_indicators
>>> ds = BundledStore().load()
>>> d = commune_detail(ds, commune_indicators(ds), "03424", "en")
>>> d.name, len(d.projects) == int((ds.projects["commune_code"].eq("03424")
...                                  & ds.projects["status"].ne("cancelled")).sum())
('Xã Bản Bo', True)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.analysis import exposure, funding, joins, units
from geo.analysis.indicators import INDICATORS
from geo.model import schema
from geo.model.dataset import Dataset
from geo.output import results_text
from geo.output.exports.exporting import quality_notice, unit_note
from geo.output.figures import indicator_value
from geo.text import fmt
from geo.text.i18n import t
from geo.text.provenance_text import provenance_lines

#: Layers whose provenance the detail panel lists.
DETAIL_LAYERS: tuple[str, ...] = ("communes", "projects", "funding", "crop_zones", "risk_zones", "landslide_events")


@dataclass(frozen=True)
class CommuneDetail:
    """One commune's figures and tables, ready to display."""

    code: str
    name: str
    figures: list[tuple[str, str]]  # (label, formatted value)
    projects: pd.DataFrame
    by_source: pd.DataFrame
    crops: pd.DataFrame
    events: pd.DataFrame
    provenance: list[str]
    #: Projects (matching the filters) inside each landslide-risk class: one row per class, count and names.
    exposure: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)
    #: What the exposure rests on: the risk zones' quality (illustrative until replaced) and the counting rule.
    exposure_note: str = ""


def _money(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    cols = {c: t(f"common.{c}", lang) for c in (*schema.MONEY_COLUMNS, "gap")}
    for col in cols:
        frame[col] = frame[col].map(lambda v: fmt.vnd(v, lang))
    return cols


def project_table(projects: pd.DataFrame, lines: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per project: name (in ``lang``), its money (need, committed, gap, disbursed), then status,
    content area, years, donor and code.

    Money is summed from ``lines`` (already filtered), so a funding-source filter
    shows only those sources' amounts.

    >>> p = pd.DataFrame({"project_id": ["A"], "name_vi": ["Một"], "name_en": ["One"], "status": ["proposal"],
    ...     "content_area": [3], "start_year": [2024], "end_year": [2025], "donor": [""]})
    >>> f = pd.DataFrame({"project_id": ["A", "A"], "source": ["ngo", "state_budget"],
    ...     "need": [100, 50], "committed": [20, 50], "disbursed": [0, 10]})
    >>> row = project_table(p, f, "en").iloc[0]
    >>> row["Gap"], list(row.index[:4])
    ('VND 80', ['Project', 'Need', 'Committed', 'Gap'])
    """
    totals = funding.project_totals(lines) if len(lines) else pd.DataFrame(columns=[*funding.MONEY, "gap"])
    out = pd.DataFrame({
        "project_id": projects["project_id"].to_numpy(),
        "name": (projects["name_en"].where(projects["name_en"].fillna("") != "", projects["name_vi"])
                 if lang == "en" else projects["name_vi"]).to_numpy(),
        "status": [schema.STATUS_BY_KEY[s](lang) for s in projects["status"]],
        "content_area": [schema.content_area_label(c, lang) for c in projects["content_area"]],
        "years": [f"{a}–{b}" if a != b else str(a) for a, b in zip(projects["start_year"], projects["end_year"])],
        "donor": projects["donor"].fillna("").to_numpy(),
    })
    for col in (*funding.MONEY, "gap"):
        out[col] = out["project_id"].map(totals[col]).fillna(0).astype("int64")
    money = _money(out, lang)
    # A narrow side panel shows the first columns: what a commune still needs comes before what describes it.
    out = out[["name", "need", "committed", "gap", "disbursed", "status", "content_area", "years", "donor",
               "project_id"]]
    return out.rename(columns={
        "project_id": t("common.code", lang), "name": t("map.col_project", lang), "status": t("filters.status", lang),
        "content_area": t("filters.content_area", lang), "years": t("map.col_years", lang),
        "donor": t("map.col_donor", lang), **money})


def source_table(projects: pd.DataFrame, lines: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Money of ``projects`` by funding source (only sources with a line), in schema order."""
    if projects.empty or lines.empty:
        return pd.DataFrame(columns=[t("filters.source", lang), *[t(f"common.{c}", lang) for c in (*funding.MONEY, "gap")]])
    by = funding.totals_by(projects, lines, ["source"])
    order = [s.key for s in schema.FUNDING_SOURCES if s.key in by.index]
    by = by.loc[order].reset_index()
    by.insert(0, "label", [schema.SOURCE_BY_KEY[k](lang) for k in by["source"]])
    money = _money(by, lang)
    return by[["label", *money]].rename(columns={"label": t("filters.source", lang), **money})


def exposure_table(projects: pd.DataFrame, risk_zones: gpd.GeoDataFrame, lang: str,
                   unit: gpd.GeoDataFrame | None = None, metric_crs: str = schema.METRIC_CRS) -> pd.DataFrame:
    """One row per risk class the layer uses (highest first): the number of ``projects`` whose point lies in it,
    their names and, given the ``unit`` (one polygon with a ``code``), the share of its area in that class.

    >>> from shapely.geometry import box
    >>> zones = gpd.GeoDataFrame({"risk_level": ["high"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> p = pd.DataFrame({"project_id": ["A", "B"], "name_vi": ["Đường", "Trường"], "name_en": ["Road", ""],
    ...     "lon": [0.5, 3.0], "lat": [0.5, 3.0]})
    >>> exposure_table(p, zones, "en").to_dict("records")[0]
    {'Risk class': 'High', 'Projects': 1, 'Project names': 'Road'}
    """
    hits = exposure.exposed(projects, risk_zones)
    levels = exposure.levels_in(risk_zones)
    names = (hits["name_en"].where(hits["name_en"].fillna("") != "", hits["name_vi"]) if lang == "en"
             else hits["name_vi"]) if len(hits) else pd.Series(dtype=str)
    out = pd.DataFrame({
        t("exposure.col.level", lang): [schema.RISK_LEVELS[lvl](lang) for lvl in levels],
        t("exposure.col.count", lang): [int((hits["risk_level"] == lvl).sum()) if len(hits) else 0
                                       for lvl in levels],
        t("exposure.col.names", lang): ["; ".join(names[hits["risk_level"] == lvl]) if len(hits) else ""
                                       for lvl in levels],
    })
    if unit is not None and levels:
        shares = exposure.class_shares(risk_zones, unit, metric_crs).iloc[0]
        out.insert(1, t("exposure.col.share", lang), [fmt.percent(shares[lvl], lang) for lvl in levels])
    return out


def exposure_note(ds: Dataset, projects: pd.DataFrame, lang: str) -> str:
    """The sentence under every exposure figure: the risk zones' (and projects') quality when not official, and
    the counting rule with the number of ``projects`` that have no coordinates."""
    unlocated = int((projects["lon"].isna() | projects["lat"].isna()).sum())
    notice = quality_notice(ds, lang, ("risk_zones", "projects"))
    return " ".join(x for x in (notice, t("exposure.method", lang, n=unlocated)) if x)


def commune_detail(ds: Dataset, table: pd.DataFrame, code: str, lang: str,
                   filters: funding.Filters = funding.Filters(), unit_version: str = "2021",
                   layer: gpd.GeoDataFrame | None = None) -> CommuneDetail:
    """The detail panel of unit ``code``: indicators from ``table`` (see
    :func:`geo.analysis.indicators.commune_indicators`, or :func:`geo.analysis.units.view` for either unit
    version), its projects matching ``filters``, funding by source, crop hectares, reported
    landslides and provenance.

    With ``unit_version="2025"`` pass the new-unit ``layer`` of :func:`geo.analysis.units.view`: projects are
    placed through the reform crosswalk and events located in the dissolved polygons.
    """
    shapes_ = ds.communes if layer is None else layer
    unit = shapes_.set_index("code").loc[code]
    row = table.loc[code]
    figures = [(INDICATORS[k].label(lang), indicator_value(k, row[k], lang, short=False)) for k in INDICATORS]
    figures += [(t("common.area_km2", lang), fmt.km2(row["area_km2"], lang, unit=False)),
                (t("common.population", lang), fmt.number(row["population"], lang))]
    if "partial" in unit and bool(unit["partial"]):
        figures.append((t("map.detail_note", lang), unit_note(True, lang)))

    projects, lines = funding.apply_filters(ds.projects, ds.funding, filters, ds.risk_zones)
    keyed_2025 = projects.get("unit_version", pd.Series(dtype=str)).eq("2025").any()
    if unit_version == "2025" or keyed_2025:  # place projects through the reform crosswalk
        mine = projects[units.unit_codes(projects, ds, unit_version).eq(code).fillna(False).to_numpy()]
    else:
        mine = projects[projects["commune_code"] == code]
    my_lines = lines[lines["project_id"].isin(mine["project_id"])]

    crops = pd.DataFrame({
        t("map.col_crop", lang): [label(lang) for label in schema.CROPS.values()],
        t("map.col_ha", lang): [fmt.hectares(row[f"ha_{c}"], lang, unit=False) for c in schema.CROPS],
    })

    ev = ds.landslide_events
    if len(ev):
        ev = ev[joins.locate_points(ev, shapes_).eq(code).fillna(False).to_numpy()]
    events = pd.DataFrame({
        t("map.tt_date", lang): [d or t("map.date_unknown", lang) for d in ev["date"].fillna("")] if len(ev) else [],
        t("map.tt_event", lang): ev["description_en" if lang == "en" else "description_vi"].to_numpy() if len(ev) else [],
        t("map.col_deaths", lang): [fmt.number(v, lang) for v in ev["deaths"]] if len(ev) else [],
        t("map.col_injured", lang): [fmt.number(v, lang) for v in ev["injured"]] if len(ev) else [],
        t("map.tt_accuracy", lang): ev["location_accuracy"].to_numpy() if len(ev) else [],
        t("common.source", lang): ev["source"].to_numpy() if len(ev) else [],
    })
    shown = project_table(mine, my_lines, lang)
    # one short line per project on who benefits and its result indicators (issue 16), after its money
    shown.insert(5, t("results.col.summary", lang), [results_text.short_line(ds, pid, lang) for pid in mine["project_id"]])
    return CommuneDetail(
        code=code, name=str(unit["full_name"]), figures=figures,
        projects=shown, by_source=source_table(mine, my_lines, lang),
        crops=crops, events=events, provenance=provenance_lines(ds, lang, DETAIL_LAYERS),
        exposure=exposure_table(mine, ds.risk_zones, lang, shapes_[shapes_["code"] == code], ds.metric_crs), exposure_note=exposure_note(ds, mine, lang),
    )

