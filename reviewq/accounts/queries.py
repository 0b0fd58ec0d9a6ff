"""Reading accounts: a person's API tokens, whether sign-in or token attempts are throttled. Nothing writes."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reviewq.models import ApiToken, LoginAttempt, User

# Failed attempts allowed per account and per address within the window.
THROTTLE_MAX, THROTTLE_WINDOW = 5, timedelta(minutes=15)


def throttled(session: Session, keys: list[str], now: datetime) -> bool:
    since = now - THROTTLE_WINDOW
    for key in keys:
        n = session.scalar(select(func.count()).select_from(LoginAttempt)
                           .where(LoginAttempt.key == key, LoginAttempt.at >= since))
        if n >= THROTTLE_MAX:
            return True
    return False


def token_throttle_key(client: str) -> str:
    return f"api:{client or '?'}"


def token_throttled(session: Session, client: str, now: datetime) -> bool:
    return throttled(session, [token_throttle_key(client)], now)


def token_retry_after(session: Session, client: str, now: datetime) -> int:
    """Seconds until `client` may try a token again (the Retry-After header)."""
    key = token_throttle_key(client)
    oldest = session.scalar(select(func.min(LoginAttempt.at))
                            .where(LoginAttempt.key == key, LoginAttempt.at >= now - THROTTLE_WINDOW))
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + THROTTLE_WINDOW - now).total_seconds()))


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """`user`'s API tokens, newest first (revoked ones included, shown as revoked)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def user_by_email(session: Session, email: str) -> User | None:
    """The account with this e-mail address (compared as stored: trimmed, lower case), or None."""
    if not isinstance(email, str):
        return None
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def users_for_admin(session: Session) -> list[User]:
    """Every account for the admin list: active ones first, then by name."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.name)))


def managed_user(session: Session, user_id) -> User:
    """The account an admin is looking at; NotFoundError (a 404 page) when there is none."""
    from reviewq.core.errors import NotFoundError
    from reviewq.core.ids import as_id
    user_id = as_id(user_id)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise NotFoundError("No such user.")
    return user
