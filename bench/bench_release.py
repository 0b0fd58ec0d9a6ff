"""Release throughput and exactly-once under a killed worker, on PostgreSQL.

10,000 posts due in the same minute, 4 `reviewq worker` processes, one killed
with SIGKILL mid-run, a local webhook receiver counting by Idempotency-Key.
Prints delivered, duplicates, missing and the release lag (receiver's first
acceptance minus release_at) p50/p99.

Uses its own database `reviewq_bench` (created and dropped here) so the test
suite's `public` schema is never touched:

    python bench/bench_release.py [--posts 10000] [--workers 4]
    REVIEWQ_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test python bench/bench_release.py
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
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

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.by_key: dict[str, int] = {}
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
                reply = self.accept(headers["idempotency-key"], body)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(reply), reply))
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass  # the worker closed the connection, or was killed: that is the point of the bench
        finally:
            writer.close()

    def accept(self, key: str, body: bytes) -> bytes:
        now = datetime.now(timezone.utc)
        data = json.loads(body)
        with self.lock:
            self.requests += 1
            self.by_key[key] = self.by_key.get(key, 0) + 1
            self.keys_by_draft.setdefault(data["draft_id"], set()).add(key)
            if key not in self.lag:
                at = datetime.fromisoformat(data["release_at"].replace("Z", "+00:00"))
                self.lag[key] = (now - at).total_seconds()
        return json.dumps({"id": key}).encode()


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
    args = ap.parse_args()
    base = os.environ.get("REVIEWQ_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    admin, url = _admin_url(base)
    recreate_db(admin)
    try:
        return run(args, url)
    finally:
        recreate_db(admin, drop_only=True)


def run(args, url: str) -> int:
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    upgrade(engine)
    release_at = (datetime.now(timezone.utc) + timedelta(seconds=args.lead)).replace(microsecond=0)
    t0 = time.monotonic()
    seed(engine, args.posts, release_at, args.batch, args.concurrency)
    print(f"seeded {args.posts} posts due at {release_at:%H:%M:%S} in {time.monotonic() - t0:.1f} s")
    rx = Receiver()
    env = {**os.environ, "REVIEWQ_DATABASE_URL": url, "REVIEWQ_PUBLISH_WEBHOOK_URL": rx.url,
           "REVIEWQ_PUBLISH_WEBHOOK_SECRET": "bench", "REVIEWQ_SECRET_KEY": "bench",
           "REVIEWQ_AUDIT_KEY": "bench-audit-key-0123456789abcdef",
           "REVIEWQ_INSTANCE_DIR": "/tmp/reviewq-bench-instance"}
    # A fresh database: checkpoints of an earlier run's chain would read as a truncation.
    shutil.rmtree("/tmp/reviewq-bench-instance/audit-checkpoints", ignore_errors=True)
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
        db_lag = [r[0] for r in c.execute(text(
            "SELECT EXTRACT(EPOCH FROM published_at - release_at) FROM drafts WHERE state = 'published'"))]
        retried = c.scalar(text("SELECT count(*) FROM (SELECT draft_id FROM release_attempts "
                                "GROUP BY draft_id HAVING count(*) > 1) t"))
        per_worker = c.execute(text(
            "SELECT worker, count(*), EXTRACT(EPOCH FROM max(finished_at) - min(started_at)) FROM release_attempts "
            "WHERE outcome = 'published' GROUP BY worker ORDER BY worker")).all()
    engine.dispose()
    delivered = len(rx.keys_by_draft)
    duplicates = sum(len(keys) - 1 for keys in rx.keys_by_draft.values())   # a second post for one release
    repeated = sum(n - 1 for n in rx.by_key.values())                       # same key sent again (deduped)
    lags = list(rx.lag.values())
    print(f"posts {args.posts}, workers {args.workers} (1 killed), batch {args.batch}, "
          f"publish concurrency {args.concurrency}, webhook requests {rx.requests}")
    print(f"delivered {delivered}, duplicates {duplicates}, missing {args.posts - delivered}, "
          f"repeated-key retries {repeated}, drafts retried after the kill {retried}, published in DB {published}")
    print(f"release lag (receiver): p50 {pct(lags, 50):.2f} s, p99 {pct(lags, 99):.2f} s, max {max(lags):.2f} s")
    print(f"release lag (published_at): p50 {pct(db_lag, 50):.2f} s, p99 {pct(db_lag, 99):.2f} s")
    for worker, count, seconds in per_worker:   # first claim to last record of that worker's releases
        print(f"worker {worker}: {count} published in {float(seconds or 0):.1f} s, "
              f"{count / max(float(seconds or 0), 1e-3):.0f} releases/s")
    ok = duplicates == 0 and delivered == args.posts and published == args.posts
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
