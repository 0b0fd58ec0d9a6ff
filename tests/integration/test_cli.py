"""The `reviewq` command line as operators use it: a real subprocess, exit codes, one-line errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import AUDIT_KEY

pytestmark = pytest.mark.commits  # the CLI runs as a subprocess on its own connection


@pytest.fixture
def run(tmp_path, migrated):
    env = {**os.environ, "REVIEWQ_DATABASE_URL": migrated, "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"),
           "REVIEWQ_SECRET_KEY": "cli-test", "REVIEWQ_AUDIT_KEY": AUDIT_KEY}

    def _run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "reviewq", *args], input=stdin, env=env,
                              capture_output=True, text=True, timeout=120)
    return _run


def test_user_token_and_audit(run, app):
    r = run("user", "add", "nurse@example.org", "--name", "Nia Nurse", "--role", "staff", "--role", "reviewer",
            "--slack-id", "U0123ABCD", "--password-stdin", stdin="a long enough password\n")
    assert r.returncode == 0, r.stderr
    r = run("token", "create", "nurse@example.org")
    assert r.returncode == 0 and r.stdout.strip().startswith("rq_") and len(r.stdout.strip().splitlines()) == 1
    r = run("audit", "verify")
    assert r.returncode == 0 and "intact" in r.stdout


@pytest.mark.parametrize("args,needle", [
    (("user", "add", "not-an-email", "--name", "X", "--role", "staff"), "e-mail"),
    (("user", "add", "a@example.org", "--name", "X", "--role", "wizard"), "role"),
    (("token", "create", "nobody@example.org"), "no user"),
    (("seed", "--drafts", "-1"), "drafts"),
    (("nosuchcommand",), "No such command"),
    (("user", "add", "a@example.org", "--name", "X"), "--role"),
])
def test_bad_usage_exits_2_with_one_line(run, app, args, needle):
    r = run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle.lower() in lines[0].lower(), r.stderr
    assert "Traceback" not in r.stderr


def test_duplicate_user_is_refused(run, app):
    assert run("user", "add", "dup@example.org", "--name", "D", "--role", "staff").returncode == 0
    r = run("user", "add", "dup@example.org", "--name", "D", "--role", "staff")
    assert r.returncode == 2 and "already exists" in r.stderr


def test_seed_spreads_drafts_over_every_state(run, app, session):
    from sqlalchemy import func, select

    from reviewq.models import Draft
    r = run("seed", "--drafts", "500", "--seed", "7")
    assert r.returncode == 0, r.stderr
    states = dict(session.execute(select(Draft.state, func.count()).group_by(Draft.state)).all())
    session.commit()  # end the read: SQLite lets one transaction at a time hold the database
    assert sum(states.values()) == 500 and len(states) == 10
    assert run("audit", "verify").returncode == 0


def test_scan_speaks_json_lines(run):
    posts = [{"id": "a", "text": "x" * 300, "channels": ["x"]}, {"id": "b", "text": "Hello", "channels": ["x"]}]
    r = run("scan", stdin="".join(json.dumps(p) + "\n" for p in posts))
    assert r.returncode == 0, r.stderr
    out = [json.loads(ln) for ln in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b"]
    assert any(f["check"] == "platform" for f in out[0]["findings"])


def test_scan_bad_json_exits_2(run):
    r = run("scan", stdin="{not json\n")
    assert r.returncode == 2 and "line 1" in r.stderr and "Traceback" not in r.stderr
