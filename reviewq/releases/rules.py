"""The release rules: clash warnings, approval age, the worker's timeout, lease, batch and concurrency.

Owns their defaults, reading them (one stored setting, "release") and changing
them (comms leads and admins; unknown keys and bad numbers are refused). The
page's tighter bounds are reviewq.web.release_settings_form's; storing is
reviewq.stored_settings.put_setting's.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq.core.errors import ValidationError
from reviewq.core.schedule import DEFAULT_CLASH_MINUTES
from reviewq.releases.permissions import require_release_controls
from reviewq.stored_settings import clean_reason, get_setting, put_setting

RELEASE_KEY = "release"
RELEASE_DEFAULTS = {
    "clash_minutes": DEFAULT_CLASH_MINUTES,   # warn when two posts share a channel this close together
    "approval_max_age_days": 90,              # older approvals are held at release (0: never expire)
    "webhook_timeout_seconds": 10.0,
    "lease_seconds": 15,                      # a worker's claim on a due post; renewed while the worker lives
    "batch": 50,                              # posts claimed, re-checked and recorded per transaction
    "publish_concurrency": 8,                 # publisher calls one worker makes at the same time
}


def release_rules(session: Session) -> dict:
    """Every rule, the stored value where one was saved, else the default."""
    return {**RELEASE_DEFAULTS, **(get_setting(session, RELEASE_KEY) or {})}


def update_release_rules(session: Session, actor, changes: dict, *, now: datetime, reason: str = "") -> dict:
    """Change some release rules (comms leads and admins) for `reason` (required: a change is a version).

    Unknown keys, bad numbers or a missing reason are refused before anything is stored.
    """
    require_release_controls(actor, "Only comms leads and administrators can change the release settings.")
    clean_reason(reason, required=True)
    unknown = set(changes) - set(RELEASE_DEFAULTS)
    if unknown:
        raise ValidationError(f"Unknown release setting {sorted(unknown)[0]!r}.", {k: "unknown" for k in unknown})
    current = release_rules(session)
    for k, v in changes.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise ValidationError(f"{k} must be a number of zero or more.", {k: "not a number"})
        current[k] = type(RELEASE_DEFAULTS[k])(v)
    put_setting(session, RELEASE_KEY, current, actor, now, reason=reason)
    return current
