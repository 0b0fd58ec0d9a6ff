"""Background work: one pass runs every job that is due; the loop repeats passes.

Stateless: any number of workers may run against one database. Each job claims
its rows with row locks (SKIP LOCKED on PostgreSQL), does the network call
outside the claiming transaction, and records the outcome.
"""
from __future__ import annotations

import logging
import threading
import time

from reviewq.services.common import now_utc

log = logging.getLogger("reviewq.worker")


def jobs():
    """The jobs of one pass, in order: (name, callable(app, now) -> int of items handled)."""
    from reviewq.integrations.slack.dispatch import deliver_due
    from reviewq.services.releases import release_due
    from reviewq.services.reminders import remind_due
    from reviewq.services.scans import scan_due
    from reviewq.audit.jobs import checkpoint_due  # signed audit checkpoints on a schedule
    return [("scans", scan_due), ("slack", deliver_due), ("reminders", remind_due), ("releases", release_due),
            ("audit", checkpoint_due)]


def run_once(app) -> dict[str, int]:
    done = {}
    with app.app_context():
        for name, job in jobs():
            try:
                done[name] = job(app, now_utc())
            except Exception as e:  # one failing job must not stop the others
                log.error("worker job %s failed: %s", name, type(e).__name__)
                done[name] = -1
            finally:
                from reviewq.extensions import db
                db.session.remove()
    return done


def run_forever(app, interval: float = 2.0, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    while not stop.is_set():
        run_once(app)
        stop.wait(interval)
