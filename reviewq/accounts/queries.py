"""Reading accounts: a person's API tokens and live sessions, accounts for the admin. Nothing writes.

Throttling counts are read by reviewq.accounts.throttle."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq.models import ApiToken, User, UserRole, UserSession


def live_sessions(session: Session, user_id: int) -> list[UserSession]:
    """`user_id`'s sessions that have not ended, most recently used first (/account/security)."""
    return list(session.scalars(select(UserSession).where(UserSession.user_id == user_id,
                                                         UserSession.ended_at.is_(None))
                                .order_by(UserSession.last_seen_at.desc())))


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


def active_users_with_role(session: Session, role: str) -> list[User]:
    """Active users holding `role`, oldest first (who e-mail notifications go to)."""
    return list(session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                .where(UserRole.role == role, User.active.is_(True)).order_by(User.id)))
