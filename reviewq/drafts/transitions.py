"""The one writer of a draft's state.

`apply(draft, transition, now)` is the only code that assigns `Draft.state`,
together with the columns that go with entering a state (the stage clock,
the reminder stamp, how far the draft has come, the revision counter and
the approvals an edit voids, the publication time). Every operation - and
the release worker, through `Action.RELEASE` - ends here, so a state and
its columns can never disagree.

`check(actor, draft, action, ...)` asks core.workflow whether `actor` may
take `action` now and returns the Transition (or raises the ReviewqError
saying why not) without touching anything. Operations call it before they
change a row; the `check_<verb>` twins in the domain packages call it to
render buttons and for Slack's pre-checks. Nothing outside the domain
packages asks core.workflow's table directly.

Locking, auditing and signalling are the operations' job, not this module's.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable

from reviewq.core import workflow as wf
from reviewq.core.errors import InvalidTransitionError, ReviewqError
from reviewq.core.permissions import REACHED

Action = wf.Action
State = wf.State
Transition = wf.Transition


def _actor(user):
    return None if user is None else user.actor()


def check(user, draft, action, *, revision: int | None = None, comment: str = "") -> Transition:
    """The Transition `user` (None: the system) would make by taking `action` on `draft` now.

    Side-effect free. Raises PermissionDeniedError, InvalidTransitionError,
    StaleRevisionError or ValidationError.
    """
    return wf.decide(_actor(user), draft.facts(), Action(action), revision=revision, comment=comment)


def allowed(user, draft, action, **kw) -> bool:
    """Whether `check` would pass: for showing a button, never as the permission check itself."""
    try:
        check(user, draft, action, **kw)
    except ReviewqError:
        return False
    return True


def stage_waiting_in(draft) -> wf.Stage | None:
    """The approval stage `draft` waits in, or None when no stage waits for a decision."""
    return wf.STAGE_BY_STATE.get(State(draft.state))


def release_transition(draft) -> Transition:
    """The system's RELEASE of a scheduled draft, decided without loading its decisions (bulk release)."""
    facts = wf.DraftFacts(draft.author_id, State(draft.state), draft.current_revision)
    return wf.decide(None, facts, Action.RELEASE)


def pull_back_transition(draft) -> Transition:
    """The system's PULL_BACK of `draft` to its author (a consent it relies on was revoked or expired)."""
    return wf.decide(None, draft.facts(), Action.PULL_BACK)


def values_for(draft, transition: Transition, now: datetime) -> dict:
    """The column values entering `transition.to_state` gives `draft` (nothing is assigned)."""
    if draft.state != transition.from_state.value:
        raise InvalidTransitionError(
            f"This draft is now {draft.state.replace('_', ' ')}; it changed while you were acting.",
            state=draft.state, action=transition.action.value)
    to = transition.to_state
    values = {"state": to.value, "updated_at": now, "reached": max(draft.reached or 0, REACHED.get(to, 0)),
              "stage_entered_at": now if to in wf.PENDING_STATES else None}
    if transition.action == Action.SUBMIT or transition.action in wf.DECISIONS:
        values["reminded_at"] = None  # a new stage visit gets its own reminder
    if transition.new_revision:
        values["current_revision"] = draft.current_revision + 1
    if transition.action == Action.RELEASE:
        values["published_at"] = now
    if transition.action == Action.PULL_BACK:
        values["release_at"] = None  # off the calendar: it goes back to the author
    return values


def apply(draft, transition: Transition, now: datetime) -> None:
    """Move `draft` as `transition` says. The only assignment of `Draft.state` in reviewq."""
    values = values_for(draft, transition, now)
    if transition.voids_approvals:
        # Approvals of earlier revisions stop counting; the new revision starts with none.
        upto = values.get("current_revision", draft.current_revision + 1)  # no new revision: void them all
        for d in draft.decisions:
            d.voided = d.voided or d.revision_number < upto
    for column, value in values.items():
        setattr(draft, column, value)


def apply_many(drafts: Iterable, transition_for: Callable, now: datetime) -> list[tuple[object, dict]]:
    """[(draft, values)] for a bulk writer that UPDATEs many locked rows in one statement.

    The values come from `values_for`, so a bulk release sets exactly what
    `apply` would; the caller writes them (and must not void approvals:
    only edits do, and edits are never bulk).
    """
    out = []
    for draft in drafts:
        transition = transition_for(draft)
        if transition.voids_approvals:
            raise ValueError("apply_many cannot void approvals; use apply()")
        out.append((draft, values_for(draft, transition, now)))
    return out
