"""Throttling of failed sign-ins and bad API tokens that cannot lock a hospital out.

Only failures are counted, in the database (LoginAttempt) so every web
process throttles alike: per account (`email:`), per token prefix (`token:`)
and per client address (`ip:`, `api:`). Credentials are always checked
first, and valid ones always pass: staff behind one outgoing address, or
behind the TLS proxy, are never refused because of someone else's failures.
Beyond the limit a failure is answered 429 with Retry-After instead of 401,
so scripts back off and the audit log shows the attack. Guessing stays
expensive without a lock-out: Argon2id costs every password check, and API
tokens are 256-bit random.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from reviewq.core.errors import PermissionDeniedError
from reviewq.models import LoginAttempt


@dataclass(frozen=True)
class Limits:
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        return cls(settings.throttle_max_failures, timedelta(minutes=settings.throttle_window_minutes))

    @property
    def minutes(self) -> int:
        return max(1, int(self.window.total_seconds() // 60))


def failures(session: Session, key: str, now: datetime, limits: Limits) -> int:
    return session.scalar(select(func.count()).select_from(LoginAttempt)
                          .where(LoginAttempt.key == key, LoginAttempt.at > now - limits.window)) or 0


def record_failure(session: Session, keys: list[str], now: datetime, limits: Limits) -> int | None:
    """Count one failure under each key; the Retry-After seconds if any key is now over the limit."""
    session.add_all([LoginAttempt(key=k[:300], at=now) for k in keys])
    session.flush()
    over = [k for k in keys if failures(session, k[:300], now, limits) > limits.max_failures]
    if not over:
        return None
    return max(retry_after(session, k[:300], now, limits) for k in over)


def retry_after(session: Session, key: str, now: datetime, limits: Limits) -> int:
    """Seconds until enough of `key`'s failures leave the window to bring it back under the limit."""
    times = list(session.scalars(select(LoginAttempt.at).where(LoginAttempt.key == key,
                                                              LoginAttempt.at > now - limits.window)
                                 .order_by(LoginAttempt.at.desc())))
    if len(times) <= limits.max_failures:
        return 1
    free_at = times[limits.max_failures] + limits.window
    return max(1, math.ceil((free_at - now).total_seconds()))


def clear(session: Session, key: str) -> None:
    """Forget an account's failures once its owner signs in."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))


class ThrottledError(PermissionDeniedError):
    """Too many failures under one key: answer 429 with Retry-After."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
