"""Audit proofs for an evidence pack: checkable offline against a signed checkpoint, and against the database."""
from __future__ import annotations

import copy
import json
import zipfile
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import update

from reviewq.audit.chain import event_hash, link_hash
from reviewq.audit.checkpoints import CheckpointError, write_checkpoint
from reviewq.audit.proof import (PACK_MEMBER, MalformedPackError, ProofError, check_proof, proof_for_draft,
                                 verify_pack)
from reviewq.models import AuditEvent
from tests.integration.audit_helpers import tamper


@pytest.fixture
def proof(factory, session):
    d1 = factory.submit(factory.draft())
    factory.draft()                       # someone else's events in between
    factory.approve(d1, factory.user("reviewer"))
    p = proof_for_draft(session, d1.id, factory.tick())
    session.rollback()
    p["_draft"] = d1.id
    return p


def _pack(tmp_path, proof, name="pack.zip"):
    path = tmp_path / name
    body = {k: v for k, v in proof.items() if not k.startswith("_")}
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(PACK_MEMBER, json.dumps(body))
    return path


def test_a_proof_checks_offline_and_shows_only_the_posts_events(proof):
    cp, mine = check_proof(proof)
    assert {e["draft"] for e in mine} == {proof["_draft"]} and len(mine) >= 3
    others = [e for e in proof["events"] if "digest" in e]
    assert others and all(set(e) == {"seq", "digest", "hash"} for e in others)
    assert proof["events"][-1]["seq"] == cp.seq


def test_a_pack_verifies_against_the_database(proof, session, tmp_path, settings):
    code, line = verify_pack(session, _pack(tmp_path, proof), settings.audit_checkpoint_dir)
    assert code == 0 and "evidence pack intact" in line and f"draft #{proof['_draft']}" in line


def test_an_edited_event_in_the_proof_is_named(proof):
    forged = copy.deepcopy(proof)
    mine = next(e for e in forged["events"] if e.get("action") == "decision.review.approve")
    mine["actor"] = 999
    with pytest.raises(ProofError, match=f"event #{mine['seq']} in the proof does not match"):
        check_proof(forged)


def test_a_proof_rehashed_after_editing_does_not_reach_the_checkpoint(proof):
    forged = copy.deepcopy(proof)
    prev = forged["prev_hash"]
    for e in forged["events"]:
        if e.get("action") == "decision.review.approve":
            e["actor"] = 999
        if "digest" not in e:
            e["hash"] = event_hash(prev, e["seq"], datetime.fromisoformat(e["at"]), e["actor"], e["action"],
                                   e["draft"], e["data"])
        else:
            e["hash"] = link_hash(prev, e["digest"])
        prev = e["hash"]
    with pytest.raises(ProofError, match="do not lead to the head"):
        check_proof(forged)


def test_a_database_changed_after_the_pack_differs(proof, session, tmp_path):
    seq = next(e["seq"] for e in proof["events"] if "digest" not in e)
    tamper(session, update(AuditEvent).where(AuditEvent.seq == seq).values(hash="e" * 64))
    code, line = verify_pack(session, _pack(tmp_path, proof))
    assert code == 1 and f"event #{seq} is not the same" in line


def test_a_pack_signed_by_a_stranger_is_refused(proof, session, tmp_path, settings):
    elsewhere = tmp_path / "elsewhere"
    stranger = Ed25519PrivateKey.generate()
    cp = proof["checkpoint"]
    path = write_checkpoint(elsewhere, stranger, seq=cp["seq"], head=cp["head"], key_id=cp["key_id"],
                            keyed_from=cp["keyed_from"], now=datetime.fromisoformat(cp["at"]))
    forged = {**proof, "checkpoint": json.loads(path.read_text()),
              "signer_pem": next(elsewhere.glob("signer-*.pem")).read_text()}
    assert check_proof(forged)            # self-consistent on its own ...
    code, line = verify_pack(session, _pack(tmp_path, forged), settings.audit_checkpoint_dir)
    assert code == 1 and "not one in" in line     # ... but not signed by this server's published key
    forged["checkpoint"]["seq"] += 1
    with pytest.raises(CheckpointError, match="not authentic"):
        check_proof(forged)


def test_malformed_packs_are_bad_input(session, tmp_path):
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(MalformedPackError, match="not a readable"):
        verify_pack(session, tmp_path / "junk.zip")
    with zipfile.ZipFile(tmp_path / "empty.zip", "w") as z:
        z.writestr("other.txt", "x")
    with pytest.raises(MalformedPackError, match="has no audit/proof.json"):
        verify_pack(session, tmp_path / "empty.zip")
    with pytest.raises(MalformedPackError, match="does not exist"):
        verify_pack(session, tmp_path / "missing.zip")
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as z:
        z.writestr(PACK_MEMBER, json.dumps({"format": "something else"}))
    with pytest.raises(MalformedPackError, match="not a reviewq audit proof"):
        verify_pack(session, tmp_path / "bad.zip")
