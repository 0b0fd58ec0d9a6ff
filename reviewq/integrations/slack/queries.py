"""Reads for the Slack admin page: the Slack outbox's health and the people who may get a Slack id."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reviewq.models import OutboxMessage, User


def outbox_counts(session: Session) -> dict[str, int]:
    """Slack messages in the outbox per status."""
    return dict(session.execute(select(OutboxMessage.status, func.count()).where(
        OutboxMessage.kind.startswith("slack.")).group_by(OutboxMessage.status)).all())


def troubled_messages(session: Session, limit: int) -> list[OutboxMessage]:
    """Slack messages that failed, or are pending after an error, newest first."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.startswith("slack."),
        (OutboxMessage.status == "failed") | (OutboxMessage.last_error.is_not(None)
                                              & (OutboxMessage.status == "pending")))
        .order_by(OutboxMessage.id.desc()).limit(limit)))


def active_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))
