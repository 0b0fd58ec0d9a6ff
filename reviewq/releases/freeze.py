"""The crisis freeze: hold every release at once, and lift it again.

Comms leads and admins (or the server's command line) pull it. The freeze is
the stored setting "freeze" (written through reviewq.stored_settings; its
own signal, freeze_changed, is what the audit log and Slack hear). Lifting
never releases overdue posts silently: the caller passes the ids the person
confirmed, every other overdue post is held for rescheduling. The worker
only reads the freeze (reviewq.releases.queries.freeze_state).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core.errors import ConflictError, ValidationError
from reviewq.models import User
from reviewq.releases.holds import Lifted, hold_draft
from reviewq.releases.permissions import require_release_controls
from reviewq.releases.queries import FREEZE_KEY, FreezeState, freeze_state, overdue_posts
from reviewq.stored_settings import get_setting, put_setting

FREEZE_OVERDUE = "Became due during the crisis freeze; release it or reschedule it."


def _reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError("Say why (people see it on every page, and the settings version keeps it).",
                              {"reason": "required"})
    if len(reason) > 500:
        raise ValidationError("Keep the reason under 500 characters.", {"reason": "too long"})
    return reason


def _by(actor) -> dict:
    return {"by_id": getattr(actor, "id", None), "by_name": getattr(actor, "name", "the command line")}


def freeze_releases(session: Session, actor: User | None, *, reason, now: datetime,
                    system: bool = False) -> FreezeState:
    """Hold every release at once until lifted."""
    require_release_controls(actor, system=system)
    reason = _reason(reason)
    current = get_setting(session, FREEZE_KEY, lock=True)
    if current is not None and current.get("on"):
        raise ConflictError("Releases are already frozen.")
    put_setting(session, FREEZE_KEY, {"on": True, "reason": reason, "since": now.isoformat(), **_by(actor)},
                actor, now, announce=False, reason=reason)
    signals.freeze_changed.send(None, session=session, actor=actor, now=now, on=True, reason=reason)
    return freeze_state(session)


def lift_freeze(session: Session, actor: User | None, *, now: datetime, release_ids=(), reason: str = "",
                system: bool = False) -> Lifted:
    """Lift the freeze; overdue posts in `release_ids` go out now, the other overdue ones are held.

    A reason is required: lifting writes a new version of the freeze setting, like every settings change.
    """
    require_release_controls(actor, system=system)
    reason = _reason(reason)
    current = get_setting(session, FREEZE_KEY, lock=True)
    if current is None or not current.get("on"):
        raise ConflictError("Releases are not frozen.")
    confirmed = {int(i) for i in release_ids}
    result = Lifted()
    for d in overdue_posts(session, now):
        if d.id in confirmed:
            result.released.append(d.id)
        else:
            hold_draft(session, d, reason=FREEZE_OVERDUE, now=now, actor=actor)
            result.held.append(d.id)
    put_setting(session, FREEZE_KEY, {"on": False, "lifted_at": now.isoformat(), **_by(actor)}, actor, now,
                announce=False, reason=reason)
    signals.freeze_changed.send(None, session=session, actor=actor, now=now, on=False,
                                reason=reason, released=result.released, held=result.held)
    return result
