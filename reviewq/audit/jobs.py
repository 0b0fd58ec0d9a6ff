"""Writing checkpoints: on demand, after every N events (after commit), and on the worker's schedule.

A checkpoint is only signed for a head that extends the newest checkpoint
already published (the events since are verified first), so a rewritten
database is never vouched for. Nothing is signed inside a transaction: a
checkpoint of events that then roll back would be a false statement.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from reviewq.audit import keys
from reviewq.audit.checkpoints import CheckpointError, latest_checkpoint, write_checkpoint
from reviewq.audit.verify import Verdict, verify

log = logging.getLogger("reviewq.audit")


# Beyond this many events since the newest checkpoint, the worker and the after-commit hook
# leave the (long) verification to `reviewq audit checkpoint`, e.g. once after an upgrade.
MAX_GAP = 50_000


class ChainBrokenError(RuntimeError):
    """The chain does not extend the newest checkpoint: nothing is signed."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.summary())
        self.verdict = verdict


def write_checkpoint_now(session: Session, now: datetime) -> tuple[Path, bool]:
    """Sign the current head; return (file, whether it is new). Raises ChainBrokenError, CheckpointError."""
    cfg = keys.current()
    prev = latest_checkpoint(cfg.checkpoint_dir)
    v = verify(session, [prev] if prev else [], start=prev)
    if not v.ok:
        raise ChainBrokenError(v)
    if prev is not None and prev.seq == v.head_seq:
        return prev.path, False
    path = write_checkpoint(cfg.checkpoint_dir, cfg.signing_key(), seq=v.head_seq, head=v.head_hash,
                            key_id=cfg.key_id, keyed_from=v.keyed_from, now=now)
    return path, True


def checkpoint_due(db, settings, now: datetime) -> int:
    """Worker job: a checkpoint when events were added since the newest one and it is old or N behind."""
    cfg = keys.current()
    s = db.session
    head = s.execute(text("SELECT seq FROM audit_head WHERE id = 1")).scalar()
    prev = latest_checkpoint(cfg.checkpoint_dir)
    if not head or (prev is not None and prev.seq == head):
        return 0
    if _too_far(head, prev):
        return 0
    if prev is not None and prev.seq < head and head - prev.seq < cfg.checkpoint_every and \
            datetime.fromisoformat(prev.at) + timedelta(minutes=cfg.checkpoint_minutes) > now:
        return 0
    try:
        _, new = write_checkpoint_now(s, now)
    except ChainBrokenError as e:
        log.error("audit checkpoint refused: %s", e)
        return -1
    finally:
        s.rollback()
    return int(new)


def _too_far(head: int, prev) -> bool:
    if head - (prev.seq if prev is not None else 0) <= MAX_GAP:
        return False
    log.warning("audit checkpoint skipped: %d events since the newest checkpoint; run `reviewq audit "
                "checkpoint` once", head - (prev.seq if prev is not None else 0))
    return True


def checkpoint_after_commit(bind) -> None:
    """Called after a commit that took the chain past a multiple of N; never raises."""
    from reviewq.models.base import utcnow
    try:
        with Session(bind) as s:
            head = s.execute(text("SELECT seq FROM audit_head WHERE id = 1")).scalar() or 0
            if not _too_far(head, latest_checkpoint(keys.current().checkpoint_dir)):
                write_checkpoint_now(s, utcnow())
    except (ChainBrokenError, CheckpointError, keys.AuditConfigError, OSError) as e:
        log.error("audit checkpoint after commit failed: %s", e)
    except Exception as e:  # the action is committed already; the worker's schedule catches up
        log.error("audit checkpoint after commit failed: %s", type(e).__name__)
