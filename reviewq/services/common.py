"""Helpers every service shares: loading with a lock, visibility, the clock."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq.clock import now_utc  # noqa: F401  (re-exported until every caller imports reviewq.clock)
from reviewq.core.errors import NotFoundError
from reviewq.core.ids import MAX_ID, as_id  # noqa: F401
from reviewq.core.permissions import can_view_draft
from reviewq.models import Decision, Draft, User


def lock_draft(session: Session, draft_id) -> Draft:
    """Load a draft holding its row lock (PostgreSQL FOR UPDATE; SQLite's BEGIN IMMEDIATE)."""
    draft_id = as_id(draft_id)
    if draft_id is None:
        raise NotFoundError("No such draft.")
    draft = session.execute(select(Draft).where(Draft.id == draft_id).with_for_update(of=Draft)
                            .execution_options(populate_existing=True)).unique().scalar_one_or_none()
    if draft is None:
        raise NotFoundError("No such draft.")
    return draft


def visible(user: User, draft: Draft) -> bool:
    decided = any(d.user_id == user.id for d in draft.decisions)
    return can_view_draft(user.actor(), author_id=draft.author_id, reached=draft.reached, decided=decided)


def get_visible_draft(session: Session, user: User, draft_id, *, lock: bool = False) -> Draft:
    """The draft if `user` may see it; NotFoundError otherwise (no leak of existence)."""
    if lock:
        draft = lock_draft(session, draft_id)
    else:
        draft_id = as_id(draft_id)
        draft = session.get(Draft, draft_id) if draft_id is not None else None
    if draft is None or not visible(user, draft):
        raise NotFoundError("No such draft.")
    return draft


def approvers_decided(draft: Draft) -> list[Decision]:
    return [d for d in draft.decisions if d.revision_number == draft.current_revision and not d.voided]
