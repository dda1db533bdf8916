"""Command-line interface: the ``atlas`` command (installed by ``pip install -r requirements.txt``), also
``python -m geo <command>``.

Each command module exposes ``register(subparsers)``, which adds its sub-parsers and sets ``func``; list its
commands in :data:`geo.cli.commands.COMMANDS`. Only the module of the command being run is imported (the
others appear in the help as one line each), so ``atlas --help`` starts without pandas, GeoPandas or
matplotlib. Commands read the same store the app shows, whatever the current folder (the bundled data is
found next to the package, :data:`geo.model.config.BUNDLED_DATA_DIR`), and exit non-zero with a clear
message on bad input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from geo.cli.commands import COMMANDS
from geo.text import i18n

#: The modules with a ``register(subparsers)`` function, in help order.
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(module for module, _ in COMMANDS.values()))


def chosen_command(argv: Sequence[str]) -> str | None:
    """The sub-command named in ``argv`` (None for none or an unknown one); skips ``--lang X`` before it.

    >>> chosen_command(["--lang", "vi", "report", "--from", "2021"]), chosen_command(["--help"])
    ('report', None)
    """
    args = iter(argv)
    for arg in args:
        if arg == "--lang":
            next(args, None)
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None, prog: str = "python -m geo") -> argparse.ArgumentParser:
    """The parser: the full sub-parsers of the module that registers the command in ``argv`` (every module
    when ``argv`` is None), a one-line entry for every other command."""
    parser = argparse.ArgumentParser(prog=prog, description=i18n.t("cli.description", "en"))
    # default None so a command can tell "not given" from "en" (the report defaults to Vietnamese)
    parser.add_argument("--lang", choices=sorted(i18n.LANGS), default=None,
                        help="language of output (default en; report: vi)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    command = chosen_command(argv) if argv is not None else None
    wanted = COMMAND_MODULES if argv is None else ((COMMANDS[command][0],) if command else ())
    for name, (module, help_line) in COMMANDS.items():
        if name in sub.choices:  # registered with an earlier command of its module
            continue
        if module in wanted:
            importlib.import_module(f"geo.cli.{module}").register(sub)
        else:
            sub.add_parser(name, help=help_line, add_help=False)
    return parser


def main(argv: list[str] | None = None, prog: str = "python -m geo") -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv, prog)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if args.lang is None:  # a command may choose its own default language (set_defaults(default_lang=...))
        args.lang = getattr(args, "default_lang", "en")
    from geo.ingest.validate import DataError  # pandas: only once a command runs

    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not as "Exception ignored" at exit
        return code
    except DataError as err:
        print(i18n.t("err.cli_error", args.lang, text=err.text(args.lang)), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (``| head``): stop quietly; point stdout at devnull so the flush at exit
        # cannot raise again (Python docs, "Note on SIGPIPE")
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (FileNotFoundError, PermissionError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


def console() -> None:
    """The ``atlas`` console script ([project.scripts] in pyproject.toml)."""
    sys.exit(main(prog="atlas"))
