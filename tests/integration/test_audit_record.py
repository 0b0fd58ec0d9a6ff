"""The audit record as evidence: the attacks of issue 16 are caught, bad rows are named, checkpoints are signed.

Runs on SQLite and, with REVIEWQ_TEST_DATABASE_URL=postgresql://..., on PostgreSQL
(the attacks switch the append-only triggers off, as a database owner could).
"""
from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import delete, func, select, text, update

from reviewq.audit import keys
from reviewq.audit.checkpoints import CheckpointError, load_checkpoints
from reviewq.audit.chain import GENESIS
from reviewq.audit.jobs import ChainBrokenError, write_checkpoint_now
from reviewq.audit.keys import AuditConfigError
from reviewq.audit.verify import checkpoints_for, verify
from reviewq.extensions import db
from reviewq.models import AuditEvent, AuditHead, Draft
from reviewq.models.audit import append_event, appending_in_bulk
from tests.integration.audit_helpers import events, rehash_everything, tamper


@pytest.fixture
def history(factory, session):
    """A post approved at every stage, and a checkpoint published of that history."""
    d = factory.approved_draft()
    path, new = write_checkpoint_now(session, factory.tick())
    session.rollback()
    assert new and path.exists()
    return d


def _verdict(session, settings):
    session.expire_all()
    v = verify(session, load_checkpoints(settings.audit_checkpoint_dir))
    session.rollback()
    return v


def test_untouched_history_verifies_against_its_checkpoint(history, session, settings):
    v = _verdict(session, settings)
    assert v.ok, v.summary()
    assert v.checked == v.head_seq > 5 and len(v.checkpoints) == 1 and v.legacy == 0


def test_deleting_every_event_and_resetting_the_head_is_caught(history, session, settings):
    tamper(session, delete(AuditEvent),
           update(AuditHead).values(seq=0, last_hash=GENESIS, keyed_from=None, key_id=None))
    assert verify(session).ok   # the database alone cannot tell: this is what checkpoints are for
    v = _verdict(session, settings)
    assert not v.ok and "events were deleted" in v.reason and "checkpoint-" in v.reason


def test_deleting_the_newest_events_and_adjusting_the_head_is_caught(history, session, settings):
    rows = events(session)
    keep = rows[-3]
    tamper(session, delete(AuditEvent).where(AuditEvent.seq > keep.seq),
           update(AuditHead).values(seq=keep.seq, last_hash=keep.hash))
    assert verify(session).ok
    v = _verdict(session, settings)
    assert not v.ok and f"vouches for event #{rows[-1].seq}" in v.reason


def test_changing_who_approved_and_recomputing_every_hash_is_caught(history, factory, session, settings):
    intruder = factory.user("legal")
    legal = session.scalar(select(AuditEvent).where(AuditEvent.action == "decision.legal.approve"))
    tamper(session, update(AuditEvent).where(AuditEvent.id == legal.id).values(actor_id=intruder.id))
    rehash_everything(session)
    plain = verify(session)         # caught without checkpoints too: the seals need the key
    assert not plain.ok and "not sealed with the audit key" in plain.reason and plain.broken.seq == 1
    v = _verdict(session, settings)
    assert not v.ok and v.broken is not None and v.broken.seq == 1


def test_pretending_the_chain_was_never_keyed_is_caught_by_the_checkpoint(history, session, settings):
    last = events(session)[-1]
    tamper(session, update(AuditEvent).where(AuditEvent.seq == last.seq).values(data={"forged": True}))
    rehash_everything(session, legacy=True)
    v = _verdict(session, settings)
    assert not v.ok and "re-hashed without the key" in v.reason


def test_altering_one_event_names_it(history, session):
    second = events(session)[1]
    tamper(session, update(AuditEvent).where(AuditEvent.seq == second.seq).values(action="draft.tampered"))
    v = verify(session)
    assert (v.broken.seq, v.broken.id) == (second.seq, second.id) and "was altered" in v.reason
    assert v.checked == 1


def test_a_gap_in_seq_is_named(history, session):
    third = events(session)[2]
    tamper(session, delete(AuditEvent).where(AuditEvent.seq == third.seq))
    v = verify(session)
    assert v.broken.seq == third.seq + 1 and "events are missing" in v.reason


def test_a_missing_head_is_named(history, session):
    tamper(session, delete(AuditHead))
    v = verify(session)
    assert not v.ok and "chain head" in v.reason and "missing" in v.reason


def test_a_head_moved_back_is_named(history, session):
    rows = events(session)
    tamper(session, update(AuditHead).values(seq=rows[-2].seq, last_hash=rows[-2].hash))
    v = verify(session)
    assert not v.ok and f"event #{rows[-1].seq} lies beyond the chain head" in v.reason


@pytest.mark.parametrize("column,value,needle", [
    ("data", "{not json", "malformed data"),
    ("at", "last tuesday", "malformed timestamp"),
])
def test_malformed_values_are_named_not_raised(history, session, column, value, needle):
    if db.is_postgres:
        pytest.skip("PostgreSQL's json and timestamptz columns cannot hold malformed values")
    third = events(session)[2]
    seq, row_id = third.seq, third.id   # the ORM itself could not load the row afterwards
    tamper(session, text(f"UPDATE audit_events SET {column} = :v WHERE id = :id").bindparams(v=value, id=row_id))
    v = verify(session)
    assert (v.broken.seq, v.broken.id) == (seq, row_id) and needle in v.reason


def test_wrong_key_is_named(history, session, settings):
    from reviewq.config import load_settings
    other = load_settings(env={}, instance_dir=settings.instance_dir, database_url=settings.database_url,
                          secret_key="x", audit_key="a-different-audit-key-000000000000")
    keys.configure(other)
    try:
        v = verify(session)
        assert not v.ok and "wrong audit key" in v.reason and v.broken.seq == 1
        v = verify(session, load_checkpoints(settings.audit_checkpoint_dir))
        assert not v.ok and "wrong audit key" in v.reason
        # Appending under another key would break the chain for good: the action fails instead.
        with pytest.raises(AuditConfigError):
            append_event(session, "test.event")
        session.rollback()
    finally:
        keys.configure(settings)


def test_a_failed_audit_write_fails_the_action(factory, session):
    author = factory.user("staff")
    tamper(session, update(AuditHead).values(key_id="0123456789abcdef"))
    drafts_before = session.scalar(select(func.count()).select_from(Draft))
    with pytest.raises(AuditConfigError):
        factory.draft(author)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Draft)) == drafts_before


def test_checkpoint_after_every_n_events_is_written_after_commit(factory, session, settings):
    keys.current().checkpoint_every = 4
    folder = settings.audit_checkpoint_dir
    with appending_in_bulk(session):
        for i in range(6):
            append_event(session, "test.event", data={"i": i}, now=factory.tick())
    session.rollback()                      # rolled back: nothing is vouched for
    assert not folder.exists() or not load_checkpoints(folder)
    for i in range(5):
        append_event(session, "test.event", data={"i": i}, now=factory.tick())
    session.commit()
    cps = load_checkpoints(folder)
    assert [c.seq for c in cps] == [5] and cps[0].key_id == keys.current().key_id
    assert verify(session, cps).ok
    session.rollback()
    assert stat.S_IMODE(os.stat(settings.instance_dir / "audit_signing_key.pem").st_mode) == 0o600
    assert list(folder.glob("signer-*.pem"))


def test_the_worker_checkpoints_on_schedule_and_refuses_a_rewritten_chain(app, factory, session, settings):
    from reviewq.clock import now_utc
    from reviewq.worker import run_once
    factory.draft()
    assert run_once(db, settings, now_utc())["audit"] == 1
    assert run_once(db, settings, now_utc())["audit"] == 0      # nothing new, nothing signed
    factory.draft()
    keys.current().checkpoint_minutes = 0.1
    assert run_once(db, settings, now_utc())["audit"] == 0    # the newest is younger than the interval (and < N behind)
    newest = events(session)[-1]   # after the checkpoint: the writer checks what it has not vouched for yet
    tamper(session, update(AuditEvent).where(AuditEvent.id == newest.id).values(action="draft.tampered"))
    with pytest.raises(ChainBrokenError):   # never vouches for a chain that does not extend the last one
        write_checkpoint_now(session, factory.tick(60))
    session.rollback()
    assert len(load_checkpoints(settings.audit_checkpoint_dir)) == 1


def test_bulk_chaining_seals_like_single_appends(factory, session):
    with appending_in_bulk(session):
        for i in range(50):
            append_event(session, "test.bulk", data={"i": i}, now=factory.tick())
    append_event(session, "test.single", now=factory.tick())
    session.commit()
    rows = events(session)
    assert len(rows) == 51 and all(r.mac for r in rows) and verify(session).ok


def test_checkpoints_for_refuses_a_missing_or_empty_folder(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        checkpoints_for(tmp_path / "nowhere")
    with pytest.raises(CheckpointError, match="no checkpoints"):
        checkpoints_for(tmp_path)


def test_web_verify_uses_the_published_checkpoints(history, client, factory, login, session):
    from tests.factories import csrf_from
    rows = events(session)
    tamper(session, delete(AuditEvent).where(AuditEvent.seq == rows[-1].seq),
           update(AuditHead).values(seq=rows[-2].seq, last_hash=rows[-2].hash))
    login(factory.user("auditor"))
    resp = client.post("/audit/verify", data={"csrf_token": csrf_from(client.get("/audit"))})
    html = resp.get_data(as_text=True)
    # Signing in appended events over the deleted one: the checkpoint no longer matches that seq.
    assert resp.status_code == 200 and "The audit chain is broken" in html and "vouches for" in html


def test_web_verify_names_a_malformed_checkpoint_without_a_500(history, client, factory, login, settings):
    from tests.factories import csrf_from
    cp = next(settings.audit_checkpoint_dir.glob("checkpoint-*.json"))
    body = json.loads(cp.read_text())
    body["seq"] += 1
    cp.write_text(json.dumps(body))
    login(factory.user("auditor"))
    resp = client.post("/audit/verify", data={"csrf_token": csrf_from(client.get("/audit"))})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "cannot be checked" in html and cp.name in html


@pytest.mark.postgres
@pytest.mark.parametrize("statement,needle", [
    ("UPDATE audit_events SET actor_id = NULL", "append-only"),
    ("DELETE FROM audit_events", "append-only"),
    ("TRUNCATE audit_events CASCADE", "append-only"),
    ("DELETE FROM audit_head", "append-only"),
    ("TRUNCATE audit_head", "append-only"),
    ("UPDATE audit_head SET seq = seq - 1", "only moves forward"),
    ("UPDATE audit_head SET keyed_from = keyed_from + 5", "only moves forward"),
    ("UPDATE audit_head SET key_id = 'ffffffffffffffff'", "only moves forward"),
])
def test_postgres_refuses_changes_to_the_audit_tables(history, session, statement, needle):
    from sqlalchemy.exc import DBAPIError
    before = verify(session)
    session.rollback()
    with pytest.raises(DBAPIError, match=needle):
        session.execute(text(statement))
        session.flush()
    session.rollback()
    after = verify(session)
    assert after.ok and after.checked == before.checked
    session.rollback()
    factory_event = append_event(session, "test.after_refusal")   # appends still work
    session.commit()
    assert factory_event.seq == before.head_seq + 1 and verify(session).ok
