"""Stored settings: the organisation's choices kept in the `settings` table, one JSON value per key.

Owns reading and writing a row and the `setting_changed` signal (audited by the
receivers in the same transaction). Every stored setting is written through
put_setting: the crisis freeze, the release rules, the check policy, PHI
masking, Slack's channels and reminders. Refuses to decide who may write:
the domain operation that calls put_setting checks permission and validates
the value first. Not to be confused with reviewq.config.Settings, the
environment-derived configuration of one process.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.models import Setting


def get_setting(session: Session, key: str, *, lock: bool = False) -> dict | None:
    """The stored value of `key`, or None when it was never set; `lock` holds the row until commit."""
    row = session.get(Setting, key, with_for_update=lock) if lock else session.get(Setting, key)
    return None if row is None else row.value


def put_setting(session: Session, key: str, value: dict, actor, now: datetime, *,
                audited_value: dict | None = None, announce: bool = True) -> Setting:
    """Store `value` under `key` and send setting_changed (audited). Callers check permission.

    `audited_value` is what the audit row records instead of the value itself
    (the policy is large: its keys are enough there). `announce=False` is for
    a caller that sends its own, more telling signal (the crisis freeze sends
    freeze_changed). `actor` None is the server's command line.
    """
    by = getattr(actor, "id", None)
    row = session.get(Setting, key, with_for_update=True)
    if row is None:
        row = Setting(key=key, value=value, updated_at=now, updated_by_id=by)
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by_id = value, now, by
    session.flush()
    if announce:
        signals.setting_changed.send(None, session=session, actor=actor, now=now, key=key,
                                     value=value if audited_value is None else audited_value)
    return row
