"""JSON API: bearer tokens, revocation, throttling of bad tokens, and the public document."""
from __future__ import annotations

import re

from openapi_spec_validator import validate as validate_openapi

from reviewq.core.roles import CHANNELS
from reviewq.accounts.operations import revoke_token
from reviewq.models import ApiToken


def test_missing_unknown_and_revoked_tokens_are_401(client, factory, session):
    u = factory.user("staff")
    token = factory.token(u)
    assert client.get("/api/v1/me").status_code == 401
    r = client.get("/api/v1/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer rq_nope"}).status_code == 401
    ok = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json["id"] == u.id and ok.json["roles"] == ["staff"]
    row = session.query(ApiToken).one()
    assert row.last_used_at is not None
    revoke_token(session, u, row.id, now=factory.tick())
    session.commit()
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and "revoked" in r.json["error"]


def test_bad_tokens_are_throttled_per_address_with_retry_after(client, factory):
    # Issue 16: a valid token is never refused because of other people's bad tokens.
    token = factory.token(factory.user("staff"))
    for _ in range(5):
        assert client.get("/api/v1/me", headers={"Authorization": "Bearer rq_guess"}).status_code == 401
    r = client.get("/api/v1/me", headers={"Authorization": "Bearer rq_guess"})
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 900
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    other = client.get("/api/v1/me", headers={"Authorization": "Bearer rq_guess2"},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 401


def test_sessions_do_not_authenticate_the_api(client, factory, login):
    login(factory.user("staff"))
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/drafts", json={"body": "x", "channels": ["x"]}).status_code == 401


def test_unknown_api_path_and_method_are_json(client, factory):
    api_headers = {"Authorization": f"Bearer {factory.token(factory.user('staff'))}"}
    r = client.get("/api/v1/nothing-here", headers=api_headers)
    assert r.status_code == 404 and r.is_json
    r = client.delete("/api/v1/drafts", headers=api_headers)
    assert r.status_code == 405 and r.is_json


def test_openapi_document_is_valid_and_matches_the_routes(client, app):
    doc = client.get("/api/v1/openapi.json").json
    validate_openapi(doc)
    assert doc["openapi"].startswith("3.1")
    documented = {(m.upper(), "/api/v1" + p) for p, ms in doc["paths"].items() for m in ms}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            served |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served
    for name in ("/drafts", "/scan", "/drafts/{draft_id}/submit", "/drafts/{draft_id}/decision",
                 "/drafts/{draft_id}/schedule", "/calendar", "/consents", "/consents/{consent_id}/revoke",
                 "/drafts/{draft_id}/consents", "/drafts/{draft_id}/attachments"):
        assert name in doc["paths"], name
    body = doc["paths"]["/drafts"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["channels"]["items"]["enum"] == list(CHANNELS)
    assert "422" in doc["paths"]["/drafts/{draft_id}/submit"]["post"]["responses"]


def test_docs_page_renders_from_the_document_without_inline_script(client):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "POST /api/v1/drafts/{draft_id}/decision" in html and "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_token_lookup_touches_once_a_minute_and_refuses_deactivated_users(factory, session):
    """user_for_token reads the token as plain columns: its rules must be those of the ORM row it replaced."""
    from datetime import timedelta

    from reviewq.accounts.operations import user_for_token
    u = factory.user("staff", "reviewer")
    token = factory.token(u)
    t0 = factory.tick()
    got = user_for_token(session, token, t0)
    assert got is u and got.roles == {"staff", "reviewer"}
    session.expire_all()
    assert session.query(ApiToken).one().last_used_at == t0
    user_for_token(session, token, t0 + timedelta(seconds=59))   # within the minute: no write
    session.expire_all()
    assert session.query(ApiToken).one().last_used_at == t0
    user_for_token(session, token, t0 + timedelta(seconds=61))
    session.expire_all()
    assert session.query(ApiToken).one().last_used_at == t0 + timedelta(seconds=61)
    u.active = False
    session.commit()
    assert user_for_token(session, token, t0 + timedelta(minutes=5)) is None
    assert user_for_token(session, "rq_" + "x" * 40, t0) is None
