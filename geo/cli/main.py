"""Command-line interface: ``python -m geo <command>``.

Each command module exposes ``register(subparsers)``, which adds its sub-parser and
sets ``func``; add the module to :data:`COMMAND_MODULES` (imported statically, so a
type checker and import-linter see every command).
Commands read the same store the app shows and exit non-zero with a clear message
on bad input.
"""

from __future__ import annotations

import argparse
import sys

from geo.cli import data, info, maps, pitch, report, units, users
from geo.ingest.validate import DataError
from geo.text import i18n

#: Modules with a ``register(subparsers)`` function, in help order.
COMMAND_MODULES = (info, units, data, maps, report, pitch, users)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=i18n.t("cli.description", "en"))
    # default None so a command can tell "not given" from "en" (the report defaults to Vietnamese)
    parser.add_argument("--lang", choices=sorted(i18n.LANGS), default=None,
                        help="language of output (default en; report: vi)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
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
