"""The release worker job: claim due posts in batches, re-check them, publish each exactly once.

Per batch, three short transactions and none open while the network is used:
(1) claim up to `batch` due posts with a lease (FOR UPDATE SKIP LOCKED on
PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE and gets smaller
batches); (2) lock them again, re-check every one (reviewq.releases.rechecks:
freeze, holds, scheduler, approvals, checks with today's policy and consents;
a failing post is held, the others go on) and build the payloads; (3) after
publishing — one call per post, a few at a time from a thread pool, each
started only while the lease still covers its timeout and the calendar is
not frozen — record every outcome in one transaction, marking a post published
only if this worker still holds its lease.

A worker killed between (1) and (3) leaves its leases; when they expire
another worker retries with the same Idempotency-Key, so a publisher that
honours the key shows one post. Never called from a request.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from reviewq.core import schedule as S
from reviewq.drafts.transitions import State
from reviewq.models import Draft, ReleaseAttempt
from reviewq.models.audit import appending_in_bulk
from reviewq.publishers import PublishResult, publisher_for
from reviewq.publishers.payload import build_payload
from reviewq.releases import rechecks as RC
from reviewq.releases.holds import hold_draft
from reviewq.releases.media import served_files
from reviewq.releases.queries import freeze_state, not_draft_held
from reviewq.releases.record import finish_attempts, record_batch
from reviewq.releases.rules import release_rules

log = logging.getLogger("reviewq.release")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
SQLITE_MAX_BATCH = 25   # SQLite has one writer: keep the web's waits for the write lock short
MARGIN_SECONDS = 2.0    # room left in the lease after the last publish call, for recording it
FREEZE_RECHECK_SECONDS = 1.0


class Claim(NamedTuple):
    draft_id: int
    key: str
    lease_until: datetime
    attempt_id: int


@dataclass
class Ready:
    """A re-checked post about to be published."""

    claim: Claim
    payload: dict


class PublishGate:
    """Whether one more publish call may start: the lease still covers it, and nobody froze releases.

    The freeze was checked in the re-check transaction; a batch against a slow
    publisher can take a while, so it is read again (at most once a second,
    outside any transaction of ours) before each further call.
    """

    def __init__(self, db, clock, lease_until: datetime, timeout: float):
        self.db, self.clock, self.timeout = db, clock, timeout
        self.last_start = lease_until - timedelta(seconds=timeout + MARGIN_SECONDS)
        self.lock = threading.Lock()
        self.checked, self.why_not = time.monotonic(), None

    def publish(self, publisher, payload: dict, key: str) -> PublishResult | None:
        """The publisher's answer, or None when the call was not started (see why_not)."""
        if not self.may_start():
            return None
        try:
            return publisher.publish(payload, key)
        except Exception as e:  # a publisher bug is one failed try, retried with backoff like any other
            log.error("publisher raised %s", type(e).__name__)
            return PublishResult(False, error=f"the publisher failed ({type(e).__name__})")

    def may_start(self) -> bool:
        with self.lock:
            if self.why_not is None and self.clock() >= self.last_start:
                self.why_not = "not started: the lease would have run out during the call"
            if self.why_not is None and time.monotonic() - self.checked >= FREEZE_RECHECK_SECONDS:
                with Session(self.db.engine) as s:
                    if freeze_state(s):
                        self.why_not = "crisis freeze"
                self.checked = time.monotonic()
            return self.why_not is None


def release_due(db, settings, now: datetime) -> int:
    """Release every due post; return how many were handled (published, failed or held).

    A worker job: `db` is a reviewq.db.Database, `settings` the process's config.Settings.
    """
    started = time.monotonic()

    def clock() -> datetime:  # `now` moves on with real time during a long pass
        return now + timedelta(seconds=time.monotonic() - started)

    with db.transaction() as s:
        rules = release_rules(s)
    threads = max(1, int(rules["publish_concurrency"]))
    publisher = publisher_for(settings, float(rules["webhook_timeout_seconds"]), threads)
    handled = 0
    try:
        with ThreadPoolExecutor(threads, thread_name_prefix="reviewq-publish") as pool:
            while True:
                claims = claim_due(db, clock(), rules)
                if not claims:
                    return handled
                done, complete = release_batch(db, settings, publisher, pool, claims, clock,
                                               float(rules["webhook_timeout_seconds"]))
                handled += done
                if not complete:  # frozen or lease too short: leave the rest for the next pass
                    return handled
    finally:
        publisher.close()


def claim_lease(rules: dict) -> timedelta:
    """The lease: the configured one, but never too short for one publish and its record."""
    timeout = float(rules["webhook_timeout_seconds"])
    return timedelta(seconds=max(float(rules["lease_seconds"]), timeout + 3 * MARGIN_SECONDS))


def claim_due(db, now: datetime, rules: dict) -> list[Claim]:
    """Lease up to `batch` due posts to this worker, oldest first. Empty when frozen."""
    lease_until = now + claim_lease(rules)
    limit = max(1, int(rules["batch"]))
    if not db.is_postgres:
        limit = min(limit, SQLITE_MAX_BATCH)
    with db.transaction() as s:
        if freeze_state(s):
            return []
        q = (select(Draft.id, Draft.current_revision, Draft.release_at)
             .where(Draft.state == State.SCHEDULED.value, Draft.release_at <= now,
                    or_(Draft.next_attempt_at.is_(None), Draft.next_attempt_at <= now),
                    or_(Draft.release_claimed_until.is_(None), Draft.release_claimed_until < now),
                    not_draft_held())
             .order_by(Draft.release_at, Draft.id).limit(limit))
        if db.is_postgres:
            q = q.with_for_update(skip_locked=True, of=Draft)
        rows = s.execute(q).all()
        if not rows:
            return []
        s.execute(update(Draft).where(Draft.id.in_([r.id for r in rows]))
                  .values(release_claimed_until=lease_until, version=Draft.version + 1)
                  .execution_options(synchronize_session=False))
        keys = [S.idempotency_key(r.id, r.current_revision, r.release_at) for r in rows]
        attempt_ids = s.scalars(insert(ReleaseAttempt).returning(ReleaseAttempt.id, sort_by_parameter_order=True), [
            {"draft_id": r.id, "revision": r.current_revision, "idempotency_key": key, "release_at": r.release_at,
             "worker": WORKER_ID, "started_at": now, "outcome": "claimed"} for r, key in zip(rows, keys)]).all()
    return [Claim(r.id, key, lease_until, a) for r, key, a in zip(rows, keys, attempt_ids)]


def release_batch(db, settings, publisher, pool, claims: list[Claim], clock, timeout: float) -> tuple[int, bool]:
    """Re-check, publish and record one claimed batch: (posts handled, whether every post was tried)."""
    try:
        # The session keeps objects across commits (expire_on_commit=False); roles, holds and
        # consents may have changed since, and a stale read here would release what must be held.
        db.session.expire_all()
        with db.transaction() as s:
            ready, held = prepare_batch(s, settings, claims, clock())
        if ready is None:
            return 0, False
        gate = PublishGate(db, clock, claims[0].lease_until, timeout)
        results = list(pool.map(lambda r: gate.publish(publisher, r.payload, r.claim.key), ready))
    except Exception as e:  # a broken batch must not stop the worker; its leases expire and it is retried
        log.error("release of %d posts failed before publishing: %s", len(claims), type(e).__name__)
        return 0, False
    with db.transaction() as s:
        record_batch(s, [(r.claim, res) for r, res in zip(ready, results)], clock(), gate.why_not)
    return held + sum(res is not None for res in results), all(res is not None for res in results)


def prepare_batch(s: Session, settings, claims: list[Claim], now: datetime) -> tuple[list[Ready] | None, int]:
    """The posts to publish and how many were held; (None, 0) when frozen since the claim."""
    found = RC.load_candidates(s, [c.draft_id for c in claims])
    mine, lost = [], []
    for c in claims:
        cand = found.get(c.draft_id)
        ours = cand is not None and cand.draft.state == State.SCHEDULED.value \
            and cand.draft.release_claimed_until == c.lease_until
        (mine if ours else lost).append(c)
    finish_attempts(s, [(c.attempt_id, "failed", "unscheduled or taken over before publishing", None)
                        for c in lost], now)
    rules = RC.load_rules(s, settings, [c.draft_id for c in mine])
    if freeze_state(s):  # frozen after the claim: leave them for whoever lifts the freeze
        s.execute(update(Draft).where(Draft.id.in_([c.draft_id for c in mine]))
                  .values(release_claimed_until=None, version=Draft.version + 1)
                  .execution_options(synchronize_session=False))
        finish_attempts(s, [(c.attempt_id, "held", "crisis freeze", None) for c in mine], now)
        return None, 0
    ready, held = [], 0
    with appending_in_bulk(s):  # the audit rows of the posts held here
        for c in mine:
            ready_one, was_held = _prepare_one(s, settings, found[c.draft_id], c, rules, now)
            held += was_held
            if ready_one is not None:
                ready.append(ready_one)
    return ready, held


def _prepare_one(s: Session, settings, cand: RC.Candidate, claim: Claim, rules: RC.Rules,
                 now: datetime) -> tuple[Ready | None, bool]:
    try:
        reason, source = RC.hold_reason(cand, rules, now)
    except Exception as e:  # one broken post must not stop the batch; its lease expires and it is retried
        log.error("re-check of draft %s failed: %s", claim.draft_id, type(e).__name__)
        return None, False
    draft = cand.draft
    served = {}
    if not reason:
        served, reason = served_files(s, cand.revision, settings.upload_dir)
    if reason:
        held = s.get(Draft, draft.id, populate_existing=True)   # locked by load_candidates
        held.release_claimed_until = None
        hold_draft(s, held, reason=reason, now=now, source_hold_id=source)
        finish_attempts(s, [(claim.attempt_id, "held", reason, None)], now)
        return None, True
    payload = build_payload(draft, cand.revision, channels=draft.channels, approvals=cand.approvals,
                            base_url=settings.base_url, secret=settings.secret_key, now=now, served=served)
    return Ready(claim, payload), False


__all__ = ["Claim", "PublishGate", "claim_due", "claim_lease", "prepare_batch", "release_batch", "release_due"]
