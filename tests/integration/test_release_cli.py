"""`reviewq freeze on|off|status` and `reviewq worker --once` releasing a due post, as real subprocesses."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.models import AuditEvent, Draft
from reviewq.services.common import now_utc
from reviewq.services.releases import schedule_release
from tests.conftest import AUDIT_KEY


@pytest.fixture
def run(tmp_path, migrated):
    env = {**os.environ, "REVIEWQ_DATABASE_URL": migrated, "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"),
           "REVIEWQ_SECRET_KEY": "cli-test", "REVIEWQ_AUDIT_KEY": AUDIT_KEY,
           "REVIEWQ_OUTBOX_DIR": str(tmp_path / "cli-outbox")}
    env.pop("REVIEWQ_PUBLISH_WEBHOOK_URL", None)

    def _run(*args):
        return subprocess.run([sys.executable, "-m", "reviewq", *args], env=env, capture_output=True, text=True,
                              timeout=120)
    return _run


def test_freeze_on_status_off(run, app, session, factory):
    comms = factory.user("comms", email="lead@example.org")
    assert run("freeze", "status").stdout.strip() == "not frozen"
    r = run("freeze", "on", "--reason", "Shooting near campus", "--by", comms.email)
    assert r.returncode == 0, r.stderr
    assert "Shooting near campus" in run("freeze", "status").stdout
    r = run("freeze", "on", "--reason", "again")
    assert r.returncode == 2 and "already frozen" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run("freeze", "off")
    assert r.returncode == 0 and "0 held" in r.stdout
    assert run("freeze", "status").stdout.strip() == "not frozen"
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "release.freeze")).all()
    assert [e.data["on"] for e in events] == [True, False] and events[0].actor_id == comms.id


def test_freeze_bad_input_exits_2(run, app, factory):
    factory.user("reviewer", email="rev@example.org")
    for args, words in ((("freeze", "on"), "--reason"), (("freeze", "on", "--reason", "  "), "Say why"),
                        (("freeze", "on", "--reason", "x", "--by", "rev@example.org"), "Only comms leads"),
                        (("freeze", "on", "--reason", "x", "--by", "nobody@example.org"), "no user"),
                        (("freeze", "off"), "not frozen")):
        r = run(*args)
        assert r.returncode == 2 and words in r.stderr, (args, r.stderr)
    assert run("freeze", "status").stdout.strip() == "not frozen"


def test_worker_once_releases_a_due_post_and_freeze_off_holds_overdue(run, app, session, factory, tmp_path):
    team = factory.approvers()
    a, b = factory.approved_draft(approvers=team), factory.approved_draft(approvers=team)
    for d in (a, b):
        schedule_release(session, team["comms"], d.id, release_at=now_utc() + timedelta(seconds=2), now=now_utc())
    session.commit()
    assert run("freeze", "on", "--reason", "drill").returncode == 0
    time.sleep(2.5)
    assert run("worker", "--once").returncode == 0
    assert not (tmp_path / "cli-outbox").exists() or not list((tmp_path / "cli-outbox").iterdir())
    r = run("freeze", "off")
    assert f"#{a.id}" in r.stdout and "2 held" in r.stdout
    session.expire_all()
    assert run("worker", "--once").returncode == 0
    assert session.get(Draft, a.id).state == "scheduled"      # held, not released behind anyone's back
    schedule_release(session, team["comms"], a.id, release_at=now_utc() + timedelta(seconds=1), now=now_utc())
    session.commit()
    time.sleep(1.5)
    r = run("worker", "--once")
    assert r.returncode == 0, r.stderr
    session.expire_all()
    assert session.get(Draft, a.id).state == "published" and session.get(Draft, b.id).state == "scheduled"
    [f] = list((tmp_path / "cli-outbox").glob("*.json"))
    assert json.loads(f.read_text())["draft_id"] == a.id
