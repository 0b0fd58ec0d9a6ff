"""The worker's heartbeat: each pass ends by recording its time, read by /metrics as the heartbeat's age."""
from __future__ import annotations

from reviewq.metrics.queries import record_heartbeat


def heartbeat(db, settings, now) -> int:
    with db.transaction() as s:
        record_heartbeat(s, now)
    return 0
