"""DEM screening: ``python -m geo import-dem DEM.tif [--events EVENTS.csv] [--hillshade OUT.tif]``.

Without ``--events`` the landslides among the store's reported events (``import-layer events``) are counted.

Prints the slope classes of the DEM (computed in a metric CRS), the share of area and of reported landslide
events in each, their frequency ratio and its AUC, always under the label "screening, not an official zoning".
Nothing is written to the store; ``--hillshade`` writes a hillshade GeoTIFF (block by block).

The offline basemap: ``python -m geo import-basemap FILE --source … --licence … --date … --quality …`` (a DEM,
a hillshade, a GeoTIFF image, or raster MBTiles or PMTiles; :mod:`geo.ingest.basemap`) stores the picture of the
district that the web map and print maps draw under the communes; ``--remove`` takes it away.
"""

from __future__ import annotations

import argparse
import math

from geo.analysis import terrain
from geo.cli.commands import add_provenance, help_of
from geo.ingest import dem
from geo.text import fmt
from geo.text.i18n import t


def _class_name(k: int) -> str:
    lo = 0.0 if k == 0 else terrain.SLOPE_BREAKS[k - 1]
    return f"> {lo:g}°" if k == len(terrain.SLOPE_BREAKS) else f"{lo:g}–{terrain.SLOPE_BREAKS[k]:g}°"


def screening_lines(s: dem.Screening, lang: str) -> list[str]:
    """The screening as printed lines in ``lang``: label, heading, one row per class, AUC."""
    lines = [t("terrain.screening_label", lang),
             t("terrain.heading", lang, file=s.file, crs=s.crs, dx=fmt.number(s.cell_m[0], lang, 1),
               dy=fmt.number(s.cell_m[1], lang, 1), warped=t("terrain.warped", lang) if s.reprojected else "")]
    head = [t(k, lang) for k in ("terrain.col_class", "terrain.col_area", "terrain.col_events", "terrain.col_ratio")]
    lines.append(" | ".join(head))
    total = max(int(s.area_cells.sum()), 1)
    ratio = s.ratio
    for k in range(terrain.N_CLASSES):
        r = "—" if math.isnan(ratio[k]) else fmt.number(float(ratio[k]), lang, 2)
        lines.append(" | ".join([_class_name(k), fmt.percent(s.area_cells[k] / total, lang),
                                 fmt.number(int(s.event_cells[k]), lang), r]))
    if s.event_cells.sum() == 0:
        lines.append(t("terrain.no_events", lang))
    else:
        lines.append(t("terrain.auc", lang, auc=fmt.number(s.auc, lang, 2)))
    if s.events_outside:
        lines.append(t("terrain.events_outside", lang, n=fmt.number(s.events_outside, lang)))
    return lines


def _import_dem(args: argparse.Namespace) -> int:
    if args.events:
        events = dem.read_event_points(args.events)
    else:  # the reported events in the store (bundled, or imported with import-layer events)
        from geo.ingest.events import landslide_points
        from geo.storage.store import default_store

        events = landslide_points(default_store().load().landslide_events)
    s = dem.screen_dem(args.file, events, args.hillshade)
    for line in screening_lines(s, args.lang):
        print(line)
    if args.hillshade:
        print(t("terrain.wrote_hillshade", args.lang, path=args.hillshade))
    return 0


def _import_basemap(args: argparse.Namespace) -> int:
    from geo.ingest.basemap import prepare_basemap
    from geo.ingest.layer_import import make_provenance
    from geo.ingest.validate import DataError, Problem
    from geo.model.basemap import BASEMAP_LAYER, BASEMAP_TITLE
    from geo.storage.accounts import console_actor
    from geo.storage.store import default_store

    store = default_store()
    user = args.user or console_actor()
    if args.remove:
        if args.file:
            raise DataError([Problem.of(args.file, "terrain.basemap_remove_no_file")])
        store.replace_basemap(None, user, note="import-basemap --remove")
        print(t("terrain.basemap_removed", args.lang))
        return 0
    if not args.file:
        raise DataError([Problem.of("import-basemap", "terrain.basemap_file_needed")])
    ds = store.load()
    prov = make_provenance(ds, BASEMAP_LAYER, args.source or "", args.licence or "", args.date or "",
                           args.quality or "", args.method or "", args.file, title=BASEMAP_TITLE)
    basemap = prepare_basemap(args.file, tuple(float(v) for v in ds.communes.total_bounds), prov)  # type: ignore[arg-type]
    store.replace_basemap(basemap, user, note=f"import-basemap {args.file}")
    print(t("terrain.basemap_stored", args.lang, kind=t(f"terrain.basemap_kind.{basemap.kind}", args.lang),
            w=basemap.width, h=basemap.height, kb=fmt.number(round(len(basemap.image) / 1024), args.lang)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-dem", help=help_of("import-dem"))
    p.add_argument("file", help="DEM GeoTIFF (metres, or degrees: then warped to UTM 48N)")
    p.add_argument("--events", help="CSV of reported events with lon, lat (WGS 84) and optionally type "
                                    "(default: the landslides among the store's reported events)")
    p.add_argument("--hillshade", help="also write a hillshade GeoTIFF here")
    p.set_defaults(func=_import_dem)

    p = sub.add_parser("import-basemap", help=help_of("import-basemap"))
    p.add_argument("file", nargs="?",
                   help="DEM, hillshade or image GeoTIFF, or raster MBTiles or PMTiles, covering the district")
    add_provenance(p, "where it comes from, e.g. 'SRTM 1 arc-second (NASA/USGS)' (required)")
    p.add_argument("--user", help="your account (once the store has accounts) or name, for the audit trail")
    p.add_argument("--remove", action="store_true", help="remove the stored basemap instead")
    p.set_defaults(func=_import_basemap)
