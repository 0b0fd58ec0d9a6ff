"""Changing the organisation's check policy (stored as the "policy" setting; admins only).

Validation is the checks engine's own (`Policy.from_mapping`), so what an
admin saves is exactly what submission, the API and the release re-check use.
Storing and auditing is reviewq.stored_settings.put_setting's.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from reviewq.checks import Policy
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.drafts.checking import POLICY_KEY
from reviewq.models import User
from reviewq.stored_settings import put_setting

MAX_POLICY_BYTES = 256 * 1024


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
    try:
        Policy.from_mapping(data)
    except (ValueError, TypeError) as e:
        raise ValidationError(f"The policy was not saved: {e}", {"policy": str(e)})
    return data


def set_policy(session: Session, actor: User, text: str, *, now: datetime) -> dict:
    """Replace the organisation's policy overrides (admins only); the audit row names the keys."""
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators change the check policy.")
    data = parse_policy_text(text)
    put_setting(session, POLICY_KEY, data, actor, now, audited_value={"keys": sorted(data)})
    return data
