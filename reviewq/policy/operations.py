"""Changing the organisation's check policy (stored as the "policy" setting; admins only).

Validation is the checks engine's own (`Policy.from_mapping`), so what an
admin saves is exactly what submission, the API and the release re-check use.
Every change needs a reason and becomes an immutable version
(reviewq.stored_settings.put_setting); "reviewed, no change" is a version too
(review_policy). Storing and auditing is stored_settings'.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from reviewq.checks import Policy
from reviewq.checks.policy import DEFAULT_LIMITS
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.drafts.checking import POLICY_KEY
from reviewq.models import User
from reviewq.stored_settings import clean_reason, put_setting, record_review

MAX_POLICY_BYTES = 256 * 1024
# The settings the policy page edits with form fields; the JSON view holds the rest.
LIST_FIELDS = ("org_names", "org_handles", "org_phones", "org_addresses", "org_domains", "authoritative_domains",
               "disclosure_hashtags", "disabled_checks")


def parse_policy_text(text: str) -> dict:
    """JSON text → a validated overrides dict; ValidationError names what is wrong."""
    if not isinstance(text, str) or len(text.encode()) > MAX_POLICY_BYTES:
        raise ValidationError("The policy must be JSON text under 256 KB.", {"policy": "too large"})
    text = text.strip() or "{}"
    try:
        data = json.loads(text)
    except ValueError as e:
        raise ValidationError(f"The policy is not valid JSON: {e}.", {"policy": "invalid JSON"})
    if not isinstance(data, dict):
        raise ValidationError("The policy is a JSON object of settings, like {\"org_names\": [...]}.",
                              {"policy": "not an object"})
    validate_policy(data)
    return data


def validate_policy(data: dict) -> Policy:
    """The Policy `data` gives, or ValidationError (unknown keys, wrong types, a channel left without a limit)."""
    try:
        policy = Policy.from_mapping(data)
    except (ValueError, TypeError) as e:
        raise ValidationError(f"The policy was not saved: {e}", {"policy": str(e)})
    bare = sorted(ch for ch in DEFAULT_LIMITS if not policy.channel_limits.get(ch))
    if bare:
        raise ValidationError(f"The policy was not saved: channel {', '.join(bare)} would have no character limit.",
                              {"channel_limits": "missing"})
    return policy


def set_policy(session: Session, actor: User, text: str, *, now: datetime, reason: str = "",
               fields: dict | None = None) -> dict:
    """Replace the policy overrides (admins only) with the JSON `text` updated by the form's `fields`.

    A reason is required; the new version holds the full value, the audit row its keys and version number.
    """
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators change the check policy.")
    clean_reason(reason, required=True)
    data = parse_policy_text(text)
    for key, value in (fields or {}).items():
        if value in (None, [], {}):
            data.pop(key, None)
        else:
            data[key] = value
    validate_policy(data)
    put_setting(session, POLICY_KEY, data, actor, now, audited_value={"keys": sorted(data)}, reason=reason)
    return data


def review_policy(session: Session, actor: User, *, reason: str, now: datetime):
    """Record "reviewed, no change" (admins only): a version with the same value and the reviewer's note."""
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators review the check policy.")
    return record_review(session, POLICY_KEY, actor, now, reason=reason)
