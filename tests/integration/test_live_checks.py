"""The editor's live-check endpoint: session-authenticated, CSRF-protected JSON, nothing saved."""
from __future__ import annotations

from tests.factories import csrf_from


def _token(client):
    return csrf_from(client.get("/drafts/new"))


def test_live_check_finds_phi_with_a_live_key(client, login, factory):
    login(factory.user("staff"))
    resp = client.post("/drafts/check", json={"text": "Call 555-867-5309 about SSN 123-45-6789.", "channels": ["x"]},
                       headers={"X-CSRFToken": _token(client)})
    assert resp.status_code == 200
    found = resp.get_json()["findings"]
    ssn = [f for f in found if f["category"] == "ssn"]
    assert ssn and ssn[0]["live_key"] == "phi:ssn:123-45-6789"


def test_live_check_refuses_without_csrf_and_bad_input(client, login, factory):
    login(factory.user("staff"))
    assert client.post("/drafts/check", json={"text": "hi", "channels": []}).status_code == 400
    tok = {"X-CSRFToken": _token(client)}
    assert client.post("/drafts/check", data="nope", headers=tok).status_code == 400
    r = client.post("/drafts/check", json={"text": "hi", "channels": ["myspace"]}, headers=tok)
    assert r.status_code == 400 and "error" in r.get_json()
    assert client.post("/drafts/check", json={"text": 5}, headers=tok).status_code == 400
