"""Export the store: GeoPackage of every layer, GeoJSON per layer (zip), CSV and Excel of the projects, the 3W
and funding-flow HXL tables and the IATI 2.03 activity file (:mod:`geo.output.exports.iati`).

The donor profiles (the store's ``donors`` table) go into the GeoPackage (non-spatial table
``donors``), the Excel workbook (sheet ``donors``) and the GeoJSON zip (``donors.csv``); the CSV
export is the project table only. :func:`export_store` reads both from one store.

Every export carries provenance (a ``provenance`` table/sheet/file, and ``#`` header
lines in CSV). The project table is "long" (one row per project × funding source) with
the same columns the importer reads, so an exported file can be edited and imported
back. Text cells that a spreadsheet would run as a formula are neutralised
(:func:`geo.output.exports.exporting.neutralise`). Files are written to a temporary name and then
renamed, so a failed export never leaves half a file.

Examples
--------
>>> from geo.storage.store import BundledStore
>>> ds = BundledStore().load()
>>> table = project_table(ds)
>>> len(table) == len(ds.funding) + len(set(ds.projects.project_id) - set(ds.funding.project_id))
True
>>> HXL["commune_code"], HXL["need"]
('#adm3+code', '#value+funding+required')
"""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.analysis import funding
from geo.ingest.imports import COLUMN_LABELS, IMPORT_COLUMNS, INFO_COLUMNS
from geo.model import schema
from geo.model.dataset import Dataset
from geo.output.exports import iati, money_export
from geo.output.exports.exporting import neutralise, provenance_header
from geo.storage import gpkg
from geo.storage.interface import ExportSource
from geo.text import i18n
from geo.text.provenance_text import provenance_lines

FORMATS = ("gpkg", "geojson", "csv", "xlsx", "3w", "fts", "iati")
#: The file extension each format is written with.
EXTENSIONS: dict[str, str] = {"gpkg": "gpkg", "geojson": "zip", "csv": "csv", "xlsx": "xlsx", "3w": "csv", "fts": "csv",
                              "iati": "xml"}
SPATIAL_LAYERS: tuple[str, ...] = ("communes", "crop_zones", "risk_zones", "landslide_events")
TABLE_LAYERS: tuple[str, ...] = ("projects", "funding", "communes")

#: HXL hashtags (https://hxlstandard.org) for the project table.
HXL: dict[str, str] = {
    "project_id": "#activity+code", "name_vi": "#activity+name+i_vi", "name_en": "#activity+name+i_en",
    "description": "#description", "description_en": "#description+i_en", "dac_sectors": "#sector+code+v_dac", "commune_code": "#adm3+code",
    "commune_name": "#adm3+name",
    "content_area": "#sector+code", "status": "#status", "start_year": "#date+start", "end_year": "#date+end",
    "lead_agency": "#org+impl", "donor": "#org+funder", "lon": "#geo+lon", "lat": "#geo+lat",
    "quality": "#meta+quality", "unit_version": "#meta+unit_version",
    "iati_identifier": "#activity+code+v_iati", "source": "#org+funder+type", "need": "#value+funding+required",
    "committed": "#value+funding+committed", "disbursed": "#value+funding+disbursed",
}
EXPORT_COLUMNS: tuple[str, ...] = (*IMPORT_COLUMNS[:5], "commune_name", *IMPORT_COLUMNS[5:])
assert set(HXL) == set(EXPORT_COLUMNS)


def project_table(ds: Dataset) -> pd.DataFrame:
    """One row per project × funding source (projects without lines get one row), schema column names.

    ``commune_name`` is the name of the unit the code means in the row's ``unit_version``.
    """
    from geo.analysis.units import unit_table

    names = {v: unit_table(ds, v)["full_name"] for v in schema.UNIT_VERSIONS}
    lines = ds.funding.copy()
    order = {s.key: i for i, s in enumerate(schema.FUNDING_SOURCES)}
    lines["_o"] = lines["source"].map(order)
    table = ds.projects.merge(lines, on="project_id", how="left").sort_values(["project_id", "_o"], kind="stable")
    table = table.drop(columns="_o").reset_index(drop=True)
    version = funding.unit_version_of(table)
    named = pd.Series("", index=table.index, dtype=object)
    for v, by_code in names.items():
        here = version == v
        named[here] = table.loc[here, "commune_code"].map(by_code)
    table.insert(5, "commune_name", named.fillna(""))
    table["unit_version"] = version
    for col in schema.MONEY_COLUMNS:
        table[col] = table[col].astype("Int64")
    table["source"] = table["source"].fillna("")
    return table[list(EXPORT_COLUMNS)]


def _safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(neutralise).astype(object)
    return out


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def provenance_frame(ds: Dataset, lang: str = "en") -> pd.DataFrame:
    """One row per layer: title, quality, source, licence, date, method."""
    return pd.DataFrame([
        {"layer": p.layer, "title": p.title(lang), "quality": p.quality.value, "source": p.source,
         "licence": p.licence, "date": p.date, "method": p.method}
        for p in ds.provenance.values()
    ], dtype="str")


def _donor_table(donors: pd.DataFrame) -> pd.DataFrame:
    return donors[list(schema.DONOR_COLUMNS)].reset_index(drop=True)


def _described(ds: Dataset, layer: str) -> tuple[str, str]:
    """GeoPackage identifier and description of a layer: bilingual title; quality, source, licence, date."""
    p = ds.provenance[layer]
    return f"{p.title('en')} / {p.title('vi')}", f"{p.quality.value}: {p.source} ({p.licence}, {p.date})"


def donors_csv(ds: Dataset, donors: pd.DataFrame, lang: str = "vi") -> str:
    """The donor profiles as CSV text: ``#`` provenance lines, header, rows (formulas neutralised)."""
    return provenance_header(ds, lang, ("donors",)) + _safe(_donor_table(donors)).to_csv(index=False,
                                                                                       lineterminator="\n")


def export_csv(ds: Dataset, path: Path | str, lang: str = "vi", hxl: bool = False) -> Path:
    """Project table as UTF-8 CSV: ``#`` provenance lines, header, optional HXL row, rows."""
    table = _safe(project_table(ds))

    def write(tmp: Path) -> None:
        text = provenance_header(ds, lang, ("projects", "funding", "communes"))
        header = pd.DataFrame([HXL[c] for c in table.columns], index=table.columns).T if hxl else None
        body = pd.concat([header, table.astype(object)], ignore_index=True) if hxl else table
        text += body.to_csv(index=False, lineterminator="\n")
        tmp.write_text(text, encoding="utf-8")

    return _atomic(Path(path), write)


def _money_sheets(money: pd.DataFrame | None, lang: str) -> dict[str, pd.DataFrame]:
    """The money records as two tables (transactions; yearly budgets), bilingual headers, formulas neutralised."""
    if money is None:
        return {}
    out = {}
    for name, table in (("money_transactions", money_export.transactions_table(money, lang)),
                        ("money_budgets", money_export.budgets_table(money, lang))):
        safe = _safe(table)
        safe.columns = money_export.headers(list(table.columns))
        out[name] = safe
    return out


def export_xlsx(ds: Dataset, path: Path | str, lang: str = "vi", donors: pd.DataFrame | None = None,
                money: pd.DataFrame | None = None) -> Path:
    """Excel workbook: ``projects`` (the long table, headers = column names), ``donors`` (if given), the money
    records (if given: ``money_transactions``, undated ones flagged "date unknown", and ``money_budgets``, headers
    "Tiếng Việt / English", importable with ``import-money``) and ``provenance``."""
    table = _safe(project_table(ds))
    labels = pd.DataFrame([{c: {**COLUMN_LABELS, **INFO_COLUMNS}[c](lang) for c in table.columns}])

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            table.to_excel(xl, sheet_name="projects", index=False)
            if donors is not None:
                _safe(_donor_table(donors)).to_excel(xl, sheet_name="donors", index=False)
                xl.sheets["donors"].freeze_panes = "B2"
            for name, sheet in _money_sheets(money, lang).items():
                sheet.to_excel(xl, sheet_name=name, index=False)
                xl.sheets[name].freeze_panes = "A2"
            _safe(provenance_frame(ds, lang)).to_excel(xl, sheet_name="provenance", index=False)
            labels.T.rename(columns={0: "label"}).to_excel(xl, sheet_name="columns", index_label="column")
            ws = xl.sheets["projects"]
            ws.freeze_panes = "A2"

    return _atomic(Path(path), write)


def project_points(ds: Dataset) -> gpd.GeoDataFrame:
    """Projects as points (no geometry where the location is unknown), with funding totals."""
    totals = ds.funding.groupby("project_id")[list(schema.MONEY_COLUMNS)].sum()
    out = ds.projects.merge(totals, left_on="project_id", right_index=True, how="left")
    for col in schema.MONEY_COLUMNS:
        out[col] = out[col].fillna(0).astype("int64")
    geoms = gpd.points_from_xy(out["lon"], out["lat"])
    geoms = [None if pd.isna(x) or pd.isna(y) else g for g, x, y in zip(geoms, out["lon"], out["lat"])]
    return gpd.GeoDataFrame(out, geometry=geoms, crs=schema.GEOGRAPHIC_CRS)


def _layers(ds: Dataset) -> dict[str, gpd.GeoDataFrame]:
    return {**{name: getattr(ds, name) for name in SPATIAL_LAYERS}, "projects": project_points(ds)}


def export_gpkg(ds: Dataset, path: Path | str, lang: str = "en", donors: pd.DataFrame | None = None,
                money: pd.DataFrame | None = None) -> Path:
    """One GeoPackage: communes, crop_zones, risk_zones, landslide_events, projects (points),
    project_funding, units_2025, donors (if given), money_transactions and money_budgets (if given; column
    names of the schema, titles bilingual) and provenance — opens in QGIS with these layer names."""
    prov = ds.provenance

    def write(tmp: Path) -> None:
        con = gpkg.register_functions(sqlite3.connect(tmp, isolation_level=None))
        try:
            gpkg.init(con)
            con.execute("BEGIN")
            for name, gdf in _layers(ds).items():
                p = prov["projects" if name == "projects" else name]
                gpkg.write_table(con, name, gdf, f"{p.title('en')} / {p.title('vi')}",
                                 f"{p.quality.value}: {p.source} ({p.licence}, {p.date})")
            for name, df, key in (("project_funding", ds.funding, "funding"), ("units_2025", ds.units_2025,
                                                                               "units_2025")):
                p = prov[key]
                gpkg.write_table(con, name, df, f"{p.title('en')} / {p.title('vi')}",
                                 f"{p.quality.value}: {p.source} ({p.licence}, {p.date})")
            if donors is not None:
                gpkg.write_table(con, "donors", _donor_table(donors), *_described(ds, "donors"))
            if money is not None:
                for name, table in (("money_transactions", money_export.transactions_table(money, lang)),
                                    ("money_budgets", money_export.budgets_table(money, lang))):
                    key = f"xport.table.{name}"
                    gpkg.write_table(con, name, table, f"{i18n.t(key, 'en')} / {i18n.t(key, 'vi')}",
                                     _described(ds, "funding")[1])
            gpkg.write_table(con, "provenance", provenance_frame(ds, lang), "Provenance / Nguồn dữ liệu")
            con.execute("COMMIT")
        finally:
            con.close()

    return _atomic(Path(path), write)


def export_geojson_zip(ds: Dataset, path: Path | str, lang: str = "en", donors: pd.DataFrame | None = None,
                       money: pd.DataFrame | None = None) -> Path:
    """A zip with one GeoJSON per layer (provenance as a top-level ``provenance`` member), provenance.json,
    ``donors.csv`` (if given; :func:`donors_csv`), ``money_transactions.csv`` and ``money_budgets.csv`` (if
    given; ``#`` provenance lines, bilingual headers) and a README listing the files and their provenance."""
    prov = provenance_frame(ds, lang).set_index("layer")

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, gdf in _layers(ds).items():
                doc = json.loads(gdf.to_json(na="null", drop_id=True))
                doc["name"] = name
                doc["provenance"] = prov.loc["projects" if name == "projects" else name].to_dict()
                zf.writestr(f"{name}.geojson", json.dumps(doc, ensure_ascii=False))
            zf.writestr("provenance.json", json.dumps(provenance_frame(ds, lang).to_dict("records"),
                                                      ensure_ascii=False, indent=1))
            files = [f"{name}.geojson" for name in _layers(ds)] + ["provenance.json"]
            if donors is not None:
                zf.writestr("donors.csv", donors_csv(ds, donors, lang))
                files.append("donors.csv")
            for name, sheet in _money_sheets(money, lang).items():
                zf.writestr(f"{name}.csv", provenance_header(ds, lang, ("funding",))
                            + sheet.to_csv(index=False, lineterminator="\n"))
                files.append(f"{name}.csv")
            readme = [i18n.t("data.export_readme_files", lang, files=", ".join(files)), "",
                      *provenance_lines(ds, lang)]
            zf.writestr("README.txt", "".join(f"{line}\n" for line in readme))

    return _atomic(Path(path), write)


def three_w_csv(ds: Dataset, lang: str = "en") -> str:
    """The OCHA 3W table (:func:`money_export.three_w`) as HXL CSV: provenance lines, bilingual header, hashtags."""
    return money_export.hxl_csv(money_export.three_w(ds, lang), money_export.THREE_W_HXL,
                                provenance_header(ds, lang, ("projects", "funding", "communes")))


def flows_csv(ds: Dataset, money: pd.DataFrame | None, lang: str = "en") -> str:
    """The funding-flow table (:func:`money_export.funding_flows`) as HXL CSV, with the USD basis in the header."""
    cfg = ds.config
    rate = money_export.reference_rate_text(cfg, lang) if cfg.usd_rate else i18n.t("xport.usd_no_reference", lang)
    return money_export.hxl_csv(money_export.funding_flows(ds, money, lang), money_export.FLOW_HXL,
                                provenance_header(ds, lang, ("projects", "funding")) + f"# USD: {rate}\n")


def _text_file(path: Path | str, text: str) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return _atomic(Path(path), write)


def export(ds: Dataset, fmt: str, path: Path | str, lang: str = "vi", hxl: bool = False,
           donors: pd.DataFrame | None = None, money: pd.DataFrame | None = None) -> Path:
    """Dispatch on ``fmt`` (one of :data:`FORMATS`); ``donors`` (profiles) and ``money`` (records) go where the
    format has room."""
    if fmt == "csv":
        return export_csv(ds, path, lang, hxl)
    if fmt == "xlsx":
        return export_xlsx(ds, path, lang, donors, money)
    if fmt == "gpkg":
        return export_gpkg(ds, path, lang, donors, money)
    if fmt == "geojson":
        return export_geojson_zip(ds, path, lang, donors, money)
    if fmt == "3w":
        return _text_file(path, three_w_csv(ds, lang))
    if fmt == "fts":
        return _text_file(path, flows_csv(ds, money, lang))
    if fmt == "iati":  # checked against the IATI XSD and rules first: a failing file raises, nothing is written
        xml = iati.build_iati(ds, money).xml

        def write(tmp: Path) -> None:
            tmp.write_bytes(xml)

        return _atomic(Path(path), write)
    raise ValueError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")


def export_store(store: ExportSource, fmt: str, path: Path | str, lang: str = "vi", hxl: bool = False) -> Path:
    """Export a store's dataset, its donor profiles and its money records."""
    return export(store.load(), fmt, path, lang, hxl, store.list_donors(), store.money_records())
