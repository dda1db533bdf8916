"""Command-line interface: the ``atlas`` command (installed by ``pip install -r requirements.txt``), also
``python -m geo <command>``.

Each command module exposes ``register(subparsers, lang)``, which adds its sub-parsers (help texts from the
catalogue, ``cli.help.*``, in ``lang``) and sets ``func``; list its commands in
:data:`geo.cli.commands.COMMANDS`. The language is ``--lang`` before the command, else ``$ATLAS_LANG``, else
English (a command may default its output otherwise: the report is Vietnamese); argparse's own words follow it
(:mod:`geo.cli.words`). Only the module of the command being run is imported (the
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

from geo.cli.commands import COMMANDS, help_of
from geo.cli.words import argparse_words, localise_placeholders
from geo.text import i18n

#: The modules with a ``register(subparsers, lang)`` function, in help order.
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))


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


def build_parser(argv: Sequence[str] | None = None, prog: str = "python -m geo",
                 lang: str = "en") -> argparse.ArgumentParser:
    """The parser, its help in ``lang``: the full sub-parsers of the module that registers the command in
    ``argv`` (every module when ``argv`` is None), a one-line entry for every other command."""
    parser = argparse.ArgumentParser(prog=prog, description=i18n.t("cli.description", lang))
    # default None so a command can tell "not given" from "en" (the report defaults to Vietnamese)
    parser.add_argument("--lang", choices=sorted(i18n.LANGS), default=None, help=i18n.t("cli.help.lang", lang))
    sub = parser.add_subparsers(dest="command", metavar=i18n.t("cli.metavar.command", lang))
    command = chosen_command(argv) if argv is not None else None
    wanted = COMMAND_MODULES if argv is None else ((COMMANDS[command],) if command else ())
    for name, module in COMMANDS.items():
        if name in sub.choices:  # registered with an earlier command of its module
            continue
        if module in wanted:
            importlib.import_module(f"geo.cli.{module}").register(sub, lang)
        else:
            sub.add_parser(name, help=help_of(name, lang), add_help=False)
    localise_placeholders(parser, lang)
    return parser


def _chosen_lang(argv: Sequence[str]) -> str | None:
    """``--lang X`` (or ``--lang=X``) given before the command, else ``$ATLAS_LANG``, else None; a value that is
    not a language is left for the parser (``--lang``) or refused in both languages (``$ATLAS_LANG``)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" or arg.startswith("--lang="):
            value = arg.partition("=")[2] if "=" in arg else (argv[i + 1] if i + 1 < len(argv) else "")
            if value in i18n.LANGS:
                return value
            break  # the parser refuses it, in the language of $ATLAS_LANG or English
        if not arg.startswith("-"):  # the command: a --lang after it is the command's own (pitch, report)
            break
    env = os.environ.get("ATLAS_LANG", "").strip()
    if env and env not in i18n.LANGS:
        langs = " / ".join(i18n.LANGS)
        raise SystemExit(" / ".join(i18n.t("cli.bad_env_lang", lang, value=env, langs=langs) for lang in i18n.LANGS))
    return env or None


def main(argv: list[str] | None = None, prog: str = "python -m geo") -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = _chosen_lang(argv)
    lang = chosen or "en"  # the help's language; a command's output may default otherwise (report: vi)
    with argparse_words(lang):  # argparse's own words too, for parsing and for p.error() while a command runs
        parser = build_parser(argv, prog, lang)
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        if args.lang is None:  # a command may choose its own default language (set_defaults(default_lang=...))
            args.lang = chosen or getattr(args, "default_lang", "en")
        return _run(args)


def _run(args: argparse.Namespace) -> int:
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
        print(i18n.t("err.cli_error", args.lang, text=err), file=sys.stderr)
        return 1


def console() -> None:
    """The ``atlas`` console script ([project.scripts] in pyproject.toml)."""
    sys.exit(main(prog="atlas"))
