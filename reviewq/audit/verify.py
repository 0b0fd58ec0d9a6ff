"""Verify the audit chain: every link, every seal, and that the database extends every checkpoint.

Rows are read raw (no ORM types), so a malformed `data` or `at` value is named
as a bad event instead of raising while loading. The first bad event ends the
check; nothing here writes. Callers (CLI, web page, checkpoint writer) print
or refuse on the Verdict; reading checkpoint files is reviewq.audit.checkpoints.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import text
from sqlalchemy.orm import Session

from reviewq.audit import keys
from reviewq.audit.chain import GENESIS, event_hash, legacy_hash, seal_matches
from reviewq.audit.checkpoints import Checkpoint, CheckpointError

_ROWS = text("SELECT id, seq, at, actor_id, action, draft_id, data, prev_hash, hash, mac FROM audit_events "
             "WHERE seq > :after AND seq <= :until ORDER BY seq LIMIT :n")
_HEAD = text("SELECT seq, last_hash, keyed_from, key_id FROM audit_head WHERE id = 1")


@dataclass
class BadEvent:
    id: int | None
    seq: object
    action: str
    at: str


@dataclass
class Verdict:
    checked: int = 0
    broken: BadEvent | None = None
    reason: str = ""
    legacy: int = 0                # events older than keyed_from, under the unkeyed formula
    head_seq: int = 0
    head_hash: str = GENESIS
    keyed_from: int = 1
    checkpoints: list[Checkpoint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reason

    def __iter__(self):  # callers written for the older (checked, broken, reason) tuple
        return iter((self.checked, self.broken, self.reason))

    def summary(self) -> str:
        if not self.ok:
            where = (f" (event #{self.broken.seq}, id {self.broken.id}, {self.broken.action}, {self.broken.at})"
                     if self.broken else "")
            return f"audit chain BROKEN after {self.checked} good events: {self.reason}{where}"
        out = f"audit chain intact: {self.checked} events"
        if self.legacy:
            out += f" ({self.legacy} written before the chain was keyed are unkeyed)"
        if self.checkpoints:
            newest = self.checkpoints[-1]
            out += (f"; extends all {len(self.checkpoints)} checkpoints (newest: event #{newest.seq}, "
                    f"signed {newest.at})")
        return out


class _Bad(Exception):
    def __init__(self, reason: str, row=None):
        self.reason, self.row = reason, row


def verify(session: Session, checkpoints: list[Checkpoint] | None = None, *, batch: int = 5000,
           start: Checkpoint | None = None) -> Verdict:
    """Check the chain from the start (or from the `start` checkpoint on) against `checkpoints`."""
    cfg = keys.current()
    cps = sorted(checkpoints or [], key=lambda c: c.seq)
    v = Verdict(checkpoints=cps)
    try:
        _check_head(session, cfg, v, cps)
        _scan(session, cfg, v, {c.seq: c for c in cps}, start, batch)
        _check_end(session, v, cps)
    except _Bad as bad:
        v.reason = bad.reason
        v.broken = _bad_event(bad.row) if bad.row is not None else None
    return v


def _check_head(session, cfg, v: Verdict, cps) -> None:
    row = session.execute(_HEAD).first()
    if row is None:
        raise _Bad("the chain head (audit_head row 1) is missing")
    seq, last_hash, keyed_from, key_id = row
    if not isinstance(seq, int) or seq < 0 or not isinstance(last_hash, str) or \
            not isinstance(keyed_from, (int, type(None))):
        raise _Bad("the chain head (audit_head row 1) is malformed")
    v.head_seq, v.head_hash, v.keyed_from = seq, last_hash, keyed_from if keyed_from is not None else 1
    if key_id is not None and key_id != cfg.key_id:
        raise _Bad(f"wrong audit key: the chain is sealed with key {key_id}, verify has key {cfg.key_id} "
                   "(REVIEWQ_AUDIT_KEY or instance/audit_key)", _first_keyed(session, v.keyed_from))
    for cp in cps:
        if cp.key_id != cfg.key_id:
            raise _Bad(f"wrong audit key: {cp.name} was made under key {cp.key_id}, verify has key {cfg.key_id}")
        if cp.keyed_from is not None and cp.keyed_from != v.keyed_from:
            raise _Bad(f"the chain now says it is keyed from event #{v.keyed_from}, but {cp.name} (signed "
                       f"{cp.at}) says #{cp.keyed_from}: events were re-hashed without the key")


def _scan(session, cfg, v: Verdict, cp_at: dict, start: Checkpoint | None, batch: int) -> None:
    expected, prev = (start.seq + 1, start.head) if start else (1, GENESIS)
    while True:
        rows = session.execute(_ROWS, {"after": expected - 1, "until": v.head_seq, "n": batch}).all()
        for row in rows:
            _check_row(cfg, v, row, expected, prev)
            cp = cp_at.get(row.seq)
            if cp is not None and cp.head != row.hash:
                raise _Bad(f"event #{row.seq} is not the one {cp.name} (signed {cp.at}) vouches for: "
                           "the history was rewritten", row)
            prev, expected = row.hash, expected + 1
            v.checked += 1
        if len(rows) < batch:
            break
    last = expected - 1
    if last < v.head_seq:
        raise _Bad(f"the newest events were removed: the chain head says #{v.head_seq}, the last event is #{last}")
    if prev != v.head_hash:
        raise _Bad(f"the newest events were removed (the chain head does not match event #{last})")


def _check_row(cfg, v: Verdict, row, expected: int, prev: str) -> None:
    if not isinstance(row.seq, int):
        raise _Bad(f"event id {row.id} has a malformed seq", row)
    if row.seq != expected:
        raise _Bad(f"event #{row.seq} follows #{expected - 1}: events are missing", row)
    at, data = as_datetime(row.at), as_json(row.data)
    if at is None:
        raise _Bad(f"event #{row.seq} has a malformed timestamp", row)
    if data is _MALFORMED:
        raise _Bad(f"event #{row.seq} has malformed data (not JSON)", row)
    if row.prev_hash != prev:
        raise _Bad(f"event #{row.seq} does not link to the event before it", row)
    if row.seq < v.keyed_from:
        if legacy_hash(prev, row.seq, at, row.actor_id, row.action, row.draft_id, data) != row.hash:
            raise _Bad(f"event #{row.seq} was altered after it was written", row)
        v.legacy += 1
        return
    if event_hash(prev, row.seq, at, row.actor_id, row.action, row.draft_id, data) != row.hash:
        raise _Bad(f"event #{row.seq} was altered after it was written", row)
    if not seal_matches(cfg.key, row.hash, row.mac):
        raise _Bad(f"event #{row.seq} is not sealed with the audit key: it was rewritten by someone "
                   "without the key", row)


def _check_end(session, v: Verdict, cps) -> None:
    beyond = session.execute(text("SELECT min(seq) FROM audit_events WHERE seq > :h"), {"h": v.head_seq}).scalar()
    if beyond is not None:
        now_head = session.execute(_HEAD).first()
        if now_head is None or now_head.seq < beyond:  # not a concurrent append: the head was moved back
            raise _Bad(f"event #{beyond} lies beyond the chain head #{v.head_seq}: the head was moved back")
    for cp in cps:
        if cp.seq > v.head_seq:
            raise _Bad(f"the database ends at event #{v.head_seq}, but {cp.name} (signed {cp.at}) vouches "
                       f"for event #{cp.seq}: events were deleted")


def _first_keyed(session, keyed_from: int):
    return session.execute(_ROWS, {"after": keyed_from - 1, "until": 2 ** 62, "n": 1}).first()


_MALFORMED = object()


def as_datetime(raw) -> datetime | None:
    if isinstance(raw, str):
        try:
            raw = datetime.fromisoformat(raw)
        except ValueError:
            return None
    if not isinstance(raw, datetime):
        return None
    return raw.replace(tzinfo=timezone.utc) if raw.tzinfo is None else raw.astimezone(timezone.utc)


def as_json(raw):
    if isinstance(raw, (bytes, str)):
        try:
            return json.loads(raw)
        except ValueError:
            return _MALFORMED
    return raw


def _bad_event(row) -> BadEvent:
    at = row.at.isoformat() if isinstance(row.at, datetime) else str(row.at)[:40]
    return BadEvent(id=row.id, seq=row.seq, action=str(row.action)[:100], at=at)


def checkpoints_for(folder=None) -> list[Checkpoint]:
    """The checkpoints to verify against: `folder` (which must exist), else the configured folder if any."""
    from reviewq.audit.checkpoints import load_checkpoints
    if folder is not None:
        found = load_checkpoints(folder)
        if not found:
            raise CheckpointError(f"{folder} holds no checkpoints (checkpoint-*.json)")
        return found
    configured = keys.current().checkpoint_dir
    return load_checkpoints(configured) if configured.is_dir() else []
