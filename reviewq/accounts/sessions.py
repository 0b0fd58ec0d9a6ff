"""Server-side sessions: each sign-in is a UserSession row the user loader checks.

The Flask session cookie carries only a random key. A session ends when its
user signs out, signs out everywhere, changes their password or is
deactivated, when it has been idle longer than settings.session_idle_minutes,
and at the latest settings.session_max_hours after sign-in. A copied cookie
of an ended session signs nobody in. No Flask here: the web layer passes the
key it read from the cookie (through reviewq.accounts.operations; the list of
live sessions is reviewq.accounts.queries.live_sessions).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from reviewq.models import User, UserSession

# Writing last_seen_at on every request would turn every read into a write.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(session: Session, user: User, *, now: datetime) -> str:
    """Record a sign-in and return the key for the cookie (stored only as a hash)."""
    key = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, key_hash=_hash(key), created_at=now, last_seen_at=now))
    session.flush()
    return key


# Built once: every page request runs it. The user and roles as ORM objects (the request's operations take
# them), the session row as plain columns: loading it as an entity too cost a third of the lookup.
_SESSION_ROW = (select(User, UserSession.id, UserSession.ended_at, UserSession.created_at, UserSession.last_seen_at)
                .join(UserSession, UserSession.user_id == User.id)
                .where(UserSession.key_hash == bindparam("key_hash")).options(joinedload(User.role_rows)))
_END = (update(UserSession).where(UserSession.id == bindparam("session_id"))
        .values(ended_at=bindparam("now"), end_reason=bindparam("reason")))
_TOUCH = update(UserSession).where(UserSession.id == bindparam("session_id")).values(last_seen_at=bindparam("now"))


def session_user(session: Session, key, *, now: datetime, idle: timedelta, lifetime: timedelta) -> User | None:
    """The active user a live session key belongs to, or None; ends the session if it timed out."""
    if not isinstance(key, str) or not key or len(key) > 100:
        return None
    # One statement through the unique index: the session row, its user and the user's roles.
    row = session.execute(_SESSION_ROW, {"key_hash": _hash(key)}).unique().one_or_none()
    if row is None:
        return None
    user, session_id, ended_at, created_at, last_seen_at = row
    if ended_at is not None:
        return None
    reason = "expired" if now - created_at > lifetime else "idle" if now - last_seen_at > idle else None
    if reason:
        session.connection().execute(_END, {"session_id": session_id, "now": now, "reason": reason})
        return None
    if not user.active:
        return None
    if now - last_seen_at > TOUCH_EVERY:
        session.connection().execute(_TOUCH, {"session_id": session_id, "now": now})
    return user


def end_session(session: Session, key, *, now: datetime, reason: str = "logout") -> None:
    if isinstance(key, str) and key:
        session.execute(update(UserSession).where(UserSession.key_hash == _hash(key),
                                                  UserSession.ended_at.is_(None))
                        .values(ended_at=now, end_reason=reason))


def end_all_sessions(session: Session, user_id: int, *, now: datetime, reason: str) -> int:
    """End every live session of a user (sign out everywhere, password change, deactivation)."""
    result = session.execute(update(UserSession).where(UserSession.user_id == user_id,
                                                       UserSession.ended_at.is_(None))
                             .values(ended_at=now, end_reason=reason))
    return result.rowcount or 0
