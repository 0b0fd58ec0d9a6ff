"""The outbox queue's rows: enqueue, claim, record an outcome (sent, retry later, failed, cancelled).

Rows are enqueued by receivers inside the transaction of the change that
caused them (a unique dedupe key makes a second enqueue a no-op). The worker
claims due rows in a short transaction (FOR UPDATE SKIP LOCKED on PostgreSQL;
SQLite's BEGIN IMMEDIATE serialises claimers), sets a lease in
`claimed_until`, and records the outcome only if it still holds the lease, so
a row is marked sent exactly once. Delivering (the network call, with no
transaction open) is reviewq.outbox.delivery's; this module knows no network
protocol and never logs payloads.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
           handler=None, prepared: Any = None) -> bool:
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
