"""`reviewq audit verify` and `reviewq audit checkpoint` as an operator runs them: exit 0, 1 naming the row, 2."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import delete, update

from reviewq.models import AuditEvent, AuditHead
from tests.conftest import AUDIT_KEY
from tests.integration.audit_helpers import events, tamper

# `reviewq audit ...` runs as a subprocess on its own connection: it must see what the test committed.
pytestmark = pytest.mark.commits


@pytest.fixture
def run(tmp_path, migrated):
    env = {**os.environ, "REVIEWQ_DATABASE_URL": migrated, "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"),
           "REVIEWQ_SECRET_KEY": "cli-test", "REVIEWQ_AUDIT_KEY": AUDIT_KEY}

    def _run(*args, **extra_env):
        return subprocess.run([sys.executable, "-m", "reviewq", *args], env={**env, **extra_env},
                              capture_output=True, text=True, timeout=120)
    return _run


def _one_line(r) -> str:
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


def test_checkpoint_then_verify_then_catch_a_truncation(run, factory, session, tmp_path):
    factory.approved_draft()
    r = run("audit", "checkpoint")
    assert r.returncode == 0 and "wrote" in r.stdout, r.stderr
    assert "unchanged" in run("audit", "checkpoint").stdout
    folder = tmp_path / "inst" / "audit-checkpoints"
    r = run("audit", "verify", "--checkpoints", str(folder))
    assert r.returncode == 0 and "intact" in r.stdout and "extends all 1 checkpoints" in r.stdout, r.stderr
    rows = events(session)
    tamper(session, delete(AuditEvent).where(AuditEvent.seq == rows[-1].seq),
           update(AuditHead).values(seq=rows[-2].seq, last_hash=rows[-2].hash))
    r = run("audit", "verify", "--checkpoints", str(folder))
    assert r.returncode == 1 and f"vouches for event #{rows[-1].seq}" in _one_line(r)
    r = run("audit", "verify")               # the configured folder is used when there is one
    assert r.returncode == 1 and "events were deleted" in _one_line(r)
    r = run("audit", "checkpoint")           # and nothing new is signed over it
    assert r.returncode == 1 and "not signed" in _one_line(r)


def test_a_rewritten_event_is_named_by_seq_and_id(run, factory, session):
    factory.draft()
    second = events(session)[1]
    tamper(session, update(AuditEvent).where(AuditEvent.id == second.id).values(draft_id=999))
    r = run("audit", "verify")
    line = _one_line(r)
    assert r.returncode == 1 and f"event #{second.seq}, id {second.id}" in line and "altered" in line


def test_the_wrong_key_is_named(run, factory):
    factory.draft()
    r = run("audit", "verify", REVIEWQ_AUDIT_KEY="some-other-key-0000000000000000")
    line = _one_line(r)
    assert r.returncode == 1 and "wrong audit key" in line and "event #1" in line


def test_bad_checkpoint_folders_and_files_exit_2(run, factory, tmp_path):
    factory.draft()
    r = run("audit", "verify", "--checkpoints", str(tmp_path / "nowhere"))
    assert r.returncode == 2 and "does not exist" in _one_line(r)
    assert run("audit", "checkpoint").returncode == 0
    folder = tmp_path / "inst" / "audit-checkpoints"
    cp = next(folder.glob("checkpoint-*.json"))
    body = json.loads(cp.read_text())
    cp.write_text(json.dumps({**body, "head": "f" * 64}))
    r = run("audit", "verify", "--checkpoints", str(folder))
    assert r.returncode == 2 and "not authentic" in _one_line(r) and cp.name in r.stderr
    cp.write_text("{ not json")
    r = run("audit", "verify", "--checkpoints", str(folder))
    assert r.returncode == 2 and cp.name in _one_line(r)


def test_verify_pack_exit_codes(run, factory, session, tmp_path):
    import zipfile

    from reviewq.audit.proof import PACK_MEMBER, proof_for_draft
    draft_id = factory.submit(factory.draft()).id
    proof = proof_for_draft(session, draft_id, factory.tick())
    session.rollback()   # and touch no row after: SQLite lets one transaction at a time hold the database
    pack = tmp_path / "evidence.zip"
    with zipfile.ZipFile(pack, "w") as z:
        z.writestr(PACK_MEMBER, json.dumps(proof))
    r = run("audit", "verify", "--pack", str(pack))
    assert r.returncode == 0 and "evidence pack intact" in r.stdout and f"draft #{draft_id}" in r.stdout, r.stderr
    proof["events"][0]["actor"] = 12345
    with zipfile.ZipFile(pack, "w") as z:
        z.writestr(PACK_MEMBER, json.dumps(proof))
    r = run("audit", "verify", "--pack", str(pack))
    assert r.returncode == 1 and "does not match its hash" in _one_line(r)
    r = run("audit", "verify", "--pack", str(tmp_path / "nope.zip"))
    assert r.returncode == 2 and "does not exist" in _one_line(r)
