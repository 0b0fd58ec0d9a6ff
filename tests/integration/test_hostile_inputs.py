"""Hostile and careless input at every entry point: a clear 4xx, never a 500, nothing stored changes.

Found by sweeping every route as every role (ids out of range, non-ASCII
digits, open redirects, tampered signatures, garbage Slack bodies) with CSRF
on and a real login through /login.
"""
from __future__ import annotations

import json
import logging
import re
import time
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from reviewq.models import AuditEvent, Decision, Draft, OutboxMessage, Revision
from reviewq.publishers.payload import media_signature
from tests.conftest import AUDIT_KEY
from tests.factories import PNG, csrf_from
from tests.fakes.slack_payloads import SECRET, block_actions, sign

HUGE_IDS = [str(2**31), str(2**63), str(10**30)]
MARKER = "Zebra-Quokka-7731 visited the Elm Street clinic"
FORM = "application/x-www-form-urlencoded"


def _id_routes(app):
    """(method, rule) for every route with an id in its path."""
    out = []
    for rule in app.url_map.iter_rules():
        if any(type(c).__name__ == "IdConverter" or "int" in type(c).__name__.lower()
               for c in rule._converters.values()):
            out += [(m, rule.rule) for m in sorted(rule.methods - {"OPTIONS", "HEAD"})]
    return sorted(out)


def _fill(rule: str, value: str) -> str:
    return re.sub(r"<int:[a-z_]+>", value, rule)


def _counts(session) -> dict:
    session.expire_all()
    return {m.__name__: session.scalar(select(func.count()).select_from(m))
            for m in (Draft, Revision, Decision, AuditEvent, OutboxMessage)}


def _token(client) -> str:
    return csrf_from(client.get("/account/tokens"))


@pytest.fixture
def admin(factory, login):
    return login(factory.user("admin", "comms", "legal", "reviewer"))


# -- ids in the path --------------------------------------------------------------------------------

def test_every_id_route_answers_404_for_ids_the_database_cannot_hold(app, client, admin, factory, session):
    factory.approved_draft()
    before = _counts(session)
    csrf = _token(client)
    routes = _id_routes(app)
    assert len(routes) > 25  # the sweep covers the whole app, not a sample
    failures = []
    for method, rule in routes:
        for value in HUGE_IDS:
            url = _fill(rule, value)
            data = urlencode({"csrf_token": csrf, "reason": "x", "confirm": "yes"})
            resp = client.open(url, method=method, data=None if method == "GET" else data, content_type=FORM)
            if resp.status_code != 404:  # not 405 either: no route has such an id
                failures.append((method, url, resp.status_code))
    assert failures == []
    assert _counts(session) == before


@pytest.mark.parametrize("value", ["-1", "0", "01", "abc", "1e3", "%00", "\u0661"])
def test_malformed_ids_in_the_path_are_404_signed_out_too(client, factory, value):
    for url in (f"/drafts/{value}", f"/api/v1/drafts/{value}", f"/releases/media/{value}",
                f"/drafts/1/attachments/{value}"):
        assert client.get(url).status_code == 404


# -- ids and numbers in query strings and forms ------------------------------------------------------

@pytest.mark.parametrize("query", [
    "/calendar?author=%C2%B2", f"/calendar?author={10**30}", f"/calendar?author={2**31}",
    "/audit?draft=%C2%B2", f"/audit?draft={10**30}", f"/audit?before={10**30}", "/audit?before=%C2%B2",
    "/mine?after=%C2%B2", f"/mine?after={10**30}",
])
def test_query_numbers_that_are_not_ids_are_refused_or_ignored(client, admin, factory, query):
    factory.approved_draft()
    resp = client.get(query)
    assert resp.status_code in (200, 400, 422), (query, resp.status_code)


@pytest.mark.parametrize("bad", ["%C2%B2", str(10**30)])
def test_revision_compare_with_odd_numbers_shows_the_page(client, factory, login, bad):
    author = login(factory.user("staff"))
    d = factory.draft(author)
    factory.submit(d)
    from reviewq.drafts import operations as svc
    svc.edit_draft(factory.session, author, d.id, body="Flu shots at every clinic this week, walk in.",
                   channels=["facebook"], now=factory.tick())
    factory.session.commit()
    resp = client.get(f"/drafts/{d.id}?from={bad}&to={bad}")
    assert resp.status_code == 200


def test_draft_edit_with_a_superscript_revision_is_a_conflict_not_a_500(client, factory, login, session):
    author = login(factory.user("staff"))
    d = factory.draft(author)
    page = client.get(f"/drafts/{d.id}/edit")
    resp = client.post(f"/drafts/{d.id}/edit", data={
        "csrf_token": csrf_from(page), "body": "Changed text for the clinic post.", "channels": ["facebook"],
        "revision": "\u00b2", "action": "save"})
    assert resp.status_code == 409
    assert _counts(session)["Revision"] == 1


@pytest.mark.parametrize("ids", [["\u00b2"], [str(10**30)], ["-1", "abc"]])
def test_freeze_off_with_odd_release_ids_lifts_cleanly(client, admin, ids):
    client.post("/calendar/freeze/on", data={"csrf_token": _token(client), "reason": "Incident"})
    resp = client.post("/calendar/freeze/off", data={"csrf_token": _token(client), "confirm": "yes",
                                                     "reason": "All clear", "release": ids})
    assert resp.status_code == 302


# -- open redirects --------------------------------------------------------------------------------

EVIL = ["//evil.com", "https:evil.com", "/\\evil.com", "\\\\evil.com", "/\t/evil.com", "/%5Cevil.com",
        "https://evil.com/", "javascript:alert(1)", "/\\/evil.com", " //evil.com"]


def _stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return not parts.scheme and not parts.netloc and "\\" not in location and location.startswith("/") \
        and not location.startswith("//")


@pytest.mark.parametrize("target", EVIL)
def test_login_next_never_leaves_the_site(client, factory, target):
    user = factory.user("staff")
    page = client.get("/login")
    resp = client.post("/login?" + urlencode({"next": target}),
                       data={"email": user.email, "password": "correct horse battery", "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    assert _stays_on_site(resp.headers["Location"]), resp.headers["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_calendar_back_link_never_leaves_the_site(client, factory, login, target):
    login(factory.user("comms"))
    resp = client.post("/calendar/drafts/1/unschedule",
                       data={"csrf_token": _token(client), "next": target, "reason": "x"})
    assert resp.status_code == 302
    assert _stays_on_site(resp.headers["Location"]), resp.headers["Location"]


def test_login_next_keeps_a_local_path(client, factory):
    user = factory.user("staff")
    page = client.get("/login")
    resp = client.post("/login?next=/calendar%3Fview%3Dweek",
                       data={"email": user.email, "password": "correct horse battery", "csrf_token": csrf_from(page)})
    assert resp.headers["Location"] == "/calendar?view=week"


# -- signed and secret links ---------------------------------------------------------------------

def _attachment(factory):
    d = factory.submit(factory.draft(attachments=[("a.png", PNG, "A plain square")]))  # scanned: has its copy
    return d.attachments[0]


@pytest.mark.parametrize("sig", ["\u00e9" * 64, "\u202e" + "0" * 63, "", "0" * 64, "x" * 5000],
                         ids=["accents", "rtl", "empty", "zeros", "long"])
def test_media_link_with_a_tampered_signature_is_404(client, factory, sig):
    att = _attachment(factory)
    exp = int(time.time()) + 3600
    assert client.get(f"/releases/media/{att.id}?" + urlencode({"exp": exp, "sig": sig})).status_code == 404


@pytest.mark.parametrize("exp", ["", "abc", "-1", "1", str(10**30), "1e10", "\u00b2"])
def test_media_link_with_a_tampered_expiry_is_404(app, client, factory, exp):
    att = _attachment(factory)
    secret = app.config["REVIEWQ"].secret_key
    real = int(time.time()) + 3600
    sig = media_signature(secret, att.id, att.sha256, real)
    assert client.get(f"/releases/media/{att.id}?" + urlencode({"exp": exp, "sig": sig})).status_code == 404
    assert client.get(f"/releases/media/{att.id}?exp={real}&sig={sig}").status_code == 200


@pytest.mark.parametrize("token", ["abc", "cal_", "cal_" + "x" * 500, "cal_%ED%A0%80", "cal_%00", "cal_%E2%80%AE"])
def test_ical_feed_with_a_bad_token_is_404(client, token):
    resp = client.get(f"/calendar/feed/{token}.ics")
    assert resp.status_code == 404
    assert "BEGIN:VCALENDAR" not in resp.get_data(as_text=True)


# -- Slack -----------------------------------------------------------------------------------------

@pytest.fixture
def slack(settings):
    settings.slack_signing_secret = SECRET
    return settings


def _slack_post(client, body: bytes, headers=None, content_type=FORM):
    return client.post("/slack/events", data=body, content_type=content_type,
                       headers=sign(body) if headers is None else headers)


@pytest.mark.parametrize("body", [
    b"", b"\xff\xfe\x00", b"payload=", b"payload=%7B", b"payload=null", b"payload=%5B%5D", b"payload=1e999",
    b"payload=" + b"%5B" * 5000, b"a=b&payload=%7B%22type%22%3A%22block_actions%22%7D",
    urlencode({"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": "approve",
                                                                           "value": "{bad"}]})}).encode(),
    urlencode({"payload": json.dumps({"type": "view_submission", "view": {"private_metadata": "[]"}})}).encode(),
    b"x" * (2 * 1024 * 1024),
], ids=lambda b: repr(b[:24]))
def test_slack_garbage_is_a_4xx_or_ignored(client, slack, session, body):
    before = _counts(session)
    resp = _slack_post(client, body)
    assert resp.status_code in (200, 400, 413), resp.status_code
    if resp.status_code != 200:
        assert resp.get_json()["error"]
    assert _counts(session) == before


@pytest.mark.parametrize("headers", [
    {}, {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64},
    {"X-Slack-Request-Timestamp": "\u00b2", "X-Slack-Signature": "v0=\u00e9"},
])
def test_slack_unsigned_or_badly_signed_is_401(client, slack, headers):
    resp = _slack_post(client, b"payload=%7B%7D", headers=headers)
    assert resp.status_code == 401 and resp.get_json()["error"]


def test_slack_stale_signature_is_401(client, slack):
    body = b"payload=%7B%7D"
    resp = _slack_post(client, body, headers=sign(body, ts=int(time.time()) - 3600))
    assert resp.status_code == 401


def test_slack_click_on_a_draft_id_out_of_range_is_a_refusal_not_a_500(client, slack, factory, session):
    factory.user("reviewer", slack_id="U0HOSTILE")
    for draft_id in (2**31, 2**63, 10**30):
        value = json.dumps({"d": draft_id, "r": 1, "s": "review"})
        body = urlencode({"payload": json.dumps(block_actions("U0HOSTILE", "approve", value))}).encode()
        resp = _slack_post(client, body)
        assert resp.status_code == 200
    assert session.scalar(select(func.count()).select_from(Decision)) == 0


# -- the JSON API -----------------------------------------------------------------------------------

@pytest.fixture
def bearer(factory):
    return {"Authorization": "Bearer " + factory.token(factory.user("staff"))}


@pytest.mark.parametrize("body,ctype", [
    (b"{", "application/json"), (b"\xff\xfe", "application/json"), (b"[]", "application/json"),
    (b'{"body": "x", "channels": ["facebook"]}', "text/plain"), (b"", "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (b'{"body": "x", "channels": ["facebook"], "requested_release_at": 1e999}', "application/json"),
    (b'{"body": "\\ud800", "channels": ["facebook"]}', "application/json"),
    (b'{"body": "ok text", "channels": ["facebook"], "consent_ids": [' + str(10**30).encode() + b"]}",
     "application/json"),
], ids=lambda v: repr(v[:24]) if isinstance(v, bytes) else v)
def test_api_malformed_bodies_are_4xx_json(client, bearer, session, body, ctype):
    before = _counts(session)
    resp = client.post("/api/v1/drafts", data=body, content_type=ctype, headers=bearer)
    assert 400 <= resp.status_code < 500, resp.status_code
    assert resp.get_json()["error"]
    assert _counts(session) == before


@pytest.mark.parametrize("query", ["?cursor=abc", f"?cursor={10**30}", "?limit=-1", "?limit=1e9", "?state=../../etc",
                                   f"?author={10**30}", "?author=%C2%B2"])
def test_api_list_with_bad_query_is_4xx(client, bearer, query):
    resp = client.get("/api/v1/drafts" + query, headers=bearer)
    assert resp.status_code in (200, 400, 422), resp.status_code


# -- headers, cookies, inline code, no post text in errors and logs --------------------------------

@pytest.mark.parametrize("path", ["/no-such-page", "/drafts/999999", "/api/v1/nothing", "/login?next=//evil.com"])
def test_error_pages_carry_the_security_headers(client, path):
    resp = client.get(path)
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_session_cookie_is_httponly_and_samesite(client, factory):
    user = factory.user("staff")
    page = client.get("/login")
    resp = client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                       "csrf_token": csrf_from(page)})
    cookies = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies and all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


PAGES = ["/", "/review", "/calendar", "/calendar?view=week", "/calendar?view=agenda", "/calendar/freeze",
         "/calendar/feed", "/consents", "/audit", "/admin/users", "/admin/users/new", "/admin/settings",
         "/admin/slack", "/admin/policy/", "/admin/policy/versions", "/account/tokens", "/drafts/new", "/api/v1/docs", "/no-such-page"]


def test_no_page_has_inline_script_or_style(client, admin, factory):
    d = factory.approved_draft()
    failures = []
    for path in PAGES + [f"/drafts/{d.id}", f"/drafts/{d.id}/edit", f"/drafts/{d.id}/withdraw",
                         f"/consents/link?draft_id={d.id}"]:
        resp = client.get(path)
        html = resp.get_data(as_text=True)
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) or re.search(r"\sstyle\s*=", html) or \
                re.search(r"\son[a-z]+\s*=", html) or "<style" in html:
            failures.append(path)
    assert failures == []


def test_refusals_never_log_or_echo_post_text(client, factory, login, caplog, session):
    owner = factory.user("staff")
    d = factory.draft(owner, body=MARKER)
    other = login(factory.user("staff"))
    caplog.set_level(logging.DEBUG)
    pages = [client.get(f"/drafts/{d.id}"), client.get(f"/drafts/{d.id}/edit"),
             client.post(f"/drafts/{d.id}/withdraw", data={"csrf_token": _token(client)}),
             client.get(f"/drafts/{d.id}/attachments/1"),
             client.post(f"/drafts/{d.id}/edit", data={"body": MARKER + " again", "channels": ["facebook"]}),
             client.get(f"/api/v1/drafts/{d.id}", headers={"Authorization": "Bearer " + factory.token(other)})]
    for resp in pages:
        assert resp.status_code in (400, 403, 404), resp.status_code
        assert "Zebra-Quokka" not in resp.get_data(as_text=True)
    assert "Zebra-Quokka" not in caplog.text
    assert session.get(Draft, d.id).state == "draft"


def test_own_edit_with_hostile_text_is_refused_without_logging_it(client, factory, login, caplog, session):
    author = login(factory.user("staff"))
    d = factory.draft(author, body=MARKER)
    caplog.set_level(logging.DEBUG)
    page = client.get(f"/drafts/{d.id}/edit")
    for body in [MARKER + "\x00", MARKER + "x" * 70_000, ""]:
        resp = client.post(f"/drafts/{d.id}/edit", data={"csrf_token": csrf_from(page), "body": body,
                                                         "channels": ["facebook"], "action": "save"})
        assert resp.status_code in (400, 413, 422), resp.status_code
    assert "Zebra-Quokka" not in caplog.text
    session.expire_all()
    assert session.get(Draft, d.id).current_revision == 1


# -- methods and CSRF -------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [("DELETE", "/drafts/1"), ("PUT", "/login"), ("GET", "/logout"),
                                         ("GET", "/slack/events"), ("DELETE", "/api/v1/drafts/1")])
def test_wrong_method_is_405(client, method, path):
    assert client.open(path, method=method).status_code == 405


def test_post_without_csrf_changes_nothing(client, admin, factory, session):
    d = factory.submit(factory.draft())
    before = _counts(session)
    for path in [f"/drafts/{d.id}/decision", "/calendar/freeze/on", "/admin/users/new", "/account/tokens",
                 "/consents", f"/drafts/{d.id}/withdraw", "/logout"]:
        resp = client.post(path, data={"decision": "approve", "revision": "1", "reason": "x", "name": "x",
                                       "email": "x@example.org", "roles": ["admin"], "subject_name": "x"})
        assert resp.status_code == 400, (path, resp.status_code)
    assert _counts(session) == before


# -- NUL and lone surrogates (PostgreSQL cannot store them; SQLite cannot encode surrogates) --------

def test_sign_in_with_nul_in_the_email_is_400_and_records_nothing(client, factory, session):
    from reviewq.models import LoginAttempt
    user = factory.user("staff")
    page = client.get("/login")
    resp = client.post("/login", data={"email": user.email + "\x00", "password": "correct horse battery",
                                       "csrf_token": csrf_from(page)})
    assert resp.status_code == 400
    assert "NUL" in resp.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


@pytest.mark.parametrize("path,data", [
    ("/calendar/freeze/on", {"reason": "Incident\x00"}),
    ("/account/tokens", {"name": "script\x00"}),
    ("/admin/users/new", {"name": "New\x00 Person", "email": "new@example.org", "roles": ["staff"],
                          "password": "a long enough password"}),
    ("/consents", {"subject_name": "Jane\x00 Doe", "kind": "photo"}),
    ("/calendar/holds", {"kind": "channel", "value": "facebook", "reason": "why\x00"}),
    ("/calendar/blackouts", {"starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00", "reason": "x\x00"}),
])
def test_nul_in_any_web_form_field_is_400_and_changes_nothing(client, admin, session, path, data):
    before = _counts(session)
    resp = client.post(path, data={**data, "csrf_token": _token(client)})
    assert resp.status_code == 400, resp.status_code
    assert _counts(session) == before


def test_nul_in_a_query_or_an_upload_name_is_400(client, admin):
    assert client.get("/consents?q=a%00b").status_code == 400
    page = client.get("/drafts/new")
    resp = client.post("/drafts/new", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "body": "Flu shots this week.", "channels": ["facebook"], "action": "save",
        "attachments-0-file": (__import__("io").BytesIO(PNG), "a\x00.png"), "attachments-0-alt_text": "x"})
    assert resp.status_code == 400


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "surrogate"])
def test_slack_payload_with_unstorable_text_is_400(client, slack, factory, session, bad):
    factory.user("reviewer", slack_id="U0HOSTILE")
    d = factory.submit(factory.draft())
    before = _counts(session)
    for payload in (block_actions("U0HOSTILE" + bad, "approve", json.dumps({"d": d.id, "r": 1, "s": "review"})),
                    block_actions("U0HOSTILE", "approve", json.dumps({"d": d.id, "r": 1, "s": "review"}),
                                  channel="C" + bad)):
        body = urlencode({"payload": json.dumps(payload)}).encode()
        assert _slack_post(client, body).status_code == 400
    assert _counts(session) == before


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["nul", "surrogate"])
def test_decision_comment_with_unstorable_text_is_a_validation_error(factory, session, bad):
    from reviewq.core.errors import ValidationError
    from reviewq.review.operations import decide
    reviewer = factory.user("reviewer")
    d = factory.submit(factory.draft())
    with pytest.raises(ValidationError) as e:
        decide(session, reviewer, d.id, "reject", revision=1, comment="No" + bad, now=factory.tick())
    assert "comment" in e.value.fields
    session.rollback()
    assert session.get(Draft, d.id).state == "pending_review"


# -- the command line --------------------------------------------------------------------------------

def _cli(tmp_path, database_url, *args, stdin=""):
    import os
    import subprocess
    import sys
    env = {**os.environ, "REVIEWQ_DATABASE_URL": database_url, "REVIEWQ_INSTANCE_DIR": str(tmp_path / "inst"),
           "REVIEWQ_SECRET_KEY": "cli-test", "REVIEWQ_AUDIT_KEY": AUDIT_KEY}
    return subprocess.run([sys.executable, "-m", "reviewq", *args], input=stdin, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("args", [("user", "add", "a@example.org", "--name", "A", "--role", "staff"),
                                  ("token", "create", "a@example.org")], ids=["user-add", "token-create"])
def test_cli_before_init_db_exits_2_naming_init_db(tmp_path, args):
    r = _cli(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}", *args)
    assert r.returncode == 2 and "init-db" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


@pytest.mark.commits  # the CLI runs as a subprocess on its own connection
@pytest.mark.parametrize("email", ["a\x01b@example.org", "ab@exa\x7fmple.org", "ab@example.org\x1b[2J"],
                         ids=["soh", "del", "terminal-escape"])
def test_cli_user_add_refuses_control_characters_in_the_email(tmp_path, app, migrated, session, email):
    from reviewq.models import User
    r = _cli(tmp_path, migrated, "user", "add", email, "--name", "A", "--role", "staff")
    assert r.returncode == 2 and "e-mail" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert session.scalar(select(func.count()).select_from(User)) == 0


# -- other people's rows ------------------------------------------------------------------------------

def test_other_peoples_tokens_attachments_consents_and_holds_are_out_of_reach(client, factory, login, session):
    from reviewq.models import ApiToken, Consent, ReleaseHold
    from reviewq.consents.operations import create_consent
    from reviewq.releases.holds import place_hold
    owner, comms = factory.user("staff"), factory.user("comms")
    secret = factory.token(owner)
    theirs = factory.draft(owner, body=MARKER, attachments=[("a.png", PNG, "alt")])
    consent = create_consent(session, comms, subject_name="Jane Example", covers=["photo"], now=factory.tick())
    hold = place_hold(session, comms, "channel", "facebook", reason="Check", now=factory.tick())
    session.commit()
    token_id, att_id, consent_id, hold_id = session.scalar(select(ApiToken.id)), theirs.attachments[0].id, \
        consent.id, hold.id
    intruder = login(factory.user("staff"))
    mine = factory.draft(intruder)
    csrf = _token(client)
    answers = {
        "token": client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}),
        "attachment": client.get(f"/drafts/{mine.id}/attachments/{att_id}"),
        "their attachment": client.get(f"/drafts/{theirs.id}/attachments/{att_id}"),
        "consent": client.post(f"/consents/{consent_id}/revoke", data={"csrf_token": csrf}),
        "hold": client.post(f"/calendar/holds/{hold_id}/lift", data={"csrf_token": csrf}),
        "link": client.get(f"/consents/link?draft_id={theirs.id}"),
    }
    for name, resp in answers.items():
        # The freeze pages refuse with a flashed message on the page they redirect to.
        assert resp.status_code in ((302,) if name == "hold" else (403, 404)), (name, resp.status_code)
        assert "Zebra-Quokka" not in resp.get_data(as_text=True) and resp.data != PNG, name
    session.expire_all()
    assert session.get(ApiToken, token_id).revoked_at is None
    assert session.get(Consent, consent_id).revoked_at is None
    assert session.get(ReleaseHold, hold_id).lifted_at is None
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer " + secret}).status_code == 200


@pytest.mark.parametrize("path", ["/drafts/new", "/consents", "/account/tokens", "/login"])
def test_a_one_megabyte_text_field_is_413_saying_what_the_limit_is(client, factory, login, session, path):
    login(factory.user("staff", "comms"))
    before = _counts(session)
    resp = client.post(path, data={"csrf_token": _token(client), "body": "x" * (1024 * 1024),
                                   "name": "x" * (1024 * 1024), "subject_name": "x" * (1024 * 1024)})
    assert resp.status_code == 413
    assert "text field up to 500 kB" in resp.get_data(as_text=True)
    assert _counts(session) == before
