"""``info`` and ``indicators``: what the store holds, and the per-commune indicator table as CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.analysis.indicators import commune_indicators
from geo.cli.commands import help_of, option_help
from geo.output.exports.exporting import provenance_header
from geo.storage.store import default_store
from geo.text import fmt, i18n
from geo.text.provenance_text import provenance_lines


def _info(args: argparse.Namespace) -> int:
    ds = default_store().load()
    print(i18n.t("cli.info_counts", args.lang, communes=fmt.number(len(ds.communes), args.lang),
                 projects=fmt.number(len(ds.projects), args.lang), lines=fmt.number(len(ds.funding), args.lang)))
    for line in provenance_lines(ds, args.lang):
        print(f"- {line}")
    return 0


def _indicators(args: argparse.Namespace) -> int:
    store = default_store()
    ds = store.load()
    table = commune_indicators(ds, money=store.funding_totals_by_commune())  # money summed by the store
    table.insert(0, "name", ds.communes.set_index("code")["name"])
    text = provenance_header(ds, args.lang, ("communes", "projects", "funding", "crop_zones", "risk_zones"), "2021")
    text += table.to_csv(lineterminator="\n")
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(i18n.t("cli.wrote", args.lang, path=args.out))
    else:
        sys.stdout.write(text)
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    p = sub.add_parser("info", help=help_of("info", lang))
    p.set_defaults(func=_info)
    p = sub.add_parser("indicators", help=help_of("indicators", lang))
    p.add_argument("--out", help=option_help("indicators", lang)("out"))
    p.set_defaults(func=_indicators)
