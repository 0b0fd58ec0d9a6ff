"""Blackout windows: times (on some channels, or all) when nothing may be scheduled.

Comms leads and admins add them (they end by themselves); scheduling refuses a time inside
one (reviewq.core.schedule.check_release_time); the calendar reads them
through reviewq.releases.queries.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core.errors import ValidationError
from reviewq.core.roles import CHANNELS
from reviewq.models import BlackoutWindow, User
from reviewq.releases.permissions import require_release_controls


def add_blackout(session: Session, actor: User, *, starts_at: datetime, ends_at: datetime, channels=(),
                 reason="", now: datetime) -> BlackoutWindow:
    require_release_controls(actor)
    if ends_at <= starts_at:
        raise ValidationError("The window must end after it starts.", {"ends_at": "before start"})
    if ends_at <= now:
        raise ValidationError("That window is already over.", {"ends_at": "in the past"})
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValidationError(f"Unknown channel {unknown[0]!r}.", {"channels": "unknown channel"})
    w = BlackoutWindow(starts_at=starts_at, ends_at=ends_at, channels=sorted(set(channels)),
                       reason=(reason or "").strip()[:200], created_by_id=actor.id, created_at=now)
    session.add(w)
    session.flush()
    signals.blackout_changed.send(w, session=session, actor=actor, now=now, change="added",
                                  starts_at=starts_at, ends_at=ends_at, channels=w.channels)
    return w

