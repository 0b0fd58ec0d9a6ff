"""Slack outbox delivery throughput against the local fake Web API (real slack_sdk, real HTTP).

    python bench/bench_slack_outbox.py [N] [database URL]

Enqueues N ephemeral messages and times one delivery pass (claim, N calls, N outcome
transactions). Prints messages per second.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviewq.config import load_settings  # noqa: E402
from reviewq.extensions import db  # noqa: E402
from reviewq.integrations.slack.dispatch import deliver_due  # noqa: E402
from reviewq.migrate import upgrade  # noqa: E402
from reviewq.outbox import enqueue  # noqa: E402
from reviewq.clock import now_utc  # noqa: E402
from tests.fakes.slack_api import TOKEN, FakeSlackServer  # noqa: E402


def main(n: int, url: str | None) -> None:
    tmp = Path(tempfile.mkdtemp())
    with FakeSlackServer() as srv:
        settings = load_settings(env={}, instance_dir=tmp, database_url=url or f"sqlite:///{tmp / 'b.db'}",
                                 secret_key="bench", slack_bot_token=TOKEN, slack_api_url=srv.url)
        db.configure(settings.database_url)  # the delivery job needs no Flask app
        upgrade(db.engine)
        now = now_utc()
        with db.transaction() as s:
            for i in range(n):
                enqueue(s, "slack.ephemeral", f"bench:{now.timestamp()}:{i}",
                        {"channel": "C1", "user": "U1", "text": "hi"}, now=now)
        start, done = time.perf_counter(), 0
        while done < n:
            done += deliver_due(db, settings, now_utc())
        took = time.perf_counter() - start
        print(f"{n} Slack messages delivered in {took:.2f} s: {n / took:.0f}/s "
              f"({len(srv.fake.calls)} calls at the fake)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, sys.argv[2] if len(sys.argv) > 2 else None)
