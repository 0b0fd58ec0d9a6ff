"""Release scheduling and the release worker job (public signatures; body follows).

schedule_release / unschedule_release are called by the web, the API and Slack;
calendar_entries feeds the calendar views and the API; release_due is the
worker job.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq.models import Draft, User


def schedule_release(session: Session, actor: User, draft_id, *, release_at: datetime, now: datetime,
                     channels=None) -> Draft:
    """Schedule an approved draft (or reschedule a scheduled one) for `release_at` (aware UTC)."""
    raise NotImplementedError


def unschedule_release(session: Session, actor: User, draft_id, *, now: datetime, reason: str = "") -> Draft:
    """Take a scheduled draft off the calendar: back to approved."""
    raise NotImplementedError


def calendar_entries(session: Session, user: User, start: datetime, end: datetime, *, channels=None,
                     states=None, author_id=None) -> list[Draft]:
    """Scheduled and published drafts `user` may see with release_at in [start, end)."""
    raise NotImplementedError


def release_due(app, now: datetime) -> int:
    """Worker job: claim, re-check and publish every due scheduled draft; return how many were handled."""
    return 0
