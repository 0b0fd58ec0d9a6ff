"""Accounts: users, roles, passwords (Argon2id), sign-in and token throttling, API tokens,
server-side sessions (reviewq.accounts.sessions; throttling rules in reviewq.accounts.throttle).

Operations check the actor's permission first, then change rows and send
user_changed / token_changed / login_event (the audit receiver writes the
row in the same transaction). Reads for pages live in accounts.queries.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from reviewq import signals
from reviewq.accounts import throttle
from reviewq.accounts.permissions import can_manage_users
from reviewq.accounts.sessions import (end_all_sessions, end_session, session_user,  # noqa: F401
                                       start_session)
from reviewq.accounts.throttle import Limits, ThrottledError  # noqa: F401
from reviewq.core import workflow as wf
from reviewq.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.ids import as_id
from reviewq.core.roles import ROLES
from reviewq.models import ApiToken, User, UserRole

_hasher = PasswordHasher()  # argon2-cffi's defaults (RFC 9106 low-memory profile) until configured
EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")  # no control chars
SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,30}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "rq_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _norm_email(email) -> str:
    email = (email or "").strip().lower() if isinstance(email, str) else ""
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise ValidationError("Give a valid e-mail address.", {"email": "invalid"})
    return email


def create_user(session: Session, *, email, name, roles, password: str | None = None,
                slack_user_id: str | None = None, actor: User | None = None, now: datetime) -> User:
    email = _norm_email(email)
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 200:
        errors["name"] = "Give the person's name (up to 200 characters)."
    roles = list(dict.fromkeys(roles or []))
    if not roles:
        errors["roles"] = "Give at least one role: " + ", ".join(ROLES) + "."
    elif bad := [r for r in roles if r not in ROLES]:
        errors["roles"] = f"Unknown role {bad[0]!r}; roles are " + ", ".join(ROLES) + "."
    if slack_user_id and not SLACK_ID_RE.match(slack_user_id):
        errors["slack_id"] = "A Slack member id looks like U012ABCDEF."
    if password is not None and len(password) < MIN_PASSWORD:
        errors["password"] = f"Passwords need at least {MIN_PASSWORD} characters."
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ConflictError(f"A user with e-mail {email} already exists.")
    if slack_user_id and session.scalar(select(User.id).where(User.slack_user_id == slack_user_id)):
        raise ConflictError(f"Slack id {slack_user_id} already belongs to another user.")
    user = User(email=email, name=name, password_hash=hash_password(password) if password else None,
                slack_user_id=slack_user_id or None, created_at=now)
    user.role_rows = [UserRole(role=r) for r in roles]
    session.add(user)
    session.flush()
    signals.user_changed.send(user, session=session, actor=actor, now=now, change="created")
    return user


def set_email_notifications(session: Session, user: User, on: bool, *, now: datetime) -> bool:
    """Turn `user`'s own e-mail notifications on or off (audited as user.notifications when it changes)."""
    if user is None or not user.active:
        raise PermissionDeniedError("Sign in to change your notifications.")
    if user.email_notifications != bool(on):
        user.email_notifications = bool(on)
        session.flush()
        signals.user_changed.send(user, session=session, actor=user, now=now, change="notifications")
    return user.email_notifications


def authenticate(session: Session, email, password, *, ip: str, now: datetime,
                 limits: Limits | None = None) -> User | None:
    """The user whose credentials these are, or None.

    Valid credentials always pass; a failure beyond the per-account or
    per-address limit raises ThrottledError (429) instead (reviewq.accounts.throttle).
    """
    limits = limits or Limits()
    email = (email or "").strip().lower() if isinstance(email, str) else ""
    user = session.scalar(select(User).where(User.email == email))
    ok = False
    if user is not None and user.password_hash and user.active:
        try:
            ok = _hasher.verify(user.password_hash, password or "")
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
    else:
        # Spend the same time as a real check so response times do not reveal accounts.
        try:
            _hasher.verify(_DUMMY, password or "x")
        except VerificationError:
            pass
    signals.login_event.send(user if ok else None, session=session, now=now, ok=ok, email=email, ip=ip)
    if ok:
        throttle.clear(session, f"email:{email}")
        return user
    wait = throttle.record_failure(session, [f"email:{email}", f"ip:{ip}"], now, limits)
    if wait is not None:
        raise throttle.ThrottledError(f"Too many failed sign-ins. Wait {limits.minutes} minutes and try again.",
                                      retry_after=wait)
    return None


_DUMMY = _hasher.hash("not-a-real-password")


def configure_password_hashing(time_cost: int, memory_kib: int) -> None:
    """Set the Argon2id cost for new hashes (existing hashes are rehashed at their next sign-in)."""
    global _hasher, _DUMMY
    if (_hasher.time_cost, _hasher.memory_cost) == (time_cost, memory_kib):
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
    _DUMMY = _hasher.hash("not-a-real-password")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User, *, name: str = "", now: datetime,
                 actor: User | None = None) -> tuple[ApiToken, str]:
    """Make a token; the clear text is returned once and never stored."""
    name = (name or "").strip()[:100]
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token), prefix=token[:10], created_at=now)
    session.add(row)
    session.flush()
    signals.token_changed.send(row, session=session, actor=actor or user, now=now, change="created")
    return row, token


# Built once: every API request runs it (building a statement costs more than SQLite running it). The user
# and roles as ORM objects (the request's operations take them), the token as three plain columns: loading it
# as an entity too cost a third of the lookup.
_TOKEN_ROW = (select(User, ApiToken.id, ApiToken.revoked_at, ApiToken.last_used_at)
              .join(ApiToken, ApiToken.user_id == User.id).where(ApiToken.token_hash == bindparam("token_hash"))
              .options(joinedload(User.role_rows)))
_TOUCH_TOKEN = update(ApiToken).where(ApiToken.id == bindparam("token_id")).values(last_used_at=bindparam("now"))


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    # One statement through the unique index: the token, its user and the user's roles.
    row = session.execute(_TOKEN_ROW, {"token_hash": _token_hash(token)}).unique().one_or_none()
    if row is None:
        return None
    user, token_id, revoked_at, last_used_at = row
    if revoked_at is not None or not user.active:
        return None
    # Written at most once a minute so reads do not turn every request into a write.
    if last_used_at is None or now - last_used_at > timedelta(minutes=1):
        session.connection().execute(_TOUCH_TOKEN, {"token_id": token_id, "now": now})
    return user


def record_failed_token(session: Session, token: str, client: str, now: datetime,
                        limits: Limits | None = None) -> int | None:
    """Count one request with a bad API token, per client address and per token prefix.

    Returns the Retry-After seconds when that is now beyond the limit (answer
    429 instead of 401), else None. A valid token is never counted or refused.
    """
    keys = [f"api:{client or '?'}"] + ([f"token:{token[:10]}"] if len(token) >= 10 else [])
    return throttle.record_failure(session, keys, now, limits or Limits())


def change_password(session: Session, user: User, *, current: str, new: str, now: datetime) -> None:
    """Set a new password after checking the current one; ends every session of the account.

    Raises ValidationError with field errors ("current" or "new"). The caller
    starts a new session for the browser that made the change.
    """
    try:
        ok = bool(user.password_hash) and _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise ValidationError("Your current password is not right.", {"current": "wrong"})
    if len(new or "") < MIN_PASSWORD:
        raise ValidationError(f"Passwords need at least {MIN_PASSWORD} characters.", {"new": "short"})
    user.password_hash = hash_password(new)
    end_all_sessions(session, user.id, now=now, reason="password")
    session.flush()
    signals.user_changed.send(user, session=session, actor=user, now=now, change="password_changed")


def revoke_token(session: Session, actor: User, token_id, *, now: datetime, any_user: bool = False) -> ApiToken:
    """Revoke one of `actor`'s tokens (an admin's with any_user=True: anyone's).

    Ownership is checked before the row changes or a signal is sent: someone
    else's token is "no such token", exactly like one that does not exist.
    """
    row = session.get(ApiToken, as_id(token_id)) if as_id(token_id) else None
    if row is None or (row.user_id != actor.id and not (any_user and actor.has("admin"))):
        raise NotFoundError("No such token.")
    if row.revoked_at is None:
        row.revoked_at = now
        signals.token_changed.send(row, session=session, actor=actor, now=now, change="revoked")
    return row


def _require_admin(actor: User) -> None:
    if actor is None or not can_manage_users(actor):
        raise PermissionDeniedError("Only administrators manage users.")


def _managed_user(session: Session, user_id) -> User:
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise NotFoundError("No such user.")
    return user


def update_user(session: Session, actor: User, user_id, *, name, roles, slack_user_id: str | None,
                now: datetime) -> User:
    """Change a user's name, roles and Slack id (admins only; an admin cannot drop their own admin role)."""
    _require_admin(actor)
    user = _managed_user(session, user_id)
    name = (name or "").strip()
    roles = list(dict.fromkeys(roles or []))
    slack_user_id = (slack_user_id or "").strip() or None
    errors = {}
    if not name or len(name) > 200:
        errors["name"] = "Give the person's name (up to 200 characters)."
    if not roles:
        errors["roles"] = "Give at least one role: " + ", ".join(ROLES) + "."
    elif bad := [r for r in roles if r not in ROLES]:
        errors["roles"] = f"Unknown role {bad[0]!r}; roles are " + ", ".join(ROLES) + "."
    elif user.id == actor.id and "admin" not in roles:
        errors["roles"] = "You cannot remove your own administrator role; ask another administrator."
    if slack_user_id and not SLACK_ID_RE.match(slack_user_id):
        errors["slack_id"] = "A Slack member id looks like U012ABCDEF."
    if "roles" not in errors and (stage := _stage_left_without_approvers(session, user, roles)):
        errors["roles"] = stage
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    if slack_user_id and session.scalar(select(User.id).where(User.slack_user_id == slack_user_id,
                                                              User.id != user.id)):
        raise ConflictError(f"Slack id {slack_user_id} already belongs to another user.")
    user.name, user.slack_user_id = name, slack_user_id
    keep = [r for r in user.role_rows if r.role in roles]
    user.role_rows = keep + [UserRole(role=r) for r in roles if r not in {k.role for k in keep}]
    session.flush()
    signals.user_changed.send(user, session=session, actor=actor, now=now, change="updated")
    return user


def _stage_left_without_approvers(session: Session, user: User, roles_left) -> str | None:
    """Why taking `user`'s stage roles not in `roles_left` would leave a stage with nobody to approve it, or None.

    Only an active holder counts; the last one must hand over first (add the new approver, then remove).
    """
    if not user.active:
        return None
    for stage in wf.STAGES:
        if stage.role in user.roles and stage.role not in roles_left:
            others = session.scalar(select(User.id).join(UserRole, UserRole.user_id == User.id)
                                    .where(UserRole.role == stage.role, User.active.is_(True), User.id != user.id)
                                    .limit(1))
            if others is None:
                return (f"{user.name} is the only active {stage.role}: the {stage.label.lower()} stage would have "
                        f"no approver. Give another person the {stage.role} role first.")
    return None


def set_user_active(session: Session, actor: User, user_id, *, active: bool, now: datetime) -> User:
    """Deactivate (sign-in and tokens stop working) or reactivate a user; admins only, never oneself."""
    _require_admin(actor)
    user = _managed_user(session, user_id)
    if user.id == actor.id:
        raise ValidationError("You cannot deactivate your own account.", {"active": "self"})
    if not active and user.active and (stage := _stage_left_without_approvers(session, user, [])):
        raise ValidationError(stage, {"active": "last approver"})
    if user.active != bool(active):
        user.active = bool(active)
        if not active:
            end_all_sessions(session, user.id, now=now, reason="deactivated")
        session.flush()
        signals.user_changed.send(user, session=session, actor=actor, now=now,
                                  change="reactivated" if active else "deactivated")
    return user
