#!/usr/bin/env python3
"""Web page latency on a large database: my drafts, the review queue, one draft, the audit log.

    python bench/bench_web.py [--drafts 100000] [--database-url postgresql://postgres@127.0.0.1:5432/reviewq_bench]

Seeds a fresh SQLite file in a temporary folder (or the given database, whose
`public` schema is dropped: never point it at real data) with `reviewq seed`,
signs seeded users in through the real login form (CSRF on), and prints the
median and 95th percentile of full page renders (nav badge, freeze banner and
all). Target: every page under 150 ms median with 100,000 drafts.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time

from _db import seeded  # bench/_db.py (scripts run from bench/)

SEED_PASSWORD = "seeded-user-password"


def _timed(client, path, n):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], r


def _signed_in(app, email):
    client = app.test_client()
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1).decode()
    r = client.post("/login", data={"email": email, "password": SEED_PASSWORD, "csrf_token": token})
    assert r.status_code == 302, r.status_code
    return client


def _seed(url, tmp, drafts):
    os.environ.update(seeded(url, tmp, drafts))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=100_000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        _seed(url, tmp, args.drafts)
        from sqlalchemy import func, select

        from reviewq import create_app
        from reviewq.extensions import db
        from reviewq.models import Draft, User, UserRole
        app = create_app()
        with app.app_context():
            def email_of(role):
                return db.session.scalar(select(User.email).join(UserRole).where(UserRole.role == role)
                                         .order_by(User.id).limit(1))
            emails = {role: email_of(role) for role in ("staff", "reviewer", "admin")}
            staff_id = db.session.scalar(select(User.id).where(User.email == emails["staff"]))
            some = db.session.scalar(select(func.max(Draft.id)).where(Draft.author_id == staff_id))
            db.session.remove()
        clients = {role: _signed_in(app, e) for role, e in emails.items() if e}
        cases = [("staff", "/"), ("staff", f"/drafts/{some}"), ("staff", "/drafts/new"),
                 ("reviewer", "/review"), ("admin", f"/drafts/{some}"), ("admin", "/audit"),
                 ("admin", f"/audit?draft={some}"), ("admin", "/admin/users")]
        print(f"{args.drafts} drafts on {url.split(':')[0]}")
        for role, path in cases:
            if role not in clients:
                continue
            med, p95, r = _timed(clients[role], path, args.repeat)
            print(f"{med:8.1f} ms median {p95:8.1f} ms p95  {len(r.data):8d} bytes  {role:8s} GET {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
