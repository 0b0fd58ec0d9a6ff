"""One pass runs every job that is due; the loop repeats passes.

Stateless: any number of workers may run against one database. Each job claims
its rows with row locks (SKIP LOCKED on PostgreSQL), does the network call
outside the claiming transaction, and records the outcome. A pass is given its
`now` (the loop reads the clock once per pass; `reviewq worker --once --now`
and the tests choose it), and no Flask application is involved.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Callable

from reviewq.clock import now_utc

log = logging.getLogger("reviewq.worker")


def jobs() -> list[tuple[str, Callable]]:
    """The jobs of one pass, in order: (name, job(db, settings, now) -> items handled)."""
    from reviewq.drafts.redaction import purge_due
    from reviewq.drafts.scans import scan_due
    from reviewq.integrations.mail.dispatch import deliver_due as deliver_mail
    from reviewq.integrations.slack.dispatch import deliver_due
    from reviewq.releases.job import release_due
    from reviewq.review.reminders import remind_due
    from reviewq.audit.jobs import checkpoint_due  # signed audit checkpoints on a schedule
    from reviewq.worker.heartbeat import heartbeat
    return [("scans", scan_due), ("slack", deliver_due), ("mail", deliver_mail), ("reminders", remind_due), ("releases", release_due),
            ("audit", checkpoint_due), ("originals", purge_due), ("heartbeat", heartbeat)]


def open_database(settings):
    """The process's Database bound to `settings.database_url`, with the audit and outbox receivers connected."""
    from reviewq.audit import keys as audit_keys
    from reviewq.extensions import db
    from reviewq.receivers import register_signal_handlers
    audit_keys.configure(settings)
    db.configure(settings.database_url)
    register_signal_handlers()
    return db


def run_once(db, settings, now: datetime) -> dict[str, int]:
    """Run every job once as if it were `now`; {job name: items handled, -1 when it failed}."""
    done = {}
    for name, job in jobs():
        try:
            done[name] = job(db, settings, now)
        except Exception as e:  # one failing job must not stop the others
            log.error("worker job %s failed: %s", name, type(e).__name__)
            done[name] = -1
        finally:
            db.session.remove()
    return done


def run_forever(db, settings, interval: float = 2.0, stop: threading.Event | None = None,
                clock: Callable[[], datetime] = now_utc) -> None:
    stop = stop or threading.Event()
    while not stop.is_set():
        run_once(db, settings, clock())
        stop.wait(interval)
