"""``store copy|init|check|backup|restore``: move, create, check and back up a whole store (geo/storage/transfer.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.cli.commands import help_of, option_help
from geo.storage import transfer
from geo.storage.check import check
from geo.storage.interface import Store
from geo.storage.store import default_store
from geo.text import fmt
from geo.text.i18n import t


def _store(location: str | None) -> Store:
    return transfer.open_location(location) if location else default_store()


def _lines(args: argparse.Namespace, made: list[transfer.TableSummary]) -> None:
    for s in made:
        print(t("store.table_line", args.lang, table=s.name, rows=fmt.number(s.rows, args.lang), checksum=s.checksum))


def _rows(args: argparse.Namespace, made: list[transfer.TableSummary]) -> str:
    return fmt.number(sum(s.rows for s in made), args.lang)


def _copy(args: argparse.Namespace) -> int:
    made = transfer.copy(args.source, args.target, replace=args.replace)
    src, dst = transfer.open_location(args.source).location(), transfer.open_location(args.target).location()
    print(t("store.copied", args.lang, tables=len(made), rows=_rows(args, made), src=src, dst=dst))
    _lines(args, made)
    return 0


def _init(args: argparse.Namespace) -> int:
    where, created = transfer.init(args.location)
    report = check(transfer.open_location(args.location))
    print(t("store.init_done" if created else "store.init_exists", args.lang, dst=where, schema=report.schema))
    return 0


def _check(args: argparse.Namespace) -> int:
    report = check(_store(args.store))
    print(t("store.check_head", args.lang, loc=report.location, schema=report.schema, app=report.app_schema))
    for name, n in report.counts.items():
        print(f"  {name}: {fmt.number(n, args.lang)}")
    if report.ok:
        print(t("store.check_ok", args.lang))
        return 0
    print(t("store.check_problems", args.lang, n=len(report.problems)))
    for note in report.problems:
        print(f"- {note.text(args.lang)}")
    return 1


def _backup(args: argparse.Namespace) -> int:
    store = _store(args.store)
    made = transfer.backup(store, Path(args.out), replace=args.replace)
    print(t("store.backup_done", args.lang, src=store.location(), out=args.out, tables=len(made), rows=_rows(args, made)))
    return 0


def _restore(args: argparse.Namespace) -> int:
    store = _store(args.store)
    safety = None if args.no_safety_backup else Path(args.safety_dir) if args.safety_dir else transfer.safety_dir(store)
    made, saved = transfer.restore(Path(args.file), store, safety)
    if saved is not None:
        print(t("store.restore_safety", args.lang, path=saved))
    print(t("store.restore_done", args.lang, file=args.file, dst=store.location(), tables=len(made),
            rows=_rows(args, made)))
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    h = option_help("store", lang)
    p = sub.add_parser("store", help=help_of("store", lang))
    cmds = p.add_subparsers(dest="store_command", metavar=t("cli.metavar.action", lang), required=True)
    c = cmds.add_parser("copy", help=h("copy"))
    c.add_argument("--from", dest="source", required=True, help=h("location"))
    c.add_argument("--to", dest="target", required=True, help=h("location"))
    c.add_argument("--replace", action="store_true", help=h("copy.replace"))
    c.set_defaults(func=_copy)
    c = cmds.add_parser("init", help=h("init"))
    c.add_argument("location", metavar="URL_OR_PATH")
    c.set_defaults(func=_init)
    c = cmds.add_parser("check", help=h("check"))
    c.add_argument("--store", metavar="URL_OR_PATH", help=h("check.store"))
    c.set_defaults(func=_check)
    c = cmds.add_parser("backup", help=h("backup"))
    c.add_argument("--out", required=True, metavar="FILE")
    c.add_argument("--store", metavar="URL_OR_PATH", help=h("store"))
    c.add_argument("--replace", action="store_true", help=h("backup.replace"))
    c.set_defaults(func=_backup)
    c = cmds.add_parser("restore", help=h("restore"))
    c.add_argument("file", metavar="FILE")
    c.add_argument("--store", metavar="URL_OR_PATH", help=h("store"))
    c.add_argument("--safety-dir", metavar="DIR", help=h("restore.safety-dir"))
    c.add_argument("--no-safety-backup", action="store_true", help=h("restore.no-safety-backup"))
    c.set_defaults(func=_restore)
