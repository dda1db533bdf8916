"""Data-management commands: import projects and layers, write the template, export.

``python -m geo import-projects FILE [--user NAME] [--yes] [--allow-overcommit]``
``python -m geo import-layer KIND FILE [--crs EPSG:9205] --source … --licence … --date … --quality …``
``    [--class-field FIELD] [--map VALUE=class …]`` (risk zones: the review step of an official zoning map)
``python -m geo import-money FILE [--dry-run] [--user NAME] [--yes]``
``python -m geo import-iati FILE [--dry-run] [--rate USD=25000 --rate-source "SBV 2026-11-30"] [--user NAME] [--yes]``
``python -m geo template --out FILE.xlsx [--money]``
``python -m geo export --format gpkg|geojson|csv|xlsx|3w|fts|iati --out PATH [--hxl]`` (iati: the file is checked
against the IATI 2.03 XSD and rules first; the placeholder reporting-org ref and undated amounts are said)

Every import checks the whole file first and writes nothing unless it is clean
(then in one transaction). Any problem exits with status 1 and lists file, row and column,
in the language of ``--lang`` (English by default).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.cli.commands import add_provenance, help_of, option_help
from geo.ingest import iati, imports, layer_import, money_import
from geo.ingest.validate import DataError, Problem, per_language
from geo.output.exports import export_data
from geo.output.exports import iati as iati_export
from geo.storage.accounts import console_actor
from geo.storage.layer_commit import commit_layer
from geo.storage.records import ConflictError
from geo.storage.store import default_store
from geo.text import fmt
from geo.text.i18n import t


def _confirmed(lang: str) -> bool:
    """Ask before an import writes (no terminal: no); says nothing was written when the answer is no."""
    answer = input(t("data.cli_confirm", lang)) if sys.stdin.isatty() else ""
    if answer.strip().lower() in ("y", "yes", "c", "co", "có"):
        return True
    print(t("data.cli_nothing_written", lang))
    return False

def _checked(path: str, limit: int) -> Path:
    """The file at ``path`` if it exists and is within ``limit`` bytes (checked before anything reads it)."""
    p = Path(path)
    if not p.is_file():
        raise DataError([Problem.of(p.name, "err.file_not_found", path=path)])
    if p.stat().st_size > limit:
        size = p.stat().st_size / 2**20
        raise DataError([Problem.of(p.name, "err.file_too_big", mb=per_language(lambda lang: fmt.number(size, lang, 1)),
                                            limit=limit // 2**20)])
    return p


def _read(path: str, limit: int) -> bytes:
    return _checked(path, limit).read_bytes()


def _import_projects(args: argparse.Namespace) -> int:
    store = default_store()
    ds = store.load()
    pre = imports.preview_projects(_read(args.file, imports.MAX_BYTES), args.file, ds,
                                   store.project_revisions())
    print(t("data.cli_summary", args.lang, file=pre.file, enc=pre.encoding, n=len(pre.records),
            new=len(pre.new_ids), changed=len(pre.changed_ids)))
    for w in pre.warnings:
        print(t("err.cli_note", args.lang, text=w.text(args.lang)))
    if not pre.ok:
        raise DataError(pre.problems)
    if pre.overcommitted and not args.allow_overcommit:
        raise DataError([Problem.of(pre.file, "err.overcommit_cli")])
    if not args.yes and not _confirmed(args.lang):
        return 1
    try:
        counts = store.apply_projects(pre.records, pre.base_revisions, args.user or console_actor(),
                                      note=f"import {pre.file}", allow_overcommit=args.allow_overcommit)
    except ConflictError as err:
        raise DataError([Problem.of(pre.file, "err.conflict_cli", pid=err.project_id,
                                              expected=err.expected)]) from None
    print(t("data.cli_written", args.lang, **counts))
    return 0


def _import_layer(args: argparse.Namespace) -> int:
    store = default_store()
    ds = store.load()
    class_map = layer_import.parse_class_map(args.map or [])
    li = layer_import.preview_layer(args.kind, _read(args.file, layer_import.MAX_LAYER_BYTES), args.file, ds,
                                     crs=args.crs, class_field=args.class_field, class_map=class_map)
    for note in li.notes:
        print(t("err.cli_note", args.lang, text=note.text(args.lang)))
    for r in li.repairs:
        print(t("err.cli_repaired", args.lang, text=r.text(args.lang)))
    if len(li.matches):
        print(layer_import.match_table(li.matches, args.lang).to_string(index=False))
    if len(li.classes):  # the review step: which value of which field became which class
        print(t("data.cli_class_field", args.lang, field=li.class_field))
        print(layer_import.class_table(li.classes, args.lang).to_string(index=False))
    if not li.ok:
        raise DataError(li.problems)
    summary = commit_layer(store, li, ds, args.source or "", args.licence or "", args.date or "",
                           args.quality or "", args.method or "", args.user or console_actor())
    print(t("data.cli_written_layer", args.lang, summary=summary.text(args.lang)))
    return 0


def _import_money(args: argparse.Namespace) -> int:
    store = default_store()
    pre = money_import.preview_money(_read(args.file, imports.MAX_BYTES), args.file,
                                     set(store.load().projects["project_id"]), store.money_records())
    print(t("money_import.cli_summary", args.lang, file=pre.file, enc=pre.encoding, n=len(pre.records),
            new=len(pre.new_ids), changed=len(pre.changed_ids), unchanged=len(pre.unchanged_ids)))
    for w in pre.warnings:
        print(t("err.cli_note", args.lang, text=w.text(args.lang)))
    if not pre.ok:
        raise DataError(pre.problems)
    if args.dry_run:
        print(t("money_import.dry_run", args.lang))
        return 0
    if not args.yes and not _confirmed(args.lang):
        return 1
    try:
        counts = store.apply_money(pre.records, pre.base_revisions, args.user or console_actor(),
                                   note=f"import {pre.file}")
    except ConflictError as err:
        raise DataError([Problem.of(pre.file, "err.money_import.conflict", rid=err.project_id)]) from None
    print(t("data.cli_written", args.lang, **counts))
    return 0


def _import_iati(args: argparse.Namespace) -> int:
    rates = iati.parse_rates(Path(args.file).name, args.rate or [], args.rate_source or "", args.lang)
    path = _checked(args.file, iati.MAX_BYTES)  # streamed, but a bound all the same
    store = default_store()
    pre = iati.preview_iati(path, path.name, store.load(), store.money_records(), store.project_revisions(),
                            rates, args.rate_source or "")
    print(t("iati.cli_summary", args.lang, file=pre.file, version=pre.version or "?", n=pre.read,
            kept=len(pre.records), new=len(pre.new_ids), changed=len(pre.changed_ids),
            unchanged=len(pre.unchanged_ids), outside=pre.outside, money=len(pre.money),
            money_new=pre.money_new, money_changed=pre.money_changed, money_gone=len(pre.money_gone)))
    if len(pre.activities):
        print(pre.table(args.lang).to_string(index=False))
    for note in pre.notes:
        print(t("err.cli_note", args.lang, text=note.text(args.lang)))
    if not pre.ok:
        raise DataError(pre.problems)
    if args.dry_run:
        print(t("money_import.dry_run", args.lang))
        return 0
    if not pre.changes:  # the same file again: no write at all (no revision, no audit row, no backup)
        print(t("iati.nothing_to_do", args.lang))
        return 0
    if not args.yes and not _confirmed(args.lang):
        return 1
    try:
        counts = store.apply_projects(pre.records, pre.base_revisions, args.user or console_actor(),
                                      note=f"import {pre.file}", allow_overcommit=True, money=pre.money,
                                      money_revisions=pre.money_revisions, money_gone=pre.money_gone)
    except ConflictError as err:
        raise DataError([Problem.of(pre.file, "err.conflict_cli", pid=err.project_id,
                                    expected=err.expected)]) from None
    print(t("iati.cli_written", args.lang, **counts))
    return 0


def _template(args: argparse.Namespace) -> int:
    if args.money:
        path = money_import.write_money_template(args.out)
        print(t("data.cli_wrote", args.lang, path=path))
        return 0
    path = imports.write_template(args.out, default_store().load())
    print(t("data.cli_wrote", args.lang, path=path))
    return 0


def _export(args: argparse.Namespace) -> int:
    if args.format == "iati":
        return _export_iati(args)
    path = export_data.export_store(default_store(), args.format, args.out, args.lang, args.hxl)
    print(t("data.cli_wrote", args.lang, path=path))
    return 0


def _export_iati(args: argparse.Namespace) -> int:
    store = default_store()
    try:
        made = iati_export.build_iati(store.load(), store.money_records())
    except DataError as err:
        print(t("iati.refused", args.lang), file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem.text(args.lang)}", file=sys.stderr)
        print(t("iati.nothing_written", args.lang), file=sys.stderr)
        return 1
    path = Path(args.out)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(made.xml)
    tmp.replace(path)  # never half a file
    print(t("data.cli_wrote", args.lang, path=path))
    for note in made.notes(args.lang):
        print(note)
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    common = option_help("common", lang)
    p = sub.add_parser("import-projects", help=help_of("import-projects", lang))
    p.add_argument("file")
    p.add_argument("--user", help=common("user"))
    p.add_argument("--yes", action="store_true", help=common("yes"))
    p.add_argument("--allow-overcommit", action="store_true", help=option_help("import-projects", lang)("allow-overcommit"))
    p.set_defaults(func=_import_projects)

    h = option_help("import-layer", lang)
    p = sub.add_parser("import-layer", help=help_of("import-layer", lang))
    p.add_argument("kind", choices=list(layer_import.KINDS))
    p.add_argument("file")
    p.add_argument("--crs", help=h("crs"))
    add_provenance(p, lang)
    p.add_argument("--class-field", help=h("class-field"))
    p.add_argument("--map", action="append", metavar="VALUE=CLASS", help=h("map"))
    p.add_argument("--user", help=common("user"))
    p.set_defaults(func=_import_layer)

    p = sub.add_parser("import-money", help=help_of("import-money", lang))
    p.add_argument("file")
    p.add_argument("--user", help=common("user"))
    p.add_argument("--dry-run", action="store_true", help=common("dry-run"))
    p.add_argument("--yes", action="store_true", help=common("yes"))
    p.set_defaults(func=_import_money)

    h = option_help("import-iati", lang)
    p = sub.add_parser("import-iati", help=help_of("import-iati", lang))
    p.add_argument("file", help=h("file"))
    p.add_argument("--rate", action="append", metavar="CUR=VND", help=h("rate"))
    p.add_argument("--rate-source", help=h("rate-source"))
    p.add_argument("--user", help=common("user"))
    p.add_argument("--dry-run", action="store_true", help=common("dry-run"))
    p.add_argument("--yes", action="store_true", help=common("yes"))
    p.set_defaults(func=_import_iati)

    p = sub.add_parser("template", help=help_of("template", lang))
    p.add_argument("--out", required=True)
    p.add_argument("--money", action="store_true", help=option_help("template", lang)("money"))
    p.set_defaults(func=_template)

    p = sub.add_parser("export", help=help_of("export", lang))
    p.add_argument("--format", required=True, choices=list(export_data.FORMATS))
    p.add_argument("--out", required=True)
    p.add_argument("--hxl", action="store_true", help=option_help("export", lang)("hxl"))
    p.set_defaults(func=_export)
