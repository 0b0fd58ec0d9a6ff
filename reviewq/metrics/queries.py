"""The gauges of /metrics, read from the database when Prometheus scrapes (no state in the process)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reviewq.core.workflow import State
from reviewq.models import AuditEvent, Draft, OutboxMessage, WorkerHeartbeat

HEARTBEAT_NAME = "worker"
# A scheduled post counts as late this long after its release time (the worker passes every few seconds).
LATE_AFTER = timedelta(minutes=5)


def _aware(dt: datetime | None) -> datetime | None:
    from datetime import timezone
    return dt.replace(tzinfo=timezone.utc) if dt is not None and dt.tzinfo is None else dt


def system_gauges(session: Session, now: datetime) -> dict:
    """{name: value or {labels tuple: value}} for every gauge /metrics exposes."""
    by_state = dict.fromkeys((s.value for s in State), 0)
    by_state.update(dict(session.execute(select(Draft.state, func.count()).group_by(Draft.state)).all()))
    outbox = {}
    rows = session.execute(select(OutboxMessage.kind, OutboxMessage.status, func.count())
                           .where(OutboxMessage.status.in_(("pending", "failed")))
                           .group_by(OutboxMessage.kind, OutboxMessage.status)).all()
    for kind, status, n in rows:
        outbox[(kind, status)] = n
    scheduled = select(func.count()).select_from(Draft).where(Draft.state == State.SCHEDULED.value)
    due = session.scalar(scheduled.where(Draft.release_at <= now)) or 0
    late = session.scalar(scheduled.where(Draft.release_at <= now - LATE_AFTER)) or 0
    head = _aware(session.scalar(select(func.max(AuditEvent.at))))
    beat_at = _aware(session.scalar(select(func.max(WorkerHeartbeat.beat_at))))
    return {
        "drafts": by_state,
        "outbox": outbox,
        "releases_due": due,
        "releases_late": late,
        "audit_head_age": (now - head).total_seconds() if head else None,
        "worker_heartbeat_age": (now - beat_at).total_seconds() if beat_at else None,
    }


def record_heartbeat(session: Session, now: datetime) -> None:
    """The worker was alive at `now` (one row, overwritten every pass)."""
    row = session.get(WorkerHeartbeat, HEARTBEAT_NAME)
    if row is None:
        session.add(WorkerHeartbeat(name=HEARTBEAT_NAME, beat_at=now))
    else:
        row.beat_at = now
