"""`reviewq freeze on|off|status` and `reviewq worker --once` releasing a due post, as real subprocesses."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.models import AuditEvent, Draft
from reviewq.clock import now_utc
from reviewq.releases.operations import schedule_release
from tests.conftest import AUDIT_KEY

pytestmark = pytest.mark.commits  # the CLI runs as a subprocess on its own connection


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
    assert r.returncode == 2 and "--reason" in r.stderr        # lifting is a settings version: it needs a reason
    r = run("freeze", "off", "--reason", "All clear")
    assert r.returncode == 0 and "0 held" in r.stdout
    assert run("freeze", "status").stdout.strip() == "not frozen"
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "release.freeze")).all()
    assert [e.data["on"] for e in events] == [True, False] and events[0].actor_id == comms.id


def test_freeze_bad_input_exits_2(run, app, factory):
    factory.user("reviewer", email="rev@example.org")
    for args, words in ((("freeze", "on"), "--reason"), (("freeze", "on", "--reason", "  "), "Say why"),
                        (("freeze", "on", "--reason", "x", "--by", "rev@example.org"), "Only comms leads"),
                        (("freeze", "on", "--reason", "x", "--by", "nobody@example.org"), "no user"),
                        (("freeze", "off", "--reason", "x"), "not frozen"),
                        (("freeze", "off", "--reason", " "), "Say why")):
        r = run(*args)
        assert r.returncode == 2 and words in r.stderr, (args, r.stderr)
    assert run("freeze", "status").stdout.strip() == "not frozen"


def _states(session, *drafts) -> list[str]:
    """The drafts' states as the database has them now; ends the read so the CLI can take SQLite's write lock."""
    session.expire_all()
    states = [session.get(Draft, d.id).state for d in drafts]
    session.rollback()
    return states


def test_worker_once_releases_a_due_post_and_freeze_off_holds_overdue(run, app, session, factory, tmp_path):
    team = factory.approvers()
    a, b = factory.approved_draft(approvers=team), factory.approved_draft(approvers=team)
    past = now_utc() - timedelta(minutes=5)
    for d in (a, b):   # scheduled five minutes ago for a minute later: both are due now, no sleeping needed
        schedule_release(session, team["comms"], d.id, release_at=past + timedelta(minutes=1), now=past)
    session.commit()
    assert run("freeze", "on", "--reason", "drill").returncode == 0
    assert run("worker", "--once").returncode == 0
    assert not (tmp_path / "cli-outbox").exists() or not list((tmp_path / "cli-outbox").iterdir())
    r = run("freeze", "off", "--reason", "drill over")
    assert f"#{a.id}" in r.stdout and "2 held" in r.stdout
    assert run("worker", "--once").returncode == 0
    assert _states(session, a) == ["scheduled"]               # held, not released behind anyone's back
    schedule_release(session, team["comms"], a.id, release_at=now_utc() + timedelta(minutes=30), now=now_utc())
    session.commit()
    r = run("worker", "--once", "--now", (now_utc() + timedelta(minutes=31)).isoformat())   # as if 31 min later
    assert r.returncode == 0 and "releases=1" in r.stdout, r.stderr
    assert _states(session, a, b) == ["published", "scheduled"]
    [f] = list((tmp_path / "cli-outbox").glob("*.json"))
    assert json.loads(f.read_text())["draft_id"] == a.id


@pytest.mark.parametrize("args, words", [
    (("worker", "--once", "--now", "next tuesday"), "--now: not an ISO 8601 time"),
    (("worker", "--once", "--now", "2026-13-40T25:00"), "--now: not an ISO 8601 time"),
    (("worker", "--now", "2026-11-03T09:30:00Z"), "--now needs --once"),
])
def test_worker_now_bad_usage_exits_2_with_one_line(run, app, args, words):
    r = run(*args)
    assert r.returncode == 2 and words in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
