"""Holds: keep scheduled posts from going out until a person lifts the hold.

A targeted hold (every post on a channel, with a #tag or containing a term)
is placed and lifted by comms leads and admins; the release worker turns a
match into a hold on that one post (hold_draft) at release time. Lifting a
hold never releases what it held silently: the caller passes the ids the
person confirmed. The worker reads holds (reviewq.releases.queries) and never
lifts one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import schedule as S
from reviewq.core.errors import ConflictError, ValidationError
from reviewq.core.roles import CHANNELS
from reviewq.models import Draft, ReleaseHold, User
from reviewq.releases.permissions import require_release_controls
from reviewq.releases.queries import active_hold, draft_holds, held_by
from reviewq.drafts.queries import get_visible_draft


@dataclass
class Lifted:
    released: list[int] = field(default_factory=list)   # posts confirmed for release now
    held: list[int] = field(default_factory=list)       # posts left held for rescheduling


def place_hold(session: Session, actor: User, kind, value, *, reason="", now: datetime) -> ReleaseHold:
    """Hold every scheduled post on a channel, with a #tag or containing a term, until lifted."""
    require_release_controls(actor)
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


def lift_hold(session: Session, actor: User, hold_id, *, now: datetime, release_ids=()) -> Lifted:
    """Lift a targeted hold; posts it held go out now only if confirmed in `release_ids`."""
    require_release_controls(actor)
    hold = active_hold(session, hold_id, lock=True)
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
    require_release_controls(actor, "Only comms leads and admins can release a held post.")
    if draft.state != "scheduled":
        raise ConflictError("Only a scheduled post can be released.", state=draft.state)
    return lift_draft_holds(session, actor, draft, now=now)
