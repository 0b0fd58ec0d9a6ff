#!/usr/bin/env python3
"""API read latency on a large database: list pages, one draft, the queue, the calendar.

    python bench/bench_api.py [--drafts 100000] [--database-url postgresql://postgres@127.0.0.1:5432/reviewq_bench]

Seeds a fresh SQLite file in a temporary folder (or the given database, whose
`public` schema is dropped: never point it at real data) with `reviewq seed`,
then times requests through the WSGI app with real bearer tokens and prints
the median and 95th percentile per endpoint. Target: every read under 100 ms
median with 100,000 drafts.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

from _db import seeded  # bench/_db.py (scripts run from bench/)


def _timed(client, path, headers, n):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(path, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code, r.data[:200])
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], r


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=100_000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        os.environ.update(seeded(url, tmp, args.drafts))
        from sqlalchemy import select

        from reviewq import create_app
        from reviewq.extensions import db
        from reviewq.models import Draft, User
        from reviewq.clock import now_utc
        from reviewq.accounts.operations import create_token, create_user
        app = create_app()
        tokens = {}
        with app.app_context(), db.transaction() as s:
            create_user(s, email="bench-admin@example.org", name="Bench Admin", roles=["admin"], now=now_utc())
            users = list(s.scalars(select(User)))
            for role in ("staff", "reviewer", "comms", "admin"):
                u = next(u for u in users if role in u.roles)
                tokens[role] = {"Authorization": f"Bearer {create_token(s, u, name='bench', now=now_utc())[1]}"}
            some = s.scalar(select(Draft.id).where(Draft.state == "scheduled").limit(1))
        client = app.test_client()
        iso = lambda d: d.isoformat().replace("+00:00", "Z")  # noqa: E731
        start = datetime.now(timezone.utc)
        cases = [
            ("admin", "/api/v1/drafts?limit=50"),
            ("reviewer", "/api/v1/drafts?limit=50&stage=review"),
            ("staff", "/api/v1/drafts?limit=50&mine=true"),
            ("admin", "/api/v1/drafts?limit=200&channel=x"),
            ("admin", f"/api/v1/drafts/{some}"),
            ("reviewer", "/api/v1/queue"),
            ("comms", f"/api/v1/calendar?from={iso(start)}&to={iso(start + timedelta(days=30))}"),
        ]
        print(f"{args.drafts} drafts on {url.split(':')[0]}")
        for role, path in cases:
            med, p95, r = _timed(client, path, tokens[role], args.repeat)
            print(f"{med:8.1f} ms median {p95:8.1f} ms p95  {len(r.data):8d} bytes  {role:8s} GET {path[7:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
