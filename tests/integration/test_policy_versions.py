"""Policy versions: every change needs a reason and becomes an immutable version; the versions page
shows the difference between two; checks record the version they ran under; the yearly review."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from reviewq.clock import now_utc
from reviewq.drafts.checking import POLICY_KEY
from reviewq.models import Revision, Setting, SettingVersion
from reviewq.policy.operations import review_policy
from reviewq.stored_settings import current_version
from tests.factories import csrf_from
from tests.integration.api_helpers import api_for


def _post(client, reason="Privacy office asked for it", **data):
    page = client.get("/admin/policy/")
    return client.post("/admin/policy/", data={"csrf_token": csrf_from(page), "reason": reason,
                                               "policy": data.pop("policy", "{}"), **data})


def _versions(session):
    session.expire_all()
    return session.scalars(select(SettingVersion).where(SettingVersion.key == POLICY_KEY)
                           .order_by(SettingVersion.id)).all()


def test_a_change_without_a_reason_is_refused_and_nothing_is_saved(client, factory, login, session):
    login(factory.user("admin"))
    for reason in ("", "   "):
        r = _post(client, reason=reason, org_names="Willow Creek Hospital")
        assert r.status_code == 422 and b"reason is required" in r.data
    assert session.get(Setting, POLICY_KEY) is None and _versions(session) == []


def test_form_fields_save_a_version_with_the_full_value_who_and_why(client, factory, login, session):
    admin = factory.user("admin", name="Ada Admin")
    login(admin)
    r = _post(client, org_names="Willow Creek Hospital\n  \nWillow Creek Clinic", org_domains="willowcreek.org",
              limit_x="200", severities="sourcing.authoritative_link = block", policy='{"phi_age_over": 80}')
    assert r.status_code == 302, r.data[:400]
    (v,) = _versions(session)
    assert v.value == {"org_names": ["Willow Creek Hospital", "Willow Creek Clinic"], "org_domains": ["willowcreek.org"],
                       "channel_limits": {"x": 200}, "severities": {"sourcing.authoritative_link": "block"},
                       "phi_age_over": 80}
    assert (v.created_by_id, v.reason, v.kind) == (admin.id, "Privacy office asked for it", "change")
    assert current_version(session, POLICY_KEY) == v.id
    page = client.get("/admin/policy/").get_data(as_text=True)
    assert "Willow Creek Clinic" in page and 'value="200"' in page


def test_the_versions_page_shows_the_difference_per_key(client, factory, login, session):
    login(factory.user("admin", name="Ada Admin"))
    assert _post(client, reason="first", org_names="Willow Creek Hospital").status_code == 302
    assert _post(client, reason="Added the clinic; x limit", org_names="Willow Creek Hospital\nEast Clinic",
                 limit_x="250").status_code == 302
    v1, v2 = _versions(session)
    assert v2.id > v1.id and v1.value == {"org_names": ["Willow Creek Hospital"]}
    html = client.get(f"/admin/policy/versions?a={v1.id}&b={v2.id}").get_data(as_text=True)
    assert f"version {v1.id}</h2>" not in html and f"version {v1.id} → version {v2.id}" in html
    assert "<code>org_names</code>" in html and "East Clinic" in html and "<code>channel_limits</code>" in html
    assert "x: 250" in html and "Added the clinic; x limit" in html and "Ada Admin" in html
    same = client.get(f"/admin/policy/versions?a={v2.id}&b={v2.id}").get_data(as_text=True)
    assert "No setting differs" in same
    assert client.get("/admin/policy/versions?a=1&b=999999").status_code == 404


def test_bad_versions_are_refused_whole(client, factory, login, session):
    login(factory.user("admin"))
    assert _post(client, org_names="Willow Creek Hospital").status_code == 302
    before = _versions(session)[-1].value
    for data, needle in (({"limit_x": "0"}, b"character limit"), ({"severities": "no equals sign"}, b"Severities"),
                         ({"severities": "x.y = loud"}, b"must be one of"),
                         ({"policy": '{"channel_limits": {"x": 0}}', "org_names": "A"}, b"whole number"),
                         ({"reason": "r" * 2001}, b"too long")):
        r = _post(client, **data)
        assert r.status_code == 422 and needle in r.data, (data, r.data[:300])
    assert len(_versions(session)) == 1 and session.get(Setting, POLICY_KEY).value == before


def test_a_check_run_stores_the_policy_version_and_the_api_and_page_show_it(client, factory, login, session):
    admin = factory.user("admin")
    login(admin)
    d0 = factory.draft()
    factory.submit(d0)
    assert _post(client, org_names="Willow Creek Hospital").status_code == 302
    version_id = _versions(session)[-1].id
    d = factory.draft()
    factory.submit(d)
    session.expire_all()
    assert session.scalars(select(Revision.policy_version).where(Revision.draft_id == d0.id)).one() is None
    assert session.scalars(select(Revision.policy_version).where(Revision.draft_id == d.id)).one() == version_id
    body = api_for(client, factory, admin).get(f"/drafts/{d.id}").get_json()
    assert body["policy_version"] == version_id
    assert [(r["number"], r["policy_version"]) for r in body["revisions"]] == [(1, version_id)]
    assert f"policy version {version_id}" in client.get(f"/drafts/{d.id}").get_data(as_text=True)


def test_reviewed_no_change_is_a_version_and_the_yearly_banner(client, factory, login, session):
    admin, comms = factory.user("admin"), factory.user("comms")
    long_ago = now_utc() - timedelta(days=400)
    review_policy(session, admin, reason="Annual review 2025", now=long_ago)
    session.flush()
    login(comms)
    page = client.get("/calendar", follow_redirects=True).get_data(as_text=True)
    assert "Policy review due" in page
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/", follow_redirects=True))})
    login(admin)
    assert "has not been reviewed for 12 months" in client.get("/admin/policy/").get_data(as_text=True)
    page = client.get("/admin/policy/")
    r = client.post("/admin/policy/review", data={"csrf_token": csrf_from(page), "reason": ""})
    assert r.status_code == 303 and len(_versions(session)) == 1
    r = client.post("/admin/policy/review", data={"csrf_token": csrf_from(page), "reason": "Annual review 2026"})
    assert r.status_code == 302
    old, new = _versions(session)
    assert (new.kind, new.reason, new.value) == ("review", "Annual review 2026", old.value)
    assert "Policy review due" not in client.get("/admin/policy/").get_data(as_text=True)


def test_every_settings_writer_records_a_version(client, factory, login, session):
    from reviewq.drafts.masking import MASK_KEY, set_masking
    admin = factory.user("admin")
    n = session.scalar(select(func.count()).select_from(SettingVersion))
    set_masking(session, admin, True, now=now_utc(), reason="Slack has no BAA")
    session.flush()
    v = session.scalars(select(SettingVersion).order_by(SettingVersion.id.desc())).first()
    assert session.scalar(select(func.count()).select_from(SettingVersion)) == n + 1
    assert (v.key, v.value, v.created_by_id) == (MASK_KEY, {"on": True}, admin.id)
    assert current_version(session) == v.id


def test_only_admins_see_versions(client, factory, login):
    login(factory.user("comms"))
    assert client.get("/admin/policy/versions").status_code == 403
    token = csrf_from(client.get("/calendar", follow_redirects=True))
    assert client.post("/admin/policy/review", data={"reason": "x", "csrf_token": token}).status_code == 403
