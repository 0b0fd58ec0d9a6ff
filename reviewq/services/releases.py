"""Release scheduling: put approved posts on the calendar, move them, take them off.

The web, the API and Slack call these; permission (comms) and the state
machine come from reviewq.core.workflow, the time rules from
reviewq.core.schedule. The worker side (claiming due posts, re-checking,
publishing exactly once) lives in reviewq.services.release_worker; release_due
is re-exported here because the worker job list names it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, func, or_, select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import schedule as S
from reviewq.core import workflow as wf
from reviewq.core.errors import ConflictError, ValidationError
from reviewq.core.roles import CHANNELS
from reviewq.models import Draft, User
from reviewq.services.common import get_visible_draft
from reviewq.services.freeze import hold_rules, lift_draft_holds, windows_for
from reviewq.services.queries import visible_clause
from reviewq.services.release_worker import release_due
from reviewq.services.settings import freeze_state, release_settings

CALENDAR_STATES = ("scheduled", "published")
MAX_RANGE = timedelta(days=400)

__all__ = ["schedule_release", "unschedule_release", "calendar_entries", "release_due", "clash_warnings"]


def schedule_release(session: Session, actor: User, draft_id, *, release_at, now: datetime, channels=None,
                     tz_name: str = "UTC") -> Draft:
    """Schedule an approved draft, or reschedule a scheduled one, for `release_at`.

    `release_at` is an aware datetime, ISO 8601 text (a local time is read in
    `tz_name`), or None for the author's requested time. Refuses past times,
    blackout windows and a frozen calendar; clashes and matching holds are
    warnings, left on the returned draft as `release_warnings` (list of str).
    """
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    action = wf.Action.RESCHEDULE if draft.state == wf.State.SCHEDULED else wf.Action.SCHEDULE
    wf.decide(actor.actor(), draft.facts(), action)
    _refuse_if_releasing(draft, now)
    if release_at is None or release_at == "":
        if draft.requested_release_at is None:
            raise ValidationError("Choose a release time (the author did not ask for one).",
                                  {"release_at": "required"})
        release_at = draft.requested_release_at
    when = S.parse_release_time(release_at, tz_name).replace(microsecond=0)
    chosen = _channels(draft, channels)
    S.check_release_time(when, now, channels=chosen, frozen=bool(freeze_state(session)),
                         windows=windows_for(session, when - timedelta(days=1), when + timedelta(days=1)))
    previous = draft.release_at if action == wf.Action.RESCHEDULE else None
    draft.state, draft.release_at, draft.channels = wf.State.SCHEDULED.value, when, chosen
    draft.scheduled_by_id, draft.updated_at = actor.id, now
    draft.release_error, draft.release_attempts, draft.next_attempt_at = None, 0, None
    draft.release_claimed_until = None
    lift_draft_holds(session, actor, draft, now=now)
    session.flush()
    signals.draft_scheduled.send(draft, session=session, actor=actor, now=now, release_at=when, previous=previous,
                                 channels=chosen)
    draft.release_warnings = clash_warnings(session, draft)
    return draft


def unschedule_release(session: Session, actor: User, draft_id, *, now: datetime, reason: str = "") -> Draft:
    """Take a scheduled post off the calendar; it goes back to approved."""
    if not isinstance(reason, str) or len(reason) > 1000:
        raise ValidationError("Keep the reason under 1,000 characters.", {"reason": "too long"})
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    wf.decide(actor.actor(), draft.facts(), wf.Action.UNSCHEDULE)
    _refuse_if_releasing(draft, now)
    draft.state, draft.release_at, draft.updated_at = wf.State.APPROVED.value, None, now
    draft.channels = list(draft.revision.channels) if draft.revision else draft.channels
    draft.release_error, draft.release_attempts, draft.next_attempt_at = None, 0, None
    lift_draft_holds(session, actor, draft, now=now)
    session.flush()
    signals.draft_unscheduled.send(draft, session=session, actor=actor, now=now, reason=reason.strip())
    return draft


def _refuse_if_releasing(draft: Draft, now: datetime) -> None:
    if draft.release_claimed_until is not None and draft.release_claimed_until > now:
        raise ConflictError("This post is being released right now; wait a minute and look again.")


def _channels(draft: Draft, channels) -> list[str]:
    approved = list(draft.revision.channels) if draft.revision else list(draft.channels)
    if channels is None or channels == []:
        return approved
    if not isinstance(channels, (list, tuple)) or not all(isinstance(c, str) for c in channels):
        raise ValidationError("Channels are a list of names.", {"channels": "not a list of names"})
    extra = [c for c in channels if c not in approved]
    if extra:
        raise ValidationError(f"{extra[0]!r} was not approved for this post; approved: {', '.join(approved)}.",
                              {"channels": "not approved"})
    return sorted(set(channels), key=CHANNELS.index)


def clash_warnings(session: Session, draft: Draft) -> list[str]:
    """Why this post's slot may be a bad idea: neighbours on the same channel, holds that match it."""
    if draft.release_at is None:
        return []
    minutes = int(release_settings(session)["clash_minutes"])
    near = session.execute(select(Draft.id, Draft.release_at, Draft.channels).where(
        Draft.state.in_(CALENDAR_STATES), Draft.id != draft.id,
        Draft.release_at.between(draft.release_at - timedelta(minutes=minutes),
                                 draft.release_at + timedelta(minutes=minutes)))).all()
    slots = [S.Slot(i, at, frozenset(ch or ())) for i, at, ch in near]
    out = [c.message() for c in S.find_clashes(draft.release_at, draft.channels, slots, minutes)]
    for h in S.matching_holds(hold_rules(session), draft.body, draft.channels):
        out.append(f"A hold on {h.describe()} matches this post: it will not go out until the hold is lifted.")
    return out


def calendar_entries(session: Session, user: User, start: datetime, end: datetime, *, channels=None,
                     states=None, author_id=None) -> list[Draft]:
    """Scheduled and published posts `user` may see with release_at in [start, end), earliest first."""
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise ValidationError("Give a time range with time zones, end after start.", {"to": "before from"})
    if end - start > MAX_RANGE:
        raise ValidationError("Ask for at most 400 days at a time.", {"to": "range too long"})
    states = list(states or CALENDAR_STATES)
    if any(s not in CALENDAR_STATES for s in states):
        raise ValidationError("The calendar shows scheduled and published posts.", {"state": "unknown state"})
    q = select(Draft).where(visible_clause(user), Draft.state.in_(states), Draft.release_at >= start,
                            Draft.release_at < end)
    if channels:
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            raise ValidationError(f"Unknown channel {unknown[0]!r}.", {"channel": "unknown channel"})
        # JSON arrays differ per backend; a quoted-name match is exact because names are [a-z]+.
        text = func.cast(Draft.channels, String)
        q = q.where(or_(*[text.like(f'%"{c}"%') for c in channels]))
    if author_id is not None:
        q = q.where(Draft.author_id == int(author_id))
    return list(session.scalars(q.order_by(Draft.release_at, Draft.id)).unique())
