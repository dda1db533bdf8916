"""``python -m geo report``: the periodic report (sơ kết / tổng kết) workbook from the command line.

Examples
--------
``python -m geo report --from 2021 --to 2025 --lang vi --out report.xlsx``

``--units 2025`` puts the by-commune sheet on the units from 1 July 2025 (default ``2021``: the 13 old
units); every sheet states which units it uses.

``python -m geo report-period --from 2023-01-01 --to 2024-12-31 --out von.xlsx``: money committed and
disbursed in the period and cumulatively to its end, from the dated money records (issue 16); records with no
known date are counted apart, never spread (:mod:`geo.output.reports.money_report`).

The report is Vietnamese unless ``--lang en`` is given (before or after ``report``).
Counterpart ratios default to :data:`geo.analysis.counterpart.DEFAULT_RATIOS` (assumptions);
override one with ``--ratio oda_grant=0.12``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from geo.analysis import counterpart
from geo.cli.commands import help_of, option_help
from geo.model import schema
from geo.output.reports.money_report import build_period_workbook
from geo.output.reports.report import build_report, check_period
from geo.storage.store import default_store
from geo.text import fmt, i18n


def _ratio(lang: str):
    def check(text: str) -> tuple[str, float]:
        key, sep, value = text.partition("=")
        if not sep or key not in counterpart.INTERNATIONAL:
            raise argparse.ArgumentTypeError(i18n.t("cli.report.bad_ratio", lang, text=text,
                                                    sources=", ".join(counterpart.INTERNATIONAL)))
        try:
            ratio = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(i18n.t("cli.report.ratio_not_number", lang, value=value)) from None
        if not 0 <= ratio <= 1:
            raise argparse.ArgumentTypeError(i18n.t("cli.report.ratio_range", lang, source=key, value=value))
        return key, ratio
    return check


def _run(args: argparse.Namespace) -> int:
    lang = args.report_lang or args.lang  # after `report` wins; the global flag defaults to vi here
    try:
        start, end = check_period(args.start, args.end)
    except ValueError:
        print(i18n.t("err.cli_error", lang, text=i18n.t("report.bad_period", lang, start=args.start, end=args.end)),
              file=sys.stderr)
        return 2
    ratios = counterpart.check_ratios({**counterpart.DEFAULT_RATIOS, **dict(args.ratio or [])})  # checked in _ratio
    out = Path(args.out or f"bao-cao-{start}-{end}.xlsx")
    if not out.parent.is_dir():
        print(i18n.t("err.cli_error", lang, text=i18n.t("cli.no_folder", lang, folder=out.parent)), file=sys.stderr)
        return 2
    store = default_store()
    data = build_report(store.load(), start, end, lang, ratios, unit_version=args.unit_version,
                        money=store.money_records())
    out.write_bytes(data)
    print(i18n.t("cli.report.wrote", lang, out=out, start=start, end=end, language=lang,
                 units=schema.UNIT_VERSIONS[args.unit_version](lang)))
    return 0


def _run_period(args: argparse.Namespace) -> int:
    lang = args.report_lang or args.lang
    try:
        start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        print(i18n.t("err.cli_error", lang, text=i18n.t("money.bad_dates", lang, start=args.start, end=args.end)),
              file=sys.stderr)
        return 2
    if start > end:
        print(i18n.t("err.cli_error", lang, text=i18n.t("money.bad_period", lang, start=fmt.date(start, lang),
                                                         end=fmt.date(end, lang))), file=sys.stderr)
        return 2
    out = Path(args.out or f"bao-cao-von-{start}-{end}.xlsx")
    if not out.parent.is_dir():
        print(i18n.t("err.cli_error", lang, text=i18n.t("cli.no_folder", lang, folder=out.parent)), file=sys.stderr)
        return 2
    store = default_store()
    records = store.money_records()
    out.write_bytes(build_period_workbook(store.load(), records, start, end, lang))
    undated = int(((records["date"] == "") & (records["kind"] != "budget")).sum())
    print(i18n.t("money.cli_wrote", lang, out=out, start=fmt.date(start, lang), end=fmt.date(end, lang),
                 records=i18n.t("money.records_line", lang, n=fmt.number(len(records), lang),
                                u=fmt.number(undated, lang))))
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    lo, hi = schema.PLAN_YEARS
    h = option_help("report", lang)
    p = sub.add_parser("report", help=help_of("report", lang))
    p.add_argument("--from", dest="start", type=int, default=lo, help=h("from", year=lo))
    p.add_argument("--to", dest="end", type=int, default=hi, help=h("to", year=hi))
    p.add_argument("--lang", dest="report_lang", choices=sorted(i18n.LANGS), default=None, help=h("lang"))
    p.add_argument("--ratio", action="append", type=_ratio(lang), metavar="SOURCE=RATIO", help=h("ratio"))
    p.add_argument("--units", dest="unit_version", choices=list(schema.UNIT_VERSIONS), default=schema.DEFAULT_UNIT_VERSION,
                   help=h("units"))
    p.add_argument("--out", default=None, help=h("out"))
    p.set_defaults(func=_run, default_lang="vi")

    q = sub.add_parser("report-period", help=help_of("report-period", lang))
    hp = option_help("report-period", lang)
    q.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help=hp("from"))
    q.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help=hp("to"))
    q.add_argument("--lang", dest="report_lang", choices=sorted(i18n.LANGS), default=None, help=h("lang"))
    q.add_argument("--out", default=None, help=hp("out"))
    q.set_defaults(func=_run_period, default_lang="vi")
