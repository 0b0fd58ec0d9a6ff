"""Admins edit the organisation's check policy; what they save is what the checks use."""
from __future__ import annotations

import json

from sqlalchemy import select

from reviewq.models import AuditEvent, Setting
from reviewq.drafts.checking import load_policy
from tests.factories import csrf_from


def _post(client, text, token=None, reason="Yearly review with the privacy office", **fields):
    page = client.get("/admin/policy/")
    data = {"policy": text, "reason": reason, **fields}
    if token is not False:
        data["csrf_token"] = token or csrf_from(page)
    return client.post("/admin/policy/", data=data)


def test_admin_saves_overrides_and_the_checks_use_them(client, factory, login, session):
    login(factory.user("admin"))
    r = _post(client, json.dumps({"channel_limits": {"x": 100}, "org_names": ["Willow Creek Hospital"]}))
    assert r.status_code == 302
    session.expire_all()
    assert load_policy(session).channel_limits["x"] == 100
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "setting.change")).all()
    assert ev and ev[-1].data["key"] == "policy"
    page = client.get("/admin/policy/")
    assert page.status_code == 200 and b"Willow Creek Hospital" in page.data


def test_a_draft_over_the_admins_limit_is_blocked(client, factory, login, session):
    from reviewq.core.errors import BlockingFindingsError
    login(factory.user("admin"))
    assert _post(client, '{"channel_limits": {"x": 30}}').status_code == 302
    d = factory.draft(body="A post that is longer than thirty characters.", channels=["x"])
    try:
        factory.submit(d)
        raise AssertionError("the admin's limit was not applied")
    except BlockingFindingsError as e:
        assert any(f["check"] == "platform" for f in e.findings)


def test_bad_policies_are_refused_and_nothing_changes(client, factory, login, session):
    login(factory.user("admin"))
    for text, needle in (("{not json", b"not valid JSON"), ('["x"]', b"JSON object"),
                         ('{"no_such_setting": 1}', b"no_such_setting")):
        r = _post(client, text)
        assert r.status_code == 422 and needle in r.data, r.data[:300]
    session.expire_all()
    assert session.get(Setting, "policy") is None


def test_only_admins_and_only_with_csrf(client, factory, login, session):
    login(factory.user("comms"))
    assert client.get("/admin/policy/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/", follow_redirects=True))})
    login(factory.user("admin"))
    assert _post(client, '{"channel_limits": {"x": 100}}', token=False).status_code == 400
    session.expire_all()
    assert session.get(Setting, "policy") is None
