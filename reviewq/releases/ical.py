"""Personal iCalendar feeds: a secret URL per user (only its hash is stored), revocable.

The feed shows what calendar_entries shows that user (visibility is rechecked
on every fetch, so a user who loses a role loses the posts from the feed) and
carries no post text beyond a short summary line.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq.models import CalendarFeedToken, User
from reviewq.releases.queries import calendar_entries

FEED_PAST, FEED_AHEAD = timedelta(days=30), timedelta(days=180)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token(session: Session, user: User) -> CalendarFeedToken | None:
    return session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id,
                                                          CalendarFeedToken.revoked_at.is_(None)))


def regenerate_feed(session: Session, user: User, *, now: datetime) -> str:
    """Revoke the user's old feed URL and return the secret of a new one (shown once)."""
    revoke_feed(session, user, now=now)
    clear = "cal_" + secrets.token_urlsafe(32)
    session.add(CalendarFeedToken(user_id=user.id, token_hash=_hash(clear), created_at=now))
    session.flush()
    return clear


def revoke_feed(session: Session, user: User, *, now: datetime) -> bool:
    row = feed_token(session, user)
    if row is not None:
        row.revoked_at = now
        session.flush()
    return row is not None


def user_for_feed(session: Session, token: str) -> User | None:
    if not isinstance(token, str) or not token.startswith("cal_") or len(token) > 100:
        return None
    row = session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.token_hash == _hash(token),
                                                         CalendarFeedToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def build_ical(drafts, *, base_url: str, now: datetime, summary_of) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//reviewq//release calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "reviewq releases")
    for d in drafts:
        ev = Event()
        ev.add("uid", f"draft-{d.id}@reviewq")
        ev.add("dtstamp", now)
        ev.add("dtstart", d.release_at)
        ev.add("dtend", d.release_at + timedelta(minutes=15))
        ev.add("summary", summary_of(d))
        ev.add("url", f"{base_url}/drafts/{d.id}")
        ev.add("status", "CONFIRMED")
        ev.add("categories", list(d.channels or []))
        cal.add_component(ev)
    return cal.to_ical()


def feed_for_token(session: Session, token: str, *, base_url: str, now: datetime) -> bytes | None:
    """The iCalendar body of the feed whose secret is `token`, or None (unknown, revoked, inactive user)."""
    user = user_for_feed(session, token)
    if user is None:
        return None
    drafts = calendar_entries(session, user, now - FEED_PAST, now + FEED_AHEAD)
    return build_ical(drafts, base_url=base_url, now=now,
                      summary_of=lambda d: f"#{d.id} {', '.join(d.channels or [])} ({d.state})")
