"""The domain operations end to end on the database: authoring, decisions, checks, the audit chain."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from reviewq.core.errors import (BlockingFindingsError, ConflictError, NotFoundError, PermissionDeniedError,
                                 StaleRevisionError, ValidationError)
from reviewq.models import AuditEvent, Decision
from reviewq.models.audit import verify_chain
from reviewq.drafts import operations as drafts
from reviewq.review import operations as decisions
from reviewq.drafts.checking import load_policy
from tests.integration.audit_helpers import tamper


def test_full_chain_ends_approved_and_audited(factory, session):
    d = factory.approved_draft()
    assert d.state == "approved" and d.reached == 4
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.draft_id == d.id)
                              .order_by(AuditEvent.seq)).all()
    assert actions == ["draft.create", "draft.submit", "decision.review.approve", "decision.legal.approve",
                       "decision.comms.approve"]
    checked, broken, reason = verify_chain(session)
    assert reason == "" and checked >= 5


def test_edit_after_changes_requested_voids_approvals_and_restarts_review(factory, session):
    ap = factory.approvers()
    d = factory.submit(factory.draft())
    factory.approve(d, ap["reviewer"])
    factory.approve(d, ap["legal"], "request_changes", "Say where the 40% comes from.")
    assert d.state == "changes_requested"
    _, made = drafts.edit_draft(session, d.author, d.id, body=d.body + " Source: cdc.gov", channels=d.channels,
                                now=factory.tick())
    session.commit()
    assert made and d.current_revision == 2 and d.state == "changes_requested"
    assert d.standing_approvals() == []
    factory.submit(d)
    assert d.state == "pending_review"
    with pytest.raises(PermissionDeniedError):  # legal cannot skip ahead on the new revision
        decisions.decide(session, ap["legal"], d.id, "approve", revision=2, now=factory.tick())


def test_a_save_that_changes_nothing_makes_no_revision(factory, session):
    d = factory.submit(factory.draft())
    _, made = drafts.edit_draft(session, d.author, d.id, body=d.body, channels=list(d.channels), now=factory.tick())
    assert not made and d.current_revision == 1 and d.state == "pending_review"


def test_author_pulling_back_a_pending_draft_sends_it_back_to_draft(factory, session):
    ap = factory.approvers()
    d = factory.submit(factory.draft())
    factory.approve(d, ap["reviewer"])
    drafts.edit_draft(session, d.author, d.id, body="New text for the flu clinic.", channels=d.channels,
                      now=factory.tick())
    session.commit()
    assert d.state == "draft" and d.current_revision == 2
    assert all(x.voided for x in d.decisions)


def test_stale_revision_refused_and_nothing_changes(factory, session):
    ap = factory.approvers()
    d = factory.submit(factory.draft())
    with pytest.raises(StaleRevisionError):
        decisions.decide(session, ap["reviewer"], d.id, "approve", revision=0, now=factory.tick())
    session.rollback()
    assert session.scalar(select(Decision.id).where(Decision.draft_id == d.id)) is None


def test_same_person_cannot_decide_two_stages(factory, session):
    both = factory.user("reviewer", "legal")
    d = factory.submit(factory.draft())
    factory.approve(d, both)
    with pytest.raises(PermissionDeniedError, match="another stage"):
        decisions.decide(session, both, d.id, "approve", revision=1, now=factory.tick())


def test_second_decision_on_a_decided_stage_is_a_conflict(factory, session):
    r1, r2 = factory.user("reviewer"), factory.user("reviewer")
    d = factory.submit(factory.draft())
    factory.approve(d, r1)
    with pytest.raises(ConflictError, match="already decided"):
        decisions.decide(session, r2, d.id, "approve", revision=1, now=factory.tick())


def test_other_users_draft_is_not_found(factory, session):
    d = factory.draft()
    stranger = factory.user("staff")
    with pytest.raises(NotFoundError):
        drafts.withdraw_draft(session, stranger, d.id, now=factory.tick())
    legal = factory.user("legal")  # legal sees drafts only once they reach legal
    factory.submit(d)
    with pytest.raises(NotFoundError):
        decisions.decide(session, legal, d.id, "approve", revision=1, now=factory.tick())


def test_block_findings_stop_submission(factory, session):
    d = factory.draft(body="x" * 300, channels=["x"])
    with pytest.raises(BlockingFindingsError) as e:
        factory.submit(d)
    assert any(f["check"] == "platform" for f in e.value.findings)
    session.rollback()
    assert d.state == "draft"


@pytest.mark.parametrize("body,channels,field", [
    ("", ["x"], "body"), ("   ", ["x"], "body"), ("ok text", [], "channels"), ("ok text", ["myspace"], "channels"),
    ("ok text", "x", "channels"), (None, ["x"], "body"), ("bad \x00 text", ["x"], "body"),
])
def test_bad_content_is_refused_with_the_field_named(factory, session, body, channels, field):
    author = factory.user("staff")
    with pytest.raises(ValidationError) as e:
        drafts.create_draft(session, author, body=body, channels=channels, requested_release_at=None,
                            now=factory.tick())
    assert field in e.value.fields


def test_auditor_cannot_write_drafts(factory, session):
    auditor = factory.user("auditor")
    with pytest.raises(PermissionDeniedError):
        drafts.create_draft(session, auditor, body="text", channels=["x"], requested_release_at=None,
                            now=factory.tick())


def test_tampering_with_an_audit_event_is_detected(factory, session):
    factory.approved_draft()
    victim = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).offset(3).limit(1)).one()
    tamper(session, update(AuditEvent).where(AuditEvent.id == victim.id).values(data={"revision": 99}))
    checked, broken, reason = verify_chain(session)
    assert broken is not None and broken.id == victim.id and "altered" in reason and checked == 3


def test_deleting_the_newest_audit_event_is_detected(factory, session):
    from sqlalchemy import delete, func
    factory.approved_draft()
    last = session.scalar(select(func.max(AuditEvent.seq)))
    tamper(session, delete(AuditEvent).where(AuditEvent.seq == last))
    _, _, reason = verify_chain(session)
    assert "removed" in reason


def test_submit_uses_current_policy(factory, session):
    policy = load_policy(session)
    assert policy.channel_limits["x"] == 280
