"""How many SQL statements each hot request runs: a small fixed number, whatever the draft's size.

A `before_cursor_execute` listener on the test engine counts every statement a
request sends. Each endpoint is measured on a draft with one revision, finding,
decision and attachment and on one with ten of each: the counts must be the same
(no lazy load per row) and under the endpoint's bound (issue 15). Statement text
is kept so a failure says which statements were added.
"""
from __future__ import annotations

import io
import re
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import event

from reviewq.extensions import db
from tests.factories import PASSWORD, _png, csrf_from
from tests.integration.api_helpers import Api

# Bounds per request (docs/performance.md explains each).
BOUNDS = {
    "api draft": 7,        # token+user+roles, draft+author, revisions, decisions+users, attachments, consents, history
    "api scan": 2,         # token+user+roles, settings version
    "api drafts list": 3,  # token+user+roles, drafts+authors, their revisions
    "api queue": 4,        # token+user+roles, drafts+authors, their revisions, stage counts
    "page draft": 6,       # session+user+roles, draft+author, revisions, decisions, attachments, settings version
    "page queue": 4,       # session+user+roles, queue rows, stage counts with the nav badge's count, settings version
    "page home": 4,        # session+user+roles, drafts+authors, their revisions, settings version
}
SENTENCE = "Study {} shows flu shots cut the risk."


@contextmanager
def counting():
    statements: list[str] = []

    def _count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def _body(findings: int) -> str:
    return " ".join(SENTENCE.format(i) for i in range(findings))


def _store_findings(session, draft, n: int) -> None:
    """n findings on the current revision, one per sentence: the checks report an unsourced claim once a post,
    so the others are copies of that real finding moved to the other sentences (stored JSON, as the checks do)."""
    rev = draft.revision
    first = dict(rev.findings[0])
    found, at = [], 0
    for i in range(n):
        sentence = SENTENCE.format(i)
        start = rev.body.index(sentence, at)
        found.append({**first, "start": start, "end": start + len(sentence), "match": sentence})
        at = start + len(sentence)
    rev.findings = found
    session.commit()


def _build(factory, session, n: int, author, approvers):
    """A draft with n revisions, n findings per revision, n decisions and n attachments."""
    from reviewq.drafts import operations as drafts
    uploads = [(f"photo{i}.png", _png(), f"Photo {i} of the clinic") for i in range(n)]
    d = factory.draft(author, body=_body(n), attachments=uploads)
    for i in range(n):
        factory.submit(d, justifications=_justify(d))
        if i == n - 1:
            factory.approve(d, approvers["reviewer"])
            break
        factory.approve(d, approvers["reviewer"], decision="request_changes", comment=f"Please fix {i}.")
        drafts.edit_draft(session, author, d.id, body=_body(n) + f" v{i + 2}", channels=["facebook"],
                          now=factory.tick())
        session.commit()
    _store_findings(session, d, n)
    return d


def _justify(d) -> dict:
    from reviewq.drafts.checking import load_policy
    from reviewq import checks
    from tests.conftest import NOW
    found = checks.run_all(d.revision.body, ["facebook"], [], [], load_policy(None), now=NOW)
    return {f.key: "Cited in the linked report." for f in found if f.severity == "warn"}


def _signed_in(app, user):
    client = app.test_client()
    page = client.get("/login")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    return client


def _measure(call) -> tuple[int, list[str]]:
    """Statements of one request, from a fresh session (as in production: nothing cached in the identity map)."""
    assert call().status_code == 200  # warm: the first request of a session may sign in, touch, cache
    db.session.remove()
    # The test's app context outlives requests, so flask.g would carry the nav badge's count from the warm-up
    # into the counted request (in production g is per request and the badge is counted every page).
    g.pop("queue_count", None)
    with counting() as statements:
        resp = call()
    assert resp.status_code == 200, resp.data[:300]
    db.session.remove()
    # The test's SAVEPOINT and its RELEASE stand for production's BEGIN and COMMIT (not sent as statements).
    return len([s for s in statements if "SAVEPOINT" not in s]), statements


def _requests(app, client, factory, d, author, reviewer):
    staff_api = Api(client, factory.token(author))
    reviewer_api = Api(client, factory.token(reviewer))
    author_web, reviewer_web = _signed_in(app, author), _signed_in(app, reviewer)
    scan = {"text": _body(10)[:1000], "channels": ["facebook"]}
    return {
        "api draft": lambda: staff_api.get(f"/drafts/{d}"),
        "api scan": lambda: staff_api.post("/scan", json=scan),
        "api drafts list": lambda: staff_api.get("/drafts?limit=50"),
        "api queue": lambda: reviewer_api.get("/queue"),
        "page draft": lambda: author_web.get(f"/drafts/{d}"),
        "page queue": lambda: reviewer_web.get("/review"),
        "page home": lambda: author_web.get("/"),
    }


def test_hot_requests_run_a_fixed_small_number_of_statements(app, client, factory, session):
    author = factory.user("staff")
    approvers = factory.approvers()
    small = _build(factory, session, 1, author, approvers)
    big = _build(factory, session, 10, author, approvers)
    session.expire_all()
    assert big.current_revision == 10 and len(big.attachments) == 10 and len(big.decisions) == 10
    assert len(big.revision.findings) >= 10
    # A second draft in review, so the queue pages list rows, not an empty table.
    factory.submit(factory.draft(author))
    reviewer = approvers["reviewer"]
    counts = {}
    for label, draft_id in (("1 of each", small.id), ("10 of each", big.id)):
        for name, call in _requests(app, client, factory, draft_id, author, reviewer).items():
            counts[(name, label)] = _measure(call)
    for name, bound in BOUNDS.items():
        one, one_sql = counts[(name, "1 of each")]
        ten, ten_sql = counts[(name, "10 of each")]
        assert ten == one, (name, "grows with the draft's size", _diff(one_sql, ten_sql))
        assert one <= bound, (name, one, "statements, bound", bound, [s[:120] for s in one_sql])


def test_cached_settings_follow_a_change_made_elsewhere(app, client, factory, session):
    """Another process's policy change is seen by the next request: the cache is keyed by the version."""
    from reviewq.models import Setting, SettingVersion
    from reviewq.clock import now_utc
    author = factory.user("staff")
    api = Api(client, factory.token(author))
    text = SENTENCE.format(1)
    before = api.post("/scan", json={"text": text, "channels": ["facebook"]}).get_json()["findings"]
    # Written as a second process would: rows only, nothing of this process's code runs.
    session.add(Setting(key="policy", value={"disabled_checks": ["sourcing"]},
                        updated_at=now_utc()))
    session.add(SettingVersion(key="policy", value={}, kind="change", reason="elsewhere", created_at=now_utc()))
    session.commit()
    after = api.post("/scan", json={"text": text, "channels": ["facebook"]}).get_json()["findings"]
    assert [f["check"] for f in before] == ["sourcing"]
    assert after == []


def _diff(a: list[str], b: list[str]) -> list[str]:
    return [s[:120] for s in b if s not in a] + [f"- {s[:120]}" for s in a if s not in b]
