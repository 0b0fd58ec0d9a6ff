"""Sign-in with single sign-on: the provider's verified claims to a reviewq user.

The id token's signature, issuer, audience, expiry and nonce were checked by
reviewq.integrations.oidc (Authlib) before this runs; this decides who the
person is here. Users are matched by e-mail; roles come from the `groups`
claim through REVIEWQ_OIDC_ROLE_MAP when it gives any, else the user keeps
the roles reviewq has. Someone unknown is created only when the map gives a
role. Every outcome is audited (auth.login with via=sso, or auth.login_failed).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.accounts.operations import EMAIL_RE, create_user
from reviewq.core.errors import PermissionDeniedError
from reviewq.models import User, UserRole
from reviewq.opsconfig import roles_for_groups


def sign_in_with_sso(session: Session, claims: dict, *, role_map: dict, ip: str, now: datetime) -> User:
    """The user these verified claims belong to; PermissionDeniedError (with a reason to show) otherwise."""
    email = claims.get("email")
    email = email.strip().lower() if isinstance(email, str) else ""
    if not EMAIL_RE.match(email) or len(email) > 254 or claims.get("email_verified") is False:
        return _refuse(session, email, ip, now, "Your provider did not give a verified e-mail address.")
    roles = roles_for_groups(role_map, claims.get("groups"))
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        if not roles:
            return _refuse(session, email, ip, now, "Your account has no role in reviewq: none of your groups "
                                                    "is mapped to a role. Ask an administrator for access.")
        name = claims.get("name") if isinstance(claims.get("name"), str) else ""
        user = create_user(session, email=email, name=(name.strip()[:200] or email), roles=roles, now=now)
    elif not user.active:
        return _refuse(session, email, ip, now, "This account is deactivated.")
    elif roles and set(roles) != set(user.roles):
        user.role_rows = [UserRole(role=r) for r in roles]
        session.flush()
        signals.user_changed.send(user, session=session, actor=None, now=now, change="updated")
    signals.login_event.send(user, session=session, now=now, ok=True, email=email, ip=ip, via="sso")
    return user


def _refuse(session, email, ip, now, reason):
    signals.login_event.send(None, session=session, now=now, ok=False, email=email[:254], ip=ip, via="sso")
    raise PermissionDeniedError(reason)
