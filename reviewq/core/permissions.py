"""Who may see and do what: can_* predicates over plain values.

Pure. Services call these before acting; templates may call them to hide
buttons, but hiding is never the check.
"""
from __future__ import annotations

from reviewq.core import roles as R
from reviewq.core.workflow import Actor, State

# How far a draft must have come before each approver role may see it.
_VISIBLE_FROM = {R.REVIEWER: 1, R.LEGAL: 2, R.COMMS: 3}
REACHED = {State.PENDING_REVIEW: 1, State.PENDING_LEGAL: 2, State.PENDING_COMMS: 3, State.APPROVED: 4}


def sees_everything(actor: Actor) -> bool:
    return actor.has(R.ADMIN) or actor.has(R.AUDITOR)


def can_view_draft(actor: Actor, *, author_id: int, reached: int, decided: bool = False) -> bool:
    """Authors see their own drafts; approvers see drafts that reached their stage."""
    if actor.id == author_id or sees_everything(actor) or decided:
        return True
    return any(reached >= level for role, level in _VISIBLE_FROM.items() if actor.has(role))


def min_reached_for(actor: Actor) -> int | None:
    """The lowest `reached` level the actor may see beyond their own drafts (None: only own)."""
    if sees_everything(actor):
        return 0
    levels = [level for role, level in _VISIBLE_FROM.items() if actor.has(role)]
    return min(levels) if levels else None


def can_edit_draft(actor: Actor, *, author_id: int) -> bool:
    """Only the author edits (the workflow refuses anyone else); pages offer editing to them alone."""
    return actor.id == author_id


def can_create_draft(actor: Actor) -> bool:
    return not (actor.roles <= {R.AUDITOR})


def can_manage_users(actor: Actor) -> bool:
    return actor.has(R.ADMIN)


def can_schedule(actor: Actor) -> bool:
    return actor.has(R.COMMS)


def can_freeze(actor: Actor) -> bool:
    return actor.has(R.COMMS) or actor.has(R.ADMIN)


def can_read_audit(actor: Actor) -> bool:
    return actor.has(R.ADMIN) or actor.has(R.AUDITOR)


def can_search_drafts(actor: Actor) -> bool:
    """The all-drafts list and search: comms leads, administrators and auditors."""
    return actor.has(R.COMMS) or actor.has(R.ADMIN) or actor.has(R.AUDITOR)


def landing(actor: Actor) -> str | None:
    """Where the actor starts: 'calendar' (comms leads), 'review' (approvers), 'audit' (auditors) or
    None (their own drafts)."""
    if actor.has(R.COMMS):
        return "calendar"
    if actor.has(R.REVIEWER) or actor.has(R.LEGAL):
        return "review"
    if actor.has(R.AUDITOR):
        return "audit"
    return None


def can_export_evidence(actor: Actor) -> bool:
    """A post's evidence pack: administrators, auditors and comms leads (of any post they can see)."""
    return actor.has(R.COMMS) or actor.has(R.ADMIN) or actor.has(R.AUDITOR)
