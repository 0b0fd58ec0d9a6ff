"""Comms leads and admins change the release rules from the calendar; others cannot."""
from __future__ import annotations

from sqlalchemy import select

from reviewq.models import AuditEvent, Setting
from reviewq.releases.rules import RELEASE_DEFAULTS, RELEASE_KEY, release_rules
from tests.factories import csrf_from

URL = "/calendar/settings"
GOOD = {"clash_minutes": "45", "approval_max_age_days": "30", "webhook_timeout_seconds": "2.5",
        "lease_seconds": "300", "batch": "20", "publish_concurrency": "4", "reason": "Fewer clashes in the week"}


def _post(client, **changes):
    token = changes.pop("csrf_token", None)
    data = {**GOOD, **changes}
    if token is not False:
        data["csrf_token"] = token or csrf_from(client.get(URL))
    return client.post(URL, data=data)


def _audited(session):
    return [e for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "setting.change"))
            if e.data.get("key") == RELEASE_KEY]


def test_comms_sees_the_rules_reached_from_the_calendar(client, factory, login):
    login(factory.user("comms"))
    assert b'href="/calendar/settings"' in client.get("/calendar").data
    assert b'href="/calendar/settings"' in client.get("/calendar/freeze").data
    page = client.get(URL)
    assert page.status_code == 200
    for key, value in RELEASE_DEFAULTS.items():
        assert f'name="{key}"'.encode() in page.data
    assert b'value="15"' in page.data and b'value="50"' in page.data


def test_saving_valid_values_persists_and_audits(client, factory, login, session):
    login(factory.user("comms"))
    r = _post(client)
    assert r.status_code == 302 and r.headers["Location"].endswith(URL)
    session.expire_all()
    assert release_rules(session) == {"clash_minutes": 45, "approval_max_age_days": 30,
                                         "webhook_timeout_seconds": 2.5, "lease_seconds": 300, "batch": 20,
                                         "publish_concurrency": 4}
    [ev] = _audited(session)
    assert ev.data["key"] == RELEASE_KEY
    page = client.get(URL)
    assert b'value="300"' in page.data and b"saved" in page.data


def test_admins_may_too(client, factory, login, session):
    login(factory.user("admin"))
    assert _post(client, batch="7").status_code == 302
    session.expire_all()
    assert release_rules(session)["batch"] == 7


def test_out_of_range_and_non_numeric_values_are_refused_and_nothing_changes(client, factory, login, session):
    login(factory.user("comms"))
    cases = [("clash_minutes", "-1"), ("clash_minutes", "99999"), ("approval_max_age_days", "4000"),
             ("webhook_timeout_seconds", "0"), ("webhook_timeout_seconds", "NaN"),
             ("webhook_timeout_seconds", "sNaN"), ("webhook_timeout_seconds", "Infinity"),
             ("lease_seconds", "5"), ("batch", "0"), ("batch", "ten"), ("publish_concurrency", "1.5"),
             ("publish_concurrency", ""), ("lease_seconds", "1e9"), ("reason", ""), ("reason", "   "),
             ("reason", "x" * 2001)]
    for key, bad in cases:
        r = _post(client, **{key: bad})
        assert r.status_code == 422, (key, bad, r.status_code)
        assert b'class="field-error"' in r.data and f'id="{key}-error"'.encode() in r.data, (key, bad)
        assert b"Nothing was saved" in r.data
    session.expire_all()
    assert session.get(Setting, RELEASE_KEY) is None
    assert _audited(session) == []


def test_the_service_refuses_a_change_without_a_reason(session, factory):
    """The page's required field is not the only guard: the operation refuses too, and stores nothing."""
    from reviewq.core.errors import ValidationError
    from reviewq.models import SettingVersion
    from reviewq.releases.rules import update_release_rules
    comms = factory.user("comms")
    for reason in ("", "  ", None):
        try:
            update_release_rules(session, comms, {"batch": 5}, now=factory.now, reason=reason)
            raise AssertionError("saved without a reason")
        except ValidationError as e:
            assert e.fields == {"reason": "required"} and "reason is required" in e.message
    assert session.get(Setting, RELEASE_KEY) is None
    assert session.scalars(select(SettingVersion).where(SettingVersion.key == RELEASE_KEY)).all() == []
    update_release_rules(session, comms, {"batch": 5}, now=factory.now, reason="Smaller batches")
    [v] = session.scalars(select(SettingVersion).where(SettingVersion.key == RELEASE_KEY)).all()
    assert (v.reason, v.value["batch"], v.created_by_id) == ("Smaller batches", 5, comms.id)


def test_staff_get_403_on_view_and_save(client, factory, login, session):
    login(factory.user("staff"))
    assert client.get(URL).status_code == 403
    assert b'href="/calendar/settings"' not in client.get("/calendar").data
    token = csrf_from(client.get("/calendar/freeze"))
    assert client.post(URL, data={**GOOD, "csrf_token": token}).status_code == 403
    session.expire_all()
    assert session.get(Setting, RELEASE_KEY) is None


def test_the_service_refuses_non_comms_too(session, factory):
    from reviewq.core.errors import PermissionDeniedError
    from reviewq.releases.rules import update_release_rules
    for roles in (("staff",), ("reviewer", "legal")):
        try:
            update_release_rules(session, factory.user(*roles), {"batch": 5}, now=factory.now)
            raise AssertionError(f"{roles} changed the release settings")
        except PermissionDeniedError:
            pass
    assert session.get(Setting, RELEASE_KEY) is None


def test_no_csrf_is_400_and_nothing_changes(client, factory, login, session):
    login(factory.user("comms"))
    assert _post(client, csrf_token=False).status_code == 400
    assert _post(client, csrf_token="forged").status_code == 400
    session.expire_all()
    assert session.get(Setting, RELEASE_KEY) is None
