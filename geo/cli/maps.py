"""``python -m geo export-map`` and ``python -m geo atlas``: print-quality maps from the command line.

Examples
--------
>>> parse_list("1, 3,3")
('1', '3')
>>> atlas_filename("gap", "03424", "Ban Bo", "png")
'gap-03424-ban-bo.png'
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from geo.analysis import funding, units
from geo.analysis.classify import SCHEMES
from geo.analysis.indicators import INDICATORS
from geo.cli.commands import help_of
from geo.ingest.validate import DataError
from geo.model import schema
from geo.output.maps import render
from geo.storage.store import default_store


def parse_list(text: str) -> tuple[str, ...]:
    """Comma-separated values, trimmed, duplicates dropped (order kept)."""
    return tuple(dict.fromkeys(v.strip() for v in text.split(",") if v.strip()))


def atlas_filename(indicator: str, code: str, ascii_name: str, ext: str) -> str:
    """File name of one atlas page, e.g. ``gap-03424-ban-bo.png`` (ASCII, sortable by code)."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{indicator}-{code}-{slug}.{ext}"


def _indicator(text: str) -> str:
    try:
        return render.resolve_indicator(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _choices(valid: list[str], what: str):
    def check(text: str) -> tuple[str, ...]:
        values = parse_list(text)
        bad = [v for v in values if v not in valid]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {what} {', '.join(bad)}; valid: {', '.join(valid)}")
        return values
    return check


def _areas(text: str) -> tuple[int, ...]:
    values = _choices([str(c) for c in schema.CONTENT_AREAS], "content area")(text)
    return tuple(sorted(int(v) for v in values))


def _dpi(text: str) -> int:
    try:
        dpi = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"dpi must be a whole number, got '{text}'") from None
    if not 50 <= dpi <= 1200:
        raise argparse.ArgumentTypeError(f"dpi must be between 50 and 1200 (print: 150, 300 or 600), got {dpi}")
    return dpi


def filters_from_args(args: argparse.Namespace) -> funding.Filters:
    """The project filters given on the command line (same meaning as the app's sidebar)."""
    years = None
    if args.year_from is not None or args.year_to is not None:
        lo = args.year_from if args.year_from is not None else schema.SANE_YEARS[0]
        hi = args.year_to if args.year_to is not None else schema.SANE_YEARS[1]
        if lo > hi:
            raise ValueError(f"--from {lo} is after --to {hi}")
        years = (lo, hi)
    return funding.Filters(content_areas=args.content_area, sources=args.source, statuses=args.status,
                           years=years, donors=args.donor, high_risk=args.high_risk)


def _lang(args: argparse.Namespace) -> str:
    return args.sub_lang or args.lang


def _common(p: argparse.ArgumentParser, default_dpi: int) -> None:
    p.add_argument("--indicator", required=True, type=_indicator, metavar="KEY",
                   help="what to map (see the list below); 'funding_gap' is an alias of 'gap'")
    p.add_argument("--lang", dest="sub_lang", choices=["vi", "en"], default=None,
                   help="language of labels (default: the global --lang, en)")
    p.add_argument("--dpi", type=_dpi, default=default_dpi,
                   help=f"PNG resolution, written into the file (150, 300, 600; default {default_dpi})")
    p.add_argument("--paper", choices=list(render.PAPER_MM), default="A4", help="paper size (default A4)")
    p.add_argument("--orientation", choices=list(render.ORIENTATIONS), default="landscape",
                   help="page orientation (default landscape)")
    p.add_argument("--scheme", choices=list(SCHEMES), default="quantiles", help="class breaks (default quantiles)")
    p.add_argument("--layers", type=_choices(list(render.MAP_LAYERS), "layer"), default=(),
                   help=f"comma-separated layers over the choropleth: {', '.join(render.MAP_LAYERS)}")
    p.add_argument("--units", dest="unit_version", choices=list(schema.UNIT_VERSIONS), default=schema.DEFAULT_UNIT_VERSION,
                   help="administrative units: 2021 = the 13 units before 1/7/2025, 2025 = the units from "
                   "1/7/2025 (dissolved former communes; default 2021)")
    g = p.add_argument_group("project filters (as in the app's sidebar)")
    g.add_argument("--content-area", type=_areas, default=(), metavar="N[,N]",
                   help="content areas 1–10, comma-separated")
    g.add_argument("--source", type=_choices([s.key for s in schema.FUNDING_SOURCES], "source"), default=(),
                   metavar="KEY[,KEY]", help=f"funding sources: {', '.join(s.key for s in schema.FUNDING_SOURCES)}")
    g.add_argument("--status", type=_choices([s.key for s in schema.STATUSES], "status"), default=(),
                   metavar="KEY[,KEY]", help=f"statuses: {', '.join(s.key for s in schema.STATUSES)} "
                   "(default: all but cancelled)")
    g.add_argument("--donor", type=parse_list, default=(), metavar="NAME[,NAME]", help="donors")
    g.add_argument("--from", dest="year_from", type=int, default=None, metavar="YEAR",
                   help="projects running in or after this year")
    g.add_argument("--to", dest="year_to", type=int, default=None, metavar="YEAR",
                   help="projects running in or before this year")
    g.add_argument("--high-risk", action="store_true",
                   help="only projects whose coordinates lie in a high landslide-risk zone (illustrative zones)")


def _epilog() -> str:
    aliases = {k: [a for a, v in render.INDICATOR_ALIASES.items() if v == k] for k in INDICATORS}
    rows = [f"  {k + (' (' + ', '.join(aliases[k]) + ')' if aliases[k] else ''):<28} {i.label.en} [{i.unit.en}]"
            for k, i in INDICATORS.items()]
    return "indicator keys:\n" + "\n".join(rows)


def _export_map(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = (args.format or out.suffix.lstrip(".")).lower()
    if fmt not in render.FORMATS:
        print(f"error: cannot tell the format of '{out}'; use .png, .pdf or .svg (or --format)", file=sys.stderr)
        return 2
    problems = render.text_problems_of(args.title, args.subtitle, args.note, "export-map",
                                       ("--title", "--subtitle", "--note"))
    if problems:
        raise DataError(problems)  # the title, subtitle and note are checked like every text the atlas takes
    ds = default_store().load()
    try:
        filters = filters_from_args(args)
        fig = render.render_map(ds, args.indicator, filters=filters, lang=_lang(args), layers=args.layers,
                                scheme=args.scheme, paper=args.paper, orientation=args.orientation,
                                highlight=args.commune, title=args.title, subtitle=args.subtitle,
                                unit_version=args.unit_version, note=args.note)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    render.save_map(fig, out, fmt, args.dpi, metadata=render.map_metadata(fig))
    print(f"wrote {out}")
    return 0


class Progress:
    """A plain text progress bar on stderr (no extra dependency)."""

    def __init__(self, total: int, stream=None, width: int = 28):
        self.total, self.stream, self.width, self.done = total, stream or sys.stderr, width, 0

    def step(self, label: str) -> None:
        self.done += 1
        filled = round(self.width * self.done / self.total)
        end = "\n" if self.done == self.total else ""
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                          f"{label[:40]:<40}{end}")
        self.stream.flush()


def _atlas(args: argparse.Namespace) -> int:
    out = Path(args.out)
    lang = _lang(args)
    ds = default_store().load()
    try:
        filters = filters_from_args(args)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    shapes = units.shapes(ds, args.unit_version)
    table = units.indicators(ds, args.unit_version, filters, shapes if args.unit_version == "2025" else None)  # once for all pages
    out.mkdir(parents=True, exist_ok=True)
    unit_list = units.unit_table(ds, args.unit_version).sort_index()
    pages = [(None, f"{args.indicator}-00000-district.{args.format}", "district")] + [
        (code, atlas_filename(args.indicator, code, row.name_ascii, args.format), row.full_name)
        for code, row in zip(unit_list.index, unit_list.itertuples())
    ]
    bar = Progress(len(pages))
    opts = dict(filters=filters, lang=lang, layers=args.layers, scheme=args.scheme, paper=args.paper,
                orientation=args.orientation, table=table, unit_version=args.unit_version)
    for code, name, label in pages:
        fig = render.render_map(ds, args.indicator, highlight=code, **opts)
        render.save_map(fig, out / name, args.format, args.dpi, metadata=render.map_metadata(fig))
        bar.step(label)
    print(f"wrote {len(pages)} maps to {out} ({schema.UNIT_VERSIONS[args.unit_version](lang)})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser("export-map", help=help_of("export-map"), epilog=_epilog(),
                       formatter_class=fmt, description="Render a map of one indicator per commune for print: "
                       "legend, scale bar, north arrow, locator, sources and data quality.")
    _common(p, default_dpi=300)
    p.add_argument("--out", required=True, help="file to write; the format comes from .png, .pdf or .svg")
    p.add_argument("--format", choices=list(render.FORMATS), default=None, help="override the extension")
    p.add_argument("--commune", default=None, metavar="CODE",
                   help="highlight one unit (GSO code of a unit of --units)")
    p.add_argument("--title", default=None, help="title (default: the indicator)")
    p.add_argument("--subtitle", default=None, help="subtitle (default: district and filters)")
    p.add_argument("--note", default=None, help="a note printed above the sources (e.g. what the map was made for)")
    p.set_defaults(func=_export_map)

    p = sub.add_parser("atlas", help=help_of("atlas"),
                       epilog=_epilog(), formatter_class=fmt,
                       description="Write an atlas: the district map and one page per commune with that commune "
                       "highlighted and its figures listed (14 files for the 13 communes; 7 with --units 2025).")
    _common(p, default_dpi=300)
    p.add_argument("--out", required=True, help="folder to write into (created if missing)")
    p.add_argument("--format", choices=list(render.FORMATS), default="png", help="file format (default png)")
    p.set_defaults(func=_atlas)
