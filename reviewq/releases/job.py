"""The release worker job: claim due posts in batches, re-check them, publish each exactly once.

Per batch: (1) claim up to `batch` due posts with a short lease (FOR UPDATE
SKIP LOCKED on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE and
gets smaller batches); each claim's release_attempts id is written to the
post's `release_claim`, the fencing token; (2) lock them again, re-check every
one (reviewq.releases.rechecks: freeze, holds, scheduler, approvals, checks
with today's policy and consents; a failing post is held, the others go on)
and build the payloads; (3) publish — one call per post, a few at a time from
a thread pool, each started only while the lease is ours (re-read from the
database right before the call) and the calendar is not frozen — and record
each answer as soon as it arrives, through an UPDATE that matches the claim's
token: one short transaction per turn of the loop records the answers that
arrived together and reads the claims of the calls about to start. A heartbeat thread renews the batch's
leases while the worker lives.

A worker killed mid-batch loses only the posts whose answer it had not yet
recorded; its leases stop being renewed, and another worker takes them over
within `lease_seconds` and retries with the same Idempotency-Key. A worker
that lost a lease (a stall longer than the lease) neither records nor starts
calls for that post. Never called from a request.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from reviewq.core import schedule as S
from reviewq.drafts.masking import masking_on
from reviewq.drafts.transitions import State
from reviewq.models import Draft, ReleaseAttempt
from reviewq.models.audit import appending_in_bulk
from reviewq.publishers import PublishResult, publisher_for
from reviewq.publishers.payload import build_payload
from reviewq.releases import rechecks as RC
from reviewq.releases.holds import hold_draft
from reviewq.releases.media import served_files
from reviewq.releases.queries import freeze_state, not_draft_held
from reviewq.releases.record import NOT_OURS, FenceBroken, finish_attempts, held_claims, record_batch, still_ours
from reviewq.releases.rules import release_rules

log = logging.getLogger("reviewq.release")
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
SQLITE_MAX_BATCH = 25   # SQLite has one writer: keep the web's waits for the write lock short
MARGIN_SECONDS = 2.0    # a publish call starts only while the lease has this much left
MIN_LEASE_SECONDS = 6.0
FREEZE_RECHECK_SECONDS = 1.0


class Claim(NamedTuple):
    draft_id: int
    key: str
    lease_until: datetime   # the lease as claimed (the heartbeat moves it on: Lease.until)
    attempt_id: int         # the fencing token, written to Draft.release_claim


@dataclass
class Ready:
    """A re-checked post about to be published."""

    claim: Claim
    payload: dict


class Lease:
    """One batch's leases, renewed while the worker is alive (its heartbeat).

    The worker's loop renews them every third of the lease while it waits for
    answers (`beat`), so a worker that stops — killed, or stalled — stops
    renewing, and another takes its posts over once the lease runs out.
    Renewing is one UPDATE of the posts whose release_claim is still one of
    this batch's unsettled attempts (an attempt id names its post); a post that
    no longer matches was taken over or unscheduled, and is never renewed again.
    """

    def __init__(self, db, claims: list[Claim], length: timedelta, clock):
        self.db, self.length, self.clock = db, length, clock
        self.until = claims[0].lease_until if claims else clock()
        self.open = {c.attempt_id for c in claims}   # claims not settled yet
        self.interval = max(0.5, length.total_seconds() / 3)
        self.renewed = time.monotonic()

    def settle(self, attempt_id: int) -> None:
        self.open.discard(attempt_id)

    def beat(self) -> None:
        """Renew if a third of the lease has gone by since the last renewal."""
        if time.monotonic() - self.renewed >= self.interval:
            try:
                self.renew()
            except Exception as e:  # the database is away: the lease runs out and another worker goes on
                log.error("lease renewal failed: %s", type(e).__name__)

    def renew(self) -> None:
        self.renewed = time.monotonic()
        if not self.open:
            return
        until = self.clock() + self.length
        with self.db.transaction() as s:
            kept = set(s.scalars(update(Draft).where(Draft.release_claim.in_(sorted(self.open)),
                                                     Draft.release_claimed_until.is_not(None))
                                 .values(release_claimed_until=until, version=Draft.version + 1)
                                 .returning(Draft.release_claim)
                                 .execution_options(synchronize_session=False)))
        self.open &= kept
        self.until = until


class PublishGate:
    """Whether one more publish call may start: the lease is still ours, and nobody froze releases.

    Right before each call the post's claim is read again (its release_claim
    is still this worker's attempt, its lease not run out): a worker that lost
    the lease never sends. The freeze was checked in the re-check transaction;
    a batch against a slow publisher can take a while, so it is read again (at
    most once a second) before each further call.
    """

    def __init__(self, db, clock, lease, timeout: float):
        self.db, self.clock, self.timeout = db, clock, timeout
        # `lease`: a Lease (renewed) or the datetime a fixed lease ends
        self.lease = lease if isinstance(lease, Lease) else None
        self.fixed_until = None if self.lease is not None else lease
        self.checked, self.why_not = time.monotonic(), None

    def until(self) -> datetime:
        return self.lease.until if self.lease is not None else self.fixed_until

    def check(self, draft_id: int, attempt_id: int | None):
        """True when the call may start now; None when it may not (see why_not); NOT_OURS when the
        claim was lost (another worker holds the post, or it was unscheduled)."""
        if not self.may_start():
            return None
        if attempt_id is not None:
            with self.db.transaction() as s:
                if not still_ours(s, draft_id, attempt_id, self.clock()):
                    return NOT_OURS
        return True

    def check_many(self, claims: list[Claim]) -> set[int] | None:
        """The attempt ids among `claims` that still hold their posts, read in one query; None when no
        call may start now (see why_not)."""
        if not self.may_start():
            return None
        with self.db.transaction() as s:
            return held_claims(s, [c.attempt_id for c in claims], self.clock())

    def publish(self, publisher, payload: dict, key: str, attempt_id: int | None = None):
        """check(), then the publisher's answer (a publisher that raises is one failed try)."""
        ok = self.check(payload["draft_id"], attempt_id)
        return ok if ok is not True else call(publisher, payload, key)

    def may_start(self) -> bool:
        if self.why_not is None and self.clock() >= self.until() - timedelta(seconds=MARGIN_SECONDS):
            self.why_not = "not started: the lease would have run out during the call"
        if self.why_not is None and time.monotonic() - self.checked >= FREEZE_RECHECK_SECONDS:
            with self.db.transaction() as s:
                if freeze_state(s):
                    self.why_not = "crisis freeze"
            self.checked = time.monotonic()
        return self.why_not is None


def call(publisher, payload: dict, key: str) -> PublishResult:
    try:
        return publisher.publish(payload, key)
    except Exception as e:  # a publisher bug is one failed try, retried with backoff like any other
        log.error("publisher raised %s", type(e).__name__)
        return PublishResult(False, error=f"the publisher failed ({type(e).__name__})")


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
                                               float(rules["webhook_timeout_seconds"]), claim_lease(rules), threads)
                handled += done
                if not complete:  # frozen or lease lost: leave the rest for the next pass
                    return handled
    finally:
        publisher.close()


def claim_lease(rules: dict) -> timedelta:
    """The lease: the configured one (renewed while the worker lives), never shorter than 6 s."""
    return timedelta(seconds=max(float(rules["lease_seconds"]), MIN_LEASE_SECONDS))


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
        keys = [S.idempotency_key(r.id, r.current_revision, r.release_at) for r in rows]
        # RETURNING the draft id too, not in parameter order: SQLite then inserts the rows in one statement
        # instead of one each (a claim holds each post once, so the draft id names its attempt).
        made = dict(s.execute(insert(ReleaseAttempt).returning(ReleaseAttempt.draft_id, ReleaseAttempt.id), [
            {"draft_id": r.id, "revision": r.current_revision, "idempotency_key": key, "release_at": r.release_at,
             "worker": WORKER_ID, "started_at": now, "outcome": "claimed"} for r, key in zip(rows, keys)]).all())
        attempt_ids = [made[r.id] for r in rows]
        t = Draft.__table__
        s.execute(update(t).where(t.c.id == bindparam("b_id"))
                  .values(release_claimed_until=lease_until, release_claim=bindparam("b_claim"),
                          version=t.c.version + 1),
                  [{"b_id": r.id, "b_claim": a} for r, a in zip(rows, attempt_ids)])
    return [Claim(r.id, key, lease_until, a) for r, key, a in zip(rows, keys, attempt_ids)]


def release_batch(db, settings, publisher, pool, claims: list[Claim], clock, timeout: float,
                  lease_length: timedelta | None = None, concurrency: int | None = None) -> tuple[int, bool]:
    """Re-check, publish and record one claimed batch: (posts handled, whether every post was tried).

    This thread does all the database work, one short transaction per turn of
    its loop: it records every answer that has arrived since the last turn (as
    soon as they arrive: the loop waits for the first answer, never for a set)
    and, in the same transaction, reads the claims of the posts it is about to
    hand to the free publishing threads (at most `concurrency` calls in
    flight); a call starts only after that read, on a claim still ours. While
    it waits it renews the leases of the posts not recorded yet.
    """
    lease = Lease(db, claims, lease_length or (claims[0].lease_until - clock()), clock)
    concurrency = concurrency or getattr(pool, "_max_workers", 1)
    try:
        # The session keeps objects across commits (expire_on_commit=False); roles, holds and
        # consents may have changed since, and a stale read here would release what must be held.
        db.session.expire_all()
        with db.transaction() as s:
            ready, held = prepare_batch(s, settings, claims, clock())
            masking = masking_on(s)
    except Exception as e:  # a broken batch must not stop the worker; its leases expire and it is retried
        log.error("release of %d posts failed before publishing: %s", len(claims), type(e).__name__)
        return 0, False
    if ready is None:
        return 0, False
    gate = PublishGate(db, clock, lease, timeout)
    waiting, flying, not_started, answers, handled = list(reversed(ready)), {}, [], [], held
    while waiting or flying or answers:
        free = min(concurrency - len(flying), len(waiting))
        group = [waiting.pop() for _ in range(free)] if free > 0 and gate.may_start() else []
        if gate.why_not is not None:
            not_started.extend(group + list(reversed(waiting)))
            group, waiting = [], []
        ours = _record_and_check(db, gate, lease, answers, group, clock, masking)
        handled += len(answers)
        for r in group:
            if r.claim.attempt_id in ours:
                flying[pool.submit(call, publisher, r.payload, r.claim.key)] = r
        lost = [(r, None) for r in group if r.claim.attempt_id not in ours]
        if lost:
            _record(db, lease, lost, clock, masking, "lease lost before the call: not sent")
            handled += len(lost)
        answers = []
        if flying:
            done, _ = wait(flying, timeout=lease.interval, return_when=FIRST_COMPLETED)
            answers = [(flying.pop(f), f.result()) for f in done]   # recorded at the top of the next turn
        lease.beat()
    if not_started:
        with db.transaction() as s:
            record_batch(s, [(r.claim, None) for r in not_started], clock(), gate.why_not, masking=masking)
    return handled, not not_started


def _record_and_check(db, gate: PublishGate, lease: Lease, answers: list, group: list[Ready], clock,
                      masking: bool) -> set[int]:
    """Record `answers` [(Ready, PublishResult)] and read which claims of `group` are still ours, in one
    transaction: the attempt ids that may be sent now."""
    if not answers and not group:
        return set()
    try:
        with db.transaction() as s:
            now = clock()
            # The read first: the record ends with the audit append, which holds the chain's one lock till commit.
            ours = held_claims(s, [r.claim.attempt_id for r in group], now)
            record_batch(s, [(r.claim, result) for r, result in answers], now, None, masking=masking)
    except FenceBroken as e:   # nothing recorded; the leases run out and the posts are retried
        log.error("%s", e)
        ours = (gate.check_many([r.claim for r in group]) if group else None) or set()
    for r, _ in answers:
        lease.settle(r.claim.attempt_id)
    return ours


def _record(db, lease: Lease, outcomes: list, clock, masking: bool, why_not=None) -> None:
    try:
        with db.transaction() as s:
            record_batch(s, [(r.claim, result) for r, result in outcomes], clock(), why_not, masking=masking)
    except FenceBroken as e:   # nothing recorded; the leases run out and the posts are retried
        log.error("%s", e)
    for r, _ in outcomes:
        lease.settle(r.claim.attempt_id)


def prepare_batch(s: Session, settings, claims: list[Claim], now: datetime) -> tuple[list[Ready] | None, int]:
    """The posts to publish and how many were held; (None, 0) when frozen since the claim."""
    found = RC.load_candidates(s, [c.draft_id for c in claims])
    mine, lost = [], []
    for c in claims:
        cand = found.get(c.draft_id)
        ours = cand is not None and cand.draft.state == State.SCHEDULED.value \
            and cand.draft.release_claim == c.attempt_id and cand.draft.release_claimed_until is not None
        (mine if ours else lost).append(c)
    finish_attempts(s, [(c.attempt_id, "failed", "unscheduled or taken over before publishing", None)
                        for c in lost], now)
    rules = RC.load_rules(s, settings, [c.draft_id for c in mine])
    if freeze_state(s):  # frozen after the claim: leave them for whoever lifts the freeze
        s.execute(update(Draft).where(Draft.id.in_([c.draft_id for c in mine]))
                  .values(release_claimed_until=None, release_claim=None, version=Draft.version + 1)
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
        held.release_claimed_until = held.release_claim = None
        hold_draft(s, held, reason=reason, now=now, source_hold_id=source)
        finish_attempts(s, [(claim.attempt_id, "held", reason, None)], now)
        return None, True
    payload = build_payload(draft, cand.revision, channels=draft.channels, approvals=cand.approvals,
                            base_url=settings.base_url, secret=settings.secret_key, now=now, served=served)
    return Ready(claim, payload), False


__all__ = ["Claim", "Lease", "PublishGate", "claim_due", "claim_lease", "prepare_batch", "release_batch",
           "release_due"]
