"""Releases on time after a crash, on PostgreSQL or SQLite.

10,000 posts due at the same second, 4 `reviewq worker` processes, one killed
with SIGKILL mid-run, a local webhook receiver that answers 500 to 10% of the
requests (at random) and counts acknowledgements (2xx answers) by
Idempotency-Key. Prints missing (no acknowledgement), acknowledged twice (a
key answered 2xx more than once: a second delivery, which the worker must
never cause), and the release lag (first acknowledgement minus release_at)
p50/p99/max.

PostgreSQL uses its own database `reviewq_bench` (created and dropped here) so
the test suite's `public` schema is never touched; --sqlite uses a temporary file:

    python bench/bench_release.py [--posts 10000] [--workers 4] [--fail 0.1] [--sqlite]
    REVIEWQ_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python bench/bench_release.py
    REVIEWQ_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mine python bench/bench_release.py  # in place
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import tempfile
import signal
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if sys.path[:1] != [ROOT]:
    sys.path.insert(0, ROOT)
INSTANCE = f"/tmp/reviewq-bench-instance-{os.getpid()}"
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import func, insert, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reviewq.db import make_engine  # noqa: E402
from reviewq.migrate import upgrade  # noqa: E402
from reviewq.models import Decision, Draft, Revision, Setting, User, UserRole  # noqa: E402
from reviewq.releases.rules import RELEASE_DEFAULTS  # noqa: E402

BENCH_DB = "reviewq_bench"


class Receiver:
    """A publisher that honours Idempotency-Key: counts requests per key and the lag of each first acceptance.

    A minimal asyncio HTTP/1.1 keep-alive server (one reply write per request):
    Python's http.server costs more CPU per request than a worker spends on a
    release, and on a small machine it, not reviewq, would set the pace.
    """

    def __init__(self, fail: float = 0.0):
        self.lock = threading.Lock()
        self.fail, self.random = fail, random.Random(1)
        self.requests = self.failed = 0
        self.by_key: dict[str, int] = {}
        self.acks: dict[str, int] = {}
        self.keys_by_draft: dict[int, set] = {}
        self.lag: dict[str, float] = {}
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._run, args=(started,), daemon=True).start()
        started.wait()

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=512))
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/publish"
        started.set()
        self.loop.run_forever()

    async def _serve(self, reader, writer) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
                body = await reader.readexactly(int(headers["content-length"]))
                status, reply = self.accept(headers["idempotency-key"], body)
                writer.write(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (status, len(reply), reply))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # the worker closed the connection, or was killed: that is the point of the bench
        finally:
            writer.close()

    def accept(self, key: str, body: bytes) -> tuple[bytes, bytes]:
        now = datetime.now(timezone.utc)
        data = json.loads(body)
        with self.lock:
            self.requests += 1
            self.by_key[key] = self.by_key.get(key, 0) + 1
            if self.random.random() < self.fail:
                self.failed += 1
                return b"500 Internal Server Error", b'{"error": "try again"}'
            self.acks[key] = self.acks.get(key, 0) + 1
            self.keys_by_draft.setdefault(data["draft_id"], set()).add(key)
            if key not in self.lag:
                at = datetime.fromisoformat(data["release_at"].replace("Z", "+00:00"))
                self.lag[key] = (now - at).total_seconds()
        return b"200 OK", json.dumps({"id": key}).encode()


def _admin_url(base: str) -> tuple[str, str]:
    plain = base.replace("postgresql+psycopg://", "postgresql://")
    head, _, _db = plain.rpartition("/")
    return f"{head}/postgres", f"{head}/{BENCH_DB}"


def recreate_db(admin: str, drop_only: bool = False) -> None:
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {BENCH_DB}")


def seed(engine, n: int, release_at: datetime, batch: int, concurrency: int) -> None:
    from reviewq.models.audit import AuditHead  # noqa: F401  (created by the migration)
    now = datetime.now(timezone.utc)
    with engine.begin() as c:
        ids = {}
        for role in ("staff", "reviewer", "legal", "comms"):
            ids[role] = c.execute(insert(User).values(email=f"{role}@bench.test", name=role.title(), active=True,
                                                      created_at=now).returning(User.id)).scalar_one()
            c.execute(insert(UserRole).values(user_id=ids[role], role=role))
        c.execute(insert(Setting).values(key="release", value={"lease_seconds": 15, "batch": batch,
                                                               "publish_concurrency": concurrency,
                                                               "webhook_timeout_seconds": 5.0}, updated_at=now))
        body = "Flu shots are available at every clinic this week."
        for start in range(0, n, 1000):
            count = min(1000, n - start)
            draft_ids = c.execute(insert(Draft).returning(Draft.id), [
                {"author_id": ids["staff"], "title": "", "channels": ["facebook"], "state": "scheduled",
                 "current_revision": 1, "reached": 4, "release_at": release_at, "scheduled_by_id": ids["comms"],
                 "release_attempts": 0, "created_at": now, "updated_at": now, "version": 1}
                for _ in range(count)]).scalars().all()
            c.execute(insert(Revision), [
                {"draft_id": d, "number": 1, "body": body, "channels": ["facebook"], "attachments": [],
                 "content_hash": "0" * 64, "findings": [], "justifications": {}, "created_by_id": ids["staff"],
                 "created_at": now} for d in draft_ids])
            c.execute(insert(Decision), [
                {"draft_id": d, "revision_number": 1, "stage": stage, "user_id": ids[role], "decision": "approve",
                 "comment": "", "via": "web", "voided": False, "created_at": now}
                for d in draft_ids for stage, role in (("review", "reviewer"), ("legal", "legal"),
                                                       ("comms", "comms"))])


def _aware(t):
    """SQLite hands back naive datetimes (stored as UTC)."""
    if isinstance(t, str):
        t = datetime.fromisoformat(t)
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--lead", type=float, default=20.0, help="seconds from seeding until the posts fall due")
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--batch", type=int, default=RELEASE_DEFAULTS["batch"], help="posts per claim (setting)")
    ap.add_argument("--concurrency", type=int, default=RELEASE_DEFAULTS["publish_concurrency"],
                    help="publish calls at once per worker (setting)")
    ap.add_argument("--fail", type=float, default=0.1, help="share of webhook requests answered 500")
    ap.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    args = ap.parse_args()
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            return run(args, f"sqlite:///{tmp}/bench.db")
    own = os.environ.get("REVIEWQ_BENCH_DATABASE_URL")
    if own:   # a database of your own, used as is: its public schema is dropped and made again
        with psycopg.connect(own, autocommit=True) as conn:
            conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
            conn.execute("CREATE SCHEMA public")
        return run(args, own)
    base = os.environ.get("REVIEWQ_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    admin, url = _admin_url(base)
    recreate_db(admin)
    try:
        return run(args, url)
    finally:
        recreate_db(admin, drop_only=True)


def run(args, url: str) -> int:
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    if engine.dialect.name == "sqlite":
        args.batch = min(args.batch, 25)
    upgrade(engine)
    release_at = (datetime.now(timezone.utc) + timedelta(seconds=args.lead)).replace(microsecond=0)
    t0 = time.monotonic()
    seed(engine, args.posts, release_at, args.batch, args.concurrency)
    print(f"seeded {args.posts} posts due at {release_at:%H:%M:%S} in {time.monotonic() - t0:.1f} s")
    rx = Receiver(args.fail)
    env = {**os.environ, "REVIEWQ_DATABASE_URL": url, "REVIEWQ_PUBLISH_WEBHOOK_URL": rx.url,
           "REVIEWQ_PUBLISH_WEBHOOK_SECRET": "bench", "REVIEWQ_SECRET_KEY": "bench",
           "REVIEWQ_AUDIT_KEY": "bench-audit-key-0123456789abcdef",
           "REVIEWQ_INSTANCE_DIR": INSTANCE,
           # The workers run this checkout, not whichever reviewq the environment has installed.
           "PYTHONPATH": os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH", "")) if p)}
    # A fresh database: checkpoints of an earlier run's chain would read as a truncation.
    shutil.rmtree(os.path.join(INSTANCE, "audit-checkpoints"), ignore_errors=True)
    env.pop("SLACK_BOT_TOKEN", None)
    procs = [subprocess.Popen([sys.executable, "-m", "reviewq", "worker", "--interval", "0.2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(args.workers)]
    killed_at = None
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            with rx.lock:
                got = len(rx.lag)
            if killed_at is None and got >= args.posts // 4:
                procs[0].send_signal(signal.SIGKILL)
                killed_at = got
                print(f"SIGKILL worker pid {procs[0].pid} after {got} deliveries")
            with engine.connect() as c:
                done = c.scalar(select(func.count()).select_from(Draft).where(Draft.state == "published"))
            if done >= args.posts:
                break
            time.sleep(0.5)
    finally:
        for p in procs[1:]:
            p.terminate()
        for p in procs:
            p.wait(30)
    with engine.connect() as c:
        published = c.scalar(select(func.count()).select_from(Draft).where(Draft.state == "published"))
        db_lag = [_aware(p).timestamp() - _aware(r).timestamp() for p, r in c.execute(
            select(Draft.published_at, Draft.release_at).where(Draft.state == "published"))]
        retried = c.scalar(text("SELECT count(*) FROM (SELECT draft_id FROM release_attempts "
                                "GROUP BY draft_id HAVING count(*) > 1) t"))
        per_worker = c.execute(text(
            "SELECT worker, count(*), min(started_at), max(finished_at) FROM release_attempts "
            "WHERE outcome = 'published' GROUP BY worker ORDER BY worker")).all()
    engine.dispose()
    delivered = len(rx.keys_by_draft)
    duplicates = sum(len(keys) - 1 for keys in rx.keys_by_draft.values())   # a second key for one release
    twice = sum(1 for n in rx.acks.values() if n > 1)                       # one key acknowledged again
    lags = list(rx.lag.values()) or [float("nan")]
    print(f"{'sqlite' if args.sqlite else 'postgresql'}: posts {args.posts}, workers {args.workers} (1 killed), "
          f"batch {args.batch}, publish concurrency {args.concurrency}, webhook requests {rx.requests} "
          f"({rx.failed} answered 500)")
    print(f"missing {args.posts - delivered}, acknowledged twice {twice}, second keys {duplicates}, "
          f"drafts tried by more than one claim {retried}, published in DB {published}")
    print(f"release lag (first acknowledgement): p50 {pct(lags, 50):.2f} s, p99 {pct(lags, 99):.2f} s, "
          f"max {max(lags):.2f} s")
    print(f"release lag (published_at): p50 {pct(db_lag, 50):.2f} s, p99 {pct(db_lag, 99):.2f} s")
    for worker, count, first, last in per_worker:   # first claim to last record of that worker's releases
        seconds = (_aware(last).timestamp() - _aware(first).timestamp()) if first and last else 0.0
        print(f"worker {worker}: {count} published in {seconds:.1f} s, {count / max(seconds, 1e-3):.0f} releases/s")
    ok = duplicates == 0 and twice == 0 and delivered == args.posts and published == args.posts
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
