"""Reads for the release calendar grid, its tray and the calendar API: plain rows, one query each.

The grid, the "approved, not scheduled" tray and GET /api/v1/calendar show a
few columns of many posts, so they are read here with one Core SELECT each
(draft, current text, author name, an active hold of its own, the first image
with a thumbnail) instead of ORM objects with their lazy loads. `marker`
answers "did anything this view shows change?" with one cheap aggregate, for
ETags. Nothing here writes; visibility is drafts.queries.visible_clause.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import String, and_, bindparam, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from reviewq.core.errors import ValidationError
from reviewq.core.roles import CHANNELS
from reviewq.core.permissions import min_reached_for
from reviewq.drafts.queries import visible_clause, visible_where
from reviewq.models import Attachment, BlackoutWindow, Draft, ReleaseHold, Revision, Setting, User

CALENDAR_STATES = ("scheduled", "published")
MAX_RANGE = timedelta(days=400)
TRAY_LIMIT = 50
_CURSOR = re.compile(r"^(\d{8}T\d{12})_([1-9]\d{0,9})$")


class BadCursorError(ValidationError):
    """A cursor or limit this API did not give out (400, not 422: the request itself is malformed)."""

    status = 400


@dataclass(frozen=True)
class CalendarFilter:
    """What one calendar view asks for: [start, end) in UTC, optional channel, state and author."""

    start: datetime
    end: datetime
    channels: tuple = ()
    states: tuple = CALENDAR_STATES
    author_id: int | None = None

    def validate(self) -> "CalendarFilter":
        if self.start.tzinfo is None or self.end.tzinfo is None or self.end <= self.start:
            raise ValidationError("Give a time range with time zones, end after start.", {"to": "before from"})
        if self.end - self.start > MAX_RANGE:
            raise ValidationError("Ask for at most 400 days at a time.", {"to": "range too long"})
        if any(s not in CALENDAR_STATES for s in self.states):
            raise ValidationError("The calendar shows scheduled and published posts.", {"state": "unknown state"})
        unknown = [c for c in self.channels if c not in CHANNELS]
        if unknown:
            raise ValidationError(f"Unknown channel {unknown[0]!r}.", {"channel": "unknown channel"})
        return self


def _held():
    return exists().where(and_(ReleaseHold.draft_id == Draft.id, ReleaseHold.kind == "draft",
                               ReleaseHold.lifted_at.is_(None)))


def _thumb():
    """The first image attachment of the post that has a thumbnail (None: no picture to show)."""
    return (select(func.min(Attachment.id)).where(Attachment.draft_id == Draft.id, Attachment.removed_at.is_(None),
                                                  Attachment.thumb_key.is_not(None),
                                                  Attachment.content_type.like("image/%"))
            .scalar_subquery())


# What the grid and the tray show; the API adds the rest of a DraftSummary. Every datetime column costs a
# conversion per row, so the page reads only the two it shows.
GRID_COLUMNS = (Draft.id, Draft.state, Draft.channels, Draft.author_id, Draft.release_at, Draft.requested_release_at,
                Draft.release_error)
API_COLUMNS = GRID_COLUMNS + (Draft.title, Draft.current_revision, Draft.created_at, Draft.updated_at,
                              Draft.published_at, Draft.stage_entered_at)


def _rows_select(user: User, columns=GRID_COLUMNS):
    return (select(*columns, Revision.body.label("body"), User.name.label("author_name"),
                   _held().label("held"), _thumb().label("thumb_id"))
            .join(User, User.id == Draft.author_id)
            .outerjoin(Revision, and_(Revision.draft_id == Draft.id, Revision.number == Draft.current_revision))
            .where(visible_clause(user)))


def range_conditions(f: CalendarFilter):
    """The range, state, channel and author conditions of `f` (visibility is the caller's)."""
    conds = [Draft.state.in_(list(f.states)), Draft.release_at >= f.start, Draft.release_at < f.end]
    if f.channels:
        # JSON arrays differ per backend; a quoted-name match is exact because names are [a-z]+.
        text = func.cast(Draft.channels, String)
        conds.append(or_(*[text.like(f'%"{c}"%') for c in f.channels]))
    if f.author_id is not None:
        conds.append(Draft.author_id == int(f.author_id))
    return conds


def calendar_rows(session: Session, user: User, f: CalendarFilter, *, limit: int | None = None,
                  cursor: str | None = None, full: bool = False) -> tuple[list, str | None]:
    """(rows, next cursor) of the posts `user` may see in the range, by release time then id; one query.

    Without `limit` every post of the range is returned and the cursor is None. `full`: every
    column of the API's DraftSummary, not only the grid's. Plain rows (Core), never ORM objects.
    """
    f.validate()
    q = _rows_select(user, API_COLUMNS if full else GRID_COLUMNS).where(*range_conditions(f))
    if cursor:
        at, after_id = decode_cursor(cursor)
        q = q.where(tuple_(Draft.release_at, Draft.id) > tuple_(at, after_id)) \
            if session.get_bind().dialect.name == "postgresql" else \
            q.where(or_(Draft.release_at > at, and_(Draft.release_at == at, Draft.id > after_id)))
    q = q.order_by(Draft.release_at, Draft.id)
    conn = session.connection()
    if limit is None:
        return list(conn.execute(q)), None
    rows = list(conn.execute(q.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].release_at, rows[-1].id) if more else None


def tray_rows(session: Session, user: User, *, limit: int = TRAY_LIMIT) -> tuple[list, int]:
    """Approved posts `user` may see that wait for a release time, longest waiting first; and how many in all."""
    q = _rows_select(user).where(Draft.state == "approved").order_by(Draft.stage_entered_at, Draft.id)
    rows = list(session.connection().execute(q.limit(limit + 1)))
    if len(rows) <= limit:
        return rows, len(rows)
    total = session.scalar(select(func.count()).select_from(Draft)
                           .where(visible_clause(user), Draft.state == "approved"))
    return rows[:limit], int(total)


def encode_cursor(at: datetime, draft_id: int) -> str:
    return f"{at.astimezone(timezone.utc):%Y%m%dT%H%M%S%f}_{draft_id}"


def decode_cursor(raw: str) -> tuple[datetime, int]:
    m = _CURSOR.match(raw or "")
    try:
        if m is None:
            raise ValueError
        at = datetime.strptime(m.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=timezone.utc)
    except ValueError:
        raise BadCursorError("cursor: not a cursor this API gave out; use next_cursor of the previous page.",
                             {"cursor": "not a cursor this API gave out"})
    return at, int(m.group(2))


def _sums():
    return (func.count(Draft.id), func.max(Draft.updated_at), func.coalesce(func.sum(Draft.version), 0))


def _renamed():
    """The newest change to any user: the calendar shows authors' names, and a rename changes no draft."""
    return select(func.max(User.updated_at)).scalar_subquery()


def marker(session: Session, user: User, f: CalendarFilter, *, page: bool = False) -> str:
    """A hash that changes whenever what this view shows `user` may have changed; one SELECT.

    The API's marker covers the range's posts (their count, newest update and
    version sum: a post moved out, in or edited changes one of them), read from
    the ix_drafts_calendar index alone. The page's also covers the approved posts
    (the tray), the drafts waiting for a stage (the nav badge), holds, blackouts
    and settings (freeze, release rules, policy review).
    """
    f.validate()
    if not page:
        author = int(f.author_id) if f.author_id is not None else None
        stmt = _api_marker(min_reached_for(user.actor()), tuple(f.states), tuple(f.channels), author is not None)
        values = session.connection().execute(stmt, {"user_id": user.id, "start": f.start, "end": f.end,
                                                     "author_id": author}).one()
        return _digest(user, f, values)
    cols = list(_sums())
    for states in (["approved"], ["pending_review", "pending_legal", "pending_comms"]):
        cols += [select(agg).where(Draft.state.in_(states)).scalar_subquery() for agg in _sums()]
    cols += [select(agg).select_from(ReleaseHold).scalar_subquery()
             for agg in (func.count(ReleaseHold.id), func.max(ReleaseHold.id), func.max(ReleaseHold.lifted_at))]
    cols += [select(agg).select_from(BlackoutWindow).scalar_subquery()
             for agg in (func.count(BlackoutWindow.id), func.max(BlackoutWindow.id))]
    cols += [select(agg).select_from(Setting).scalar_subquery()
             for agg in (func.count(), func.max(Setting.updated_at))]
    cols.append(_renamed())
    values = session.execute(select(*cols).where(visible_clause(user), *range_conditions(f))).one()
    return _digest(user, f, values)


@functools.lru_cache(maxsize=128)
def _api_marker(level: int | None, states: tuple, channels: tuple, with_author: bool):
    """The API marker's aggregate, built once per process for each shape of filter (GET /api/v1/calendar runs
    it on every request, and building it cost more than SQLite answering it); the person, the range and the
    author are bound parameters. The same conditions as visible_clause and range_conditions."""
    conds = [Draft.state.in_(list(states)), Draft.release_at >= bindparam("start"), Draft.release_at < bindparam("end")]
    if channels:
        text = func.cast(Draft.channels, String)
        conds.append(or_(*[text.like(f'%"{c}"%') for c in channels]))
    if with_author:
        conds.append(Draft.author_id == bindparam("author_id"))
    return select(*_sums(), _renamed()).where(visible_where(level, bindparam("user_id")), *conds)


def _digest(user: User, f: CalendarFilter, values) -> str:
    who = (user.id, tuple(sorted(user.roles)))
    raw = repr((who, f.start.isoformat(), f.end.isoformat(), f.channels, f.states, f.author_id,
                tuple(str(v) for v in values)))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]
