"""Every sub-command of ``atlas`` / ``python -m geo``: which module of :mod:`geo.cli` registers it, and its
one-line help. Standard library only, so ``atlas --help`` lists the commands without importing pandas,
GeoPandas or matplotlib; :mod:`geo.cli.main` imports a command's module only when that command runs.
"""

from __future__ import annotations

import argparse

#: Sub-command → (module in ``geo.cli`` whose ``register(subparsers)`` adds it, help line), in help order.
COMMANDS: dict[str, tuple[str, str]] = {
    "info": ("info", "summarise the data and its provenance"),
    "indicators": ("info", "write the per-commune indicator table as CSV"),
    "units": ("units", "write the unit layer (2021 or 2025 units) with indicators as GeoJSON"),
    "import-projects": ("data", "import projects from CSV/Excel (all or nothing)"),
    "import-layer": ("data", "import a layer file (GeoJSON, zipped Shapefile, GeoPackage, KML)"),
    "import-money": ("data", "import dated money records (budgets, transactions) from CSV/Excel (all or nothing)"),
    "import-iati": ("data", "import a donor's IATI activity file: the activities in the district (all or nothing)"),
    "template": ("data", "write the Excel template for project imports (--money: for money records)"),
    "export": ("data", "export the data (gpkg, geojson zip, csv, xlsx, 3w, fts, iati)"),
    "import-dem": ("terrain", "screen a DEM: slope classes, landslide frequency ratio and AUC (not an official zoning)"),
    "import-basemap": ("terrain", "store an offline basemap (DEM, hillshade, GeoTIFF image, raster MBTiles or PMTiles) under the maps"),
    "export-map": ("maps", "write one print-quality map (PNG, PDF or SVG)"),
    "atlas": ("maps", "write the district map plus one highlighted map per commune"),
    "report": ("report", "write the periodic report (sơ kết / tổng kết) as an Excel workbook"),
    "report-period": ("report", "write committed vs disbursed money of a period (dated records; undated apart) as Excel"),
    "donors": ("pitch", "list donor profile ids and names"),
    "pitch": ("pitch", "build a pitch deck (PPTX) and one-pagers (PDF) for a donor, theme or communes"),
    "users": ("users", "add, list, disable, enable or reset accounts (password from a prompt or stdin)"),
    "audit": ("users", "write the change log (who, when, what, before/after) as CSV or Excel"),
    "store": ("store", "copy, create, check, back up or restore a whole store (GeoPackage or PostGIS)"),
    "serve": ("serve", "run the app behind nginx (several processes, gzip, cache, TLS) or write its nginx site"),
}


def help_of(command: str) -> str:
    """The help line of ``command`` (the modules use it, so the list and each command say the same)."""
    return COMMANDS[command][1]


def add_provenance(p: argparse.ArgumentParser, source_help: str = "where the layer comes from (required)") -> None:
    """The provenance a layer import requires (``--source``, ``--licence``, ``--date``, ``--quality``) and the
    optional ``--method``: one wording for every command that stores a layer."""
    p.add_argument("--source", help=source_help)
    p.add_argument("--licence", help="licence or terms of use (required)")
    p.add_argument("--date", help="date of the data, YYYY-MM-DD (required)")
    p.add_argument("--quality", choices=["official", "approximate", "illustrative"], help="(required)")
    p.add_argument("--method", help="how it was made (optional)")
