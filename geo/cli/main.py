"""Command-line interface: ``python -m geo <command>``.

Each feature module that offers a command exposes ``register(subparsers)``, which
adds its sub-parser and sets ``func``; add the module to :data:`COMMAND_MODULES`.
Commands read the same store the app shows and exit non-zero with a clear message
on bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from geo.ingest.validate import DataError
from geo.storage.store import default_store
from geo.text import i18n

#: Modules with a ``register(subparsers)`` function, in help order.
COMMAND_MODULES: list[str] = [
    "geo.cli.main",
    "geo.cli.units",
    "geo.cli.data",
    "geo.cli.maps",
    "geo.cli.report",
    "geo.cli.pitch",
]


def _info(args: argparse.Namespace) -> int:
    ds = default_store().load()
    print(f"{len(ds.communes)} communes, {len(ds.projects)} projects, {len(ds.funding)} funding lines")
    for line in ds.provenance_lines(args.lang):
        print(f"- {line}")
    return 0


def _indicators(args: argparse.Namespace) -> int:
    from geo.analysis.indicators import commune_indicators
    from geo.output.exports.exporting import provenance_header

    ds = default_store().load()
    table = commune_indicators(ds)
    table.insert(0, "name", ds.communes.set_index("code")["name"])
    text = provenance_header(ds, args.lang, ("communes", "projects", "funding", "crop_zones", "risk_zones"), "2021")
    text += table.to_csv(lineterminator="\n")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="summarise the data and its provenance")
    p.set_defaults(func=_info)
    p = sub.add_parser("indicators", help="write the per-commune indicator table as CSV")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.set_defaults(func=_indicators)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=i18n.t("cli.description", "en"))
    # default None so a command can tell "not given" from "en" (the report defaults to Vietnamese)
    parser.add_argument("--lang", choices=sorted(i18n.LANGS), default=None,
                        help="language of output (default en; report: vi)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = sys.modules[__name__] if name == __name__ else importlib.import_module(name)
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.lang is None:  # a command may choose its own default language (set_defaults(default_lang=...))
        args.lang = getattr(args, "default_lang", "en")
    try:
        return int(args.func(args) or 0)
    except DataError as err:
        print(i18n.t("err.cli_error", args.lang, text=err.text(args.lang)), file=sys.stderr)
        return 1
    except (FileNotFoundError, PermissionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
