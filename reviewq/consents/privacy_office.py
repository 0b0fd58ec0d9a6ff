"""The privacy office's contact: where "request consent" tasks and their answers are sent besides comms.

A stored setting ("privacy_office": an e-mail address and/or a Slack channel id),
versioned like every setting (a reason is required). Admins change it; reading
it is free. Who is told what, and when, is reviewq.receivers.notify's; the
messages carry draft and consent numbers only, never the person's name.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.stored_settings import get_setting, put_setting

PRIVACY_KEY = "privacy_office"
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$")
CHANNEL_RE = re.compile(r"^[CG][A-Z0-9]{2,30}$")   # the same shape as the stage channels (integrations/slack)


def privacy_office(session: Session) -> dict:
    """{"email": "...", "slack_channel": "..."}; empty strings when not set."""
    value = get_setting(session, PRIVACY_KEY) or {}
    return {"email": value.get("email") or "", "slack_channel": value.get("slack_channel") or ""}


def set_privacy_office(session: Session, actor, *, email, slack_channel, reason: str, now: datetime) -> dict:
    """Store the privacy office's e-mail address and Slack channel (admins; either may be empty) for `reason`.

    Refused (ValidationError naming the field, nothing stored): an address or channel id that does not look
    like one, or, when anything changes, no reason. Saving the same contact again stores nothing.
    """
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators change the privacy office's contact.")
    clean = {"email": _text(email).lower(), "slack_channel": _text(slack_channel)}
    errors = {}
    if clean["email"] and (len(clean["email"]) > 254 or not EMAIL_RE.match(clean["email"])):
        errors["privacy_email"] = "Give an e-mail address like privacy@hospital.org."
    if clean["slack_channel"] and not CHANNEL_RE.match(clean["slack_channel"]):
        errors["privacy_slack_channel"] = "A Slack channel id looks like C012ABCDEF (not the #name)."
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    if clean == privacy_office(session):
        return clean
    put_setting(session, PRIVACY_KEY, clean, actor, now, reason=reason)
    return clean


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
