"""Background work, free of Flask: jobs that take (db, settings, now) and return how many items they handled.

loop.py runs one pass of every job (run_once) and repeats passes (run_forever);
`reviewq worker [--once] [--now ISO]` is its command line. Each job owns its
rows: attachment scans (reviewq.drafts.scans), Slack deliveries
(reviewq.integrations.slack.dispatch), reminders (reviewq.review.reminders)
and due releases (reviewq.releases.job).
"""
from __future__ import annotations

from reviewq.worker.loop import jobs, open_database, run_forever, run_once

__all__ = ["jobs", "open_database", "run_forever", "run_once"]
