"""Profile one release worker in process: N posts due, no kill, a local receiver; CPU and SQL per post.

    python bench/profile_release.py [--posts 2000] [--fail 0.1] [--sqlite] [--profile]
    REVIEWQ_BENCH_DATABASE_URL=postgresql://... python bench/profile_release.py   # its public schema is dropped

Prints wall and CPU seconds (time.process_time, all threads of this process, the receiver's included),
statements per post by kind, and with --profile the top functions of the worker's own thread.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

import psycopg  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench_release import Receiver, seed  # noqa: E402
from reviewq.db import make_engine  # noqa: E402
from reviewq.migrate import upgrade  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--fail", type=float, default=0.1)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--sqlite", action="store_true")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--first-round", action="store_true", help="stop once every post was tried (no retry tail)")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    if args.sqlite:
        url = f"sqlite:///{tmp}/bench.db"
    else:
        url = os.environ["REVIEWQ_BENCH_DATABASE_URL"]
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
        url = url.replace("postgresql://", "postgresql+psycopg://")
    engine = make_engine(url)
    upgrade(engine)
    release_at = (datetime.now(timezone.utc) - timedelta(seconds=1)).replace(microsecond=0)
    seed(engine, args.posts, release_at, args.batch, args.concurrency)
    engine.dispose()
    rx = Receiver(args.fail)
    os.environ.update({"REVIEWQ_DATABASE_URL": url, "REVIEWQ_PUBLISH_WEBHOOK_URL": rx.url,
                       "REVIEWQ_PUBLISH_WEBHOOK_SECRET": "bench", "REVIEWQ_SECRET_KEY": "bench",
                       "REVIEWQ_AUDIT_KEY": "bench-audit-key-0123456789abcdef", "REVIEWQ_INSTANCE_DIR": tmp})
    from reviewq.config import load_settings
    from reviewq.releases.job import release_due
    from reviewq.worker.loop import open_database
    settings = load_settings()
    db = open_database(settings)
    kinds: Counter = Counter()

    @event.listens_for(db.engine, "before_cursor_execute")
    def _count(conn, cursor, statement, params, context, executemany):
        words = statement.split(None, 3)
        kind = words[0].upper()
        if kind == "UPDATE" or kind == "INSERT":
            kind += " " + (words[1] if kind == "UPDATE" else words[2])
        elif kind == "SELECT":
            m = re.search(r"\sFROM\s+(\w+)", statement)
            kind += " " + (m.group(1) if m else "-") + (" FOR UPDATE" if "FOR UPDATE" in statement else "")
        kinds[kind] += 1

    prof = cProfile.Profile() if args.profile else None
    wall, cpu = time.monotonic(), time.process_time()
    if prof:
        prof.enable()
    handled = 0
    while True:   # passes until nothing is due now (the retries fall due over the next seconds)
        n = release_due(db, settings, datetime.now(timezone.utc))
        handled += n
        with rx.lock:
            if len(rx.lag) >= args.posts or (n == 0 and rx.requests >= args.posts and args.first_round):
                break
        if n == 0:
            time.sleep(0.2)
    if prof:
        prof.disable()
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    lags = sorted(rx.lag.values())
    print(f"{'sqlite' if args.sqlite else 'postgresql'}: {args.posts} posts, {rx.requests} requests "
          f"({rx.failed} answered 500): wall {wall:.2f} s, CPU {cpu:.2f} s = {1000 * cpu / args.posts:.2f} ms/post "
          f"(receiver included); lag p50 {lags[len(lags) // 2]:.2f} s p99 {lags[int(0.99 * (len(lags) - 1))]:.2f} s")
    total = sum(kinds.values())
    print(f"statements: {total} = {total / args.posts:.2f} per post")
    for k, v in kinds.most_common(25):
        print(f"  {v / args.posts:6.2f}  {k}")
    if prof:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
