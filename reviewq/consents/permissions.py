"""Who may register, revoke and read consents: comms, legal and admins hold the signed forms.

Only they read the registry (it holds patients' names). An author names a
consent for their own draft with its reference (consent_ref), which proves
a keeper handed it out; ids alone cannot be stepped through.
"""
from __future__ import annotations

import hashlib
import hmac

from reviewq.core import roles as R

REGISTRARS = frozenset({R.COMMS, R.LEGAL, R.ADMIN})
READERS = REGISTRARS


def can_register_consents(user) -> bool:
    return bool(user.roles & REGISTRARS)


def can_read_consents(user) -> bool:
    return bool(user.roles & READERS)


def consent_ref(secret: str, consent_id: int) -> str:
    """The reference a keeper hands to an author: proof that they were given this consent."""
    mac = hmac.new(secret.encode(), f"consent:{consent_id}".encode(), hashlib.sha256).hexdigest()
    return f"{consent_id}-{mac[:12]}"


def consent_ref_id(secret: str | None, ref) -> int | None:
    """The consent id a genuine reference names, else None."""
    if not secret or not isinstance(ref, str) or len(ref) > 30 or "-" not in ref:
        return None
    head = ref.strip().lower().split("-", 1)[0]
    if not head.isascii() or not head.isdigit() or not 0 < int(head) < 2**31:
        return None
    return int(head) if hmac.compare_digest(consent_ref(secret, int(head)), ref.strip().lower()) else None
