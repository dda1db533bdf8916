"""Who may do what: the roles of the plan (section V), their permissions, and the acting user.

Defined once here; the stores (:mod:`geo.storage`) enforce them on every write, the pages only hide
what a role may not use. Role and office names are catalogue keys (``role.<key>``, ``office.<key>``
in :mod:`geo.text.i18n`).

- *viewer*: reads everything, writes nothing.
- *commune editor* (a commune People's Committee): creates, edits, imports and restores projects whose
  commune (``commune_code``, either unit version) is one of theirs; nothing else.
- *planner* (Finance–Planning Office): edits, deletes and imports any project, exports the audit trail.
- *admin* (Ethnic Affairs Office, the standing agency): everything, including accounts, layers and donors.

>>> editor = Actor("lan", Role.COMMUNE_EDITOR, communes=("03418",))
>>> allows(editor, Action.EDIT_PROJECT, ["03418"]), allows(editor, Action.EDIT_PROJECT, ["03424"])
(True, False)
>>> allows(Actor("minh", Role.PLANNER), Action.EDIT_DONORS)
False
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    COMMUNE_EDITOR = "commune_editor"
    PLANNER = "planner"
    ADMIN = "admin"


class Action(StrEnum):
    """Every kind of write a store accepts, and the one read that is restricted (the audit export)."""

    EDIT_PROJECT = "edit_project"  # create, update, restore, import (commune editors: their communes only)
    DELETE_PROJECT = "delete_project"
    EDIT_DONORS = "edit_donors"  # save, confirm, delete donor profiles
    REPLACE_LAYER = "replace_layer"
    MANAGE_USERS = "manage_users"
    EXPORT_AUDIT = "export_audit"


PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset(),
    Role.COMMUNE_EDITOR: frozenset({Action.EDIT_PROJECT}),
    Role.PLANNER: frozenset({Action.EDIT_PROJECT, Action.DELETE_PROJECT, Action.EXPORT_AUDIT}),
    Role.ADMIN: frozenset(Action),
}
#: Actions a commune editor may take only on projects in their own communes.
COMMUNE_SCOPED: frozenset[Action] = frozenset({Action.EDIT_PROJECT})
#: Roles limited to their communes (the others act district-wide).
SCOPED_ROLES: frozenset[Role] = frozenset({Role.COMMUNE_EDITOR})

# Who may move a project from which status to which: geo.model.workflow (built on these roles).


#: The offices of the plan (section V) an account can belong to; labels are ``office.<key>``.
OFFICES: tuple[str, ...] = ("commune_committee", "finance_planning", "ethnic_affairs", "district_committee", "other")

#: Failed sign-ins in a row after which an account is locked until an admin unlocks or resets it.
MAX_FAILED_SIGN_INS = 5
#: Minutes without activity after which a page session is signed out.
IDLE_MINUTES = 30
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class Actor:
    """Who is acting. Stores take this (or a login name) on every write and re-read the account's role.

    ``console``: someone running ``python -m geo`` against the store file or database itself, trusted as its
    administrator (they could change the file anyway); pages never act as the console.
    """

    login: str
    role: Role
    communes: tuple[str, ...] = ()
    display_name: str = ""
    console: bool = False

    @property
    def name(self) -> str:
        return self.display_name or self.login


def allows(actor: Actor, action: Action, communes: Iterable[str] = ()) -> bool:
    """True when ``actor``'s role may take ``action`` on projects in ``communes`` (codes)."""
    if action not in PERMISSIONS[actor.role]:
        return False
    if action in COMMUNE_SCOPED and actor.role in SCOPED_ROLES:
        return all(c in actor.communes for c in communes)
    return True


def role_of(key: str) -> Role | None:
    """The role called ``key``, or None."""
    try:
        return Role(key)
    except ValueError:
        return None
