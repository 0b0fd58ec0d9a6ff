"""Release scheduling: put approved posts on the calendar, move them, take them off.

The web, the API and Slack call these. Permission (comms) and the state
machine are asked through reviewq.drafts.transitions (check, then apply:
the one writer of a draft's state); the time rules are reviewq.core.schedule's.
Releasing due posts is the worker's job (reviewq.releases.job); the brakes
(freeze, holds, blackouts) are reviewq.releases.freeze / holds / blackouts.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.consents.queries import lapsing_by
from reviewq.core import schedule as S
from reviewq.core.errors import ConflictError, ValidationError
from reviewq.core.roles import CHANNELS
from reviewq.drafts import transitions as T
from reviewq.models import Draft, User
from reviewq.releases.holds import lift_draft_holds
from reviewq.releases.queries import clash_warnings, freeze_state, windows_for
from reviewq.drafts.queries import get_visible_draft

__all__ = ["schedule_release", "unschedule_release", "check_schedule_release", "check_unschedule_release"]


def check_schedule_release(user: User, draft: Draft) -> T.Transition:
    """May `user` schedule (or reschedule) `draft` now? The Transition, or the ReviewqError saying why not."""
    action = T.Action.RESCHEDULE if draft.state == T.State.SCHEDULED else T.Action.SCHEDULE
    return T.check(user, draft, action)


def check_unschedule_release(user: User, draft: Draft) -> T.Transition:
    return T.check(user, draft, T.Action.UNSCHEDULE)


def schedule_release(session: Session, actor: User, draft_id, *, release_at, now: datetime, channels=None,
                     tz_name: str = "UTC") -> Draft:
    """Schedule an approved draft, or reschedule a scheduled one, for `release_at`.

    `release_at` is an aware datetime, ISO 8601 text (a local time is read in
    `tz_name`), or None for the author's requested time. Refuses past times,
    blackout windows and a frozen calendar; clashes and matching holds are
    warnings, left on the returned draft as `release_warnings` (list of str);
    `release_previous` is the time it had before (None: it was not scheduled).
    """
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    transition = check_schedule_release(actor, draft)
    _refuse_if_releasing(draft, now)
    if release_at is None or release_at == "":
        if draft.requested_release_at is None:
            raise ValidationError("Choose a release time (the author did not ask for one).",
                                  {"release_at": "required"})
        release_at = draft.requested_release_at
    when = S.parse_release_time(release_at, tz_name).replace(microsecond=0)
    chosen = _channels(draft, channels)
    _refuse_if_consent_lapses(session, draft, when)
    S.check_release_time(when, now, channels=chosen, frozen=bool(freeze_state(session)),
                         windows=windows_for(session, when - timedelta(days=1), when + timedelta(days=1)))
    previous = draft.release_at if transition.action == T.Action.RESCHEDULE else None
    T.apply(draft, transition, now)
    draft.release_at, draft.channels, draft.scheduled_by_id = when, chosen, actor.id
    _clear_release_progress(draft)
    draft.release_claimed_until = draft.release_claim = None
    lift_draft_holds(session, actor, draft, now=now)
    session.flush()
    signals.draft_scheduled.send(draft, session=session, actor=actor, now=now, release_at=when, previous=previous,
                                 channels=chosen)
    draft.release_warnings = clash_warnings(session, draft)
    draft.release_previous = previous
    return draft


def unschedule_release(session: Session, actor: User, draft_id, *, now: datetime, reason: str = "") -> Draft:
    """Take a scheduled post off the calendar; it goes back to approved."""
    if not isinstance(reason, str) or len(reason) > 1000:
        raise ValidationError("Keep the reason under 1,000 characters.", {"reason": "too long"})
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    transition = check_unschedule_release(actor, draft)
    _refuse_if_releasing(draft, now)
    T.apply(draft, transition, now)
    draft.release_at = None
    draft.channels = list(draft.revision.channels) if draft.revision else draft.channels
    _clear_release_progress(draft)
    lift_draft_holds(session, actor, draft, now=now)
    session.flush()
    signals.draft_unscheduled.send(draft, session=session, actor=actor, now=now, reason=reason.strip())
    return draft


def _refuse_if_consent_lapses(session: Session, draft: Draft, when: datetime) -> None:
    lapsed = lapsing_by(session, draft, when)
    if lapsed:
        c = lapsed[0]
        why = "was revoked" if c.revoked_at is not None else f"ends on {c.valid_until:%Y-%m-%d %H:%M} UTC"
        raise ValidationError(f"Consent no. {c.id}, which this post relies on, {why}: choose an earlier time "
                              "or ask comms for a renewed consent.", {"release_at": "consent lapses"})


def _clear_release_progress(draft: Draft) -> None:
    """A new slot (or none) starts the worker's bookkeeping afresh."""
    draft.release_error, draft.release_attempts, draft.next_attempt_at = None, 0, None


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
