"""What every store hands out and refuses with, whatever it keeps its data in.

:class:`ProjectRecord`, :class:`DonorRecord` and :class:`AuditEntry` are plain values read from a
store; :class:`ConflictError` is raised by any store when a write is based on a stale revision.
:class:`PermissionDenied` (a role may not write this), :class:`SignInRefused`, :class:`AccountError` and
:class:`UserRecord` are the accounts' (issue 15). They live here, not in an implementation, so the interface (:mod:`geo.storage.interface`), every
implementation and every caller share them.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime

from geo.ingest.validate import DataError, Note, Quote
from geo.model.roles import Actor, Role
from geo.text.i18n import t


def default_user() -> str:
    """The OS user name, used when nobody typed a name."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, services)
        return "unknown"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ProjectRecord:
    """A project as stored: its fields, its funding lines, and the revision it was read at."""

    project: dict
    funding: list[dict]
    revision: int


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail. ``before``/``after`` are ``{"project":…, "funding":[…]}`` or None."""

    id: int
    ts: str
    user: str
    action: str
    project_id: str | None
    revision: int | None
    before: dict | None
    after: dict | None
    note: str

    @property
    def state(self) -> dict | None:
        """The version this entry can restore: after the change, or before a delete."""
        return self.after if self.after is not None else self.before


class ConflictError(Exception):
    """Someone else changed the project (or donor profile) since it was read. Carries both versions.

    ``str()`` is English (logs); show users :meth:`text`.
    """

    def __init__(self, project_id: str, expected: int | None,
                 theirs: ProjectRecord | DonorRecord | MoneyRecord | ResultRecord | None,
                 mine: dict | None = None, kind: str = "project"):
        self.project_id = project_id
        self.expected = expected
        self.theirs = theirs
        self.mine = mine
        self.kind = kind
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """What happened, in ``lang``."""
        now = (t("err.conflict_now", lang, rev=self.theirs.revision) if self.theirs
               else t("err.conflict_deleted", lang))
        return t("err.conflict", lang, kind=t(f"err.conflict.{self.kind}", lang), pid=self.project_id,
                 expected=self.expected, now=now)


@dataclass(frozen=True)
class MoneyRecord:
    """A dated (or undated) money record as stored (every :data:`geo.model.schema.MONEY_RECORD_COLUMNS` field)
    and its revision."""

    record: dict
    revision: int


@dataclass(frozen=True)
class ResultRecord:
    """A project's beneficiaries (:data:`geo.model.schema.BENEFICIARY_COLUMNS`) or one result indicator
    (:data:`geo.model.schema.RESULT_COLUMNS`, ``actuals`` a dict year → value) as stored, and its revision."""

    record: dict
    revision: int


@dataclass(frozen=True)
class DonorRecord:
    """A donor profile as stored (every :data:`geo.model.schema.DONOR_COLUMNS` field) and its revision."""

    donor: dict
    revision: int


class KeyedRefusal(DataError):
    """A refusal that is one keyed sentence, not a list of file problems. ``str()`` is English.

    A :class:`DataError` so every command already exits non-zero with it.
    """

    def __init__(self, key: str, **params: object):
        self.note = Note.of(key, **params)
        super().__init__([])
        self.args = (str(self.note),)

    def text(self, lang: str, quote: Quote | None = None) -> str:
        return self.note.text(lang, quote)

    def __str__(self) -> str:
        return str(self.note)


class StoreUnavailable(KeyedRefusal):
    """The store cannot be opened (server unreachable, bad URL): one keyed sentence that says how to fix it."""


class AuditRefused(KeyedRefusal):
    """The database refused a write's audit row (a constraint or trigger on ``atlas_audit``), so the write and its
    audit rows were rolled back together: nothing changed. Raised by both stores' audit insert."""


class PermissionDenied(KeyedRefusal):
    """The acting user's role (or communes) does not allow this write; nothing was changed
    (raised by :func:`geo.storage.accounts.authorize`)."""


class SignInRefused(KeyedRefusal):
    """A sign-in or password change was refused. The sentence never says whether the login exists."""


class AccountError(KeyedRefusal):
    """An account could not be added or changed (bad login, display name, role, password); nothing changed."""


@dataclass(frozen=True)
class UserRecord:
    """An account as a store hands it out: never the password or its hash.

    ``locked``: too many failed sign-ins in a row (:data:`geo.model.roles.MAX_FAILED_SIGN_INS`); only an admin's
    unlock or password reset opens it again. ``epoch`` changes with every password change, reset, unlock and
    disable, so a page session started before is signed out.
    """

    login: str
    display_name: str
    role: Role
    office: str
    communes: tuple[str, ...]
    disabled: bool
    failed: int
    locked: bool
    epoch: int
    created: str
    last_sign_in: str

    def actor(self) -> Actor:
        return Actor(self.login, self.role, self.communes, self.display_name)
