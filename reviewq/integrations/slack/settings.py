"""Slack settings kept in the database: stage channels, reminder SLAs, people's Slack ids.

Admin-only writes, validated here so the admin page and scripts refuse the
same things; each change sends setting_changed / user_changed so the audit
receiver records it. Reading who a Slack user is (user_for_slack) lives here
too. Nothing here talks to Slack.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.models import Setting, User, UserRole
from reviewq.accounts.operations import SLACK_ID_RE
from reviewq.stored_settings import clean_reason, put_setting

CHANNELS_KEY = "slack_channels"
REMINDERS_KEY = "slack_reminders"
# Where each kind of message goes: the three stages, plus escalations to admins.
CHANNEL_SLOTS = ("review", "legal", "comms", "admins")
CHANNEL_RE = re.compile(r"^[CG][A-Z0-9]{2,30}$")
DEFAULT_REMINDERS = {"remind_after_hours": 24, "escalate_after_hours": 48}


def stage_channels(session: Session) -> dict[str, str]:
    row = session.get(Setting, CHANNELS_KEY)
    value = row.value if row is not None else {}
    return {k: v for k, v in value.items() if k in CHANNEL_SLOTS and isinstance(v, str) and v}


def reminder_hours(session: Session) -> dict[str, int]:
    row = session.get(Setting, REMINDERS_KEY)
    return {**DEFAULT_REMINDERS, **(row.value if row is not None else {})}


def _require_admin(actor: User) -> None:
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators can change the Slack settings.")


def save_slack_settings(session: Session, actor: User, *, channels: dict, remind_after_hours,
                        escalate_after_hours, now: datetime, reason: str = "") -> None:
    """Store the channel per slot (empty: DM each approver instead) and the reminder SLAs, for `reason`.

    Both are versioned settings, so a reason is required; nothing is stored when any field is refused.
    """
    _require_admin(actor)
    errors, clean = {}, {}
    try:
        clean_reason(reason, required=True)
    except ValidationError as e:
        errors["reason"] = e.message
    for slot in CHANNEL_SLOTS:
        value = channels.get(slot) or ""
        value = value.strip() if isinstance(value, str) else "?"
        if value and not CHANNEL_RE.match(value):
            errors[f"channel_{slot}"] = "A Slack channel id looks like C012ABCDEF (not the #name)."
        elif value:
            clean[slot] = value
    hours = {}
    for name, raw in (("remind_after_hours", remind_after_hours), ("escalate_after_hours", escalate_after_hours)):
        try:
            hours[name] = int(raw)
            if not 1 <= hours[name] <= 24 * 30:
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = "Give a whole number of hours between 1 and 720."
    if not errors and hours["escalate_after_hours"] <= hours["remind_after_hours"]:
        errors["escalate_after_hours"] = "Escalate later than the reminder."
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    put_setting(session, CHANNELS_KEY, clean, actor, now, reason=reason)
    put_setting(session, REMINDERS_KEY, hours, actor, now, reason=reason)


def set_slack_id(session: Session, actor: User, user_id, slack_id: str | None, *, now: datetime) -> User:
    """Link (or with an empty id, unlink) a reviewq user and a Slack member id."""
    _require_admin(actor)
    try:
        user = session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        user = None
    if user is None:
        raise NotFoundError("No such user.")
    if slack_id is not None and not isinstance(slack_id, str):
        raise ValidationError("A Slack member id looks like U012ABCDEF.", {"slack_id": "invalid"})
    slack_id = (slack_id or "").strip() or None
    if slack_id is not None and not SLACK_ID_RE.match(slack_id):
        raise ValidationError("A Slack member id looks like U012ABCDEF.", {"slack_id": "invalid"})
    other = session.scalar(select(User.id).where(User.slack_user_id == slack_id, User.id != user.id)) \
        if slack_id else None
    if other is not None:
        raise ConflictError(f"Slack id {slack_id} already belongs to another user.")
    user.slack_user_id = slack_id
    session.flush()
    signals.user_changed.send(user, session=session, actor=actor, now=now, change="slack_id")
    return user


def user_for_slack(session: Session, slack_id: str) -> User | None:
    user = session.scalar(select(User).where(User.slack_user_id == slack_id))
    return user if user is not None and user.active else None


def slack_users_with_role(session: Session, role: str) -> list[User]:
    return list(session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                .where(UserRole.role == role, User.slack_user_id.is_not(None),
                                       User.active.is_(True)).order_by(User.id)))
