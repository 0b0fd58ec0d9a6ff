"""Reading the approval side: a person's review queue, how many drafts wait per stage, the nav badge.

Nothing here writes. The queue is whatever check_decide would let the person
decide: waiting in a stage their role decides, not their own draft, and not
one whose earlier stage of the same revision they approved.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from reviewq.core import workflow as wf
from reviewq.core.errors import PermissionDeniedError
from reviewq.models import Decision, Draft, Revision, User
from reviewq.review.permissions import can_review

PREVIEW_CHARS = 200  # the queue shows 90 characters of each post; the rest is never read
STAGES = wf.STAGES  # the approval stages in order (review, legal, comms), for pages that list them


def stage_named(name: str) -> wf.Stage:
    """The stage called `name` (review, legal, comms); KeyError for any other name."""
    return wf.STAGE_BY_NAME[name]


def stages_for(user: User) -> list[wf.Stage]:
    """The stages `user` decides (the queue page's headings)."""
    return [s for s in wf.STAGES if user.has(s.role)]


def _earlier_stages(states: list[str]) -> list[str]:
    """Stages before the last of `states`: the only ones where an approval can stand on a draft that waits
    in one of them (a draft waiting in a stage has no standing approval of that stage or a later one)."""
    last = max(i for i, s in enumerate(wf.STAGES) if s.state.value in states)
    return [s.name for s in wf.STAGES[:last]]


def _approved_by(user: User | None, states: list[str], user_id=None):
    """Waiting drafts `user` already approved at an earlier stage of the current revision (None: there can be
    none, e.g. for a reviewer, whose stage comes first: the query is skipped). `user_id` instead of `user`:
    an expression for the person (a bound parameter in statements built once)."""
    earlier = _earlier_stages(states)
    if not earlier:
        return None
    return (select(Decision.draft_id).join(Draft, Draft.id == Decision.draft_id)
            .where(Decision.user_id == (user.id if user_id is None else user_id), Decision.stage.in_(earlier),
                   Decision.decision == "approve", Decision.voided.is_(False),
                   Decision.revision_number == Draft.current_revision, Draft.state.in_(states)))


def _waiting_for(user: User, states: list[str]):
    """The WHERE of a queue: waiting in `states`, by others, and not already approved by `user` at an earlier
    stage of the same revision (a non-correlated IN over the person's own approvals, through their index)."""
    return _waiting_where(states, user.id)


def _waiting_where(states: list[str], user_id):
    approved = _approved_by(None, states, user_id)
    where = (Draft.state.in_(states), Draft.author_id != user_id)
    return where if approved is None else (*where, Draft.id.not_in(approved))


def review_queue(session: Session, user: User, limit: int = 200) -> list[Draft]:
    """Drafts waiting for a decision `user` can make, oldest first; own drafts excluded.

    Revisions are loaded with the rows (each row shows its text); authors without their roles.
    """
    states = [s.value for s in wf.waiting_states_for(user.roles)]
    if not states:
        return []
    q = (select(Draft).where(*_waiting_for(user, states))
         .options(selectinload(Draft.revisions), joinedload(Draft.author).lazyload(User.role_rows))
         .order_by(Draft.stage_entered_at.asc(), Draft.id.asc()).limit(limit))
    return list(session.scalars(q).unique())


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue page: only what it shows."""
    id: int
    state: str
    channels: list
    stage_entered_at: datetime | None
    author_name: str
    body: str


def queue_page(session: Session, user: User, *, after_id: int | None = None,
               limit: int = 50) -> tuple[list[QueueRow], int | None]:
    """One page of review_queue for the queue page, in one statement: the columns shown, the current revision's
    text cut to `preview` characters. Keyset-paged on (stage_entered_at, id); returns (rows, next cursor)."""
    states = tuple(s.value for s in wf.waiting_states_for(user.roles))
    if not states:
        return [], None
    q = _queue_statement(states, after_id is not None)
    rows = session.connection().execute(q, {"user_id": user.id, "after_id": after_id, "limit": limit + 1}).all()
    page = [QueueRow(*r) for r in rows[:limit]]
    return page, (page[-1].id if len(rows) > limit else None)


_USER_ID = bindparam("user_id")


@functools.lru_cache(maxsize=64)
def _queue_statement(states: tuple, paged: bool):
    """The queue page's SELECT for people waiting on `states`, built once per process (every queue page runs
    it; building it cost more than SQLite answering it). The person, cursor and limit are bound parameters."""
    q = (select(Draft.id, Draft.state, Draft.channels, Draft.stage_entered_at, User.name,
                func.substr(Revision.body, 1, PREVIEW_CHARS))
         .join(User, User.id == Draft.author_id)
         .join(Revision, and_(Revision.draft_id == Draft.id, Revision.number == Draft.current_revision))
         .where(*_waiting_where(list(states), _USER_ID)))
    if paged:
        after_id = bindparam("after_id")
        at = select(Draft.stage_entered_at).where(Draft.id == after_id).scalar_subquery()
        q = q.where(or_(Draft.stage_entered_at > at, and_(Draft.stage_entered_at == at, Draft.id > after_id)))
    return q.order_by(Draft.stage_entered_at.asc(), Draft.id.asc()).limit(bindparam("limit"))


def approver_queue(session: Session, user: User) -> list[Draft]:
    """review_queue for someone who holds an approver role; PermissionDeniedError for anyone else."""
    if not can_review(user):
        raise PermissionDeniedError("The review queue is for reviewers, legal and comms.")
    return review_queue(session, user)


def _count_in(*where):
    return select(func.count()).select_from(Draft).where(*where).scalar_subquery()


# Built once: the queue page and the API's queue run it. One count per stage (an equality range of the state
# index each), not a GROUP BY over every waiting draft: half the time on SQLite.
_STAGE_COUNTS = select(*(_count_in(Draft.state == s.state.value) for s in wf.STAGES))


def stage_counts(session: Session) -> dict[str, int]:
    """How many drafts wait in each stage (for the queue header)."""
    row = session.connection().execute(_STAGE_COUNTS).one()
    return {s.name: n for s, n in zip(wf.STAGES, row)}


def queue_counts(session: Session, user: User) -> tuple[dict[str, int], int]:
    """stage_counts and count_waiting(user) in one statement, for the queue page (header and nav badge).

    The badge is the waiting drafts of the person's stages less their own (a seek on ix_drafts_author_state)
    and less those they already approved at an earlier stage, as count_waiting counts it.
    """
    states = tuple(s.value for s in wf.waiting_states_for(user.roles))
    row = session.connection().execute(_queue_counts_statement(states), {"user_id": user.id}).one()
    n = len(wf.STAGES)
    counts = {s.name: c for s, c in zip(wf.STAGES, row[:n])}
    waiting = sum(c for s, c in zip(wf.STAGES, row[:n]) if s.state.value in states)
    return counts, waiting - sum(row[n:])  # their own drafts, and earlier approvals where there can be any


@functools.lru_cache(maxsize=64)
def _queue_counts_statement(states: tuple):
    """queue_counts' SELECT for people waiting on `states`, built once per process (the person is bound)."""
    columns = [_count_in(Draft.state == s.state.value) for s in wf.STAGES]
    if states:
        columns.append(_count_in(Draft.author_id == _USER_ID, Draft.state.in_(states)))
        _, approved = _count_statements(states)
        if approved is not None:
            columns.append(approved.scalar_subquery())
    return select(*columns)


def count_waiting(session: Session, user: User) -> int:
    """The size of review_queue as two COUNTs: runs on every page for approvers (the nav badge).

    All waiting drafts by others, minus those this person already approved at an
    earlier stage of the same revision (driven by their own decisions, so both
    counts use an index; a correlated NOT EXISTS took seconds on SQLite).
    """
    states = tuple(s.value for s in wf.waiting_states_for(user.roles))
    if not states:
        return 0
    total_q, approved_q = _count_statements(states)
    conn, p = session.connection(), {"user_id": user.id}
    total = conn.execute(total_q, p).scalar_one()
    return total if approved_q is None else total - conn.execute(approved_q, p).scalar_one()


@functools.lru_cache(maxsize=64)
def _count_statements(states: tuple):
    """count_waiting's two COUNTs for `states`, built once per process (the person is a bound parameter)."""
    total = select(func.count()).select_from(Draft).where(Draft.state.in_(states), Draft.author_id != _USER_ID)
    approved_ids = _approved_by(None, list(states), _USER_ID)
    if approved_ids is None:
        return total, None
    mine = approved_ids.where(Draft.author_id != _USER_ID).subquery()
    return total, select(func.count(func.distinct(mine.c.draft_id)))
