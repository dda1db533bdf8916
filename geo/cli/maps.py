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
from geo.cli.commands import help_of, option_help
from geo.ingest.validate import DataError
from geo.model import schema
from geo.output.maps import render
from geo.storage.store import default_store
from geo.text import i18n
from geo.text.fmt import number


def parse_list(text: str) -> tuple[str, ...]:
    """Comma-separated values, trimmed, duplicates dropped (order kept)."""
    return tuple(dict.fromkeys(v.strip() for v in text.split(",") if v.strip()))


def atlas_filename(indicator: str, code: str, ascii_name: str, ext: str) -> str:
    """File name of one atlas page, e.g. ``gap-03424-ban-bo.png`` (ASCII, sortable by code)."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return f"{indicator}-{code}-{slug}.{ext}"


def _indicator(lang: str):
    def check(text: str) -> str:
        try:
            return render.resolve_indicator(text)
        except ValueError:
            raise argparse.ArgumentTypeError(i18n.t("cli.maps.unknown_indicator", lang, bad=text,
                                                    valid=render.indicator_help())) from None
    return check


def _choices(valid: list[str], what: str, lang: str):
    """A ``type=`` that takes comma-separated values of ``valid`` and refuses others with ``cli.maps.unknown_<what>``."""
    def check(text: str) -> tuple[str, ...]:
        values = parse_list(text)
        bad = [v for v in values if v not in valid]
        if bad:
            raise argparse.ArgumentTypeError(i18n.t(f"cli.maps.unknown_{what}", lang, bad=", ".join(bad),
                                                    valid=", ".join(valid)))
        return values
    return check


def _areas(lang: str):
    check = _choices([str(c) for c in schema.CONTENT_AREAS], "area", lang)
    return lambda text: tuple(sorted(int(v) for v in check(text)))


def _dpi(lang: str):
    def check(text: str) -> int:
        try:
            dpi = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(i18n.t("cli.maps.dpi_not_whole", lang, text=text)) from None
        if not 50 <= dpi <= 1200:
            raise argparse.ArgumentTypeError(i18n.t("cli.maps.dpi_range", lang, dpi=dpi))
        return dpi
    return check


def filters_from_args(args: argparse.Namespace) -> funding.Filters:
    """The project filters given on the command line (same meaning as the app's sidebar)."""
    years = None
    if args.year_from is not None or args.year_to is not None:
        lo = args.year_from if args.year_from is not None else schema.SANE_YEARS[0]
        hi = args.year_to if args.year_to is not None else schema.SANE_YEARS[1]
        if lo > hi:
            raise ValueError(i18n.t("cli.maps.years_reversed", _lang(args), lo=lo, hi=hi))
        years = (lo, hi)
    return funding.Filters(content_areas=args.content_area, sources=args.source, statuses=args.status,
                           years=years, donors=args.donor, high_risk=args.high_risk)


def _lang(args: argparse.Namespace) -> str:
    return args.sub_lang or args.lang


def _common(p: argparse.ArgumentParser, default_dpi: int, lang: str) -> None:
    h = option_help("maps", lang)
    p.add_argument("--indicator", required=True, type=_indicator(lang), metavar="KEY", help=h("indicator"))
    p.add_argument("--lang", dest="sub_lang", choices=["vi", "en"], default=None, help=h("lang"))
    p.add_argument("--dpi", type=_dpi(lang), default=default_dpi, help=h("dpi", dpi=default_dpi))
    p.add_argument("--paper", choices=list(render.PAPER_MM), default="A4", help=h("paper"))
    p.add_argument("--orientation", choices=list(render.ORIENTATIONS), default="landscape", help=h("orientation"))
    p.add_argument("--scheme", choices=list(SCHEMES), default="quantiles", help=h("scheme"))
    p.add_argument("--layers", type=_choices(list(render.MAP_LAYERS), "layer", lang), default=(),
                   help=h("layers", layers=", ".join(render.MAP_LAYERS)))
    p.add_argument("--units", dest="unit_version", choices=list(schema.UNIT_VERSIONS), default=schema.DEFAULT_UNIT_VERSION,
                   help=h("units"))
    g = p.add_argument_group(h("filters"))
    g.add_argument("--content-area", type=_areas(lang), default=(), metavar="N[,N]", help=h("content-area"))
    sources = [s.key for s in schema.FUNDING_SOURCES]
    g.add_argument("--source", type=_choices(sources, "source", lang), default=(), metavar="KEY[,KEY]",
                   help=h("source", keys=", ".join(sources)))
    statuses = [s.key for s in schema.STATUSES]
    g.add_argument("--status", type=_choices(statuses, "status", lang), default=(), metavar="KEY[,KEY]",
                   help=h("status", keys=", ".join(statuses)))
    g.add_argument("--donor", type=parse_list, default=(), metavar="NAME[,NAME]", help=h("donor"))
    g.add_argument("--from", dest="year_from", type=int, default=None, metavar="YEAR", help=h("from"))
    g.add_argument("--to", dest="year_to", type=int, default=None, metavar="YEAR", help=h("to"))
    g.add_argument("--high-risk", action="store_true", help=h("high-risk"))


def _epilog(lang: str) -> str:
    aliases = {k: [a for a, v in render.INDICATOR_ALIASES.items() if v == k] for k in INDICATORS}
    rows = [f"  {k + (' (' + ', '.join(aliases[k]) + ')' if aliases[k] else ''):<28} {i.label(lang)} [{i.unit(lang)}]"
            for k, i in INDICATORS.items()]
    return i18n.t("cli.help.maps.indicator_keys", lang) + "\n" + "\n".join(rows)


def _export_map(args: argparse.Namespace) -> int:
    out = Path(args.out)
    fmt = (args.format or out.suffix.lstrip(".")).lower()
    if fmt not in render.FORMATS:
        print(i18n.t("err.cli_error", _lang(args), text=i18n.t("cli.maps.bad_format", _lang(args), out=out)),
              file=sys.stderr)
        return 2
    problems = render.text_problems_of(args.title, args.subtitle, args.note, "export-map",
                                       ("--title", "--subtitle", "--note"))
    if problems:
        raise DataError(problems)  # the title, subtitle and note are checked like every text the atlas takes
    ds = default_store().load()
    shapes = units.shapes(ds, args.unit_version)
    if args.commune is not None and args.commune not in set(shapes["code"]):
        print(i18n.t("err.cli_error", _lang(args), text=i18n.t(
            "cli.maps.unknown_commune", _lang(args), code=args.commune,
            units=schema.UNIT_VERSIONS[args.unit_version](_lang(args)), valid=", ".join(shapes["code"]))),
              file=sys.stderr)
        return 2
    try:
        filters = filters_from_args(args)
        fig = render.render_map(ds, args.indicator, filters=filters, lang=_lang(args), layers=args.layers,
                                scheme=args.scheme, paper=args.paper, orientation=args.orientation,
                                highlight=args.commune, title=args.title, subtitle=args.subtitle,
                                unit_version=args.unit_version, note=args.note)
    except ValueError as err:
        print(i18n.t("err.cli_error", _lang(args), text=err), file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    render.save_map(fig, out, fmt, args.dpi, metadata=render.map_metadata(fig))
    print(i18n.t("cli.wrote", _lang(args), path=out))
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
        print(i18n.t("err.cli_error", _lang(args), text=err), file=sys.stderr)
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
    print(i18n.t("cli.maps.wrote_atlas", lang, n=number(len(pages), lang), out=out,
                 units=schema.UNIT_VERSIONS[args.unit_version](lang)))
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    h = option_help("export-map", lang)
    p = sub.add_parser("export-map", help=help_of("export-map", lang), epilog=_epilog(lang), formatter_class=fmt,
                       description=i18n.t("cli.description.export-map", lang))
    _common(p, 300, lang)
    p.add_argument("--out", required=True, help=h("out"))
    p.add_argument("--format", choices=list(render.FORMATS), default=None, help=h("format"))
    p.add_argument("--commune", default=None, metavar="CODE", help=h("commune"))
    p.add_argument("--title", default=None, help=h("title"))
    p.add_argument("--subtitle", default=None, help=h("subtitle"))
    p.add_argument("--note", default=None, help=h("note"))
    p.set_defaults(func=_export_map)

    h = option_help("atlas", lang)
    p = sub.add_parser("atlas", help=help_of("atlas", lang), epilog=_epilog(lang), formatter_class=fmt,
                       description=i18n.t("cli.description.atlas", lang))
    _common(p, 300, lang)
    p.add_argument("--out", required=True, help=h("out"))
    p.add_argument("--format", choices=list(render.FORMATS), default="png", help=h("format"))
    p.set_defaults(func=_atlas)
