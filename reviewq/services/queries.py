"""Read side: which drafts a user may list, their review queue, counts per stage.

Visibility rules come from reviewq.core.permissions and are applied in SQL so
lists stay fast with 100,000 drafts; the single-draft check is
reviewq.services.common.visible.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from reviewq.core import workflow as wf
from reviewq.core.errors import ValidationError
from reviewq.core.permissions import min_reached_for
from reviewq.core.roles import CHANNELS
from reviewq.models import Decision, Draft, User

MAX_PAGE = 200


@dataclass
class DraftFilter:
    state: list[str] | None = None
    stage: str | None = None          # review | legal | comms: drafts waiting in that stage
    author_id: int | None = None
    channel: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    mine: bool = False

    def validate(self) -> "DraftFilter":
        errors = {}
        states = {s.value for s in wf.State}
        if self.state and any(s not in states for s in self.state):
            errors["state"] = "Unknown state; states are " + ", ".join(sorted(states)) + "."
        if self.stage and self.stage not in wf.STAGE_BY_NAME:
            errors["stage"] = "Stages are review, legal and comms."
        if self.channel and self.channel not in CHANNELS:
            errors["channel"] = "Unknown channel; channels are " + ", ".join(CHANNELS) + "."
        if errors:
            raise ValidationError(next(iter(errors.values())), errors)
        return self


def visible_clause(user: User):
    """A SQL condition true for the drafts `user` may see."""
    level = min_reached_for(user.actor())
    own = Draft.author_id == user.id
    decided = exists().where(and_(Decision.draft_id == Draft.id, Decision.user_id == user.id))
    if level == 0:
        return own | (Draft.id > 0)
    if level is None:
        return or_(own, decided)
    return or_(own, Draft.reached >= level, decided)


def drafts_query(user: User, f: DraftFilter | None = None) -> Select:
    f = (f or DraftFilter()).validate()
    q = select(Draft).where(visible_clause(user))
    if f.mine:
        q = q.where(Draft.author_id == user.id)
    if f.state:
        q = q.where(Draft.state.in_(f.state))
    if f.stage:
        q = q.where(Draft.state == wf.STAGE_BY_NAME[f.stage].state.value)
    if f.author_id is not None:
        q = q.where(Draft.author_id == f.author_id)
    if f.channel:
        # JSON arrays differ per backend; a quoted-name match is exact because names are [a-z]+.
        q = q.where(func.cast(Draft.channels, _text()).like(f'%"{f.channel}"%'))
    if f.created_from:
        q = q.where(Draft.created_at >= f.created_from)
    if f.created_to:
        q = q.where(Draft.created_at < f.created_to)
    return q


def _text():
    from sqlalchemy import Text
    return Text()


def page(session: Session, q: Select, *, after_id: int | None = None, limit: int = 50,
         newest_first: bool = True) -> tuple[list[Draft], int | None]:
    """Keyset pagination on id: stable under inserts. Returns (rows, next cursor or None)."""
    limit = max(1, min(int(limit), MAX_PAGE))
    if after_id is not None:
        q = q.where(Draft.id < after_id if newest_first else Draft.id > after_id)
    q = q.order_by(Draft.id.desc() if newest_first else Draft.id.asc()).limit(limit + 1)
    rows = list(session.scalars(q).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def review_queue(session: Session, user: User, limit: int = 200) -> list[Draft]:
    """Drafts waiting for a decision `user` can make, oldest first; own drafts excluded."""
    states = [s.value for s in wf.waiting_states_for(user.roles)]
    if not states:
        return []
    q = (select(Draft).where(Draft.state.in_(states), Draft.author_id != user.id)
         .options(selectinload(Draft.decisions))
         .order_by(Draft.stage_entered_at.asc(), Draft.id.asc()).limit(limit))
    rows = list(session.scalars(q).unique())
    # Drop drafts where this person already approved another stage of the current revision.
    return [d for d in rows if not any(a.user_id == user.id for a in d.standing_approvals())]


def approver_queue(session: Session, user: User) -> list[Draft]:
    """review_queue for someone who holds an approver role; PermissionDeniedError for anyone else."""
    from reviewq.core.errors import PermissionDeniedError
    from reviewq.core.permissions import can_review
    if not can_review(user.actor()):
        raise PermissionDeniedError("The review queue is for reviewers, legal and comms.")
    return review_queue(session, user)


def stage_counts(session: Session) -> dict[str, int]:
    """How many drafts wait in each stage (for the queue header)."""
    pending = [s.state.value for s in wf.STAGES]
    rows = session.execute(select(Draft.state, func.count()).where(Draft.state.in_(pending))
                           .group_by(Draft.state)).all()
    counts = dict(rows)
    return {s.name: counts.get(s.state.value, 0) for s in wf.STAGES}


__all__ = ["DraftFilter", "drafts_query", "page", "review_queue", "stage_counts", "visible_clause", "false"]
