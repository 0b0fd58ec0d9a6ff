"""Masking of text flagged as PHI wherever it leaves the app (Slack, webhook errors).

On by default; an admin may turn it off (Setting "mask_phi" = {"on": false}),
for example where Slack is covered by a BAA.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from reviewq.models import Setting

MASK_KEY = "mask_phi"


def masking_on(session: Session | None) -> bool:
    if session is None:
        return True
    row = session.get(Setting, MASK_KEY)
    return True if row is None else bool(row.value.get("on", True))


def mask_phi(text: str, findings: list[dict], *, on: bool = True) -> str:
    """`text` with every span of a phi finding replaced by block characters of the same length."""
    if not on or not text:
        return text
    spans = sorted((f["start"], f["end"]) for f in findings
                   if f.get("check") == "phi" and isinstance(f.get("start"), int) and isinstance(f.get("end"), int)
                   and 0 <= f["start"] < f["end"] <= len(text))
    out, pos = [], 0
    for start, end in spans:
        start = max(start, pos)
        if start >= end:
            continue
        out.append(text[pos:start])
        out.append("█" * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def set_masking(session: Session, actor, on: bool, *, now) -> bool:
    """Turn PHI masking on or off (admins only); stored and audited by stored_settings.put_setting."""
    from reviewq.core.errors import PermissionDeniedError
    from reviewq.core.permissions import can_manage_users
    from reviewq.stored_settings import get_setting, put_setting
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators change settings.")
    current = get_setting(session, MASK_KEY)
    if current is not None and bool(current.get("on", True)) == bool(on):
        return bool(on)
    put_setting(session, MASK_KEY, {"on": bool(on)}, actor, now)
    return bool(on)
