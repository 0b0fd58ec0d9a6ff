"""Sessions end for real: sign-out, idle timeout, absolute lifetime, sign out everywhere,
password change and deactivation; valid credentials are never throttled (issue 16)."""
from __future__ import annotations

from datetime import timedelta

from reviewq.models import UserSession
from reviewq.clock import now_utc
from reviewq.accounts.operations import set_user_active
from tests.factories import PASSWORD, csrf_from


def _cookie(client):
    return client.get_cookie("session").value


def _signed_in(client) -> bool:
    return client.get("/drafts/new").status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out(app, client, factory, login):
    login(factory.user("staff"))
    stolen = _cookie(client)
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert _signed_in(thief)
    page = client.get("/drafts/new")
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(thief)  # the cookie is still well signed, but its session has ended


def test_idle_sessions_and_old_sessions_end(app, client, factory, login, session):
    login(factory.user("staff"))
    row = session.query(UserSession).one()
    row.last_seen_at = now_utc() - timedelta(minutes=app.config["REVIEWQ"].session_idle_minutes + 1)
    session.commit()
    assert not _signed_in(client)
    session.refresh(row)
    assert row.ended_at is not None and row.end_reason == "idle"

    login(factory.user("staff"))
    row = session.query(UserSession).filter(UserSession.ended_at.is_(None)).one()
    row.created_at = now_utc() - timedelta(hours=app.config["REVIEWQ"].session_max_hours, minutes=1)
    session.commit()
    assert not _signed_in(client)
    session.refresh(row)
    assert row.end_reason == "expired"


def test_using_a_session_keeps_it_alive(app, client, factory, login, session):
    login(factory.user("staff"))
    idle = app.config["REVIEWQ"].session_idle_minutes
    row = session.query(UserSession).one()
    row.last_seen_at = now_utc() - timedelta(minutes=idle - 1)
    session.commit()
    assert _signed_in(client)  # a GET that commits nothing itself
    session.expire_all()
    assert now_utc() - session.query(UserSession).one().last_seen_at < timedelta(minutes=1)


def test_sign_out_everywhere_ends_every_session(app, client, factory, login):
    user = factory.user("staff")
    login(user)
    laptop = app.test_client()
    laptop.set_cookie("session", _cookie(client))
    phone = app.test_client()
    page = phone.get("/login")
    phone.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert _signed_in(phone) and _signed_in(laptop)
    page = client.get("/account/security")
    assert page.status_code == 200 and "Sign out everywhere" in page.get_data(as_text=True)
    r = client.post("/account/security/sign-out-everywhere", data={"csrf_token": csrf_from(page)})
    assert r.status_code == 302
    assert not _signed_in(client) and not _signed_in(laptop) and not _signed_in(phone)


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, factory, login):
    user = factory.user("staff")
    login(user)
    other = app.test_client()
    page = other.get("/login")
    other.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert _signed_in(other)
    page = client.get("/account/security")
    wrong = client.post("/account/security/password", data={"csrf_token": csrf_from(page), "current": "nope",
                                                             "new": "a brand new passphrase"})
    assert wrong.status_code == 422 and "current password is not right" in wrong.get_data(as_text=True)
    assert _signed_in(other)
    r = client.post("/account/security/password", data={"csrf_token": csrf_from(page), "current": PASSWORD,
                                                         "new": "a brand new passphrase"})
    assert r.status_code == 302
    assert _signed_in(client) and not _signed_in(other)
    fresh = app.test_client()
    page = fresh.get("/login")
    assert fresh.post("/login", data={"email": user.email, "password": "a brand new passphrase",
                                      "csrf_token": csrf_from(page)}).status_code == 302


def test_deactivation_ends_sessions_even_after_reactivation(client, factory, login, session):
    user = factory.user("staff")
    admin = factory.user("admin")
    login(user)
    set_user_active(session, admin, user.id, active=False, now=factory.tick())
    session.commit()
    set_user_active(session, admin, user.id, active=True, now=factory.tick())
    session.commit()
    assert not _signed_in(client)


def test_failed_sign_ins_from_a_shared_address_never_refuse_valid_credentials(app, client, factory):
    victim, colleague = factory.user("staff"), factory.user("staff")
    for n in range(8):  # someone at the hospital's one outgoing address guesses other accounts
        page = client.get("/login")
        client.post("/login", data={"email": f"nobody{n}@example.org", "password": "guess guess",
                                    "csrf_token": csrf_from(page)})
    page = client.get("/login")
    r = client.post("/login", data={"email": "nobody@example.org", "password": "guess guess",
                                    "csrf_token": csrf_from(page)})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    for user in (victim, colleague):
        c = app.test_client()
        page = c.get("/login")
        assert c.post("/login", data={"email": user.email, "password": PASSWORD,
                                      "csrf_token": csrf_from(page)}).status_code == 302


def test_bad_tokens_per_prefix_are_throttled_and_valid_tokens_pass(client, factory):
    token = factory.token(factory.user("staff"))
    forged = token[:10] + "x" * 30
    for n in range(5):  # from five addresses: the prefix is counted, not only the address
        r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"},
                       environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert r.status_code == 401
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"},
                   environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert r.status_code == 429 and "Retry-After" in r.headers
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_limits_are_settings(app, client, factory, settings):
    settings.throttle_max_failures = 2
    for _ in range(2):
        assert client.get("/api/v1/me", headers={"Authorization": "Bearer rq_guess"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer rq_guess"}).status_code == 429
