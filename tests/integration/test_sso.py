"""Single sign-on against a real local OpenID provider: the real Authlib client talks to it over HTTP."""
from __future__ import annotations

import http.client
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from reviewq.models import AuditEvent, User
from reviewq.opsconfig import parse_role_map
from tests.fakes.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider


@pytest.fixture
def provider(settings):
    with Provider() as p:
        settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret = p.issuer, CLIENT_ID, CLIENT_SECRET
        settings.oidc_role_map = parse_role_map("comms-team=comms,web-editors=staff+reviewer")
        settings.base_url = "http://localhost"
        yield p


def browser_to_provider(location: str) -> str:
    """What the browser does with the redirect: ask the provider, get sent back."""
    url = urlsplit(location)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", f"{url.path}?{url.query}")
    resp = conn.getresponse()
    assert resp.status == 302
    back = resp.getheader("Location")
    conn.close()
    return back


def sso(client):
    start = client.get("/login/sso")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    back = urlsplit(browser_to_provider(start.headers["Location"]))
    return client.get(f"{back.path}?{back.query}"), query


def test_login_page_shows_the_button_only_when_configured(app, client, settings):
    assert b"single sign-on" not in client.get("/login").data
    assert client.get("/login/sso").status_code == 404
    settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret = "https://idp.example", "c", "s"
    assert b"Sign in with single sign-on" in client.get("/login").data


def test_first_sign_in_creates_the_user_with_mapped_roles_pkce_state_nonce(app, client, session, provider):
    resp, query = sso(client)
    assert resp.status_code == 302, resp.data[:300]
    assert query["code_challenge_method"] == ["S256"] and query["state"] and query["nonce"]
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0]
    assert provider.token_requests[0]["code_verifier"]
    user = session.scalar(select(User).where(User.email == "ann@hospital.example"))
    assert user is not None and user.roles == {"comms"} and user.name == "Ann SSO"
    assert client.get("/calendar").status_code == 200  # signed in
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login")).all()[-1]
    assert ev.data["via"] == "sso" and ev.data["email"] == "ann@hospital.example"


def test_existing_user_is_matched_by_email_and_roles_follow_groups(app, client, session, factory, provider):
    existing = factory.user("staff", email="ann@hospital.example")
    provider.person["groups"] = ["web-editors", "unknown-group"]
    resp, _ = sso(client)
    assert resp.status_code == 302
    assert session.get(User, existing.id, populate_existing=True).roles == {"staff", "reviewer"}


def test_unmapped_newcomer_is_refused_with_a_clear_page_and_audited(app, client, session, provider):
    provider.person.update(email="bob@hospital.example", groups=["nurses"])
    resp, _ = sso(client)
    assert resp.status_code == 403 and b"no role in reviewq" in resp.data
    assert session.scalar(select(User).where(User.email == "bob@hospital.example")) is None
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).all()[-1]
    assert ev.data == {"email": "bob@hospital.example", "ip": "127.0.0.1", "via": "sso"}


@pytest.mark.parametrize("fault", ["sign_with_other_key", "wrong_nonce", "wrong_audience"])
def test_untrustworthy_id_tokens_are_refused(app, client, session, provider, fault):
    setattr(provider, fault, True)
    resp, _ = sso(client)
    assert resp.status_code == 400 and b"could not be verified" in resp.data
    assert session.scalar(select(User).where(User.email == "ann@hospital.example")) is None


def test_forged_state_and_replayed_code_are_refused(app, client, session, provider):
    start = client.get("/login/sso")
    back = urlsplit(browser_to_provider(start.headers["Location"]))
    q = parse_qs(back.query)
    assert client.get(f"{back.path}?code={q['code'][0]}&state=forged").status_code == 400
    assert provider.token_requests == []  # a forged state never reaches the token endpoint
    assert client.get(f"{back.path}?{back.query}").status_code == 302  # the genuine answer still works
    other = client.application.test_client()
    assert other.get(f"{back.path}?{back.query}").status_code == 400  # another browser has no such state
    assert client.get("/login/sso/callback").status_code == 400
    assert client.get("/login/sso/callback?error=access_denied").status_code == 400


def test_deactivated_user_and_unverified_email_are_refused(app, client, session, factory, provider):
    u = factory.user("staff", email="ann@hospital.example")
    from reviewq.models import User as U
    session.get(U, u.id).active = False
    session.commit()
    resp, _ = sso(client)
    assert resp.status_code == 403 and b"deactivated" in resp.data
    provider.person.update(email="new@hospital.example", email_verified=False)
    resp, _ = sso(client)
    assert resp.status_code == 403 and b"verified e-mail" in resp.data


def test_unreachable_provider_is_a_page_not_a_500(app, client, settings):
    settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret = "http://127.0.0.1:9", "c", "s"
    from reviewq.integrations.oidc import client as oidc
    oidc.init_app(app, settings)
    assert client.get("/login/sso").status_code == 502
