"""Requests from Slack: verify the signature, then parse the payload into plain values.

Verification uses slack_sdk's SignatureVerifier (HMAC-SHA256 over
`v0:{timestamp}:{body}`, timestamp within five minutes). Parsing accepts only
the shapes reviewq sends and expects back; anything else is MalformedPayload
(HTTP 400). Deciding what to do with a click belongs to reviewq.web.slack.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from reviewq.integrations.slack.blocks import MODAL_CALLBACK, REASON_ACTION, REASON_BLOCK

DECISION_ACTIONS = ("approve", "request_changes", "reject")
STAGES = ("review", "legal", "comms")


class Unverified(Exception):
    """Missing, bad or stale signature (HTTP 401)."""


class MalformedPayload(Exception):
    """Signed, but not a payload reviewq understands (HTTP 400)."""


@dataclass(frozen=True)
class Target:
    draft_id: int
    revision: int
    stage: str


@dataclass(frozen=True)
class Challenge:
    challenge: str


@dataclass(frozen=True)
class ButtonClicked:
    slack_user: str
    decision: str
    target: Target
    trigger_id: str
    channel: str | None
    message_ts: str | None


@dataclass(frozen=True)
class ReasonSubmitted:
    slack_user: str
    decision: str
    target: Target
    channel: str | None
    reason: str
    ref: str


@dataclass(frozen=True)
class Ignored:
    kind: str


def verify(signing_secret: str | None, body: bytes, headers) -> None:
    if not signing_secret:
        raise Unverified("Slack requests cannot be verified: SLACK_SIGNING_SECRET is not set.")
    ts, sig = headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")
    if not ts or not sig:
        raise Unverified("Missing Slack signature headers.")
    try:
        int(ts)
    except ValueError:
        raise Unverified("Bad Slack request timestamp.") from None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPayload("the body is not UTF-8") from None
    if not SignatureVerifier(signing_secret).is_valid(text, ts, sig):
        raise Unverified("Bad or expired Slack signature.")


def parse(body: bytes, content_type: str | None):
    """Challenge | ButtonClicked | ReasonSubmitted | Ignored, or raise MalformedPayload."""
    try:
        text = body.decode("utf-8")
        if (content_type or "").startswith("application/json"):
            data = json.loads(text)
            if isinstance(data, dict) and data.get("type") == "url_verification":
                return Challenge(_str(data, "challenge"))
            return Ignored(str(data.get("type") if isinstance(data, dict) else "unknown"))
        form = parse_qs(text, strict_parsing=False)
        payload = json.loads(form["payload"][0])
        if not isinstance(payload, dict):
            raise MalformedPayload("payload is not an object")
        if not _storable(payload):
            raise MalformedPayload("NUL or unpaired surrogate in the payload")
        kind = payload.get("type")
        if kind == "block_actions":
            return _button(payload)
        if kind == "view_submission":
            return _submission(payload)
        return Ignored(str(kind))
    except MalformedPayload:
        raise
    except (UnicodeDecodeError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            RecursionError) as e:  # RecursionError: JSON nested thousands deep
        raise MalformedPayload(f"unreadable payload ({type(e).__name__})") from None


def _storable(data) -> bool:
    """False if any string in `data` holds NUL or a lone surrogate (JSON allows both, databases do not)."""
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return "\x00" not in data
    if isinstance(data, dict):
        return all(_storable(k) and _storable(v) for k, v in data.items())
    return all(_storable(v) for v in data) if isinstance(data, list) else True


def _str(d: dict, key: str) -> str:
    value = d[key]
    if not isinstance(value, str) or not value:
        raise MalformedPayload(f"{key} missing")
    return value


def _target(raw: dict) -> Target:
    draft_id, revision, stage = raw["d"], raw["r"], raw["s"]
    if type(draft_id) is not int or type(revision) is not int or stage not in STAGES:
        raise MalformedPayload("bad draft reference")
    return Target(draft_id, revision, stage)


def _button(payload: dict) -> ButtonClicked:
    actions = payload["actions"]
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        raise MalformedPayload("no action")
    action = actions[0]
    if action.get("action_id") not in DECISION_ACTIONS:
        raise MalformedPayload("unknown action")
    container = payload.get("container") or {}
    channel = (payload.get("channel") or {}).get("id") or container.get("channel_id")
    return ButtonClicked(slack_user=_str(payload["user"], "id"), decision=action["action_id"],
                         target=_target(json.loads(_str(action, "value"))),
                         trigger_id=_str(payload, "trigger_id"), channel=channel,
                         message_ts=container.get("message_ts"))


def _submission(payload: dict) -> ReasonSubmitted | Ignored:
    view = payload["view"]
    if view.get("callback_id") != MODAL_CALLBACK:
        return Ignored("view_submission")
    meta = json.loads(_str(view, "private_metadata"))
    if meta.get("a") not in ("request_changes", "reject"):
        raise MalformedPayload("bad decision")
    value = view["state"]["values"].get(REASON_BLOCK, {}).get(REASON_ACTION, {}).get("value")
    channel = meta.get("c") if isinstance(meta.get("c"), str) else None
    return ReasonSubmitted(slack_user=_str(payload["user"], "id"), decision=meta["a"], target=_target(meta),
                           channel=channel, reason=value if isinstance(value, str) else "",
                           ref=str(payload.get("trigger_id") or view.get("id") or ""))
