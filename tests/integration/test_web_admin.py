"""Admin pages, the audit view, sign-in throttling and security headers through the web UI."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from reviewq.models import AuditEvent, Setting, User
from reviewq.drafts.masking import masking_on
from tests.factories import PASSWORD, csrf_from
from tests.integration.audit_helpers import tamper


@pytest.fixture
def admin(factory, login):
    return login(factory.user("admin", name="Ada Admin"))


def last_action(session) -> str:
    return session.scalar(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(1))


def test_admin_creates_a_user_who_can_sign_in(client, admin, session):
    page = client.get("/admin/users/new")
    resp = client.post("/admin/users/new", data={
        "csrf_token": csrf_from(page), "name": "Rita Reviewer", "email": "Rita@Example.org",
        "roles": ["reviewer", "legal"], "slack_id": "U0RITA123", "password": "long enough password"})
    assert resp.status_code == 302, resp.data[:2000]
    user = session.scalars(select(User).where(User.email == "rita@example.org")).one()
    assert user.roles == {"reviewer", "legal"} and user.slack_user_id == "U0RITA123"
    assert last_action(session) == "user.created"
    assert "Rita Reviewer" in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"roles": ["wizard"]}, "Unknown role &#39;wizard&#39;"),
    ({"roles": []}, "Give at least one role"),
    ({"email": "not-an-email"}, "Give a valid e-mail address."),
    ({"slack_id": "rita"}, "A Slack member id looks like U012ABCDEF."),
    ({"password": "short"}, "Passwords need at least 10 characters."),
])
def test_bad_user_input_is_a_form_error_and_nothing_stored(client, admin, session, data, message):
    page = client.get("/admin/users/new")
    form = {"csrf_token": csrf_from(page), "name": "Rita", "email": "rita@example.org", "roles": ["staff"],
            "slack_id": "", "password": "", **data}
    resp = client.post("/admin/users/new", data=form)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert session.scalar(select(User.id).where(User.email == "rita@example.org")) is None


def test_duplicate_email_is_a_409_form_error(client, admin, session, factory):
    factory.user("staff", email="taken@example.org")
    page = client.get("/admin/users/new")
    resp = client.post("/admin/users/new", data={"csrf_token": csrf_from(page), "name": "Other",
                                                 "email": "taken@example.org", "roles": ["staff"]})
    assert resp.status_code == 409 and "already exists" in resp.get_data(as_text=True)


def test_admin_edits_roles_and_deactivates_then_reactivates(client, admin, session, factory, app):
    user = factory.user("staff")
    factory.user("comms")          # another comms lead: deactivating `user` leaves the comms stage an approver
    page = client.get(f"/admin/users/{user.id}")
    assert page.status_code == 200
    resp = client.post(f"/admin/users/{user.id}", data={"csrf_token": csrf_from(page), "name": "New Name",
                                                        "roles": ["staff", "comms"], "slack_id": "U0NEW1234"})
    assert resp.status_code == 302
    session.expire_all()
    user = session.get(User, user.id)
    assert user.name == "New Name" and user.roles == {"staff", "comms"} and last_action(session) == "user.updated"
    token = csrf_from(client.get("/admin/users"))
    assert client.post(f"/admin/users/{user.id}/active", data={"csrf_token": token, "active": "0"}).status_code == 302
    session.expire_all()
    assert session.get(User, user.id).active is False and last_action(session) == "user.deactivated"
    other = app.test_client()
    resp = other.post("/login", data={"email": user.email, "password": PASSWORD,
                                      "csrf_token": csrf_from(other.get("/login"))})
    assert resp.status_code == 401
    client.post(f"/admin/users/{user.id}/active", data={"csrf_token": token, "active": "1"})
    session.expire_all()
    assert session.get(User, user.id).active is True and last_action(session) == "user.reactivated"


def test_no_change_leaves_a_stage_without_an_approver(client, admin, session, factory):
    only_legal = factory.user("legal", name="Lee Legal")
    page = client.get(f"/admin/users/{only_legal.id}")
    resp = client.post(f"/admin/users/{only_legal.id}", data={"csrf_token": csrf_from(page), "name": "Lee Legal",
                                                              "roles": ["staff"], "slack_id": ""})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "the only active legal" in text and "legal stage would have no approver" in text
    token = csrf_from(client.get("/admin/users"))
    resp = client.post(f"/admin/users/{only_legal.id}/active", data={"csrf_token": token, "active": "0"})
    assert resp.status_code == 422 and "the only active legal" in resp.get_data(as_text=True)
    session.expire_all()
    kept = session.get(User, only_legal.id)
    assert kept.active is True and "legal" in kept.roles
    factory.user("legal")          # hand over first: then the change is allowed
    resp = client.post(f"/admin/users/{only_legal.id}", data={"csrf_token": csrf_from(page), "name": "Lee Legal",
                                                              "roles": ["staff"], "slack_id": ""})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(User, only_legal.id).roles == {"staff"}


def test_admin_cannot_drop_own_admin_role(client, admin, session):
    page = client.get(f"/admin/users/{admin.id}")
    resp = client.post(f"/admin/users/{admin.id}", data={"csrf_token": csrf_from(page), "name": admin.name,
                                                         "roles": ["staff"], "slack_id": ""})
    assert resp.status_code == 422 and "your own administrator role" in resp.get_data(as_text=True)
    session.expire_all()
    assert "admin" in session.get(User, admin.id).roles


def test_mask_phi_toggle_is_saved_and_audited(client, admin, session):
    page = client.get("/admin/settings")
    assert 'checked' in page.get_data(as_text=True)          # masking is on by default
    resp = client.post("/admin/settings", data={"csrf_token": csrf_from(page)})   # unchecked box = off
    assert resp.status_code == 422 and "a reason is required" in resp.get_data(as_text=True)
    session.expire_all()
    assert masking_on(session) is True                        # refused: nothing saved
    resp = client.post("/admin/settings", data={"csrf_token": csrf_from(page), "reason": "Slack is under a BAA"})
    assert resp.status_code == 302
    session.expire_all()
    assert masking_on(session) is False and session.get(Setting, "mask_phi").value == {"on": False}
    assert last_action(session) == "setting.change"
    client.post("/admin/settings", data={"csrf_token": csrf_from(page), "mask_phi": "y", "reason": "BAA ended"})
    session.expire_all()
    assert masking_on(session) is True


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/settings"])
def test_non_admins_get_403_on_admin_pages(client, factory, login, path):
    login(factory.user("staff", "reviewer", "auditor"))
    assert client.get(path).status_code == 403


def test_settings_post_by_non_admin_is_403_and_changes_nothing(client, factory, login, session):
    login(factory.user("comms"))
    resp = client.post("/admin/settings", data={"csrf_token": csrf_from(client.get("/", follow_redirects=True))})
    assert resp.status_code == 403
    assert masking_on(session) is True


def test_audit_page_lists_filters_and_verifies(client, factory, login, session):
    d1 = factory.submit(factory.draft())
    factory.draft()
    login(factory.user("auditor"))
    html = client.get("/audit").get_data(as_text=True)
    assert "draft.submit" in html and "draft.create" in html
    filtered = client.get(f"/audit?draft={d1.id}").get_data(as_text=True)
    assert filtered.count("<code>draft.create</code>") == 1
    resp = client.post("/audit/verify", data={"csrf_token": csrf_from(client.get("/audit"))})
    assert resp.status_code == 200 and "The audit chain is intact" in resp.get_data(as_text=True)
    tamper(session, update(AuditEvent).where(AuditEvent.seq == 1).values(action="draft.tampered"))
    resp = client.post("/audit/verify", data={"csrf_token": csrf_from(client.get("/audit"))})
    html = resp.get_data(as_text=True)
    assert "The audit chain is broken" in html and "event #1 was altered" in html


def test_audit_page_is_403_for_staff_and_bad_filter_is_400(client, factory, login):
    login(factory.user("staff"))
    assert client.get("/audit").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/", follow_redirects=True))})
    login(factory.user("admin"))
    assert client.get("/audit?draft=abc").status_code == 400


def test_security_headers_and_cookie_flags(client, factory, login):
    page = client.get("/login")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
    user = factory.user("staff")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page)})
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_inline_script_or_style_on_pages(client, factory, login):
    d = factory.submit(factory.draft())
    login(factory.user("reviewer", "staff"))
    for path in ("/", "/drafts/new", "/review", f"/drafts/{d.id}"):
        html = client.get(path).get_data(as_text=True)
        assert " style=" not in html and "<style" not in html
        assert all('src="' in tag for tag in html.split("<script")[1:]), path


def test_sign_in_is_throttled_after_five_failures(client, factory):
    user = factory.user("staff")
    for _ in range(5):
        resp = client.post("/login", data={"email": user.email, "password": "wrong password",
                                           "csrf_token": csrf_from(client.get("/login"))})
        assert resp.status_code == 401
    resp = client.post("/login", data={"email": user.email, "password": "wrong password",
                                       "csrf_token": csrf_from(client.get("/login"))})
    assert resp.status_code == 429 and "Too many failed sign-ins" in resp.get_data(as_text=True)
    # Issue 16: the right password still passes; only failures are throttled.
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": csrf_from(client.get("/login"))})
    assert resp.status_code == 302


def test_login_without_csrf_is_400(client, factory):
    user = factory.user("staff")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 400


def test_nav_hides_links_to_blueprints_that_are_not_registered(client, factory, login, app):
    login(factory.user("admin"))
    html = client.get("/").get_data(as_text=True)
    for endpoint, label in (("calendar.index", ">Calendar<"), ("consents.index", ">Consents<")):
        assert (label in html) == (endpoint in app.view_functions)
    assert ">Admin<" in html and ">Audit<" in html


def test_crisis_freeze_banner_shows_on_every_page(client, factory, login, session):
    from reviewq.releases.freeze import freeze_releases
    comms = factory.user("comms", name="Cora Comms")
    login(factory.user("staff"))
    assert "Crisis freeze is on" not in client.get("/").get_data(as_text=True)
    freeze_releases(session, comms, reason="Incident at the Elm Street campus", now=factory.tick())
    session.commit()
    for path in ("/", "/drafts/new"):
        html = client.get(path).get_data(as_text=True)
        assert "Crisis freeze is on" in html and "Incident at the Elm Street campus" in html


def test_auditor_lands_on_the_audit_log(client, factory, login):
    login(factory.user("auditor"))
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/audit")
    page = client.get("/drafts/new")
    resp = client.post("/drafts/new", data={"csrf_token": csrf_from(page), "body": "Hello", "channels": ["x"],
                                            "action": "save"})
    assert resp.status_code == 403 and "cannot write drafts" in resp.get_data(as_text=True)
