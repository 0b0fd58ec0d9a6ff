"""Who may register, revoke and read consents: comms, legal and admins hold the signed forms."""
from __future__ import annotations

from reviewq.core import roles as R

REGISTRARS = frozenset({R.COMMS, R.LEGAL, R.ADMIN})
READERS = REGISTRARS | {R.AUDITOR, R.REVIEWER}


def can_register_consents(user) -> bool:
    return bool(user.roles & REGISTRARS)


def can_read_consents(user) -> bool:
    return bool(user.roles & READERS)
