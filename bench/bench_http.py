#!/usr/bin/env python3
"""Requests per second and latency over HTTP: reviewq against a bare Flask app, same server, same run.

    python bench/bench_http.py [--drafts 20000] [--clients 16] [--seconds 5] [--server gunicorn|waitress]
                               [--workers 1] [--threads 8] [--database-url postgresql://…/reviewq_bench]

Seeds a fresh SQLite file in a temporary folder (or the given database, whose
`public` schema is dropped: never point it at real data) with `reviewq seed`,
starts `reviewq serve` (gunicorn, as in production; `--server waitress` for
waitress) and then a bare Flask app under the same server, processes and
threads, and drives each with `--clients` threads on kept-alive connections
(http.client). Prints req/s, p50 and p99 per endpoint and the ratio to bare
Flask. Targets (issue 15): draft GET and scan POST >= 25% of bare Flask;
queue page and calendar month p99 < 100 ms; live check p95 < 150 ms (issue 14).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from _db import seeded  # bench/_db.py (scripts run from bench/)

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_PASSWORD = "seeded-user-password"
SCAN_TEXT = ("Join us Saturday for the community flu clinic at the north entrance. Bring your insurance card; "
             "walk-ins welcome. Parking is free in lot B. Questions? Visit our website for the full schedule. ")


def _text(n: int) -> str:
    return (SCAN_TEXT * (n // len(SCAN_TEXT) + 1))[:n]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, argv, env, port):
        self.port = port
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start: {self.proc.stderr.read().decode()[-2000:]}")

    def stop(self):
        import signal
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.getheaders(), r.read()


def _cookie(headers, jar: dict) -> None:
    for k, v in headers:
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            jar[name] = rest.split(";", 1)[0]


def _cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def sign_in(port: int, email: str) -> dict:
    """The session cookie of `email`, through the real login form (CSRF on)."""
    conn, jar = http.client.HTTPConnection("127.0.0.1", port), {}
    status, headers, body = _request(conn, "GET", "/login")
    _cookie(headers, jar)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"email": email, "password": SEED_PASSWORD, "csrf_token": token})
    status, headers, _ = _request(conn, "POST", "/login", form, {"Cookie": _cookie_header(jar),
                                  "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302, status
    _cookie(headers, jar)
    return jar


def page_csrf(port: int, jar: dict, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    status, headers, body = _request(conn, "GET", path, headers={"Cookie": _cookie_header(jar)})
    assert status == 200, (path, status)
    _cookie(headers, jar)
    return re.search(rb'data-csrf="([^"]+)"', body).group(1).decode()


def drive(port, make_request, clients: int, seconds: float, warmup: float = 1.0) -> dict:
    """`clients` threads, each on its own kept-alive connection, for `seconds` after a warm-up."""
    stop_at = time.perf_counter() + warmup + seconds
    measure_from = time.perf_counter() + warmup
    lat: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    sizes = [0] * clients

    def run(i):
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            method, path, body, headers = make_request(rng)
            try:
                status, _, data = _request(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                errors[i] += 1
                continue
            t1 = time.perf_counter()
            if status != 200:
                errors[i] += 1
            if t0 >= measure_from:
                lat[i].append((t1 - t0) * 1000)
                sizes[i] = len(data)
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    all_lat = sorted(x for per in lat for x in per)
    n = len(all_lat)
    pick = lambda q: all_lat[min(n - 1, int(n * q))] if n else float("nan")  # noqa: E731
    return {"rps": n / seconds, "p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "n": n,
            "errors": sum(errors), "bytes": max(sizes)}


def _prepare(url, tmp, drafts):
    """Seed, then make the bearer tokens and pick the ids the clients ask for."""
    os.environ.update(seeded(url, tmp, drafts))
    from sqlalchemy import select

    from reviewq import create_app
    from reviewq.accounts.operations import create_token
    from reviewq.clock import now_utc
    from reviewq.extensions import db
    from reviewq.models import Draft, User, UserRole
    app = create_app()
    out = {"tokens": {}, "emails": {}}
    with app.app_context(), db.transaction() as s:
        for role in ("staff", "reviewer", "comms"):
            u = s.scalars(select(User).join(UserRole).where(UserRole.role == role).order_by(User.id).limit(1)).one()
            out["tokens"][role] = create_token(s, u, name="bench", now=now_utc())[1]
            out["emails"][role] = u.email
        staff_id = s.scalar(select(User.id).where(User.email == out["emails"]["staff"]))
        out["draft_ids"] = list(s.scalars(select(Draft.id).where(Draft.author_id == staff_id).limit(500)))
    db.engine.dispose() if db.engine is not None else None
    return out


def _month(now: datetime) -> tuple[str, str]:
    iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    start = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return iso(start), iso(start + timedelta(days=30))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drafts", type=int, default=20_000)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--server", choices=("gunicorn", "waitress"), default="gunicorn")
    ap.add_argument("--workers", type=int, default=1, help="server processes (both apps)")
    ap.add_argument("--threads", type=int, default=8, help="threads per process (both apps)")
    ap.add_argument("--only", default="", help="comma-separated endpoint names to run (default: all)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        prep = _prepare(url, tmp, args.drafts)
        print(f"{args.drafts} drafts on {url.split(':')[0]} (seeded in {time.perf_counter() - t0:.0f} s); "
              f"{args.server}, {args.workers} process(es) x {args.threads} threads; {args.clients} clients, "
              f"{args.seconds:g} s per endpoint; load average {os.getloadavg()[0]:.1f}")
        env = {**os.environ, "REVIEWQ_LOG_FORMAT": os.environ.get("REVIEWQ_LOG_FORMAT", "text")}
        results = {}
        port = _free_port()
        if args.server == "gunicorn":
            argv = [sys.executable, "-m", "reviewq", "serve", "--port", str(port), "--workers", str(args.workers),
                    "--threads", str(args.threads)]
        else:
            argv = [sys.executable, os.path.join(HERE, "_http_server.py"), "reviewq", "waitress", str(port),
                    str(args.workers), str(args.threads)]
        server = Server(argv, env, port)
        try:
            results["reviewq"] = _reviewq_cases(port, prep, args)
        finally:
            server.stop()
        port = _free_port()
        server = Server([sys.executable, os.path.join(HERE, "_http_server.py"), "bare", args.server, str(port),
                         str(args.workers), str(args.threads)], env, port)
        try:
            results["bare"] = _bare_cases(port, args)
        finally:
            server.stop()
    _print(results)
    return 0


def _selected(args, name):
    return not args.only or name in args.only.split(",")


def _reviewq_cases(port, prep, args) -> dict:
    tok = prep["tokens"]
    ids = prep["draft_ids"]
    json_h = lambda role: {"Authorization": f"Bearer {tok[role]}", "Content-Type": "application/json"}  # noqa: E731
    scan_body = json.dumps({"text": _text(1000), "channels": ["facebook"]})
    reviewer = sign_in(port, prep["emails"]["reviewer"])
    staff = sign_in(port, prep["emails"]["staff"])
    csrf = page_csrf(port, staff, "/drafts/new")
    frm, to = _month(datetime.now(timezone.utc))
    cases = {
        "draft GET": lambda rng: ("GET", f"/api/v1/drafts/{rng.choice(ids)}", None, json_h("staff")),
        "scan POST": lambda rng: ("POST", "/api/v1/scan", scan_body, json_h("staff")),
        "queue page": lambda rng: ("GET", "/review", None, {"Cookie": _cookie_header(reviewer)}),
        "calendar month": lambda rng: ("GET", f"/api/v1/calendar?from={frm}&to={to}", None, json_h("comms")),
        "live check": lambda rng: ("POST", "/drafts/check", scan_body,
                                   {"Cookie": _cookie_header(staff), "X-CSRFToken": csrf,
                                    "Content-Type": "application/json"}),
    }
    out = {}
    for name, make in cases.items():
        if _selected(args, name):
            out[name] = drive(port, make, args.clients, args.seconds)
    return out


def _bare_cases(port, args) -> dict:
    scan_body = json.dumps({"text": _text(1000), "channels": ["facebook"]})
    h = {"Content-Type": "application/json"}
    cases = {
        "draft GET": lambda rng: ("GET", f"/api/v1/drafts/{rng.randrange(1, 20000)}", None, h),
        "scan POST": lambda rng: ("POST", "/api/v1/scan", scan_body, h),
        "queue page": lambda rng: ("GET", "/review", None, {}),
    }
    return {name: drive(port, make, args.clients, args.seconds) for name, make in cases.items()}


TARGETS = {"draft GET": "ratio >= 0.25", "scan POST": "ratio >= 0.25", "queue page": "p99 < 100 ms",
           "calendar month": "p99 < 100 ms", "live check": "p95 < 150 ms"}


def _print(results) -> None:
    bare = results["bare"]
    print(f"| endpoint | reviewq req/s | p50 | p95 | p99 | errors | bytes | bare Flask req/s | ratio | target |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in results["reviewq"].items():
        ceiling = bare.get(name) or bare["draft GET"]
        print(f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['p99']:.1f} ms | "
              f"{r['errors']} | {r['bytes']:,} | {ceiling['rps']:,.0f} | {r['rps'] / ceiling['rps']:.2f} | "
              f"{TARGETS.get(name, '')} |")


if __name__ == "__main__":
    sys.exit(main())
