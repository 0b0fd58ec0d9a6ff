"""The workflow core as a table: every (state, actor relation, action) and what it yields."""
from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from reviewq.core import workflow as wf
from reviewq.core.errors import (InvalidTransitionError, PermissionDeniedError, StaleRevisionError,
                                 ValidationError)

AUTHOR = wf.Actor(1, frozenset({"staff"}))
REVIEWER = wf.Actor(2, frozenset({"reviewer"}))
LEGAL = wf.Actor(3, frozenset({"legal"}))
COMMS = wf.Actor(4, frozenset({"comms"}))
ADMIN = wf.Actor(5, frozenset({"admin"}))
ALL_ROLES = wf.Actor(6, frozenset({"reviewer", "legal", "comms"}))
S = wf.State


def facts(state, approvals=()):
    return wf.DraftFacts(author_id=1, state=state, revision=3, approvals=tuple(approvals))


# Every allowed move, with who makes it; everything not listed must be refused.
ALLOWED = {
    (S.DRAFT, "submit", "author"): S.PENDING_REVIEW,
    (S.CHANGES_REQUESTED, "submit", "author"): S.PENDING_REVIEW,
    (S.PENDING_REVIEW, "approve", "reviewer"): S.PENDING_LEGAL,
    (S.PENDING_REVIEW, "request_changes", "reviewer"): S.CHANGES_REQUESTED,
    (S.PENDING_REVIEW, "reject", "reviewer"): S.REJECTED,
    (S.PENDING_LEGAL, "approve", "legal"): S.PENDING_COMMS,
    (S.PENDING_LEGAL, "request_changes", "legal"): S.CHANGES_REQUESTED,
    (S.PENDING_LEGAL, "reject", "legal"): S.REJECTED,
    (S.PENDING_COMMS, "approve", "comms"): S.APPROVED,
    (S.PENDING_COMMS, "request_changes", "comms"): S.CHANGES_REQUESTED,
    (S.PENDING_COMMS, "reject", "comms"): S.REJECTED,
    (S.APPROVED, "schedule", "comms"): S.SCHEDULED,
    (S.SCHEDULED, "reschedule", "comms"): S.SCHEDULED,
    (S.SCHEDULED, "unschedule", "comms"): S.APPROVED,
    (S.SCHEDULED, "release", "system"): S.PUBLISHED,
    # A consent the post relies on was revoked or expired: only reviewq pulls it back to the author.
    **{(s, "pull_back", "system"): S.CHANGES_REQUESTED
       for s in (S.PENDING_REVIEW, S.PENDING_LEGAL, S.PENDING_COMMS, S.APPROVED, S.SCHEDULED)},
    **{(s, "edit", "author"): (S.CHANGES_REQUESTED if s == S.CHANGES_REQUESTED else S.DRAFT)
       for s in (S.DRAFT, S.CHANGES_REQUESTED, S.PENDING_REVIEW, S.PENDING_LEGAL, S.PENDING_COMMS, S.APPROVED)},
    **{(s, "withdraw", "author"): S.WITHDRAWN
       for s in (S.DRAFT, S.CHANGES_REQUESTED, S.PENDING_REVIEW, S.PENDING_LEGAL, S.PENDING_COMMS, S.APPROVED,
                 S.SCHEDULED)},
}
ACTORS = {"author": AUTHOR, "reviewer": REVIEWER, "legal": LEGAL, "comms": COMMS, "admin": ADMIN, "system": None}


@pytest.mark.parametrize("state,action,who", list(itertools.product(list(S), list(wf.Action), list(ACTORS))))
def test_transition_table(state, action, who):
    expected = ALLOWED.get((state, action.value, who))
    comment = "needs a source" if action in (wf.Action.REQUEST_CHANGES, wf.Action.REJECT) else ""
    call = lambda: wf.decide(ACTORS[who], facts(state), action, revision=3, comment=comment)  # noqa: E731
    if expected is None:
        with pytest.raises((InvalidTransitionError, PermissionDeniedError)):
            call()
    else:
        t = call()
        assert t.to_state == expected and t.from_state == state


def test_author_cannot_approve_own_draft_even_with_the_role():
    me = wf.Actor(1, frozenset({"staff", "reviewer"}))
    with pytest.raises(PermissionDeniedError, match="own draft"):
        wf.decide(me, facts(S.PENDING_REVIEW), wf.Action.APPROVE, revision=3)


def test_one_person_cannot_approve_two_stages_of_a_revision():
    f = facts(S.PENDING_LEGAL, approvals=[("review", ALL_ROLES.id)])
    with pytest.raises(PermissionDeniedError, match="another stage"):
        wf.decide(ALL_ROLES, f, wf.Action.APPROVE, revision=3)
    assert wf.decide(LEGAL, f, wf.Action.APPROVE, revision=3).to_state == S.PENDING_COMMS


@pytest.mark.parametrize("seen", [1, 2, 4])
def test_stale_revision_is_refused(seen):
    with pytest.raises(StaleRevisionError) as e:
        wf.decide(REVIEWER, facts(S.PENDING_REVIEW), wf.Action.APPROVE, revision=seen)
    assert e.value.details["current_revision"] == 3


def test_decision_must_name_its_revision():
    with pytest.raises(ValidationError):
        wf.decide(REVIEWER, facts(S.PENDING_REVIEW), wf.Action.APPROVE, revision=None)


@pytest.mark.parametrize("action", [wf.Action.REQUEST_CHANGES, wf.Action.REJECT])
@pytest.mark.parametrize("comment", ["", "   ", "\n\t"])
def test_request_changes_and_reject_need_a_reason(action, comment):
    with pytest.raises(ValidationError, match="reason"):
        wf.decide(REVIEWER, facts(S.PENDING_REVIEW), action, revision=3, comment=comment)


def test_edit_makes_a_revision_and_voids_approvals():
    t = wf.decide(AUTHOR, facts(S.PENDING_LEGAL, approvals=[("review", 2)]), wf.Action.EDIT)
    assert t.new_revision and t.voids_approvals and t.to_state == S.DRAFT


def test_decision_audit_names_are_dotted():
    t = wf.decide(LEGAL, facts(S.PENDING_LEGAL), wf.Action.REJECT, revision=3, comment="claim unsupported")
    assert t.audit_action == "decision.legal.reject"


def test_core_imports_no_framework():
    forbidden = {"flask", "sqlalchemy", "slack_sdk", "flask_login", "wtforms"}
    core = Path(wf.__file__).parent
    for path in core.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not names & forbidden, f"{path.name} imports {names & forbidden}"


def test_pull_back_voids_every_approval_without_a_new_revision():
    t = wf.decide(None, facts(S.SCHEDULED, approvals=[("review", 2), ("legal", 3), ("comms", 4)]),
                  wf.Action.PULL_BACK)
    assert t.to_state == S.CHANGES_REQUESTED and t.voids_approvals and not t.new_revision
    assert t.audit_action == "draft.pull_back"
