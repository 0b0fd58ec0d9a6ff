"""Crisis freeze, targeted holds and blackout windows: the brakes on releases.

Who may pull them is checked here (comms and admins). The release worker reads
the same state (freeze_state, active hold rules, draft holds) at claim time and
again just before publishing; it never lifts anything itself. Lifting a freeze
or a hold never releases overdue posts silently: the caller passes the ids the
person confirmed, every other overdue post stays held for rescheduling.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import schedule as S
from reviewq.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_freeze
from reviewq.core.roles import CHANNELS
from reviewq.models import BlackoutWindow, Draft, ReleaseHold, Setting, User
from reviewq.services.common import as_id, get_visible_draft
from reviewq.services.settings import FREEZE_KEY, FreezeState, freeze_state

FREEZE_OVERDUE = "Became due during the crisis freeze; release it or reschedule it."


@dataclass
class Lifted:
    released: list[int] = field(default_factory=list)   # overdue posts confirmed for release now
    held: list[int] = field(default_factory=list)       # overdue posts left held for rescheduling


def _require(actor: User | None, system: bool = False) -> None:
    """Comms or admin; `system` lets the server's command line act without a person (audited as such)."""
    if actor is None and system:
        return
    if actor is None or not can_freeze(actor.actor()):
        raise PermissionDeniedError("Only comms leads and admins can freeze or hold releases.")


def _reason(reason) -> str:
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError("Say why (people see it on every page).", {"reason": "required"})
    if len(reason) > 500:
        raise ValidationError("Keep the reason under 500 characters.", {"reason": "too long"})
    return reason


def freeze_releases(session: Session, actor: User | None, *, reason, now: datetime,
                    system: bool = False) -> FreezeState:
    """Hold every release at once until lifted."""
    _require(actor, system)
    reason = _reason(reason)
    row = session.get(Setting, FREEZE_KEY, with_for_update=True)
    if row is not None and row.value.get("on"):
        raise ConflictError("Releases are already frozen.")
    value = {"on": True, "reason": reason, "since": now.isoformat(), "by_id": getattr(actor, "id", None),
             "by_name": getattr(actor, "name", "the command line")}
    _store(session, row, value, actor, now)
    signals.freeze_changed.send(None, session=session, actor=actor, now=now, on=True, reason=reason)
    return freeze_state(session)


def lift_freeze(session: Session, actor: User | None, *, now: datetime, release_ids=(), reason: str = "",
                system: bool = False) -> Lifted:
    """Lift the freeze; overdue posts in `release_ids` go out now, the other overdue ones are held."""
    _require(actor, system)
    row = session.get(Setting, FREEZE_KEY, with_for_update=True)
    if row is None or not row.value.get("on"):
        raise ConflictError("Releases are not frozen.")
    result = _settle_overdue(session, actor, overdue_posts(session, now), release_ids, FREEZE_OVERDUE, now)
    _store(session, row, {"on": False, "lifted_at": now.isoformat(), "by_id": getattr(actor, "id", None),
                          "by_name": getattr(actor, "name", "the command line")}, actor, now)
    signals.freeze_changed.send(None, session=session, actor=actor, now=now, on=False,
                                reason=(reason or "").strip()[:500], released=result.released, held=result.held)
    return result


def _store(session, row, value, actor, now) -> None:
    by = getattr(actor, "id", None)
    if row is None:
        session.add(Setting(key=FREEZE_KEY, value=value, updated_at=now, updated_by_id=by))
    else:
        row.value, row.updated_at, row.updated_by_id = value, now, by
    session.flush()


def _settle_overdue(session, actor, posts, release_ids, reason, now, source_hold_id=None) -> Lifted:
    confirmed = {int(i) for i in release_ids}
    result = Lifted()
    for d in posts:
        if d.id in confirmed:
            result.released.append(d.id)
        else:
            hold_draft(session, d, reason=reason, now=now, actor=actor, source_hold_id=source_hold_id)
            result.held.append(d.id)
    return result


def _not_draft_held():
    return ~exists().where(and_(ReleaseHold.draft_id == Draft.id, ReleaseHold.kind == "draft",
                                ReleaseHold.lifted_at.is_(None)))


def overdue_posts(session: Session, now: datetime) -> list[Draft]:
    """Scheduled posts already due and not held one by one: what lifting a freeze would release."""
    return list(session.scalars(select(Draft).where(Draft.state == "scheduled", Draft.release_at <= now,
                                                    _not_draft_held()).order_by(Draft.release_at, Draft.id)))


# -- targeted holds -------------------------------------------------------------------------------------

def place_hold(session: Session, actor: User, kind, value, *, reason="", now: datetime) -> ReleaseHold:
    """Hold every scheduled post on a channel, with a #tag or containing a term, until lifted."""
    _require(actor)
    kind, value = S.validate_hold(kind, value)
    if kind == "channel" and value not in CHANNELS:
        raise ValidationError(f"Unknown channel {value!r}.", {"value": "unknown channel"})
    hold = ReleaseHold(kind=kind, value=value, reason=(reason or "").strip()[:500], created_by_id=actor.id,
                       created_at=now)
    session.add(hold)
    session.flush()
    signals.release_hold_changed.send(hold, session=session, actor=actor, now=now, change="placed", kind=kind,
                                      value=value, reason=hold.reason, draft_id=None)
    return hold


def held_by(session: Session, hold_id: int) -> list[Draft]:
    """Scheduled posts the worker held because targeted hold `hold_id` matched them."""
    return list(session.scalars(
        select(Draft).join(ReleaseHold, ReleaseHold.draft_id == Draft.id)
        .where(ReleaseHold.source_hold_id == hold_id, ReleaseHold.lifted_at.is_(None),
               Draft.state == "scheduled").order_by(Draft.release_at)))


def lift_hold(session: Session, actor: User, hold_id, *, now: datetime, release_ids=()) -> Lifted:
    """Lift a targeted hold; posts it held go out now only if confirmed in `release_ids`."""
    _require(actor)
    hold = _active_targeted(session, hold_id)
    hold.lifted_at, hold.lifted_by_id = now, actor.id
    result = Lifted()
    confirmed = {int(i) for i in release_ids}
    for d in held_by(session, hold.id):
        if d.id in confirmed:
            lift_draft_holds(session, actor, d, now=now)
            result.released.append(d.id)
        else:
            result.held.append(d.id)
    session.flush()
    signals.release_hold_changed.send(hold, session=session, actor=actor, now=now, change="lifted",
                                      kind=hold.kind, value=hold.value, reason=hold.reason, draft_id=None)
    return result


def _active_targeted(session, hold_id) -> ReleaseHold:
    hold_id = as_id(hold_id)
    hold = session.get(ReleaseHold, hold_id, with_for_update=True) if hold_id is not None else None
    if hold is None or hold.kind == "draft" or hold.lifted_at is not None:
        raise NotFoundError("No such active hold.")
    return hold


def active_holds(session: Session) -> list[ReleaseHold]:
    return list(session.scalars(select(ReleaseHold).where(ReleaseHold.kind != "draft",
                                                          ReleaseHold.lifted_at.is_(None))
                                .order_by(ReleaseHold.id)))


def hold_rules(session: Session) -> list[S.HoldRule]:
    return [S.HoldRule(h.id, h.kind, h.value) for h in active_holds(session)]


def draft_holds(session: Session, draft_id: int) -> list[ReleaseHold]:
    return list(session.scalars(select(ReleaseHold).where(ReleaseHold.draft_id == draft_id,
                                                          ReleaseHold.kind == "draft",
                                                          ReleaseHold.lifted_at.is_(None))))


def hold_draft(session: Session, draft: Draft, *, reason: str, now: datetime, actor=None,
               source_hold_id=None) -> ReleaseHold:
    """Keep one scheduled post from going out until a person reschedules or releases it."""
    hold = ReleaseHold(kind="draft", value=str(draft.id), draft_id=draft.id, reason=reason,
                       source_hold_id=source_hold_id, created_by_id=getattr(actor, "id", None), created_at=now)
    session.add(hold)
    session.flush()
    signals.release_held.send(draft, session=session, now=now, reason=reason)
    return hold


def lift_draft_holds(session: Session, actor: User, draft: Draft, *, now: datetime) -> int:
    """Lift every hold on one post (rescheduling, unscheduling or 'release now' does this)."""
    rows = draft_holds(session, draft.id)
    for h in rows:
        h.lifted_at, h.lifted_by_id = now, getattr(actor, "id", None)
        signals.release_hold_changed.send(h, session=session, actor=actor, now=now, change="lifted", kind="draft",
                                          value=h.value, reason=h.reason, draft_id=draft.id)
    session.flush()
    return len(rows)


def release_held_post(session: Session, actor: User, draft_id, *, now: datetime) -> int:
    """'Release now' for one held post: lift its holds so the worker releases it on its next pass."""
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    if not can_freeze(actor.actor()):
        raise PermissionDeniedError("Only comms leads and admins can release a held post.")
    if draft.state != "scheduled":
        raise ConflictError("Only a scheduled post can be released.", state=draft.state)
    return lift_draft_holds(session, actor, draft, now=now)


# -- blackout windows -----------------------------------------------------------------------------------

def add_blackout(session: Session, actor: User, *, starts_at: datetime, ends_at: datetime, channels=(),
                 reason="", now: datetime) -> BlackoutWindow:
    _require(actor)
    if ends_at <= starts_at:
        raise ValidationError("The window must end after it starts.", {"ends_at": "before start"})
    if ends_at <= now:
        raise ValidationError("That window is already over.", {"ends_at": "in the past"})
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValidationError(f"Unknown channel {unknown[0]!r}.", {"channels": "unknown channel"})
    w = BlackoutWindow(starts_at=starts_at, ends_at=ends_at, channels=sorted(set(channels)),
                       reason=(reason or "").strip()[:200], created_by_id=actor.id, created_at=now)
    session.add(w)
    session.flush()
    signals.blackout_changed.send(w, session=session, actor=actor, now=now, change="added",
                                  starts_at=starts_at, ends_at=ends_at, channels=w.channels)
    return w


def remove_blackout(session: Session, actor: User, window_id, *, now: datetime) -> None:
    _require(actor)
    window_id = as_id(window_id)
    w = session.get(BlackoutWindow, window_id) if window_id is not None else None
    if w is None:
        raise NotFoundError("No such blackout window.")
    signals.blackout_changed.send(w, session=session, actor=actor, now=now, change="removed",
                                  starts_at=w.starts_at, ends_at=w.ends_at, channels=w.channels)
    session.delete(w)
    session.flush()


def blackout_windows(session: Session, start: datetime, end: datetime) -> list[BlackoutWindow]:
    return list(session.scalars(select(BlackoutWindow).where(BlackoutWindow.ends_at > start,
                                                             BlackoutWindow.starts_at < end)
                                .order_by(BlackoutWindow.starts_at)))


def windows_for(session: Session, start: datetime, end: datetime) -> list[S.Window]:
    return [S.Window(w.starts_at, w.ends_at, frozenset(w.channels or ()), w.reason)
            for w in blackout_windows(session, start, end)]
