"""What admins do to the outbox from the admin pages: put a failed delivery back in the queue."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.ids import as_id
from reviewq.core.permissions import can_manage_users
from reviewq.models import OutboxMessage


def retry_message(session: Session, actor, msg_id, now: datetime) -> OutboxMessage:
    """Put a failed (or cancelled) message back in the queue with fresh attempts (admins only)."""
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators can retry deliveries.")
    msg_id = as_id(msg_id)
    msg = session.get(OutboxMessage, msg_id) if msg_id is not None else None
    if msg is None:
        raise NotFoundError("No such outbox message.")
    if msg.status not in ("failed", "cancelled"):
        raise ValidationError("Only failed or cancelled messages can be retried.", {"id": msg.status})
    msg.status, msg.attempts, msg.next_attempt_at, msg.claimed_until = "pending", 0, now, None
    return msg
