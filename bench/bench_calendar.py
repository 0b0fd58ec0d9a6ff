#!/usr/bin/env python3
"""The calendar month under load: GET /api/v1/calendar and the /calendar page, 16 keep-alive clients.

    python bench/bench_calendar.py [--drafts 20000] [--clients 16] [--seconds 10] [--workers N] [--threads 8]
                                   [--database-url postgresql://postgres@127.0.0.1:5432/reviewq_bench]

Seeds a fresh SQLite file in a temporary folder (or the given database, whose
`public` schema is dropped: never point it at real data) with `reviewq seed`,
starts `reviewq serve` in a subprocess, signs a seeded comms lead in (API token
and the real login form), then runs `--clients` threads, each with its own
kept-alive connection, for `--seconds` per case, and prints req/s, p50 and p99:
the API month and the HTML month, each fresh and revalidated with If-None-Match
(304). The month is next month (the seed spreads posts over the next 90 days), or --month.
Target (issue 15): the month with >= 600 posts p99 < 100 ms at 16 clients.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone

from pathlib import Path

import requests

from _db import seeded  # bench/_db.py (scripts run from bench/)

# This checkout's reviewq, here and in the `reviewq seed` / `reviewq serve` subprocesses.
REPO = str(Path(__file__).resolve().parent.parent)
sys.path.insert(0, REPO)
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, os.environ.get("PYTHONPATH")) if p)

SEED_PASSWORD = "seeded-user-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(base: str, proc, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"reviewq serve exited with {proc.returncode}")
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("reviewq serve did not answer /healthz")


def _signed_in(base: str, email: str) -> requests.Session:
    s = requests.Session()
    page = s.get(base + "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    r = s.post(base + "/login", data={"email": email, "password": SEED_PASSWORD, "csrf_token": token},
               allow_redirects=False)
    assert r.status_code == 302, r.status_code
    s.get(base + "/")  # shows (and so clears) the sign-in flash: a page with a pending flash is never a 304
    return s


def _run(make_session, url: str, headers: dict, clients: int, seconds: float, expect: int):
    """(req/s, p50 ms, p99 ms, bytes of one answer) of `clients` threads hammering `url`."""
    times, errors, size = [], [], [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def worker():
        s = make_session()
        mine = []
        start.wait()
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            r = s.get(url, headers=headers)
            mine.append(time.perf_counter() - t0)
            if r.status_code != expect:
                errors.append(r.status_code)
            size[0] = len(r.content)
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        raise SystemExit(f"{url}: {len(errors)} answers were not {expect} (e.g. {errors[0]})")
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(len(times) * q))] * 1000  # noqa: E731
    return len(times) / wall, pick(0.50), pick(0.99), size[0]


def _month(raw: str | None) -> tuple[datetime, datetime]:
    """[first day, first day of the next month) in UTC; default: next month (inside the seed's 90 days)."""
    if raw:
        first = datetime.strptime(raw, "%Y-%m").replace(tzinfo=timezone.utc)
    else:
        first = (datetime.now(timezone.utc).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
                 + timedelta(days=32)).replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=20_000)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=None, help="reviewq serve --workers (default: its own)")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--month", default=None, help="YYYY-MM (default: next month)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        env = seeded(url, tmp, args.drafts)
        os.environ.update(env)
        from sqlalchemy import select

        from reviewq import create_app
        from reviewq.accounts.operations import create_token
        from reviewq.clock import now_utc
        from reviewq.extensions import db
        from reviewq.models import User, UserRole
        app = create_app()
        with app.app_context():
            with db.transaction() as s:
                comms = s.scalars(select(User).join(UserRole).where(UserRole.role == "comms", User.active)
                                  .order_by(User.id)).first()
                email = comms.email
                token = create_token(s, comms, name="bench", now=now_utc())[1]
            db.session.remove()
        first, nxt = _month(args.month)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "reviewq", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--threads", str(args.threads)] + (["--workers", str(args.workers)] if args.workers else [])
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_up(base, proc)
            iso = lambda d: d.isoformat().replace("+00:00", "Z")  # noqa: E731
            api = f"{base}/api/v1/calendar?from={iso(first)}&to={iso(nxt)}"
            html = f"{base}/calendar?view=month&date={first.date().isoformat()}"
            bearer = {"Authorization": f"Bearer {token}"}

            def api_session():
                return requests.Session()

            cookies = _signed_in(base, email).cookies

            def page_session():
                s = requests.Session()
                s.cookies.update(cookies)
                return s

            api_tag = requests.get(api, headers=bearer).headers["ETag"]
            page_tag = page_session().get(html).headers.get("ETag", "")
            shown = len(requests.get(api, headers=bearer).json()["entries"])
            page_posts = page_session().get(html).text.count('class="cal-entry ')
            print(f"{args.drafts} drafts on {url.split(':')[0]}; {args.clients} keep-alive clients, "
                  f"{args.seconds:g} s per case; reviewq serve --threads {args.threads}"
                  f"{f' --workers {args.workers}' if args.workers else ''}; month {first:%Y-%m}: "
                  f"{shown} posts (API), the page {page_posts} with its days before and after; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
            cases = [("API month", api_session, api, bearer, 200),
                     ("API month, If-None-Match (304)", api_session, api, {**bearer, "If-None-Match": api_tag}, 304),
                     ("HTML month", page_session, html, {}, 200),
                     ("HTML month, If-None-Match (304)", page_session, html, {"If-None-Match": page_tag}, 304)]
            for name, make, target, headers, expect in cases:
                _run(make, target, headers, args.clients, 2, expect)  # warm-up: every process and connection
                rps, p50, p99, size = _run(make, target, headers, args.clients, args.seconds, expect)
                print(f"{name:34s} {rps:8.1f} req/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  {size:8d} bytes")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
