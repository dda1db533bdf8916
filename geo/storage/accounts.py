"""Accounts as every store keeps them: checked fields, argon2 password hashes, and the permission check.

Both stores (:mod:`geo.storage.gpkg_store`, :mod:`geo.storage.postgis_store`) keep accounts in one table,
``atlas_users`` (:data:`USER_COLUMNS`), and call :func:`resolve` + :func:`authorize` at the start of every
write, so a role that may not write is refused with :class:`PermissionDenied` before anything changes.

**No accounts yet** (a fresh install): the store is single-user as before accounts existed: a write names
its author (a typed name) and is accepted; the app itself shows no edit control until the first admin exists
(``python -m geo users add --role admin NAME``). **Once any account exists** every write must come from an
enabled, unlocked account (or the console, :func:`console_actor`), and the account's role and communes are
read again from the store at each write (an :class:`Actor` handed in is only a login).

>>> from geo.model.roles import Action, Actor, Role
>>> viewer = Actor("an", Role.VIEWER)
>>> authorize(viewer, Action.EDIT_PROJECT)
Traceback (most recent call last):
...
geo.storage.records.PermissionDenied: an (Viewer) may not create or edit projects; nothing was changed.
>>> clean_login("  Lan.Nguyen ")
'lan.nguyen'
>>> h = hash_password("correct horse battery")
>>> h.startswith("$argon2id$"), check_password(h, "correct horse battery"), check_password(h, "wrong")
(True, True, False)
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo.ingest.validate import DataError, Problem, catalog_label
from geo.model import roles, schema, workflow
from geo.model.roles import Action, Actor, Role
from geo.storage.hooks import StoreHooks
from geo.storage.records import AccountError, PermissionDenied, SignInRefused, UserRecord, default_user, utc_now

#: Columns of ``atlas_users``, in order, with their kind (``communes`` is a JSON list of codes).
USER_COLUMNS: dict[str, str] = {
    "login": "str", "display_name": "str", "role": "str", "office": "str", "communes": "str",
    "password_hash": "str", "disabled": "int", "failed": "int", "locked": "int", "epoch": "int",
    "created": "str", "updated": "str", "last_sign_in": "str",
}
#: What a :class:`UserRecord` is read from (every column but the hash).
PUBLIC_COLUMNS: tuple[str, ...] = tuple(c for c in USER_COLUMNS if c != "password_hash")
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
_HASHER = PasswordHasher()  # argon2id, the library's recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown logins against, so they take as long as known ones. Made on first use: at
    import it cost every CLI command and app process a quarter of a second."""
    return _HASHER.hash("not a password of anyone")


def console_actor() -> Actor:
    """The person at the command line: the store's administrator (the login written to the audit trail)."""
    return Actor(f"console:{default_user()}", Role.ADMIN, console=True)


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing or damaged hash never matches (and takes as long)."""
    try:
        return _HASHER.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def clean_login(login: object) -> str:
    """A login as stored: lower case, 2–64 of ``a-z 0-9 . _ @ -``, starting with a letter or digit."""
    text = unicodedata.normalize("NFC", str(login or "")).strip().casefold()
    if not _LOGIN.fullmatch(text):
        raise AccountError("err.account.login", login=str(login or "")[:80])
    return text


def clean_display_name(name: object, login: str) -> str:
    """A display name: any text up to 100 characters without control characters (the login if blank)."""
    text = unicodedata.normalize("NFC", str(name or "")).strip()
    if len(text) > 100 or any(unicodedata.category(ch).startswith("C") for ch in text):
        raise AccountError("err.account.display_name")
    return text or login


def clean_role(role: object) -> Role:
    found = roles.role_of(str(role or ""))
    if found is None:
        raise AccountError("err.account.role", role=str(role)[:40], valid=", ".join(r.value for r in Role))
    return found


def clean_office(office: object) -> str:
    text = str(office or "").strip()
    if text and text not in roles.OFFICES:
        raise AccountError("err.account.office", office=text[:40], valid=", ".join(roles.OFFICES))
    return text


def clean_communes(codes: Iterable[str] | None, valid: Sequence[str]) -> tuple[str, ...]:
    """Commune codes (either unit version) an editor may edit, each known, no repeats, in code order."""
    out = sorted({str(c).strip() for c in codes or () if str(c).strip()})
    unknown = [c for c in out if c not in valid]
    if unknown:
        raise AccountError("err.account.communes", codes=", ".join(unknown))
    return tuple(out)


def check_new_password(password: str, login: str) -> None:
    """At least :data:`geo.model.roles.MIN_PASSWORD_LENGTH` characters, not the login, not one repeated character."""
    if (not isinstance(password, str) or len(password) < roles.MIN_PASSWORD_LENGTH
            or password.strip().casefold() == login or len(set(password)) < 3):
        raise AccountError("err.account.password", n=roles.MIN_PASSWORD_LENGTH)


def user_row(values: dict) -> UserRecord:
    """A :class:`UserRecord` from a row of :data:`PUBLIC_COLUMNS` (as read by either store)."""
    return UserRecord(
        login=values["login"], display_name=values["display_name"] or values["login"], role=Role(values["role"]),
        office=values["office"] or "", communes=tuple(json.loads(values["communes"] or "[]")),
        disabled=bool(values["disabled"]), failed=int(values["failed"] or 0), locked=bool(values["locked"]),
        epoch=int(values["epoch"] or 0), created=values["created"] or "", last_sign_in=values["last_sign_in"] or "")


def new_user_row(login: str, display_name: str, role: Role, office: str, communes: tuple[str, ...],
                 password_hash: str, now: str) -> dict:
    return {"login": login, "display_name": display_name, "role": role.value, "office": office,
            "communes": json.dumps(list(communes)), "password_hash": password_hash, "disabled": 0, "failed": 0,
            "locked": 0, "epoch": 1, "created": now, "updated": now, "last_sign_in": ""}


def account_json(rec: UserRecord) -> str:
    """An account for the audit trail's before/after: its public fields (never the password or its hash)."""
    return json.dumps({"login": rec.login, "display_name": rec.display_name, "role": rec.role.value,
                       "office": rec.office, "communes": list(rec.communes), "disabled": rec.disabled,
                       "locked": rec.locked}, ensure_ascii=False, sort_keys=True)


def login_of(user: Actor | str) -> str:
    return user.login if isinstance(user, Actor) else str(user or "")


def resolve(user: Actor | str, account: UserRecord | None, any_accounts: bool) -> Actor:
    """Who is acting, as the store knows them now; :class:`PermissionDenied` if nobody the store accepts.

    ``account`` is the stored account of ``user``'s login (None if there is none), ``any_accounts`` whether
    the store has any account at all.
    """
    if isinstance(user, Actor) and user.console:
        return user
    name = login_of(user).strip()
    if not any_accounts:  # single-user store (no accounts yet): as before issue 15
        return Actor(name or default_user(), Role.ADMIN, display_name=name)
    if account is None:
        raise PermissionDenied("err.perm.no_account", who=name[:80] or "?")
    if account.disabled:
        raise PermissionDenied("err.perm.disabled", who=account.login)
    if account.locked:
        raise PermissionDenied("err.perm.locked", who=account.login)
    return account.actor()


def authorize(actor: Actor, action: Action, communes: Iterable[str] = (), pid: str = "") -> None:
    """Nothing if ``actor`` may take ``action`` (on projects in ``communes``); else :class:`PermissionDenied`."""
    codes = [c for c in communes if c]
    if roles.allows(actor, action):
        if roles.allows(actor, action, codes):
            return
        outside = next(c for c in codes if c not in actor.communes)
        raise PermissionDenied("err.perm.commune", who=actor.login, pid=pid or "?", commune=outside,
                               mine=", ".join(actor.communes) or "—")
    raise PermissionDenied("err.perm.role", who=actor.login, role=catalog_label(f"role.{actor.role.value}"),
                           what=catalog_label(f"perm.{action.value}"))


def check_status_move(actor: Actor, before: dict | None, after: dict, note: str) -> None:
    """The approval workflow (:mod:`geo.model.workflow`) on every project write of both stores: who may move a
    project from which status to which, and the note a rejection or cancellation needs.
    :class:`PermissionDenied` (naming the moves this account may make) or :class:`DataError` (naming the status
    field); the caller has changed nothing yet.
    """
    old = before.get("status") if before else None
    new = str(after.get("status") or "")
    if not workflow.may_move(actor, old, new):
        allowed = [schema.STATUS_BY_KEY[s] for s in workflow.next_statuses(actor, old)]
        raise PermissionDenied("err.perm.status", who=actor.login, pid=after.get("project_id") or "?",
                               role=catalog_label(f"role.{actor.role.value}"),
                               before=schema.STATUS_BY_KEY[old] if old in schema.STATUS_BY_KEY else "—",
                               after=schema.STATUS_BY_KEY[new] if new in schema.STATUS_BY_KEY else new,
                               allowed=schema.Label(", ".join(s.vi for s in allowed) or "—",
                                                    ", ".join(s.en for s in allowed) or "—"))
    if workflow.needs_note(old, new) and not str(note or "").strip():
        raise DataError([Problem.of("form", "err.status_note_required", None, "status",
                                    pid=after.get("project_id") or "?", status=schema.STATUS_BY_KEY[new])])


# --- the account methods of both stores ---------------------------------------------------------------------
_SELECT = f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM atlas_users"
#: ``atlas_users`` in SQL both SQLite and PostgreSQL accept (flags are integers in both).
USERS_DDL = """CREATE TABLE IF NOT EXISTS atlas_users (login TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT '', communes TEXT NOT NULL DEFAULT '[]', password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0, locked INTEGER NOT NULL DEFAULT 0,
    epoch INTEGER NOT NULL DEFAULT 1, created TEXT NOT NULL, updated TEXT NOT NULL,
    last_sign_in TEXT NOT NULL DEFAULT '')"""


class AccountsMixin(StoreHooks):
    """:class:`geo.storage.interface.UserStore` written once for both stores, in SQL both speak.

    Account changes do not change :meth:`DatasetReader.version` (no page cache needs reloading for them).
    A store provides ``_read()`` / ``_write(bump=…)`` (one transaction each), ``_exec(con, sql, params)``
    (named ``:params``; returns the rows of a query, or the row count of a change), ``_audit_row(con, …)``
    (its audit insert) and ``commune_codes()`` / ``unit_codes_2025()``; project, donor and layer writes call
    :meth:`_acting` first.
    """

    # provided by the store (each store's own method is found first)
    def commune_codes(self) -> list[str]:
        raise NotImplementedError

    def unit_codes_2025(self) -> list[str]:
        raise NotImplementedError

    # --- who is acting ------------------------------------------------------------------------------------
    def _account_in(self, con: Any, login: str) -> UserRecord | None:
        rows = self._exec(con, _SELECT + " WHERE login = :login", {"login": login})
        return user_row(dict(zip(PUBLIC_COLUMNS, rows[0]))) if rows else None

    def _resolve_in(self, con: Any, user: Actor | str) -> Actor:
        if isinstance(user, Actor) and user.console:
            return user
        any_accounts = bool(self._exec(con, "SELECT 1 FROM atlas_users LIMIT 1"))
        login = unicodedata.normalize("NFC", login_of(user)).strip().casefold()
        return resolve(user, self._account_in(con, login) if any_accounts else None, any_accounts)

    def _acting(self, user: Actor | str, action: Action) -> Actor:
        """The acting user as the store knows them, if their role may take ``action`` at all (else refused)."""
        with self._read() as con:
            return self._acting_in(con, user, action)

    def _acting_in(self, con: Any, user: Actor | str, action: Action) -> Actor:
        """:meth:`_acting` inside a read the caller has open (one transaction for whatever else it reads)."""
        actor = self._resolve_in(con, user)
        if not roles.allows(actor, action):
            authorize(actor, action)
        return actor

    # --- reading ------------------------------------------------------------------------------------------
    def has_users(self) -> bool:
        with self._read() as con:
            return bool(self._exec(con, "SELECT 1 FROM atlas_users LIMIT 1"))

    def list_users(self) -> list[UserRecord]:
        with self._read() as con:
            rows = self._exec(con, _SELECT + " ORDER BY login")
        return [user_row(dict(zip(PUBLIC_COLUMNS, r))) for r in rows]

    def get_user(self, login: str) -> UserRecord | None:
        with self._read() as con:
            return self._account_in(con, unicodedata.normalize("NFC", str(login or "")).strip().casefold())

    # --- the public read-only view (issue 15) ----------------------------------------------------------------
    def public_view(self) -> bool:
        with self._read() as con:
            return _public_in(self._exec(con, "SELECT value FROM atlas_meta WHERE key = 'public_view'"))

    def set_public_view(self, on: bool, by: Actor | str) -> bool:
        actor = self._acting(by, Action.MANAGE_USERS)
        with self._write(bump=False) as con:
            rows = self._exec(con, "SELECT value FROM atlas_meta WHERE key = 'public_view'")
            before = _public_in(rows)
            sql = ("UPDATE atlas_meta SET value = :v WHERE key = 'public_view'" if rows
                   else "INSERT INTO atlas_meta (key, value) VALUES ('public_view', :v)")
            self._exec(con, sql, {"v": "1" if on else "0"})
            self._audit_row(con, actor.login, "public-view", None, None, json.dumps({"public_view": before}),
                            json.dumps({"public_view": bool(on)}), f"public read-only view {'on' if on else 'off'}")
        return bool(on)

    # --- admin changes ------------------------------------------------------------------------------------
    def add_user(self, login: str, password: str, role: str, display_name: str = "", office: str = "",
                 communes: tuple[str, ...] = (), by: Actor | str = "") -> UserRecord:
        actor = self._acting(by, Action.MANAGE_USERS)
        name = clean_login(login)
        row = new_user_row(name, clean_display_name(display_name, name), clean_role(role), clean_office(office),
                           self._communes(communes, clean_role(role)), "", "")
        check_new_password(password, name)
        row["password_hash"] = hash_password(password)
        with self._write(bump=False) as con:
            if self._account_in(con, name) is not None:
                raise AccountError("err.account.exists", login=name)
            row["created"] = row["updated"] = utc_now()
            self._exec(con, f"INSERT INTO atlas_users ({', '.join(USER_COLUMNS)}) "
                            f"VALUES ({', '.join(':' + c for c in USER_COLUMNS)})", row)
            rec = self._account_in(con, name)
            assert rec is not None
            self._audit_row(con, actor.login, "user-add", None, None, None, account_json(rec), f"account {name}")
            return rec

    def update_user(self, login: str, by: Actor | str, *, display_name: str | None = None, role: str | None = None,
                    office: str | None = None, communes: tuple[str, ...] | None = None,
                    disabled: bool | None = None) -> UserRecord:
        actor = self._acting(by, Action.MANAGE_USERS)
        name = clean_login(login)
        with self._write(bump=False) as con:
            cur = self._existing(con, name)
            new_role = clean_role(role) if role is not None else cur.role
            fields: dict[str, object] = {}
            if display_name is not None:
                fields["display_name"] = clean_display_name(display_name, name)
            if role is not None:
                fields["role"] = new_role.value
            if office is not None:
                fields["office"] = clean_office(office)
            if communes is not None or new_role in roles.SCOPED_ROLES:
                fields["communes"] = json.dumps(list(self._communes(
                    cur.communes if communes is None else communes, new_role)))
            if disabled is not None:
                fields["disabled"] = int(bool(disabled))
            self._keep_an_admin(con, cur, new_role, bool(disabled) if disabled is not None else cur.disabled)
            ends_sessions = (disabled is not None and bool(disabled) != cur.disabled) or new_role != cur.role
            return self._change(con, actor, cur, fields, "user-update", end_sessions=ends_sessions)

    def reset_password(self, login: str, password: str, by: Actor | str) -> UserRecord:
        actor = self._acting(by, Action.MANAGE_USERS)
        name = clean_login(login)
        check_new_password(password, name)
        digest = hash_password(password)
        with self._write(bump=False) as con:
            cur = self._existing(con, name)
            return self._change(con, actor, cur, {"password_hash": digest, "failed": 0, "locked": 0},
                                "user-reset-password", end_sessions=True)

    def unlock_user(self, login: str, by: Actor | str) -> UserRecord:
        actor = self._acting(by, Action.MANAGE_USERS)
        with self._write(bump=False) as con:
            cur = self._existing(con, clean_login(login))
            return self._change(con, actor, cur, {"failed": 0, "locked": 0}, "user-unlock", end_sessions=True)

    # --- signing in -------------------------------------------------------------------------------------
    def authenticate(self, login: str, password: str) -> UserRecord:
        name = unicodedata.normalize("NFC", str(login or "")).strip().casefold()
        with self._read() as con:
            rows = self._exec(con, "SELECT password_hash FROM atlas_users WHERE login = :login", {"login": name})
            rec = self._account_in(con, name) if rows else None
        digest = rows[0][0] if rows else None
        right = check_password(digest, str(password or ""))  # always hashes, so a wrong login takes as long
        if rec is None or rec.disabled:
            raise SignInRefused("err.signin.wrong")
        if rec.locked:
            raise SignInRefused("err.signin.locked", n=roles.MAX_FAILED_SIGN_INS)
        with self._write(bump=False) as con:
            if not right:
                self._exec(con, "UPDATE atlas_users SET failed = failed + 1, "
                                "locked = CASE WHEN failed + 1 >= :n THEN 1 ELSE locked END WHERE login = :login",
                           {"n": roles.MAX_FAILED_SIGN_INS, "login": name})
                now = self._account_in(con, name)
                if now is not None and now.locked and not rec.locked:
                    self._audit_row(con, name, "user-locked", None, None, account_json(rec), account_json(now),
                                    f"account {name}: {now.failed} failed sign-ins")
            else:
                changed = self._exec(con, "UPDATE atlas_users SET failed = 0, last_sign_in = :now "
                                          "WHERE login = :login AND locked = 0 AND disabled = 0",
                                     {"now": utc_now(), "login": name})
                if changed == 1 and digest and needs_rehash(digest):
                    self._exec(con, "UPDATE atlas_users SET password_hash = :h WHERE login = :login",
                               {"h": hash_password(password), "login": name})
                now = self._account_in(con, name) if changed == 1 else None
        if not right:
            if now is not None and now.locked:
                raise SignInRefused("err.signin.locked", n=roles.MAX_FAILED_SIGN_INS)
            raise SignInRefused("err.signin.wrong")
        if now is None:  # locked or disabled meanwhile
            raise SignInRefused("err.signin.locked", n=roles.MAX_FAILED_SIGN_INS)
        return now

    def change_password(self, login: str, old_password: str, new_password: str) -> UserRecord:
        name = unicodedata.normalize("NFC", str(login or "")).strip().casefold()
        with self._read() as con:
            rows = self._exec(con, "SELECT password_hash FROM atlas_users WHERE login = :login", {"login": name})
            rec = self._account_in(con, name) if rows else None
        if rec is None or rec.disabled or rec.locked or not check_password(rows[0][0], str(old_password or "")):
            raise SignInRefused("err.signin.old_password")
        check_new_password(new_password, name)
        digest = hash_password(new_password)
        with self._write(bump=False) as con:
            cur = self._existing(con, name)
            return self._change(con, cur.actor(), cur, {"password_hash": digest}, "user-change-password",
                                end_sessions=True)

    # --- helpers ---------------------------------------------------------------------------------------------
    def _existing(self, con: Any, login: str) -> UserRecord:
        rec = self._account_in(con, login)
        if rec is None:
            raise AccountError("err.account.unknown", login=login)
        return rec

    def _communes(self, codes: Iterable[str] | None, role: Role) -> tuple[str, ...]:
        out = clean_communes(codes, [*self.commune_codes(), *self.unit_codes_2025()])
        if role in roles.SCOPED_ROLES and not out:
            raise AccountError("err.account.editor_needs_communes")
        return out

    def _keep_an_admin(self, con: Any, cur: UserRecord, role: Role, disabled: bool) -> None:
        if cur.role is Role.ADMIN and not cur.disabled and (role is not Role.ADMIN or disabled):
            n = self._exec(con, "SELECT count(*) FROM atlas_users WHERE role = 'admin' AND disabled = 0")[0][0]
            if int(n) <= 1:
                raise PermissionDenied("err.perm.last_admin", who=cur.login)

    def _change(self, con: Any, actor: Actor, cur: UserRecord, fields: dict, action: str,
                end_sessions: bool) -> UserRecord:
        sets = [f"{c} = :{c}" for c in fields] + ["updated = :updated"]
        if end_sessions:
            sets.append("epoch = epoch + 1")
        self._exec(con, f"UPDATE atlas_users SET {', '.join(sets)} WHERE login = :login",
                   {**fields, "updated": utc_now(), "login": cur.login})
        rec = self._existing(con, cur.login)
        self._audit_row(con, actor.login, action, None, None, account_json(cur), account_json(rec),
                        f"account {cur.login}")
        return rec


def _public_in(rows: object) -> bool:
    """A store without the setting (every store before it existed) shows the public view."""
    return not rows or str(rows[0][0]) != "0"  # type: ignore[index]


# --- page sessions ------------------------------------------------------------------------------------------
def new_session(rec: UserRecord, now: float) -> dict:
    """What a page keeps after a sign-in: the login, the account's epoch and when it was last active."""
    return {"login": rec.login, "epoch": rec.epoch, "seen": now}


def check_session(store: Any, session: dict | None, now: float,
                  idle_minutes: float = roles.IDLE_MINUTES) -> tuple[UserRecord | None, str | None]:
    """The signed-in account of ``session`` as the store knows it now, or why the session ended.

    Returns ``(account, None)`` for a live session (the caller then refreshes ``seen``), ``(None, key)`` when it
    ended (``auth.idle_out``: idle too long; ``auth.session_ended``: the account was disabled, locked, reset or
    changed its password since), ``(None, None)`` when nobody signed in.
    """
    if not session or not session.get("login"):
        return None, None
    if now - float(session.get("seen") or 0) > idle_minutes * 60:
        return None, "auth.idle_out"
    rec = store.get_user(str(session["login"]))
    if rec is None or rec.disabled or rec.locked or rec.epoch != session.get("epoch"):
        return None, "auth.session_ended"
    return rec, None
