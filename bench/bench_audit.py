"""Audit chain: bulk append (the release worker's path), single appends, verify and checkpoint speed.

Uses a fresh SQLite file by default, or REVIEWQ_DATABASE_URL (a PostgreSQL
schema is dropped and recreated: never point it at real data):

    python bench/bench_audit.py [--events 100000] [--batch 500]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy.orm import Session  # noqa: E402

from bench._db import reset_schema  # noqa: E402
from reviewq.audit import keys  # noqa: E402
from reviewq.audit.chain import GENESIS, event_hash, legacy_hash, seal  # noqa: E402
from reviewq.audit.jobs import write_checkpoint_now  # noqa: E402
from reviewq.audit.verify import verify  # noqa: E402
from reviewq.config import load_settings  # noqa: E402
from reviewq.db import make_engine  # noqa: E402
from reviewq.migrate import upgrade  # noqa: E402
from reviewq.models.audit import append_event, appending_in_bulk  # noqa: E402

T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)
DATA = {"revision": 3, "via": "web", "to_state": "published", "comment_sha256": "ab" * 32}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=500, help="events per bulk transaction (a release batch)")
    ap.add_argument("--single", type=int, default=2_000, help="events appended one transaction each")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="reviewq-bench-audit-"))
    url = os.environ.get("REVIEWQ_DATABASE_URL") or f"sqlite:///{tmp / 'audit.db'}"
    reset_schema(url)
    settings = load_settings(env={"REVIEWQ_DATABASE_URL": url, "REVIEWQ_INSTANCE_DIR": str(tmp)},
                             audit_checkpoint_every=10 ** 9)   # checkpoints timed separately below
    keys.configure(settings)
    engine = make_engine(settings.database_url)
    upgrade(engine)

    n = 20_000
    t = time.perf_counter()
    prev = GENESIS
    for i in range(n):
        prev = legacy_hash(prev, i + 1, T0, 1, "release.publish", i, DATA)
    old = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    prev = GENESIS
    for i in range(n):
        prev = event_hash(prev, i + 1, T0, 1, "release.publish", i, DATA)
        seal(settings.audit_key.encode(), prev)
    new = (time.perf_counter() - t) / n * 1e6
    print(f"hashing per event: unkeyed (before) {old:.1f} us, linked + sealed (now) {new:.1f} us")

    t, done = time.perf_counter(), 0
    while done < args.events:
        with Session(engine) as s:
            with appending_in_bulk(s):
                for i in range(min(args.batch, args.events - done)):
                    append_event(s, "release.publish", actor_id=None, draft_id=done + i, data=DATA,
                                 now=T0 + timedelta(seconds=done + i))
            s.commit()
        done += args.batch
    bulk = time.perf_counter() - t
    print(f"bulk append: {args.events} events in batches of {args.batch}: {bulk:.2f} s "
          f"({args.events / bulk:,.0f} events/s)")

    t = time.perf_counter()
    for i in range(args.single):
        with Session(engine) as s:
            append_event(s, "draft.edit", draft_id=i, data=DATA, now=T0 + timedelta(days=1, seconds=i))
            s.commit()
    single = time.perf_counter() - t
    print(f"single appends: {args.single} transactions: {single / args.single * 1000:.2f} ms each")

    with Session(engine) as s:
        t = time.perf_counter()
        v = verify(s)
        took = time.perf_counter() - t
    assert v.ok, v.summary()
    print(f"verify: {v.checked} events in {took:.2f} s ({v.checked / took:,.0f} events/s)")

    with Session(engine) as s:
        t = time.perf_counter()
        write_checkpoint_now(s, datetime.now(timezone.utc))   # verifies everything since no checkpoint
        first = time.perf_counter() - t
    with Session(engine) as s:
        append_event(s, "draft.edit", data=DATA, now=T0 + timedelta(days=2))
        s.commit()
        t = time.perf_counter()
        write_checkpoint_now(s, datetime.now(timezone.utc))   # verifies one event since the last
        incremental = time.perf_counter() - t
    print(f"checkpoint: first (verifies all) {first:.2f} s, next after one event {incremental * 1000:.1f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
