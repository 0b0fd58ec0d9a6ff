"""The batch path of the release worker: one post held or failing among others, lost leases, the publish gate."""
from __future__ import annotations

import itertools
import time
from concurrent.futures import Future
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from reviewq.extensions import db
from reviewq.models import AuditEvent, Consent, Draft, ReleaseAttempt, ReleaseHold, draft_consents
from reviewq.models.audit import verify_chain
from reviewq.publishers import publisher_for
from reviewq.releases import freeze
from reviewq.releases.record import LEASE_LOST, record_batch
from reviewq.releases.job import (SQLITE_MAX_BATCH, PublishGate, claim_due, claim_lease, prepare_batch,
                                             release_batch, release_due)
from reviewq.releases.rules import release_rules, update_release_rules
from tests.integration.test_release_worker import _due, _fresh, _many_due, receiver, team  # noqa: F401 (fixtures)


def _actions(session, draft_id):
    return session.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == draft_id)
                           .order_by(AuditEvent.seq)).all()


def _chain_ok(session):
    checked, broken, reason = verify_chain(session)
    assert broken is None and reason == "" and checked > 0


def test_one_post_failing_its_recheck_is_held_and_the_rest_of_the_batch_goes_out(app, factory, session, team,
                                                                                   receiver):
    a, bad, c = _due(factory, session, team), _due(factory, session, team), _due(factory, session, team)
    consent = Consent(subject_name="Jane Roe", covers=["name"], created_by_id=team["comms"].id,
                      revoked_at=factory.now)
    session.add(consent)
    session.flush()
    session.execute(draft_consents.insert().values(draft_id=bad.id, consent_id=consent.id))
    session.commit()
    assert release_due(db, app.config["REVIEWQ"], factory.now + timedelta(minutes=10)) == 3
    assert [_fresh(session, d).state for d in (a, bad, c)] == ["published", "scheduled", "published"]
    assert {int(h["Idempotency-Key"].split("-")[1]) for h, _ in receiver.requests} == {a.id, c.id}
    [hold] = session.scalars(select(ReleaseHold).where(ReleaseHold.draft_id == bad.id)).all()
    assert f"Consent record #{consent.id}" in hold.reason and _fresh(session, bad).release_claimed_until is None
    assert _actions(session, a.id)[-1] == "release.publish" and _actions(session, c.id)[-1] == "release.publish"
    assert _actions(session, bad.id)[-1] == "release.hold"
    outcomes = dict(session.execute(select(ReleaseAttempt.draft_id, ReleaseAttempt.outcome)).all())
    assert outcomes == {a.id: "published", bad.id: "held", c.id: "published"}
    _chain_ok(session)


def test_webhook_failing_for_some_posts_keeps_only_those_scheduled_for_a_retry(app, factory, session, team, receiver):
    posts = [_due(factory, session, team) for _ in range(4)]
    receiver.fail_drafts = {posts[1].id, posts[3].id}
    t = factory.now + timedelta(minutes=10)
    assert release_due(db, app.config["REVIEWQ"], t) == 4
    states = [_fresh(session, d) for d in posts]
    assert [d.state for d in states] == ["published", "scheduled", "published", "scheduled"]
    for d in (states[1], states[3]):
        assert d.release_attempts == 1 and "HTTP 503" in d.release_error and d.release_claimed_until is None
        assert t + timedelta(seconds=1) <= d.next_attempt_at < t + timedelta(seconds=3)   # the first retry is quick
        assert _actions(session, d.id)[-1] == "release.fail"
    assert states[0].publisher_ref.startswith("post-release-") and states[0].release_error is None
    receiver.fail_drafts = set()
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(minutes=2)) == 2
    assert all(_fresh(session, d).state == "published" for d in posts)
    keys = [h["Idempotency-Key"] for h, _ in receiver.requests]
    assert len(keys) == 6 and len(set(keys)) == 4 and set(receiver.accepted.values()) == {1}
    _chain_ok(session)


def _claim_and_publish(app, session, t):
    """Worker A: claim, re-check and publish a batch, but do not record yet (it stalls)."""
    rules = release_rules(session)
    claims = claim_due(db, t, rules)
    with db.transaction() as s:
        ready, held = prepare_batch(s, app.config["REVIEWQ"], claims, t)
    publisher = publisher_for(app.config["REVIEWQ"])
    results = [publisher.publish(r.payload, r.claim.key) for r in ready]
    assert held == 0 and all(r.ok for r in results)
    return claims, results, claim_lease(rules)


def test_worker_that_lost_its_lease_mid_batch_marks_nothing_published(app, factory, session, team, receiver):
    posts = [_due(factory, session, team) for _ in range(3)]
    t = factory.now + timedelta(minutes=10)
    claims_a, results_a, lease = _claim_and_publish(app, session, t)
    later = t + lease + timedelta(seconds=1)
    claims_b = claim_due(db, later, release_rules(session))          # worker B takes the expired leases over
    assert sorted(c.draft_id for c in claims_b) == sorted(d.id for d in posts)
    with db.transaction() as s:                                          # A wakes up and records
        record_batch(s, list(zip(claims_a, results_a)), later, None)
    for d in posts:
        d = _fresh(session, d)
        assert d.state == "scheduled" and d.published_at is None and d.release_claimed_until == claims_b[0].lease_until
        assert "release.publish" not in _actions(session, d.id)
    a_rows = session.scalars(select(ReleaseAttempt).where(ReleaseAttempt.id.in_([c.attempt_id for c in claims_a])))
    assert {(r.outcome, r.error) for r in a_rows} == {("published", LEASE_LOST)}
    # B finishes the job with the same keys; the publisher shows one post per key.
    done, complete = release_batch(db, app.config["REVIEWQ"], publisher_for(app.config["REVIEWQ"]),
                                   _Inline(), claims_b, lambda: later, 10.0)
    assert (done, complete) == (3, True)
    assert all(_fresh(session, d).state == "published" for d in posts)
    assert [_actions(session, d.id).count("release.publish") for d in posts] == [1, 1, 1]
    # Both workers sent each post, with the same key: a publisher honouring it shows three posts.
    assert sorted(c.key for c in claims_a) == sorted(c.key for c in claims_b) == sorted(receiver.accepted)
    assert set(receiver.accepted.values()) == {2}
    _chain_ok(session)


def test_stalled_worker_whose_lease_nobody_took_still_records(app, factory, session, team, receiver):
    d = _due(factory, session, team)
    t = factory.now + timedelta(minutes=10)
    claims, results, lease = _claim_and_publish(app, session, t)
    with db.transaction() as s:
        record_batch(s, list(zip(claims, results)), t + lease + timedelta(seconds=5), None)
    assert _fresh(session, d).state == "published"


class _Inline:
    """submit() running the call in the calling thread (a stand-in for the worker's thread pool)."""

    _max_workers = 1

    def submit(self, fn, *args):
        future = Future()
        future.set_result(fn(*args))
        return future


def test_posts_the_lease_cannot_cover_are_not_started_and_are_given_back(app, factory, session, team, receiver):
    posts = [_due(factory, session, team) for _ in range(2)]
    t = factory.now + timedelta(minutes=10)
    claims = claim_due(db, t, release_rules(session))
    lease = claim_lease(release_rules(session))
    times = itertools.chain([t], itertools.repeat(t + lease))   # the pass stalls between re-check and publishing
    done, complete = release_batch(db, app.config["REVIEWQ"], publisher_for(app.config["REVIEWQ"]), _Inline(),
                                   claims, lambda: next(times), 10.0, lease)
    assert (done, complete) == (0, False) and receiver.requests == []
    for d in posts:
        d = _fresh(session, d)
        assert d.state == "scheduled" and d.release_claimed_until is None and d.release_attempts == 0
    errors = set(session.scalars(select(ReleaseAttempt.error)).all())
    assert errors == {"not started: the lease would have run out during the call"}
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(minutes=1)) == 2          # the next pass sends them
    assert all(_fresh(session, d).state == "published" for d in posts)


@pytest.mark.commits  # the gate reads the freeze on its own connection, as it does from a publisher thread
def test_freeze_during_a_batch_stops_the_calls_not_yet_started(app, factory, session, team):
    d = _due(factory, session, team)
    t = factory.now + timedelta(minutes=10)
    gate = PublishGate(db, lambda: t, t + timedelta(minutes=2), 10.0)
    assert gate.may_start()
    freeze.freeze_releases(session, team["comms"], reason="incident", now=factory.now)
    session.commit()
    gate.checked = time.monotonic() - 5      # a second has passed since the gate last read the freeze
    assert not gate.may_start() and gate.why_not == "crisis freeze"
    assert _fresh(session, d).state == "scheduled"


def test_claims_are_capped_on_sqlite(app, factory, session, team):
    _many_due(factory, session, team, SQLITE_MAX_BATCH + 5)
    update_release_rules(session, factory.user("admin"), {"batch": 100}, now=factory.now,
                         reason="Bigger batches")
    session.commit()
    claims = claim_due(db, factory.now + timedelta(minutes=10), release_rules(session))
    assert len(claims) == (SQLITE_MAX_BATCH + 5 if db.is_postgres else SQLITE_MAX_BATCH)
    assert len({c.attempt_id for c in claims}) == len(claims)


class _TakesOverTheNext:
    """The real webhook publisher; while its first call is out, another worker takes the next post's claim over."""

    def __init__(self, settings, next_draft_id: int):
        self.inner, self.next_draft_id, self.calls = publisher_for(settings), next_draft_id, 0

    def publish(self, payload, key):
        self.calls += 1
        result = self.inner.publish(payload, key)
        if self.calls == 1:
            with db.transaction() as s:
                s.execute(update(Draft).where(Draft.id == self.next_draft_id).values(release_claim=-1))
        return result


def test_a_claim_taken_over_before_its_call_is_never_sent(app, factory, session, team, receiver):
    first, second = _due(factory, session, team), _due(factory, session, team)
    t = factory.now + timedelta(minutes=10)
    claims = claim_due(db, t, release_rules(session))
    publisher = _TakesOverTheNext(app.config["REVIEWQ"], second.id)
    done, complete = release_batch(db, app.config["REVIEWQ"], publisher, _Inline(), claims, lambda: t, 10.0)
    assert (done, complete) == (2, True) and publisher.calls == 1
    assert [int(h["Idempotency-Key"].split("-")[1]) for h, _ in receiver.requests] == [first.id]
    assert _fresh(session, first).state == "published"
    taken = _fresh(session, second)   # left to the worker holding it now: nothing written by this one
    assert taken.state == "scheduled" and taken.release_claim == -1 and taken.release_attempts == 0
    errors = dict(session.execute(select(ReleaseAttempt.draft_id, ReleaseAttempt.error)).all())
    assert errors == {first.id: None, second.id: "lease lost before the call: not sent"}


@pytest.mark.commits  # the publishing threads and the worker's thread each use their own connection
def test_each_answer_is_recorded_as_it_arrives_not_when_the_batch_ends(app, factory, session, team, receiver):
    slow, fast = _due(factory, session, team), _due(factory, session, team)
    receiver.delay_drafts = {slow.id: 1.5}
    assert release_due(db, app.config["REVIEWQ"], factory.now + timedelta(minutes=10)) == 2
    slow, fast = _fresh(session, slow), _fresh(session, fast)
    assert slow.state == fast.state == "published"
    # The clock of a pass moves on with real time: the fast post was recorded while the slow call was out.
    assert slow.published_at - fast.published_at >= timedelta(seconds=1)
    finished = dict(session.execute(select(ReleaseAttempt.draft_id, ReleaseAttempt.finished_at)).all())
    assert finished[slow.id] - finished[fast.id] >= timedelta(seconds=1)
