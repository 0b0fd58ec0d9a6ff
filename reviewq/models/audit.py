"""Append-only, hash-chained audit log.

Each event stores the hash of the one before it; `verify_chain` recomputes
every link. Appends serialise on the single `audit_head` row so concurrent
transactions cannot fork the chain. Post text never goes in here: events carry
revision numbers and content hashes.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from reviewq.models.base import Base, utcnow

GENESIS = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(100), index=True)
    draft_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[dict] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def event_hash(prev_hash: str, seq: int, at: datetime, actor_id, action: str, draft_id, data: dict) -> str:
    payload = json.dumps({"prev": prev_hash, "seq": seq, "at": at.isoformat(timespec="microseconds"),
                          "actor": actor_id, "action": action, "draft": draft_id, "data": data},
                         sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


_QUEUED = "reviewq.audit.queued"


@contextmanager
def appending_in_bulk(session: Session):
    """Inside, append_event queues its events; on leaving, they are chained and written in one go.

    The same events in the same order with the same hashes as one append_event
    call each, but the head row is locked and updated once and the rows go in
    one INSERT: for a worker recording a batch of outcomes in one transaction.
    Nothing is written if the block raises (the caller's transaction rolls back).
    """
    if _QUEUED in session.info:   # nested: the outermost block writes
        yield
        return
    queued = session.info[_QUEUED] = []
    try:
        yield
        _append_queued(session, queued)
    finally:
        session.info.pop(_QUEUED, None)


def _append_queued(session: Session, queued: list[tuple]) -> None:
    if not queued:
        return
    n = len(queued)
    result = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + n))
    if result.rowcount == 0:
        session.add(AuditHead(id=1, seq=n, last_hash=GENESIS))
        session.flush()
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)
                           .execution_options(populate_existing=True)).scalar_one()
    seq, prev, rows = head.seq - n + 1, head.last_hash, []
    for action, actor_id, draft_id, data, at in queued:
        digest = event_hash(prev, seq, at, actor_id, action, draft_id, data)
        rows.append({"seq": seq, "at": at, "actor_id": actor_id, "action": action, "draft_id": draft_id,
                     "data": data, "prev_hash": prev, "hash": digest})
        seq, prev = seq + 1, digest
    session.execute(insert(AuditEvent), rows)   # an executemany (pipelined on PostgreSQL)
    head.last_hash = prev
    session.flush()


def append_event(session: Session, action: str, *, actor_id=None, draft_id=None, data=None,
                 now: datetime | None = None) -> AuditEvent | None:
    """Append one event to the chain inside the caller's transaction (None: queued, see appending_in_bulk)."""
    data = json.loads(json.dumps(data or {}, default=str))
    at = now or utcnow()
    queued = session.info.get(_QUEUED)
    if queued is not None:
        queued.append((action, actor_id, draft_id, data, at))
        return None
    # The UPDATE takes the head row's write lock first (PostgreSQL row lock, SQLite
    # database lock), so the read below sees the true last hash.
    result = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    if result.rowcount == 0:
        session.add(AuditHead(id=1, seq=1, last_hash=GENESIS))
        session.flush()
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)
                           .execution_options(populate_existing=True)).scalar_one()
    digest = event_hash(head.last_hash, head.seq, at, actor_id, action, draft_id, data)
    event = AuditEvent(seq=head.seq, at=at, actor_id=actor_id, action=action, draft_id=draft_id,
                       data=data, prev_hash=head.last_hash, hash=digest)
    head.last_hash = digest
    session.add(event)
    session.flush()
    return event


def verify_chain(session: Session, batch: int = 5000) -> tuple[int, AuditEvent | None, str]:
    """Recompute the chain; return (events checked, first broken event or None, reason)."""
    prev, expected_seq, checked, last_id = GENESIS, 1, 0, 0
    while True:
        rows = session.execute(select(AuditEvent).where(AuditEvent.id > last_id)
                               .order_by(AuditEvent.seq).limit(batch)).scalars().all()
        if not rows:
            break
        for ev in sorted(rows, key=lambda e: e.seq):
            if ev.seq != expected_seq:
                return checked, ev, f"event #{ev.seq} follows #{expected_seq - 1}: events are missing"
            if ev.prev_hash != prev:
                return checked, ev, f"event #{ev.seq} does not link to the event before it"
            if event_hash(ev.prev_hash, ev.seq, ev.at, ev.actor_id, ev.action, ev.draft_id, ev.data) != ev.hash:
                return checked, ev, f"event #{ev.seq} was altered after it was written"
            prev, expected_seq, checked = ev.hash, expected_seq + 1, checked + 1
            last_id = max(last_id, ev.id)
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != prev:
        return checked, None, "the newest events were removed (the chain head does not match)"
    return checked, None, ""
