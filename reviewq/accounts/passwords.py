"""Changing one's own password; the change ends every session of the account."""
from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.accounts.sessions import end_all_sessions
from reviewq.core.errors import ValidationError
from reviewq.models import User
from reviewq.services.users import MIN_PASSWORD, hash_password

# Verifying reads the cost from the stored hash, so any hasher instance will do.
_verifier = PasswordHasher()


def change_password(session: Session, user: User, *, current: str, new: str, now: datetime) -> None:
    """Set a new password after checking the current one; raises ValidationError with field errors."""
    try:
        ok = bool(user.password_hash) and _verifier.verify(user.password_hash, current or "")
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
