"""The audit log as the auditors' page shows it: newest first, a page at a time, optionally one draft's."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq.models import AuditEvent, User
from reviewq.audit.checkpoints import CheckpointError
from reviewq.audit.verify import Verdict, checkpoints_for, verify

PAGE = 50


@dataclass(frozen=True)
class AuditPage:
    events: list
    actors: dict            # user id -> User, for the events' actors
    next_before: int | None  # the `before` of the next (older) page, None on the last one


def audit_page(session: Session, *, draft_id: int | None = None, before: int | None = None,
               limit: int = PAGE) -> AuditPage:
    q = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit + 1)
    if draft_id is not None:
        q = q.where(AuditEvent.draft_id == draft_id)
    if before is not None:
        q = q.where(AuditEvent.seq < before)
    rows = list(session.scalars(q))
    more, rows = len(rows) > limit, rows[:limit]
    actors = {u.id: u for u in session.scalars(select(User).where(User.id.in_({r.actor_id for r in rows})))}
    return AuditPage(rows, actors, rows[-1].seq if more and rows else None)


def check_chain(session: Session) -> tuple[Verdict | None, str | None]:
    """(the verdict on the whole chain against the published checkpoints, None) or (None, why the
    checkpoint folder is unusable)."""
    try:
        return verify(session, checkpoints_for()), None
    except CheckpointError as e:
        return None, str(e)
