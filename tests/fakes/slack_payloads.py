"""The Slack side of a conversation with reviewq: signed requests in Slack's real shapes.

`SlackSide(client)` posts `block_actions` and `view_submission` payloads
(form-encoded `payload=` JSON, as Slack sends interactivity) to /slack/events
with X-Slack-Signature computed the way Slack documents it:
v0=hex(HMAC-SHA256(signing secret, "v0:{timestamp}:{raw body}")).
Also the pytest fixtures that start the fake Web API and point the app at it.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from urllib.parse import urlencode

import pytest

from tests.fakes.slack_api import TOKEN, FakeSlackServer

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
_trigger = itertools.count(1)


def sign(body: bytes, ts: int | None = None, secret: str = SECRET) -> dict:
    ts = int(time.time()) if ts is None else ts
    base = f"v0:{ts}:".encode() + body
    sig = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": sig}


def block_actions(slack_user: str, action_id: str, value: str, *, channel="C0REVIEW", ts="1700000000.000001"):
    return {
        "type": "block_actions",
        "user": {"id": slack_user, "username": "someone", "name": "someone", "team_id": "T0001"},
        "api_app_id": "A0001", "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "trigger_id": f"{next(_trigger)}.1234.abcdef", "team": {"id": "T0001", "domain": "hospital"},
        "enterprise": None, "is_enterprise_install": False,
        "channel": {"id": channel, "name": "approvals"},
        "message": {"type": "message", "ts": ts, "text": "Review needed", "blocks": []},
        "state": {"values": {}},
        "response_url": "https://hooks.slack.com/actions/T0001/1/abc",
        "actions": [{"action_id": action_id, "block_id": "decide:1:1:review",
                     "text": {"type": "plain_text", "text": action_id}, "value": value, "type": "button",
                     "action_ts": f"{time.time():.6f}"}],
    }


def view_submission(slack_user: str, private_metadata: str, reason: str | None):
    return {
        "type": "view_submission",
        "team": {"id": "T0001", "domain": "hospital"},
        "user": {"id": slack_user, "username": "someone", "name": "someone", "team_id": "T0001"},
        "api_app_id": "A0001", "token": "legacy-verification-token",
        "trigger_id": f"{next(_trigger)}.5678.abcdef",
        "view": {"id": "V0001", "team_id": "T0001", "type": "modal", "blocks": [],
                 "private_metadata": private_metadata, "callback_id": "reviewq_reason",
                 "state": {"values": {"reason": {"reason": {"type": "plain_text_input", "value": reason}}}},
                 "hash": "1700000000.abc", "title": {"type": "plain_text", "text": "Reject draft"},
                 "root_view_id": "V0001", "app_id": "A0001", "bot_id": "B0001"},
        "response_urls": [], "is_enterprise_install": False, "enterprise": None,
    }


class SlackSide:
    def __init__(self, client):
        self.client = client

    def post(self, payload: dict, *, headers: dict | None = None, raw: bytes | None = None):
        body = raw if raw is not None else urlencode({"payload": json.dumps(payload)}).encode()
        return self.client.post("/slack/events", data=body, headers=headers if headers is not None else sign(body),
                                content_type="application/x-www-form-urlencoded")

    def click(self, slack_user: str, action_id: str, value: str, **kw):
        return self.post(block_actions(slack_user, action_id, value, **kw))

    def submit(self, slack_user: str, private_metadata: str, reason: str | None):
        return self.post(view_submission(slack_user, private_metadata, reason))


@pytest.fixture
def fake_slack():
    with FakeSlackServer() as srv:
        yield srv


@pytest.fixture
def slack_settings(settings, fake_slack):
    settings.slack_bot_token = TOKEN
    settings.slack_signing_secret = SECRET
    settings.slack_api_url = fake_slack.url
    settings.base_url = "https://reviewq.example.org"
    return settings
