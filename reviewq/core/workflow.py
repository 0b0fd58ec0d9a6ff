"""Approval workflow: states, allowed transitions, who may act.

Pure: no Flask, database or Slack, and no clock reads (callers pass now).
decide() returns a Transition or raises a ReviewqError; persisting, auditing
and notifying belong to the domain packages' operations
(reviewq.drafts.transitions.apply is the one writer of a draft's state).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from reviewq.core import roles as R
from reviewq.core.errors import (InvalidTransitionError, PermissionDeniedError, StaleRevisionError,
                                 ValidationError)


class State(StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    PENDING_LEGAL = "pending_legal"
    PENDING_COMMS = "pending_comms"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    SUBMIT = "submit"
    EDIT = "edit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    SCHEDULE = "schedule"
    RESCHEDULE = "reschedule"
    UNSCHEDULE = "unschedule"
    RELEASE = "release"
    # The system pulls a post back to its author: a consent it relies on was revoked or has expired.
    PULL_BACK = "pull_back"


DECISIONS = (Action.APPROVE, Action.REQUEST_CHANGES, Action.REJECT)
FINAL_STATES = frozenset({State.PUBLISHED, State.REJECTED, State.WITHDRAWN})


@dataclass(frozen=True)
class Stage:
    name: str          # stored with decisions: review, legal, comms
    state: State       # the state in which the stage waits
    role: str          # who decides it
    label: str


STAGES = (
    Stage("review", State.PENDING_REVIEW, R.REVIEWER, "Review"),
    Stage("legal", State.PENDING_LEGAL, R.LEGAL, "Legal"),
    Stage("comms", State.PENDING_COMMS, R.COMMS, "Comms"),
)
STAGE_BY_STATE = {s.state: s for s in STAGES}
STAGE_BY_NAME = {s.name: s for s in STAGES}
PENDING_STATES = frozenset(STAGE_BY_STATE)
EDITABLE_STATES = frozenset({State.DRAFT, State.CHANGES_REQUESTED, *PENDING_STATES, State.APPROVED})


def next_after(stage: Stage) -> State:
    i = STAGES.index(stage)
    return STAGES[i + 1].state if i + 1 < len(STAGES) else State.APPROVED


@dataclass(frozen=True)
class Actor:
    id: int
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class DraftFacts:
    """What the core needs to know about a draft to decide."""

    author_id: int
    state: State
    revision: int
    # (stage name, user id) of the approvals that stand on the current revision
    approvals: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Transition:
    action: Action
    from_state: State
    to_state: State
    stage: Stage | None = None
    new_revision: bool = False
    voids_approvals: bool = False
    audit_action: str = ""
    extra: dict = field(default_factory=dict)


# (state, action) -> next state for the non-decision actions; guards below.
TABLE: dict[tuple[State, Action], State] = {
    (State.DRAFT, Action.SUBMIT): State.PENDING_REVIEW,
    (State.CHANGES_REQUESTED, Action.SUBMIT): State.PENDING_REVIEW,
    **{(s, Action.EDIT): (State.CHANGES_REQUESTED if s == State.CHANGES_REQUESTED else State.DRAFT)
       for s in EDITABLE_STATES},
    **{(s, Action.WITHDRAW): State.WITHDRAWN
       for s in (State.DRAFT, State.CHANGES_REQUESTED, *PENDING_STATES, State.APPROVED, State.SCHEDULED)},
    (State.APPROVED, Action.SCHEDULE): State.SCHEDULED,
    (State.SCHEDULED, Action.RESCHEDULE): State.SCHEDULED,
    (State.SCHEDULED, Action.UNSCHEDULE): State.APPROVED,
    (State.SCHEDULED, Action.RELEASE): State.PUBLISHED,
    **{(s, Action.PULL_BACK): State.CHANGES_REQUESTED for s in (*PENDING_STATES, State.APPROVED, State.SCHEDULED)},
}
AUTHOR_ACTIONS = frozenset({Action.SUBMIT, Action.EDIT, Action.WITHDRAW})
COMMS_ACTIONS = frozenset({Action.SCHEDULE, Action.RESCHEDULE, Action.UNSCHEDULE})


def decide(actor: Actor | None, facts: DraftFacts, action: Action, *, revision: int | None = None,
           comment: str = "") -> Transition:
    """Decide whether `actor` may take `action` on a draft described by `facts`.

    actor None means the system (the release worker). Raises PermissionDeniedError,
    InvalidTransitionError, StaleRevisionError or ValidationError.
    """
    action = Action(action)
    if action in DECISIONS:
        return _decide_stage(actor, facts, action, revision, comment)
    target = TABLE.get((facts.state, action))
    if target is None:
        raise InvalidTransitionError(
            f"A draft that is {facts.state.value.replace('_', ' ')} cannot be {_past(action)}.",
            state=facts.state.value, action=action.value)
    if action in AUTHOR_ACTIONS and (actor is None or actor.id != facts.author_id):
        raise PermissionDeniedError(f"Only the author can {action.value} this draft.")
    if action in COMMS_ACTIONS and (actor is None or not actor.has(R.COMMS)):
        raise PermissionDeniedError("Only comms leads can schedule releases.")
    if action == Action.RELEASE and actor is not None:
        raise PermissionDeniedError("Releases are made by the release worker only.")
    if action == Action.PULL_BACK:
        if actor is not None:
            raise PermissionDeniedError("Only reviewq pulls a post back, when a consent it relies on ends.")
        # The approvals were given to a post whose consent stood; none of them may carry over.
        return Transition(action, facts.state, target, voids_approvals=True, audit_action="draft.pull_back")
    if revision is not None and revision != facts.revision:
        raise StaleRevisionError(f"You saw revision {revision}; the draft is now at revision {facts.revision}.",
                                 current_revision=facts.revision)
    edit = action == Action.EDIT
    return Transition(action, facts.state, target, new_revision=edit,
                      voids_approvals=edit,
                      audit_action=f"draft.{action.value}")


def _decide_stage(actor, facts, action, revision, comment) -> Transition:
    stage = STAGE_BY_STATE.get(facts.state)
    if stage is None:
        raise InvalidTransitionError(
            f"This draft is {facts.state.value.replace('_', ' ')}; there is no stage waiting for a decision.",
            state=facts.state.value, action=action.value)
    if actor is None or not actor.has(stage.role):
        raise PermissionDeniedError(f"The {stage.label.lower()} stage is decided by the {stage.role} role.")
    if actor.id == facts.author_id:
        raise PermissionDeniedError("You cannot decide on your own draft.")
    if any(uid == actor.id for _, uid in facts.approvals):
        raise PermissionDeniedError("You already approved another stage of this revision; "
                                    "a different person must decide this one.")
    if revision is None:
        raise ValidationError("Say which revision you are deciding on.", {"revision": "required"})
    if revision != facts.revision:
        raise StaleRevisionError(
            f"You saw revision {revision}; the draft is now at revision {facts.revision}. Review it again.",
            current_revision=facts.revision)
    if action != Action.APPROVE and not comment.strip():
        raise ValidationError("Give a reason so the author knows what to change.", {"comment": "required"})
    target = {Action.APPROVE: next_after(stage), Action.REQUEST_CHANGES: State.CHANGES_REQUESTED,
              Action.REJECT: State.REJECTED}[action]
    return Transition(action, facts.state, target, stage=stage,
                      audit_action=f"decision.{stage.name}.{action.value}")


def _past(action: Action) -> str:
    return {Action.SUBMIT: "submitted", Action.EDIT: "edited", Action.WITHDRAW: "withdrawn",
            Action.SCHEDULE: "scheduled", Action.RESCHEDULE: "rescheduled",
            Action.UNSCHEDULE: "unscheduled", Action.RELEASE: "released",
            Action.PULL_BACK: "pulled back"}.get(action, action.value)


def waiting_states_for(roles: frozenset[str]) -> list[State]:
    """The states whose decisions the holder of `roles` can make (their review queue)."""
    return [s.state for s in STAGES if s.role in roles]
