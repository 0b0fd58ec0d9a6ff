"""The audit log page and its CSV export over a large log (issue 13's targets: a filtered page over
1,000,000 events in < 300 ms; the CSV streams in constant memory).

Seeds N events straight into audit_events (realistic actions, actors, drafts and times; the hashes
are placeholders, since chaining is timed by bench_audit.py), then times audit_page for the filters
people use, and the export's peak Python memory (tracemalloc) for the whole log and for a slice.

Uses a fresh SQLite file by default, or REVIEWQ_DATABASE_URL (a PostgreSQL schema is dropped and
recreated: never point it at real data):

    python bench/bench_audit_page.py [--events 1000000]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from bench._db import reset_schema  # noqa: E402
from reviewq.audit.queries import audit_page, describe, export_rows, parse_filter  # noqa: E402
from reviewq.db import make_engine  # noqa: E402
from reviewq.migrate import upgrade  # noqa: E402
from reviewq.models import AuditEvent, User  # noqa: E402

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
# (action, weight, data): sign-ins dominate a real log, settings are rare.
MIX = [("auth.login", 40, {"email": "u@example.org", "ip": "10.0.0.1"}),
       ("auth.login_failed", 3, {"email": "u@example.org", "ip": "10.0.0.9"}),
       ("draft.create", 10, {"revision": 1, "content_hash": "ab" * 32, "channels": ["facebook"]}),
       ("draft.edit", 8, {"revision": 2, "content_hash": "cd" * 32, "approvals_voided": True,
                          "from_state": "pending_review", "to_state": "draft"}),
       ("draft.submit", 10, {"revision": 2, "content_hash": "cd" * 32, "findings": 2, "justified": []}),
       ("decision.review.approve", 10, {"revision": 2, "via": "web", "to_state": "pending_legal",
                                        "comment_sha256": "ef" * 32}),
       ("decision.legal.approve", 8, {"revision": 2, "via": "slack", "to_state": "pending_comms",
                                      "comment_sha256": "ef" * 32}),
       ("release.schedule", 6, {"release_at": "2026-01-01T10:00:00+00:00"}),
       ("release.publish", 4, {"publisher_ref": "ref-1"}),
       ("consent.recorded", 1, {"consent_id": 7}),
       ("setting.change", 0.05, {"key": "mask_phi", "value": True})]


def seed(engine, n: int, users: int = 50, batch: int = 20_000) -> None:
    rnd = random.Random(13)
    actions = [m[0] for m in MIX]
    weights = [m[1] for m in MIX]
    data = {m[0]: m[2] for m in MIX}
    span = timedelta(days=365)
    with Session(engine) as s:
        s.execute(insert(User), [{"id": i, "email": f"user{i}@example.org", "name": f"User {i}"}
                                 for i in range(1, users + 1)])
        s.commit()
    done = 0
    while done < n:
        rows = []
        for seq in range(done + 1, min(n, done + batch) + 1):
            a = rnd.choices(actions, weights)[0]
            h = hashlib.sha256(str(seq).encode()).hexdigest()
            rows.append({"seq": seq, "at": T0 + span * (seq / n), "actor_id": rnd.randint(1, users),
                         "action": a, "draft_id": None if a.startswith(("auth.", "setting.")) else rnd.randint(1, n // 20 + 1),
                         "data": data[a], "prev_hash": h, "hash": h, "mac": None})
        with Session(engine) as s:
            s.execute(insert(AuditEvent), rows)
            s.commit()
        done += len(rows)


def timed_page(engine, args: dict, repeat: int = 5) -> tuple[float, int]:
    """Median ms of parse + audit_page + the sentences of one page; and the rows on it."""
    times, count = [], 0
    for _ in range(repeat):
        with Session(engine) as s:
            t = time.perf_counter()
            f = parse_filter(s, MultiDict(args), today=date(2026, 1, 1))
            page = audit_page(s, f, before=args.get("before"))
            [describe(e, page.actors) for e in page.events]
            times.append((time.perf_counter() - t) * 1000)
            count = len(page.events)
    return statistics.median(times), count


def export_peak(engine, args: dict) -> tuple[int, float, float]:
    """(rows, seconds, peak MB of Python allocations) for streaming the CSV of `args`."""
    with Session(engine) as s:
        f = parse_filter(s, MultiDict(args), today=date(2026, 1, 1))
        tracemalloc.start()
        t = time.perf_counter()
        lines = 0
        for chunk in export_rows(s, f):
            lines += chunk.count("\n")
        secs = time.perf_counter() - t
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return lines - 1, secs, peak / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="reviewq-bench-audit-page-"))
    url = os.environ.get("REVIEWQ_DATABASE_URL") or f"sqlite:///{tmp / 'audit.db'}"
    reset_schema(url)
    engine = make_engine(url)
    upgrade(engine)
    t = time.perf_counter()
    seed(engine, a.events)
    if engine.dialect.name == "postgresql":   # planner statistics, as autovacuum would have them
        with engine.begin() as c:
            c.exec_driver_sql("ANALYZE audit_events")
    print(f"seeded {a.events:,} events on {engine.dialect.name} in {time.perf_counter() - t:.1f} s")
    mid = a.events // 2
    cases = {
        "newest page (sign-ins hidden)": {},
        "with sign-ins": {"signins": "1"},
        "one user": {"user": "7"},
        "one draft": {"draft": str(a.events // 40)},
        "decisions only": {"family": "decision"},
        "settings only (rare)": {"family": "setting"},
        "one user's decisions in March": {"user": "7", "family": "decision", "from": "2025-03-01", "to": "2025-03-31"},
        "a deep page (before = middle seq)": {"before": mid},
        "an empty range": {"from": "2001-01-01", "to": "2001-01-31"},
    }
    for name, args in cases.items():
        ms, rows = timed_page(engine, args)
        print(f"page  {name:<38} {ms:8.1f} ms  ({rows} rows)")
    for name, args in {"whole log (sign-ins hidden)": {}, "one month": {"from": "2025-06-01", "to": "2025-06-30"}}.items():
        rows, secs, peak = export_peak(engine, args)
        print(f"csv   {name:<38} {rows:>9,} rows in {secs:6.1f} s, peak Python memory {peak:6.2f} MB")


if __name__ == "__main__":
    main()
