"""The plan's approval workflow on project status (section V): which move from which status, and who makes it.

One rule set, read by both stores on every project write (:func:`geo.storage.accounts.check_status_move`)
and by the data page to offer only the moves an account may make (the store checks again).

Pipeline: proposal → appraised → approved for pitching → committed → implementing → completed; a project
may also be *rejected* (at appraisal) or *cancelled* (withdrawn, or stopped later). Both need a note saying why.

- A *commune editor* (commune People's Committee) proposes projects in their communes, edits them while they
  are proposals, and withdraws them (proposal → cancelled).
- A *planner* (Finance–Planning Office) appraises, approves for pitching, rejects, records commitments, starts
  and completes projects, sends a project back one step, cancels, and reopens a rejected or cancelled one
  as a proposal. A planner may record a new project at any status (an existing project entered late).
- An *admin* (Ethnic Affairs Office) may make any move, e.g. to correct a mistaken one.
- A *viewer* makes none.

Keeping a status (editing other fields) is a "move" from a status to itself.

>>> lan = Actor("lan", Role.COMMUNE_EDITOR, communes=("03424",))
>>> minh = Actor("minh", Role.PLANNER)
>>> may_move(lan, None, "proposal"), may_move(lan, "proposal", "appraised"), may_move(lan, "proposal", "cancelled")
(True, False, True)
>>> may_move(minh, "proposal", "appraised"), may_move(minh, "proposal", "committed")
(True, False)
>>> next_statuses(minh, "appraised")
('proposal', 'approved', 'rejected', 'cancelled')
>>> needs_note("appraised", "rejected"), needs_note("rejected", "rejected")
(True, False)
"""

from __future__ import annotations

from geo.model import schema
from geo.model.roles import Actor, Role

_E, _P = Role.COMMUNE_EDITOR, Role.PLANNER
#: (from, to) → the roles (besides admin, who may make any move) that may make it. ``from`` None: a new project.
TRANSITIONS: dict[tuple[str | None, str], frozenset[Role]] = {
    (None, "proposal"): frozenset({_E, _P}),
    ("proposal", "proposal"): frozenset({_E, _P}),
    ("proposal", "appraised"): frozenset({_P}),
    ("proposal", "rejected"): frozenset({_P}),
    ("proposal", "cancelled"): frozenset({_E, _P}),  # a commune withdraws its own proposal
    ("appraised", "proposal"): frozenset({_P}),  # sent back for revision
    ("appraised", "approved"): frozenset({_P}),
    ("appraised", "rejected"): frozenset({_P}),
    ("appraised", "cancelled"): frozenset({_P}),
    ("approved", "appraised"): frozenset({_P}),
    ("approved", "committed"): frozenset({_P}),
    ("approved", "cancelled"): frozenset({_P}),
    ("committed", "approved"): frozenset({_P}),  # a commitment that fell through
    ("committed", "implementing"): frozenset({_P}),
    ("committed", "cancelled"): frozenset({_P}),
    ("implementing", "completed"): frozenset({_P}),
    ("implementing", "cancelled"): frozenset({_P}),
    ("rejected", "proposal"): frozenset({_P}),  # reopened
    ("cancelled", "proposal"): frozenset({_P}),
    # a planner edits any project without moving it
    **{(s.key, s.key): frozenset({_P}) for s in schema.STATUSES if s.key != "proposal"},
}
#: Roles that may record a new project at any status (not only as a proposal).
ANY_START: frozenset[Role] = frozenset({_P, Role.ADMIN})
#: Moves to these statuses need a note saying why (kept in the audit trail).
NOTE_REQUIRED_STATUSES: frozenset[str] = frozenset({"rejected", "cancelled"})
#: The statuses a project is ready to be shown to donors at: approved for pitching and every later step.
PITCHABLE_STATUSES: tuple[str, ...] = ("approved", "committed", "implementing", "completed")


def may_move(actor: Actor, before: str | None, after: str) -> bool:
    """Whether ``actor`` may save a project whose status goes from ``before`` (None: a new project) to ``after``."""
    if after not in schema.STATUS_BY_KEY:
        return False
    if actor.role is Role.ADMIN:
        return True
    if before is None and actor.role in ANY_START:
        return True
    return actor.role in TRANSITIONS.get((before, after), frozenset())


def next_statuses(actor: Actor, before: str | None) -> tuple[str, ...]:
    """The statuses ``actor`` may move a project at ``before`` to (other than keeping it), in pipeline order."""
    return tuple(s.key for s in schema.STATUSES if s.key != before and may_move(actor, before, s.key))


def choices(actor: Actor, before: str | None) -> list[str]:
    """What a status field offers ``actor``: the current status (if they may keep it) and every allowed move."""
    keep = [before] if before is not None and may_move(actor, before, before) else []
    return keep + list(next_statuses(actor, before))


def needs_note(before: str | None, after: str) -> bool:
    """A move to a status in :data:`NOTE_REQUIRED_STATUSES` needs a note (keeping it there does not)."""
    return after in NOTE_REQUIRED_STATUSES and before != after


def is_pitchable(status: str) -> bool:
    return status in PITCHABLE_STATUSES
