"""Who may manage accounts (core.permissions' rules, asked about a User)."""
from __future__ import annotations

from reviewq.core import permissions as P


def can_manage_users(user) -> bool:
    return user is not None and P.can_manage_users(user.actor())
