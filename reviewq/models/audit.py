"""Append-only, hash-chained and keyed audit log (the rows; reviewq.audit holds the rest).

Each event stores the hash of the one before it and a seal (HMAC under the
audit key, which is not in the database); see reviewq.audit.chain. Appends
serialise on the single `audit_head` row so concurrent transactions cannot
fork the chain. Every N events a signed checkpoint is written after commit
(reviewq.audit.jobs). Post text never goes in here: events carry revision
numbers and content hashes.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, event, insert, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from reviewq.audit import keys
from reviewq.audit.chain import GENESIS, event_hash, seal
from reviewq.audit.keys import AuditConfigError
from reviewq.models.base import Base, utcnow


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
    # HMAC-SHA256 of `hash` under the audit key; NULL for events older than keyed_from.
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    # The first seq sealed with the key (a database from before keying keeps its older
    # events unkeyed) and the public id of the key that seals the chain.
    keyed_from: Mapped[int | None] = mapped_column(Integer)
    key_id: Mapped[str | None] = mapped_column(String(16))


_QUEUED = "reviewq.audit.queued"
CHECKPOINT_DUE = "reviewq.audit.checkpoint_due"
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


def _reserve(session: Session, n: int) -> tuple[int, str, bytes, dict]:
    """Lock the head row and reserve n seqs: (the last seq reserved, the last hash, the key to seal with, the
    head columns to write with the new last hash).

    One UPDATE … RETURNING takes the head row's write lock (PostgreSQL row lock, SQLite database lock),
    reserves the seqs and reads the true last hash, with no ORM object for the head: the lock is then held
    for the events' INSERT and _write_head alone.
    """
    cfg = keys.current()
    row = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + n)
                          .returning(AuditHead.seq, AuditHead.last_hash, AuditHead.keyed_from, AuditHead.key_id)
                          .execution_options(synchronize_session=False)).first()
    if row is None:   # the very first event: the head row is created, locked by its INSERT
        session.add(AuditHead(id=1, seq=n, last_hash=GENESIS))
        session.flush()
        row = (n, GENESIS, None, None)
    seq, last_hash, keyed_from, key_id = row
    if key_id is not None and key_id != cfg.key_id:
        # Sealing with another key would break the chain for good: refuse, and the action with it.
        raise AuditConfigError(f"the audit chain is sealed with key {key_id}, but the configured "
                               f"REVIEWQ_AUDIT_KEY is key {cfg.key_id}: restore the original key")
    if seq // cfg.checkpoint_every > (seq - n) // cfg.checkpoint_every:
        session.info[CHECKPOINT_DUE] = True   # written after commit (reviewq.audit.jobs)
    fill = {}
    if keyed_from is None:   # the first keyed append; older events keep the legacy formula
        fill["keyed_from"] = seq - n + 1
    if key_id is None:
        fill["key_id"] = cfg.key_id
    return seq, last_hash, cfg.key, fill


def _write_head(session: Session, last_hash: str, fill: dict) -> None:
    """Store the chain's new last hash (and `fill` from _reserve) on the locked head row."""
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=last_hash, **fill)
                    .execution_options(synchronize_session=False))
    head = session.identity_map.get(session.identity_key(AuditHead, 1))
    if head is not None:   # an AuditHead loaded earlier in this session must not write stale values back
        session.expire(head)


def _append_queued(session: Session, queued: list[tuple]) -> None:
    if not queued:
        return
    n = len(queued)
    last_seq, prev, key, fill = _reserve(session, n)
    seq, rows = last_seq - n + 1, []
    for action, actor_id, draft_id, data, at in queued:
        digest = event_hash(prev, seq, at, actor_id, action, draft_id, data)
        rows.append({"seq": seq, "at": at, "actor_id": actor_id, "action": action, "draft_id": draft_id,
                     "data": data, "prev_hash": prev, "hash": digest, "mac": seal(key, digest)})
        seq, prev = seq + 1, digest
    session.execute(insert(AuditEvent), rows)   # an executemany (pipelined on PostgreSQL)
    _write_head(session, prev, fill)


def append_event(session: Session, action: str, *, actor_id=None, draft_id=None, data=None,
                 now: datetime | None = None) -> AuditEvent | None:
    """Append one event to the chain inside the caller's transaction (None: queued, see appending_in_bulk)."""
    data = json.loads(json.dumps(data or {}, default=str))
    at = now or utcnow()
    queued = session.info.get(_QUEUED)
    if queued is not None:
        queued.append((action, actor_id, draft_id, data, at))
        return None
    seq, prev, key, fill = _reserve(session, 1)
    digest = event_hash(prev, seq, at, actor_id, action, draft_id, data)
    ev = AuditEvent(seq=seq, at=at, actor_id=actor_id, action=action, draft_id=draft_id,
                    data=data, prev_hash=prev, hash=digest, mac=seal(key, digest))
    session.add(ev)
    _write_head(session, digest, fill)
    session.flush()
    return ev


def verify_chain(session: Session, checkpoints=None):
    """Recompute the chain (and check it extends `checkpoints`); see reviewq.audit.verify.verify."""
    from reviewq.audit.verify import verify
    return verify(session, checkpoints=checkpoints)


@event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session: Session) -> None:
    if session.info.pop(CHECKPOINT_DUE, False):
        from reviewq.audit.jobs import checkpoint_after_commit
        checkpoint_after_commit(session.get_bind())


@event.listens_for(Session, "after_rollback")
def _forget_checkpoint(session: Session) -> None:
    session.info.pop(CHECKPOINT_DUE, None)
