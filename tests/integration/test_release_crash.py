"""Releases on time after a crash: results recorded per post, fencing by claim token, heartbeat, quick first retry.

The publisher is a real webhook receiver on a loopback port; time is passed in.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.extensions import db
from reviewq.models import Draft, ReleaseAttempt
from reviewq.publishers import publisher_for
from reviewq.publishers import PublishResult
from reviewq.releases.job import Lease, PublishGate, claim_due, claim_lease, prepare_batch, release_batch, release_due
from reviewq.releases.record import NOT_OURS, record_batch
from reviewq.releases.rules import release_rules, update_release_rules
from tests.conftest import AUDIT_KEY
from tests.integration.test_release_worker import SECRET, _due, _fresh, receiver, team  # noqa: F401 (fixtures)
from tests.integration.test_release_worker_batch import _Inline, _actions


def _keys(receiver):
    return [h["Idempotency-Key"] for h, _ in receiver.requests]


def test_worker_whose_lease_was_taken_over_records_nothing_and_does_not_post(app, factory, session, team, receiver):
    posts = [_due(factory, session, team) for _ in range(2)]
    t = factory.now + timedelta(minutes=10)
    rules = release_rules(session)
    claims_a = claim_due(db, t, rules)                       # worker A claims and re-checks, then stalls
    with db.transaction() as s:
        ready, _ = prepare_batch(s, app.config["REVIEWQ"], claims_a, t)
    later = t + claim_lease(rules) + timedelta(seconds=1)
    claims_b = claim_due(db, later, rules)                   # worker B takes the posts over
    assert sorted(c.draft_id for c in claims_b) == sorted(d.id for d in posts)
    # A wakes up believing it is still early (its clock says t + 1 s): the claim it reads right before
    # each POST says otherwise, so it sends nothing.
    gate = PublishGate(db, lambda: t + timedelta(seconds=1), t + claim_lease(rules), 10.0)
    publisher = publisher_for(app.config["REVIEWQ"])
    assert [gate.publish(publisher, r.payload, r.claim.key, r.claim.attempt_id) for r in ready] == [NOT_OURS] * 2
    # A's next pass over the same claims, and its recording of results it might have had, change nothing.
    done, complete = release_batch(db, app.config["REVIEWQ"], publisher, _Inline(),
                                   claims_a, lambda: t + timedelta(seconds=1), 10.0, claim_lease(rules))
    with db.transaction() as s:
        record_batch(s, [(c, PublishResult(True, ref="x")) for c in claims_a], later, None)
    assert receiver.requests == []                           # A never POSTs
    for d, b in zip(sorted(posts, key=lambda d: d.id), sorted(claims_b)):
        d = _fresh(session, d)
        assert d.state == "scheduled" and d.release_claim == b.attempt_id and d.release_claimed_until == b.lease_until
        assert d.release_attempts == 0 and d.release_error is None and d.publisher_ref is None
        assert "release.publish" not in _actions(session, d.id)
    # B sends each post once.
    done, complete = release_batch(db, app.config["REVIEWQ"], publisher_for(app.config["REVIEWQ"]), _Inline(),
                                   claims_b, lambda: later, 10.0, claim_lease(rules))
    assert (done, complete) == (2, True)
    assert sorted(_keys(receiver)) == sorted(c.key for c in claims_b) and set(receiver.accepted.values()) == {1}
    assert all(_fresh(session, d).state == "published" for d in posts)


def test_heartbeat_renews_only_the_leases_still_held(app, factory, session, team):
    a, b = _due(factory, session, team), _due(factory, session, team)
    t = factory.now + timedelta(minutes=10)
    rules = release_rules(session)
    length = claim_lease(rules)
    assert length == timedelta(seconds=15)                   # the default: a dead worker's posts wait 15 s at most
    ca, cb = sorted(claim_due(db, t, rules))
    lease_a = Lease(db, [ca], length, lambda: t + timedelta(seconds=10))
    lease_a.renew()                                          # A's heartbeat at t + 10 s
    assert _fresh(session, a).release_claimed_until == t + timedelta(seconds=10) + length == lease_a.until
    assert _fresh(session, b).release_claimed_until == t + length   # b's holder stopped beating
    takeover = t + length + timedelta(seconds=1)
    [cb2] = claim_due(db, takeover, rules)                   # only b is free: a is still renewed
    assert cb2.draft_id == b.id
    lease_b = Lease(db, [cb], length, lambda: takeover + timedelta(seconds=1))
    lease_b.renew()                                          # the old holder of b beats again: nothing renewed
    assert lease_b.open == set() and _fresh(session, b).release_claimed_until == cb2.lease_until
    assert _fresh(session, b).release_claim == cb2.attempt_id


def test_first_retries_are_quick_then_back_off(app, factory, session, team, receiver):
    d = _due(factory, session, team)
    receiver.fail_drafts = {d.id}
    t = factory.now + timedelta(minutes=10)
    assert release_due(db, app.config["REVIEWQ"], t) == 1
    first = _fresh(session, d)
    assert first.state == "scheduled" and first.release_attempts == 1
    assert t + timedelta(seconds=1) <= first.next_attempt_at < t + timedelta(seconds=2)       # 1 s
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=0.5)) == 0   # not yet
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=2)) == 1     # retried a second later
    second = _fresh(session, d)
    assert second.release_attempts == 2
    assert t + timedelta(seconds=4) <= second.next_attempt_at < t + timedelta(seconds=5)      # then 2 s
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=3.5)) == 0
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=5)) == 1
    third = _fresh(session, d)
    assert third.release_attempts == 3 and third.next_attempt_at >= t + timedelta(seconds=15)     # then 10 s
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=14)) == 0
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=16)) == 1
    fourth = _fresh(session, d)
    assert fourth.release_attempts == 4 and fourth.next_attempt_at >= t + timedelta(seconds=46)   # then 30 s
    receiver.fail_drafts = set()
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=50)) == 1
    assert _fresh(session, d).state == "published" and len(receiver.requests) == 5
    assert len({h["Idempotency-Key"] for h, _ in receiver.requests}) == 1   # one key for every try


@pytest.mark.commits  # the worker runs as a subprocess on its own connection
def test_killed_worker_loses_only_the_post_in_flight_and_another_takes_it_within_seconds(
        app, factory, session, team, receiver, tmp_path, migrated):
    posts = [_due(factory, session, team) for _ in range(3)]
    update_release_rules(session, factory.user("admin"), {"publish_concurrency": 1}, now=factory.now,
                         reason="One call at a time")
    session.commit()
    receiver.script = [(200, 0), (200, 0), (500, 30)]        # the third call hangs: the worker is killed meanwhile
    t = factory.now + timedelta(minutes=10)
    env = {**os.environ, "REVIEWQ_DATABASE_URL": migrated, "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"),
           "REVIEWQ_SECRET_KEY": "test-secret", "REVIEWQ_AUDIT_KEY": AUDIT_KEY,
           "REVIEWQ_PUBLISH_WEBHOOK_URL": receiver.url, "REVIEWQ_PUBLISH_WEBHOOK_SECRET": SECRET}
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "reviewq", "worker", "--once", "--now", t.isoformat()], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while len(receiver.requests) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert len(receiver.requests) == 3, proc.stderr.read().decode()[-2000:] if proc.poll() is not None else ""
        time.sleep(0.3)                                      # the first two answers are recorded by now
        os.kill(proc.pid, signal.SIGKILL)
        elapsed = time.monotonic() - started
    finally:
        proc.kill()
        proc.wait(30)
    first, second, third = sorted(posts, key=lambda d: d.id)
    assert [_fresh(session, d).state for d in (first, second, third)] == ["published", "published", "scheduled"]
    stuck = _fresh(session, third)
    assert stuck.release_claim is not None
    assert stuck.release_claimed_until <= t + timedelta(seconds=elapsed + 15)   # the dead worker's lease: 15 s
    assert release_due(db, app.config["REVIEWQ"], stuck.release_claimed_until - timedelta(seconds=1)) == 0
    assert release_due(db, app.config["REVIEWQ"], stuck.release_claimed_until + timedelta(seconds=1)) == 1
    assert [_fresh(session, d).state for d in posts] == ["published"] * 3
    keys = _keys(receiver)
    assert len(keys) == 4 and len(set(keys)) == 3            # only the call in flight at the kill is sent again
    assert keys[3] == keys[2] and keys[3].startswith(f"release-{third.id}-")
    assert set(receiver.accepted.values()) == {1}
