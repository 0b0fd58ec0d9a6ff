"""The release worker: outbox folder and webhook publishing, retries, freeze, holds, re-checks, leases."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from reviewq.extensions import db
from reviewq.models import AuditEvent, Consent, Draft, ReleaseAttempt, ReleaseHold, Setting, draft_consents
from reviewq.releases import freeze, holds, queries
from reviewq.releases.job import claim_due, release_due
from reviewq.releases.operations import schedule_release
from reviewq.releases.rules import release_rules, update_release_rules

SECRET = "webhook-secret"


class _Server(ThreadingHTTPServer):
    # Workers publish from several threads each; socketserver's default accept queue of 5
    # would reset connections of a burst before the handler ever sees them.
    request_queue_size = 128


class Receiver:
    """A local publisher: records every request; `script` says how to answer the next ones."""

    def __init__(self):
        self.requests, self.accepted, self.script = [], {}, []
        self.fail_drafts: set[int] = set()   # always answer 503 for these drafts
        self.delay_drafts: dict[int, float] = {}   # answer these drafts this many seconds late
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((dict(self.headers), body))
                status, delay = outer.script.pop(0) if outer.script else (200, 0)
                if json.loads(body)["draft_id"] in outer.fail_drafts:
                    status = 503
                time.sleep(delay + outer.delay_drafts.get(json.loads(body)["draft_id"], 0))
                key = self.headers["Idempotency-Key"]
                if 200 <= status < 300:  # honour the key like a real publisher: one post per key
                    outer.accepted[key] = outer.accepted.get(key, 0) + 1
                reply = (json.dumps({"id": f"post-{key}"}) if status < 300
                         else "upstream broke: " + json.loads(body)["text"]).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except OSError:
                    pass

            def log_message(self, *a):
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/publish"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(app):
    r = Receiver()
    cfg = app.config["REVIEWQ"]
    cfg.publish_webhook_url, cfg.publish_webhook_secret = r.url, SECRET
    yield r
    r.close()


@pytest.fixture
def team(factory):
    return factory.approvers()


def _due(factory, session, team, minutes=5, **kw):
    d = factory.approved_draft(approvers=team, **kw)
    schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(minutes=minutes),
                     now=factory.now)
    session.commit()
    return d


def _run(app, factory, minutes=10):
    return release_due(db, app.config["REVIEWQ"], factory.now + timedelta(minutes=minutes))


def _fresh(session, d):
    session.expire_all()
    return session.get(Draft, d.id)


def test_due_post_goes_to_the_outbox_folder_once(app, factory, session, team):
    d = _due(factory, session, team)
    later = _due(factory, session, team, minutes=60)
    assert _run(app, factory) == 1
    d = _fresh(session, d)
    assert d.state == "published" and d.published_at is not None and d.release_error is None
    outbox = app.config["REVIEWQ"].outbox_dir
    [f] = list(outbox.glob("*.json"))
    data = json.loads(f.read_text())
    assert data["draft_id"] == d.id and data["text"] == d.body and data["channels"] == ["facebook"]
    assert data["release_at"].endswith("Z") and {a["stage"] for a in data["approvals"]} == {"review", "legal",
                                                                                         "comms"}
    assert f.name == data["idempotency_key"] + ".json" and d.publisher_ref == f"outbox:{f.name}"
    assert _run(app, factory) == 0
    assert _fresh(session, later).state == "scheduled"
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == d.id)).all()[-1] \
        == "release.publish"


def test_a_worker_pass_runs_without_a_flask_app(app, factory, session, team, tmp_path):
    """run_once(db, settings, now): every job takes the database, the settings and the time; no app context."""
    from flask import has_app_context

    from reviewq.worker import run_once
    d = _due(factory, session, team)
    seen = {}

    def work():   # a new thread starts with no Flask context at all
        seen["flask"] = has_app_context()
        seen["done"] = run_once(db, app.config["REVIEWQ"], factory.now + timedelta(minutes=10))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert seen["flask"] is False
    assert seen["done"] == {"scans": 0, "slack": 0, "mail": 0, "reminders": 0, "releases": 1, "audit": 1,
                            "originals": 0, "heartbeat": 0}  # audit: a checkpoint
    assert _fresh(session, d).state == "published"


def test_webhook_is_signed_and_carries_the_idempotency_key(app, factory, session, team, receiver):
    d = _due(factory, session, team)
    assert _run(app, factory) == 1
    [(headers, body)] = receiver.requests
    assert headers["X-Reviewq-Signature"] == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    data = json.loads(body)
    key = headers["Idempotency-Key"]
    assert key == f"release-{d.id}-r{d.current_revision}-{int(d.release_at.timestamp())}"
    assert set(data) >= {"draft_id", "revision", "text", "channels", "release_at", "attachments", "approvals"}
    assert _fresh(session, d).publisher_ref == f"post-{key}"


def test_500_then_success_publishes_exactly_once(app, factory, session, team, receiver):
    d = _due(factory, session, team)
    receiver.script = [(500, 0)]
    assert _run(app, factory) == 1
    d = _fresh(session, d)
    assert d.state == "scheduled" and d.release_attempts == 1 and "HTTP 500" in d.release_error
    assert _run(app, factory, minutes=10) == 0          # backing off: not retried at once
    assert _run(app, factory, minutes=12) == 1          # 30 s backoff long past
    d = _fresh(session, d)
    assert d.state == "published" and d.release_error is None
    keys = [h["Idempotency-Key"] for h, _ in receiver.requests]
    assert len(keys) == 2 and len(set(keys)) == 1 and receiver.accepted == {keys[0]: 1}
    outcomes = session.scalars(select(ReleaseAttempt.outcome).order_by(ReleaseAttempt.id)).all()
    assert outcomes == ["failed", "published"]


def test_slow_endpoint_times_out_and_is_retried(app, factory, session, team, receiver):
    update_release_rules(session, factory.user("admin"), {"webhook_timeout_seconds": 0.3}, now=factory.now,
                         reason="Short timeout for the test")
    session.commit()
    d = _due(factory, session, team)
    receiver.script = [(200, 1.5)]
    _run(app, factory)
    d = _fresh(session, d)
    assert d.state == "scheduled" and "did not answer within 0.3 s" in d.release_error
    _run(app, factory, minutes=12)
    assert _fresh(session, d).state == "published"
    assert len({h["Idempotency-Key"] for h, _ in receiver.requests}) == 1


def test_endpoint_down_keeps_the_post_scheduled(app, factory, session, team):
    app.config["REVIEWQ"].publish_webhook_url = "http://127.0.0.1:9/nothing-listens-here"
    d = _due(factory, session, team)
    _run(app, factory)
    d = _fresh(session, d)
    assert d.state == "scheduled" and "could not reach the publisher" in d.release_error


def test_phi_is_masked_in_stored_error_texts(app, factory, session, team, receiver):
    d = _due(factory, session, team)
    rev = d.revision
    rev.findings = [{"check": "phi", "category": "name", "severity": "warn", "start": 0, "end": 9}]
    session.commit()
    receiver.script = [(502, 0)]
    _run(app, factory)
    err = _fresh(session, d).release_error
    assert "█████████" in err and rev.body[:9] not in err and rev.body[9:20] in err


def test_nothing_is_released_while_frozen_and_lifting_needs_confirmation(app, factory, session, team):
    a, b = _due(factory, session, team), _due(factory, session, team, minutes=6)
    comms = team["comms"]
    freeze.freeze_releases(session, comms, reason="Incident at the main campus", now=factory.now)
    session.commit()
    assert _run(app, factory) == 0
    assert _fresh(session, a).state == "scheduled" and not list(app.config["REVIEWQ"].outbox_dir.glob("*"))
    assert [p.id for p in queries.overdue_posts(session, factory.now + timedelta(minutes=10))] == [a.id, b.id]
    lifted = freeze.lift_freeze(session, comms, now=factory.now + timedelta(minutes=10), release_ids=[a.id],
                                 reason="All clear")
    session.commit()
    assert (lifted.released, lifted.held) == ([a.id], [b.id])
    assert _run(app, factory, minutes=11) == 1
    assert _fresh(session, a).state == "published" and _fresh(session, b).state == "scheduled"
    # Rescheduling the held one lifts its hold.
    schedule_release(session, comms, b.id, release_at=factory.now + timedelta(minutes=20),
                     now=factory.now + timedelta(minutes=11))
    session.commit()
    assert _run(app, factory, minutes=21) == 1 and _fresh(session, b).state == "published"
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("release.freeze") == 2 and "release.hold" in actions


def test_freeze_after_claim_is_seen_before_publishing(app, factory, session, team):
    d = _due(factory, session, team)
    [claim] = claim_due(db, factory.now + timedelta(minutes=10), release_rules(session))
    freeze.freeze_releases(session, team["comms"], reason="now", now=factory.now)
    session.commit()
    from reviewq.releases.job import prepare_batch
    with db.transaction() as s:
        assert prepare_batch(s, app.config["REVIEWQ"], [claim], factory.now + timedelta(minutes=10)) == (None, 0)
    assert _fresh(session, d).state == "scheduled" and _fresh(session, d).release_claimed_until is None


def test_targeted_hold_holds_matching_posts_until_lifted(app, factory, session, team):
    held = _due(factory, session, team, body="Our #Maternity unit welcomes visitors again.")
    free = _due(factory, session, team)
    hold = holds.place_hold(session, team["comms"], "term", "maternity", reason="pause all maternity posts",
                        now=factory.now)
    session.commit()
    assert _run(app, factory) == 2
    assert _fresh(session, held).state == "scheduled" and _fresh(session, free).state == "published"
    assert [d.id for d in queries.held_by(session, hold.id)] == [held.id]
    assert _run(app, factory, minutes=30) == 0       # held posts are not retried by themselves
    lifted = holds.lift_hold(session, team["comms"], hold.id, now=factory.now, release_ids=[held.id])
    session.commit()
    assert lifted.released == [held.id]
    assert _run(app, factory, minutes=31) == 1 and _fresh(session, held).state == "published"


def test_revoked_consent_holds_the_post(app, factory, session, team):
    d = _due(factory, session, team)
    c = Consent(subject_name="Jane Roe", covers=["name"], created_by_id=team["comms"].id,
                revoked_at=factory.now)
    session.add(c)
    session.flush()
    session.execute(draft_consents.insert().values(draft_id=d.id, consent_id=c.id))
    session.commit()
    assert _run(app, factory) == 1
    d = _fresh(session, d)
    [h] = session.scalars(select(ReleaseHold).where(ReleaseHold.draft_id == d.id)).all()
    assert d.state == "scheduled" and "revoked" in h.reason


def test_tightened_policy_holds_the_post(app, factory, session, team):
    d = _due(factory, session, team)
    session.add(Setting(key="policy", value={"channel_limits": {"facebook": 10}}))
    session.commit()
    _run(app, factory)
    [h] = session.scalars(select(ReleaseHold).where(ReleaseHold.draft_id == d.id)).all()
    assert _fresh(session, d).state == "scheduled" and "policy" in h.reason and "platform" in h.reason


def test_scheduler_who_lost_comms_role_holds_the_post(app, factory, session, team):
    d = _due(factory, session, team)
    from reviewq.models import UserRole
    session.execute(UserRole.__table__.delete().where(UserRole.user_id == team["comms"].id))
    session.commit()
    _run(app, factory)
    [h] = session.scalars(select(ReleaseHold).where(ReleaseHold.draft_id == d.id)).all()
    assert "comms role" in h.reason and _fresh(session, d).state == "scheduled"


def test_expired_approvals_hold_the_post(app, factory, session, team):
    d = _due(factory, session, team)
    update_release_rules(session, factory.user("admin"), {"approval_max_age_days": 1}, now=factory.now,
                         reason="Approvals expire after a day")
    session.commit()
    release_due(db, app.config["REVIEWQ"], factory.now + timedelta(days=2))
    [h] = session.scalars(select(ReleaseHold).where(ReleaseHold.draft_id == d.id)).all()
    assert "older than 1 days" in h.reason


def test_abandoned_claim_is_retried_with_the_same_key_after_its_lease(app, factory, session, team, receiver):
    d = _due(factory, session, team)
    t = factory.now + timedelta(minutes=10)
    [claim] = claim_due(db, t, release_rules(session))   # a worker claims, then dies
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=5)) == 0    # lease still running: nobody else takes it
    assert release_due(db, app.config["REVIEWQ"], t + timedelta(seconds=16)) == 1   # lease (15 s, not renewed) ran out
    [(headers, _)] = receiver.requests
    assert headers["Idempotency-Key"] == claim[1]
    assert _fresh(session, d).state == "published"
    keys = session.scalars(select(ReleaseAttempt.idempotency_key)).all()
    assert keys == [claim[1], claim[1]]


def _many_due(factory, session, team, n):
    """n approved posts scheduled for the same minute (built once, then copied row by row for speed)."""
    from reviewq.models import Decision, Revision
    proto = _due(factory, session, team)
    rev, decisions = proto.revision, proto.standing_approvals()
    ids = [proto.id]
    for _ in range(n - 1):
        d = Draft(author_id=proto.author_id, channels=proto.channels, state="scheduled", current_revision=1,
                  reached=4, release_at=proto.release_at, scheduled_by_id=proto.scheduled_by_id)
        session.add(d)
        session.flush()
        session.add(Revision(draft_id=d.id, number=1, body=rev.body, channels=rev.channels, attachments=[],
                             content_hash=rev.content_hash, findings=[], created_by_id=proto.author_id))
        for a in decisions:
            session.add(Decision(draft_id=d.id, revision_number=1, stage=a.stage, user_id=a.user_id,
                                 decision="approve", created_at=a.created_at))
        ids.append(d.id)
    session.commit()
    return ids


@pytest.mark.postgres
@pytest.mark.commits  # six workers in threads, each on its own connection
def test_concurrent_workers_publish_each_post_exactly_once(app, factory, session, team, receiver):
    ids = _many_due(factory, session, team, 200)
    t = factory.now + timedelta(minutes=10)
    errors = []

    def work():
        try:
            with app.app_context():
                release_due(db, app.config["REVIEWQ"], t)
                db.session.remove()
        except Exception as e:  # surfaced by the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not errors
    keys = [h["Idempotency-Key"] for h, _ in receiver.requests]
    assert len(keys) == 200 and len(set(keys)) == 200          # nobody sent a post twice
    session.expire_all()
    states = session.scalars(select(Draft.state).where(Draft.id.in_(ids))).all()
    assert states == ["published"] * 200
    workers = set(session.scalars(select(ReleaseAttempt.worker)).all())
    published = session.scalars(select(ReleaseAttempt).where(ReleaseAttempt.outcome == "published")).all()
    assert len(published) == 200 and len({p.draft_id for p in published}) == 200 and workers
