"""DEM screening: ``python -m geo import-dem DEM.tif [--events EVENTS.csv] [--hillshade OUT.tif]``.

Without ``--events`` the landslides among the store's reported events (``import-layer events``) are counted.

Prints the slope classes of the DEM (computed in a metric CRS), the share of area and of reported landslide
events in each, their frequency ratio and its AUC, always under the label "screening, not an official zoning".
Nothing is written to the store; ``--hillshade`` writes a hillshade GeoTIFF (block by block).

The offline basemap: ``python -m geo import-basemap FILE --source … --licence … --date … --quality …`` (a DEM,
a hillshade, a GeoTIFF image or raster MBTiles; :mod:`geo.ingest.basemap`) stores the picture of the district
that the web map and print maps draw under the communes; ``--remove`` takes it away.
"""

from __future__ import annotations

import argparse

from geo.cli.commands import add_provenance, help_of, option_help
from geo.ingest import dem
from geo.output.screening_text import screening_lines
from geo.text import fmt
from geo.text.i18n import t


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


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    h = option_help("import-dem", lang)
    p = sub.add_parser("import-dem", help=help_of("import-dem", lang))
    p.add_argument("file", help=h("file"))
    p.add_argument("--events", help=h("events"))
    p.add_argument("--hillshade", help=h("hillshade"))
    p.set_defaults(func=_import_dem)

    h = option_help("import-basemap", lang)
    p = sub.add_parser("import-basemap", help=help_of("import-basemap", lang))
    p.add_argument("file", nargs="?", help=h("file"))
    add_provenance(p, lang, "cli.help.import-basemap.source")
    p.add_argument("--user", help=option_help("common", lang)("user"))
    p.add_argument("--remove", action="store_true", help=h("remove"))
    p.set_defaults(func=_import_basemap)
