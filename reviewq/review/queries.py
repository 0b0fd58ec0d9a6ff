"""Reading the approval side: a person's review queue, how many drafts wait per stage, the nav badge.

Nothing here writes. The queue is whatever check_decide would let the person
decide: waiting in a stage their role decides, not their own draft, and not
one whose earlier stage of the same revision they approved.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from reviewq.core import workflow as wf
from reviewq.core.errors import PermissionDeniedError
from reviewq.models import Decision, Draft, User
from reviewq.review.permissions import can_review

STAGES = wf.STAGES  # the approval stages in order (review, legal, comms), for pages that list them


def stage_named(name: str) -> wf.Stage:
    """The stage called `name` (review, legal, comms); KeyError for any other name."""
    return wf.STAGE_BY_NAME[name]


def stages_for(user: User) -> list[wf.Stage]:
    """The stages `user` decides (the queue page's headings)."""
    return [s for s in wf.STAGES if user.has(s.role)]


def review_queue(session: Session, user: User, limit: int = 200) -> list[Draft]:
    """Drafts waiting for a decision `user` can make, oldest first; own drafts excluded.

    Decisions and revisions are loaded with the rows (each row shows its text).
    """
    states = [s.value for s in wf.waiting_states_for(user.roles)]
    if not states:
        return []
    q = (select(Draft).where(Draft.state.in_(states), Draft.author_id != user.id)
         .options(selectinload(Draft.decisions), selectinload(Draft.revisions))
         .order_by(Draft.stage_entered_at.asc(), Draft.id.asc()).limit(limit))
    rows = list(session.scalars(q).unique())
    # Drop drafts where this person already approved another stage of the current revision.
    return [d for d in rows if not any(a.user_id == user.id for a in d.standing_approvals())]


def approver_queue(session: Session, user: User) -> list[Draft]:
    """review_queue for someone who holds an approver role; PermissionDeniedError for anyone else."""
    if not can_review(user):
        raise PermissionDeniedError("The review queue is for reviewers, legal and comms.")
    return review_queue(session, user)


def stage_counts(session: Session) -> dict[str, int]:
    """How many drafts wait in each stage (for the queue header)."""
    pending = [s.state.value for s in wf.STAGES]
    rows = session.execute(select(Draft.state, func.count()).where(Draft.state.in_(pending))
                           .group_by(Draft.state)).all()
    counts = dict(rows)
    return {s.name: counts.get(s.state.value, 0) for s in wf.STAGES}


def count_waiting(session: Session, user: User) -> int:
    """The size of review_queue as two COUNTs: runs on every page for approvers (the nav badge).

    All waiting drafts by others, minus those this person already approved at an
    earlier stage of the same revision (driven by their own decisions, so both
    counts use an index; a correlated NOT EXISTS took seconds on SQLite).
    """
    states = [s.value for s in wf.waiting_states_for(user.roles)]
    if not states:
        return 0
    waiting = (Draft.state.in_(states), Draft.author_id != user.id)
    total = session.scalar(select(func.count()).select_from(Draft).where(*waiting))
    approved = session.scalar(
        select(func.count(func.distinct(Decision.draft_id))).join(Draft, Draft.id == Decision.draft_id)
        .where(Decision.user_id == user.id, Decision.decision == "approve", Decision.voided.is_(False),
               Decision.revision_number == Draft.current_revision, *waiting))
    return total - approved
