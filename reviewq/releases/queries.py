"""Reads about releases: the calendar, clashes, the freeze, holds and blackout windows.

Every read a calendar page, the API, the CLI or the release worker needs about
releases; nothing here writes. Visibility of posts is reviewq.drafts.queries'
visible_clause (the same rule as every other list of drafts).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from reviewq.core import schedule as S
from reviewq.core.errors import NotFoundError
from reviewq.core.ids import as_id
from reviewq.models import BlackoutWindow, Draft, ReleaseHold, User
from reviewq.releases.permissions import can_control_releases
from reviewq.releases.rules import release_rules
from reviewq.drafts.queries import visible_clause
from reviewq.releases.calendar import (CALENDAR_STATES, CalendarFilter, calendar_rows, tray_rows,
                                      range_conditions)
from reviewq.stored_settings import get_setting

FREEZE_KEY = "freeze"


@dataclass(frozen=True)
class FreezeState:
    on: bool
    reason: str
    since: datetime | None
    by_name: str

    def __bool__(self) -> bool:
        return self.on


def freeze_state(session: Session) -> FreezeState | None:
    """The global crisis freeze, or None when releases flow normally (one row: every page reads it)."""
    value = get_setting(session, FREEZE_KEY)
    if value is None or not value.get("on"):
        return None
    since = value.get("since")
    return FreezeState(True, value.get("reason", ""), datetime.fromisoformat(since) if since else None,
                       value.get("by_name", ""))


def calendar_entries(session: Session, user: User, start: datetime, end: datetime, *, channels=None,
                     states=None, author_id=None) -> list[Draft]:
    """Scheduled and published posts `user` may see with release_at in [start, end), earliest first (ORM
    objects, for the iCal feed and the freeze overview; the grid reads rows through releases.calendar)."""
    f = CalendarFilter(start, end, tuple(channels or ()), tuple(states or CALENDAR_STATES), author_id).validate()
    q = select(Draft).where(visible_clause(user), *range_conditions(f))
    return list(session.scalars(q.order_by(Draft.release_at, Draft.id)).unique())


def clash_warnings(session: Session, draft: Draft) -> list[str]:
    """Why this post's slot may be a bad idea: neighbours on the same channel, holds that match it."""
    if draft.release_at is None:
        return []
    minutes = int(release_rules(session)["clash_minutes"])
    near = session.execute(select(Draft.id, Draft.release_at, Draft.channels).where(
        Draft.state.in_(CALENDAR_STATES), Draft.id != draft.id,
        Draft.release_at.between(draft.release_at - timedelta(minutes=minutes),
                                 draft.release_at + timedelta(minutes=minutes)))).all()
    slots = [S.Slot(i, at, frozenset(ch or ())) for i, at, ch in near]
    out = [c.message() for c in S.find_clashes(draft.release_at, draft.channels, slots, minutes)]
    for h in S.matching_holds(hold_rules(session), draft.body, draft.channels):
        out.append(f"A hold on {h.describe()} matches this post: it will not go out until the hold is lifted.")
    return out


def not_draft_held():
    """SQL: the post has no active hold of its own."""
    return ~exists().where(and_(ReleaseHold.draft_id == Draft.id, ReleaseHold.kind == "draft",
                                ReleaseHold.lifted_at.is_(None)))


def overdue_posts(session: Session, now: datetime) -> list[Draft]:
    """Scheduled posts already due and not held one by one: what lifting a freeze would release."""
    return list(session.scalars(select(Draft).where(Draft.state == "scheduled", Draft.release_at <= now,
                                                    not_draft_held()).order_by(Draft.release_at, Draft.id)))


def active_hold(session: Session, hold_id, *, lock: bool = False) -> ReleaseHold:
    """An active targeted hold (channel, tag or term); NotFoundError for anything else."""
    hold_id = as_id(hold_id)
    hold = session.get(ReleaseHold, hold_id, with_for_update=lock or None) if hold_id is not None else None
    if hold is None or hold.kind == "draft" or hold.lifted_at is not None:
        raise NotFoundError("No such active hold.")
    return hold


def held_by(session: Session, hold_id: int) -> list[Draft]:
    """Scheduled posts the worker held because targeted hold `hold_id` matched them."""
    return list(session.scalars(
        select(Draft).join(ReleaseHold, ReleaseHold.draft_id == Draft.id)
        .where(ReleaseHold.source_hold_id == hold_id, ReleaseHold.lifted_at.is_(None),
               Draft.state == "scheduled").order_by(Draft.release_at)))


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


def blackout_windows(session: Session, start: datetime, end: datetime) -> list[BlackoutWindow]:
    return list(session.scalars(select(BlackoutWindow).where(BlackoutWindow.ends_at > start,
                                                             BlackoutWindow.starts_at < end)
                                .order_by(BlackoutWindow.starts_at)))


def windows_for(session: Session, start: datetime, end: datetime) -> list[S.Window]:
    return [S.Window(w.starts_at, w.ends_at, frozenset(w.channels or ()), w.reason)
            for w in blackout_windows(session, start, end)]


@dataclass(frozen=True)
class ControlsOverview:
    """What the freeze page shows: the freeze, the posts lifting it would release, the active holds."""

    freeze: FreezeState | None
    overdue: list
    holds: list
    can_control: bool
    will_hold: list      # what a freeze would hold, shown before comms confirms it (none while frozen)


def controls_overview(session: Session, user: User, now: datetime) -> ControlsOverview:
    state = freeze_state(session)
    # calendar_entries caps a range at 400 days.
    will_hold = [] if state else calendar_entries(session, user, now, now + timedelta(days=399),
                                                  states=["scheduled"])
    return ControlsOverview(state, overdue_posts(session, now) if state else [], active_holds(session),
                            can_control_releases(user), will_hold)


def hold_to_lift(session: Session, hold_id) -> tuple[ReleaseHold, list[Draft]]:
    """An active targeted hold and the posts it holds (the 'lift this hold' page)."""
    hold = active_hold(session, hold_id)
    return hold, held_by(session, hold.id)


@dataclass(frozen=True)
class CalendarView:
    """The posts and brakes of one calendar range, as plain rows (reviewq.releases.calendar)."""

    drafts: list          # rows of the range, by release time
    windows: list
    holds: list
    tray: list            # approved posts waiting for a time (empty unless asked for)
    tray_total: int
    will_hold: dict       # draft id -> the targeted hold that will stop it at release time


def calendar_view(session: Session, user: User, start: datetime, end: datetime, *, channels=None, states=None,
                  author_id=None, with_tray: bool = False) -> CalendarView:
    """Everything the calendar page shows: one query for the range's posts, one for the tray, brakes."""
    f = CalendarFilter(start, end, tuple(channels or ()), tuple(states or CALENDAR_STATES), author_id)
    rows, _ = calendar_rows(session, user, f)
    tray, total = tray_rows(session, user) if with_tray else ([], 0)
    holds = active_holds(session)
    rules = [S.HoldRule(h.id, h.kind, h.value) for h in holds]
    will_hold = {}
    for r in rows + tray:
        if r.state != "published" and rules:
            hit = S.matching_holds(rules, r.body or "", r.channels or ())
            if hit:
                will_hold[r.id] = hit[0].describe()
    return CalendarView(rows, blackout_windows(session, start, end), holds, tray, total, will_hold)


@dataclass(frozen=True)
class ReleasePanel:
    """The release panel of one draft's page."""

    holds: list
    warnings: list
    idempotency_key: str


def release_panel(session: Session, draft: Draft) -> ReleasePanel:
    return ReleasePanel(draft_holds(session, draft.id),
                        clash_warnings(session, draft) if draft.state == "scheduled" else [],
                        S.idempotency_key(draft.id, draft.current_revision, draft.release_at)
                        if draft.release_at else "")


def signed_attachment(session: Session, secret: str, attachment_id: int, expires, sig, now: datetime):
    """The attachment a publisher's signed, unexpired media link names, or None."""
    from reviewq.models import Attachment
    from reviewq.publishers.payload import media_link_valid
    att = session.get(Attachment, attachment_id)
    if att is None or not media_link_valid(secret, att.id, att.sha256, expires, sig, now):
        return None
    return att
