"""The /account/tokens page: create (shown once), list, revoke your own tokens."""
from __future__ import annotations

import re

from sqlalchemy import select

from reviewq.models import ApiToken
from tests.factories import csrf_from


def test_create_use_and_revoke_a_token(client, factory, login, session):
    u = login(factory.user("staff"))
    page = client.get("/account/tokens")
    assert page.status_code == 200 and b"no tokens yet" in page.data
    r = client.post("/account/tokens", data={"name": "scheduler", "csrf_token": csrf_from(page)})
    assert r.status_code == 201
    clear = re.search(rb'id="new-token">(rq_[^<]+)<', r.data).group(1).decode()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).json["id"] == u.id
    listing = client.get("/account/tokens")
    assert clear.encode() not in listing.data and b"scheduler" in listing.data
    row = session.scalars(select(ApiToken)).one()
    r = client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_from(listing)})
    assert r.status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {clear}"}).status_code == 401
    assert b"revoked" in client.get("/account/tokens").data


def test_cannot_revoke_someone_elses_token_and_name_is_required(client, factory, login, session):
    other = factory.user("staff")
    factory.token(other)
    login(factory.user("admin"))
    page = client.get("/account/tokens")
    row = session.scalars(select(ApiToken)).one()
    assert client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_from(page)}).status_code == 404
    session.expire_all()
    assert session.get(ApiToken, row.id).revoked_at is None
    assert client.post("/account/tokens", data={"name": "", "csrf_token": csrf_from(page)}).status_code == 400
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 400  # no CSRF token


def test_tokens_page_needs_sign_in(client):
    r = client.get("/account/tokens")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
