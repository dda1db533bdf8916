"""Accounts and the change log from the command line (issue 15).

``python -m geo users add --role admin NAME [--name "Display name"] [--office ethnic_affairs] [--communes 03424,03427]``
``python -m geo users list``
``python -m geo users disable NAME`` / ``python -m geo users enable NAME``
``python -m geo users reset-password NAME`` (also unlocks an account locked by failed sign-ins)
``python -m geo audit [--from 2026-01-01] [--to 2026-12-31] --out changes.csv|changes.xlsx``

A password is read at a hidden prompt (typed twice) or, when standard input is not a terminal, as its first
line (``printf '%s\\n' "$PW" | python -m geo users add …``); never from an argument, and never printed.
Whoever runs these commands can reach the store file or database itself, so they act as its administrator
(:func:`geo.storage.accounts.console_actor`; the audit trail names them ``console:<OS user>``): this is how the
first admin is created.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date

from geo.cli.commands import help_of, option_help
from geo.ingest.validate import DataError, Problem
from geo.model import roles
from geo.output.exports import audit_export
from geo.storage.accounts import console_actor
from geo.storage.records import AccountError
from geo.storage.store import default_store
from geo.text.i18n import t


def read_password(login: str, lang: str) -> str:
    """The new password: a hidden prompt typed twice on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(t("users.cli_password", lang, login=login))
        if getpass.getpass(t("users.cli_password2", lang)) != first:
            raise AccountError("err.account.mismatch")
        password = first
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise AccountError("err.users_no_password")
    return password


def _add(args: argparse.Namespace) -> int:
    store = default_store()
    communes = tuple(c.strip() for c in (args.communes or "").split(",") if c.strip())
    rec = store.add_user(args.login, read_password(args.login, args.lang), args.role, display_name=args.name or "",
                         office=args.office or "", communes=communes, by=console_actor())
    print(t("users.cli_added", args.lang, login=rec.login, role=t(f"role.{rec.role.value}", args.lang)))
    return 0


def _list(args: argparse.Namespace) -> int:
    users = default_store().list_users()
    if not users:
        print(t("users.cli_none", args.lang))
    for u in users:
        state = (t("admin.state_disabled", args.lang) if u.disabled
                 else t("admin.state_locked", args.lang, n=u.failed) if u.locked
                 else t("admin.state_active", args.lang))
        print("\t".join([u.login, u.display_name, t(f"role.{u.role.value}", args.lang),
                         t(f"office.{u.office}", args.lang) if u.office else "", ",".join(u.communes), state]))
    return 0


def _disable(args: argparse.Namespace) -> int:
    rec = default_store().update_user(args.login, console_actor(), disabled=True)
    print(t("users.cli_disabled", args.lang, login=rec.login))
    return 0


def _enable(args: argparse.Namespace) -> int:
    rec = default_store().update_user(args.login, console_actor(), disabled=False)
    print(t("admin.done", args.lang, login=rec.login))
    return 0


def _reset(args: argparse.Namespace) -> int:
    rec = default_store().reset_password(args.login, read_password(args.login, args.lang), console_actor())
    print(t("users.cli_reset", args.lang, login=rec.login))
    return 0


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DataError([Problem.of("--from/--to", "err.audit_date", value=value)]) from None


def _audit(args: argparse.Namespace) -> int:
    entries = audit_export.entries_between(default_store(), _day(args.start), _day(args.end))
    path = audit_export.write(entries, args.out, args.lang)
    print(t("audit.cli_wrote", args.lang, n=len(entries), path=path))
    return 0


def register(sub: argparse._SubParsersAction, lang: str) -> None:
    h = option_help("users", lang)
    users = sub.add_parser("users", help=help_of("users", lang))
    cmds = users.add_subparsers(dest="users_command", metavar=t("cli.metavar.action", lang), required=True)
    p = cmds.add_parser("add", help=h("add"))
    p.add_argument("login")
    p.add_argument("--role", required=True, choices=[r.value for r in roles.Role])
    p.add_argument("--name", help=h("add.name"))
    p.add_argument("--office", choices=list(roles.OFFICES))
    p.add_argument("--communes", help=h("add.communes"))
    p.set_defaults(func=_add)
    p = cmds.add_parser("list", help=h("list"))
    p.set_defaults(func=_list)
    p = cmds.add_parser("disable", help=h("disable"))
    p.add_argument("login")
    p.set_defaults(func=_disable)
    p = cmds.add_parser("enable", help=h("enable"))
    p.add_argument("login")
    p.set_defaults(func=_enable)
    p = cmds.add_parser("reset-password", help=h("reset-password"))
    p.add_argument("login")
    p.set_defaults(func=_reset)

    h = option_help("audit", lang)
    p = sub.add_parser("audit", help=help_of("audit", lang))
    p.add_argument("--from", dest="start", help=h("from"))
    p.add_argument("--to", dest="end", help=h("to"))
    p.add_argument("--out", required=True, help=h("out"))
    p.set_defaults(func=_audit)
