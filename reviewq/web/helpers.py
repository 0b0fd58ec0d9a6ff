"""Template globals and filters: time zones, labels, the unit of work for views."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from flask_login import current_user

from reviewq.core import workflow as wf
from reviewq.core.roles import CHANNEL_LABELS, CHANNELS, ROLE_LABELS

STATE_LABELS = {
    "draft": "Draft", "pending_review": "Waiting for review", "pending_legal": "Waiting for legal",
    "pending_comms": "Waiting for comms", "approved": "Approved", "scheduled": "Scheduled",
    "published": "Published", "changes_requested": "Changes requested", "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}


def org_tz():
    return current_app.config["REVIEWQ"].tz


def local(dt: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    loc = dt.astimezone(org_tz())
    return f"{loc.strftime(fmt)} {loc.tzname()}"


def template_globals() -> dict:
    return {"STATE_LABELS": STATE_LABELS, "CHANNEL_LABELS": CHANNEL_LABELS, "CHANNELS": CHANNELS,
            "ROLE_LABELS": ROLE_LABELS, "STAGES": wf.STAGES, "current_user": current_user,
            "org_timezone": current_app.config["REVIEWQ"].timezone, "freeze": _freeze_state()}


def _freeze_state():
    try:
        from reviewq.services.settings import freeze_state
    except ImportError:
        return None
    from reviewq.extensions import db
    return freeze_state(db.session)


def register_filters(app) -> None:
    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["state_label"] = lambda s: STATE_LABELS.get(s, s)
    app.jinja_env.filters["channel_label"] = lambda c: CHANNEL_LABELS.get(c, c)
    app.jinja_env.filters["isoutc"] = lambda dt: dt.astimezone(timezone.utc).isoformat() if dt else ""
