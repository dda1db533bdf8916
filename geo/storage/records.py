"""What every store hands out and refuses with, whatever it keeps its data in.

:class:`ProjectRecord`, :class:`DonorRecord` and :class:`AuditEntry` are plain values read from a
store; :class:`ConflictError` is raised by any store when a write is based on a stale revision.
They live here, not in an implementation, so the interface (:mod:`geo.storage.interface`), every
implementation and every caller share them.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, datetime

from geo.ingest.validate import DataError, Note, Quote
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

    def __init__(self, project_id: str, expected: int | None, theirs: ProjectRecord | DonorRecord | None,
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
class DonorRecord:
    """A donor profile as stored (every :data:`geo.model.schema.DONOR_COLUMNS` field) and its revision."""

    donor: dict
    revision: int


class StoreUnavailable(DataError):
    """The store cannot be opened (server unreachable, bad URL): one keyed sentence that says how to fix it.

    A :class:`DataError` so every command already exits non-zero with it; ``str()`` is English.
    """

    def __init__(self, key: str, **params: object):
        self.note = Note.of(key, **params)
        super().__init__([])
        self.args = (str(self.note),)

    def text(self, lang: str, quote: Quote | None = None) -> str:
        return self.note.text(lang, quote)

    def __str__(self) -> str:
        return str(self.note)
