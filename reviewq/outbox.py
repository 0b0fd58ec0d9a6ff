"""Reliable outbox delivery: enqueue, claim, deliver, retry, fail.

Rows are enqueued by receivers inside the transaction of the change that
caused them (a unique dedupe key makes a second enqueue a no-op). The worker
claims due rows in a short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL;
SQLite's BEGIN IMMEDIATE serialises claimers), sets a lease in
`claimed_until`, makes the network call with no transaction open, then
records the outcome only if it still holds the lease, so a row is marked sent
exactly once. What a kind of message means and how it is sent belongs to a
Handler (e.g. reviewq.integrations.slack.dispatch); this module knows no
network protocol and never logs payloads.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reviewq.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.models import OutboxMessage

log = logging.getLogger("reviewq.outbox")

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BASE_DELAY, MAX_DELAY = 5.0, 3600.0
MAX_RETRY_AFTER = 6 * 3600.0


@dataclass(frozen=True)
class Sent:
    result: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Retry:
    """A transient failure: try again after `after` seconds (a Retry-After) or the backoff."""

    error: str
    after: float | None = None


@dataclass(frozen=True)
class Failed:
    """A permanent failure (e.g. unknown channel): stop and show it to admins."""

    error: str


@dataclass(frozen=True)
class Cancelled:
    """Nothing to send any more (the draft moved on)."""

    reason: str


Outcome = Sent | Retry | Failed | Cancelled
OUTCOMES = (Sent, Retry, Failed, Cancelled)


class Handler(Protocol):
    kind_prefix: str

    def prepare(self, session: Session, msg: OutboxMessage) -> Any:
        """Read what the call needs (inside a short transaction); may return an Outcome instead."""

    def send(self, prepared: Any) -> Outcome:
        """Make the network call(s); no database access here."""

    def record(self, session: Session, msg: OutboxMessage, prepared: Any, result: dict) -> None:
        """Write what the call produced, in the transaction that marks the row sent."""


def enqueue(session: Session, kind: str, dedupe_key: str, payload: dict, *, now: datetime,
            draft_id: int | None = None) -> OutboxMessage | None:
    """Add a message unless one with this dedupe key exists; returns it, or None for a duplicate."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    msg = OutboxMessage(kind=kind, dedupe_key=dedupe_key[:200], payload=payload, draft_id=draft_id,
                        status="pending", attempts=0, next_attempt_at=now, created_at=now, result={})
    try:
        with session.begin_nested():
            session.add(msg)
            session.flush()
    except IntegrityError:  # a concurrent writer enqueued the same key first
        return None
    return msg


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failure: 5 s, 10 s, 20 s … capped at an hour."""
    return min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)


def claim_due(session: Session, kind_prefix: str, now: datetime, *, limit: int = 50,
              lease: timedelta = LEASE) -> tuple[list[int], datetime]:
    """Lease up to `limit` due pending rows of this kind; returns (ids, lease end)."""
    q = (select(OutboxMessage.id)
         .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                OutboxMessage.kind.startswith(kind_prefix),
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
         .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    ids = list(session.scalars(q))
    until = now + lease
    if ids:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(claimed_until=until))
    return ids, until


def finish(session: Session, msg_id: int, lease_until: datetime, outcome: Outcome, now: datetime,
           handler: Handler | None = None, prepared: Any = None) -> bool:
    """Record an outcome if this worker still holds the lease; False when it lost it."""
    msg = session.scalars(select(OutboxMessage).where(
        OutboxMessage.id == msg_id, OutboxMessage.status == "pending",
        OutboxMessage.claimed_until == lease_until).with_for_update()).one_or_none()
    if msg is None:
        return False
    msg.claimed_until = None
    if isinstance(outcome, Cancelled):
        msg.status, msg.last_error = "cancelled", outcome.reason[:500]
        return True
    msg.attempts += 1
    if isinstance(outcome, Sent):
        msg.status, msg.sent_at, msg.result, msg.last_error = "sent", now, outcome.result, None
        if handler is not None:
            handler.record(session, msg, prepared, outcome.result)
    elif isinstance(outcome, Failed) or msg.attempts >= MAX_ATTEMPTS:
        msg.status, msg.last_error = "failed", outcome.error[:500]
        log.warning("outbox message %s (%s) failed after %s attempts", msg.id, msg.kind, msg.attempts)
    else:
        wait = min(outcome.after, MAX_RETRY_AFTER) if outcome.after else backoff(msg.attempts)
        msg.next_attempt_at, msg.last_error = now + timedelta(seconds=wait), outcome.error[:500]
    return True


def deliver_due(db, handler: Handler, now: datetime, *, limit: int = 50) -> int:
    """Claim, send and record every due message of the handler's kind; returns how many were handled."""
    with db.transaction() as s:
        ids, until = claim_due(s, handler.kind_prefix, now, limit=limit)
    handled = 0
    for msg_id in ids:
        prepared = outcome = None
        try:
            with db.transaction() as s:
                prepared = handler.prepare(s, s.get(OutboxMessage, msg_id))
            outcome = prepared if isinstance(prepared, OUTCOMES) else handler.send(prepared)
        except Exception as e:  # a bug or a vanished row must not stop the rest of the batch
            log.error("outbox message %s: %s while delivering", msg_id, type(e).__name__)
            outcome = Retry(f"internal error ({type(e).__name__})")
        with db.transaction() as s:
            handled += finish(s, msg_id, until, outcome, now, handler, prepared)
    return handled


def retry_message(session: Session, actor, msg_id, now: datetime) -> OutboxMessage:
    """Put a failed (or cancelled) message back in the queue with fresh attempts (admins only)."""
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators can retry deliveries.")
    try:
        msg = session.get(OutboxMessage, int(msg_id))
    except (TypeError, ValueError, OverflowError):
        msg = None
    if msg is None:
        raise NotFoundError("No such outbox message.")
    if msg.status not in ("failed", "cancelled"):
        raise ValidationError("Only failed or cancelled messages can be retried.", {"id": msg.status})
    msg.status, msg.attempts, msg.next_attempt_at, msg.claimed_until = "pending", 0, now, None
    return msg
