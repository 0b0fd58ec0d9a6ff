"""Organisation settings kept in the database: the crisis freeze and the release rules.

Reads are cheap single-row lookups (the freeze banner reads one on every page).
Changing the freeze belongs to reviewq.services.freeze, which checks who may.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_freeze
from reviewq.core.schedule import DEFAULT_CLASH_MINUTES
from reviewq.models import Setting

FREEZE_KEY = "freeze"
RELEASE_KEY = "release"
RELEASE_DEFAULTS = {
    "clash_minutes": DEFAULT_CLASH_MINUTES,   # warn when two posts share a channel this close together
    "approval_max_age_days": 90,              # older approvals are held at release (0: never expire)
    "webhook_timeout_seconds": 10.0,
    "lease_seconds": 120,                     # how long a worker's claim on a due post lasts
    "batch": 50,                              # posts claimed, re-checked and recorded per transaction
    "publish_concurrency": 8,                 # publisher calls one worker makes at the same time
}


@dataclass(frozen=True)
class FreezeState:
    on: bool
    reason: str
    since: datetime | None
    by_name: str

    def __bool__(self) -> bool:
        return self.on


def freeze_state(session: Session) -> FreezeState | None:
    """The global crisis freeze, or None when releases flow normally."""
    row = session.get(Setting, FREEZE_KEY)
    if row is None or not row.value.get("on"):
        return None
    since = row.value.get("since")
    return FreezeState(True, row.value.get("reason", ""), datetime.fromisoformat(since) if since else None,
                       row.value.get("by_name", ""))


def release_settings(session: Session) -> dict:
    row = session.get(Setting, RELEASE_KEY)
    return {**RELEASE_DEFAULTS, **(row.value if row is not None else {})}


def put_setting(session: Session, actor, key: str, value: dict, *, now: datetime) -> Setting:
    """Store `value` under `key` and send setting_changed (audited). Callers check permission."""
    row = session.get(Setting, key, with_for_update=True)
    if row is None:
        row = Setting(key=key, value=value, updated_at=now, updated_by_id=getattr(actor, "id", None))
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by_id = value, now, getattr(actor, "id", None)
    session.flush()
    signals.setting_changed.send(None, session=session, actor=actor, now=now, key=key, value=value)
    return row


def update_release_settings(session: Session, actor, changes: dict, *, now: datetime) -> dict:
    """Change some release rules (comms leads and admins). Unknown keys or bad numbers are refused."""
    if actor is None or not can_freeze(actor.actor()):
        raise PermissionDeniedError("Only comms leads and administrators can change the release settings.")
    unknown = set(changes) - set(RELEASE_DEFAULTS)
    if unknown:
        raise ValidationError(f"Unknown release setting {sorted(unknown)[0]!r}.", {k: "unknown" for k in unknown})
    current = release_settings(session)
    for k, v in changes.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise ValidationError(f"{k} must be a number of zero or more.", {k: "not a number"})
        current[k] = type(RELEASE_DEFAULTS[k])(v)
    put_setting(session, actor, RELEASE_KEY, current, now=now)
    return current
