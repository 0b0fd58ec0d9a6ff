"""Reading drafts: one draft (visible, or locked for an operation), lists and their pages, attachments.

Visibility rules come from reviewq.core.permissions: applied in SQL for lists
(visible_clause, fast with 100,000 drafts) and in Python for one draft
(reviewq.drafts.permissions.can_see_draft). Another user's draft that one may
not see is "no such draft" (NotFoundError), never a hint that it exists.
Nothing here writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select, Text, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from reviewq.core import workflow as wf
from reviewq.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.ids import as_id
from reviewq.core.permissions import min_reached_for
from reviewq.core.roles import CHANNELS
from reviewq.drafts.permissions import can_search_drafts, can_see_draft
from reviewq.models import Attachment, AuditEvent, Decision, Draft, Revision, User

MAX_PAGE = 200
MAX_TEXT = 200


@dataclass
class DraftFilter:
    state: list[str] | None = None
    stage: str | None = None          # review | legal | comms: drafts waiting in that stage
    author_id: int | None = None
    channel: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    mine: bool = False
    text: str | None = None           # a word or phrase of the current revision's text (case-insensitive)

    def validate(self) -> "DraftFilter":
        errors = {}
        states = {s.value for s in wf.State}
        if self.state and any(s not in states for s in self.state):
            errors["state"] = "Unknown state; states are " + ", ".join(sorted(states)) + "."
        if self.stage and self.stage not in wf.STAGE_BY_NAME:
            errors["stage"] = "Stages are review, legal and comms."
        if self.text is not None and len(self.text) > MAX_TEXT:
            errors["text"] = f"Search for at most {MAX_TEXT} characters."
        if self.created_from and self.created_to and self.created_from > self.created_to:
            errors["created_to"] = "The end date is before the start date."
        if self.channel and self.channel not in CHANNELS:
            errors["channel"] = "Unknown channel; channels are " + ", ".join(CHANNELS) + "."
        if errors:
            raise ValidationError(next(iter(errors.values())), errors)
        return self


def visible_clause(user: User):
    """A SQL condition true for the drafts `user` may see."""
    return visible_where(min_reached_for(user.actor()), user.id)


def visible_where(level: int | None, user_id):
    """visible_clause for someone whose visibility level (core.permissions.min_reached_for) is `level`;
    `user_id` may be a bound parameter (statements built once per process)."""
    own = Draft.author_id == user_id
    decided = exists().where(and_(Decision.draft_id == Draft.id, Decision.user_id == user_id))
    if level == 0:
        return own | (Draft.id > 0)
    if level is None:
        return or_(own, decided)
    return or_(own, Draft.reached >= level, decided)


def drafts_query(user: User, f: DraftFilter | None = None, *, with_revisions: bool = False) -> Select:
    """The drafts `user` may see matching `f` (for page()); with_revisions loads their texts too."""
    f = (f or DraftFilter()).validate()
    # Authors are shown by name: their roles are not loaded (a list was one more statement for nothing).
    q = select(Draft).where(visible_clause(user)).options(joinedload(Draft.author).lazyload(User.role_rows))
    if with_revisions:
        q = q.options(selectinload(Draft.revisions))
    if f.mine:
        q = q.where(Draft.author_id == user.id)
    if f.state:
        q = q.where(Draft.state.in_(f.state))
    if f.stage:
        q = q.where(Draft.state == wf.STAGE_BY_NAME[f.stage].state.value)
    if f.author_id is not None:
        q = q.where(Draft.author_id == f.author_id)
    if f.channel:
        # JSON arrays differ per backend; a quoted-name match is exact because names are [a-z]+.
        q = q.where(func.cast(Draft.channels, Text()).like(f'%"{f.channel}"%'))
    if f.text:
        q = q.where(exists().where(and_(Revision.draft_id == Draft.id, Revision.number == Draft.current_revision,
                                        Revision.body.icontains(f.text, autoescape=True))))
    if f.created_from:
        q = q.where(Draft.created_at >= f.created_from)
    if f.created_to:
        q = q.where(Draft.created_at < f.created_to)
    return q


def parse_search(args, *, tz) -> DraftFilter:
    """The all-drafts search form's query string as a DraftFilter; ValidationError (fields) on bad input.
    Dates are organisation-local days, both inclusive."""
    errors: dict[str, str] = {}

    def day(name):
        raw = (args.get(name) or "").strip()
        if not raw:
            return None
        try:
            return datetime.combine(date.fromisoformat(raw), time.min, tzinfo=tz).astimezone(timezone.utc)
        except ValueError:
            errors[name] = f"“{raw[:40]}” is not a date: use YYYY-MM-DD."
            return None

    author = (args.get("author") or "").strip()
    author_id = None
    if author:
        author_id = as_id(author)
        if author_id is None:
            errors["author"] = "Choose the author from the list."
    state = (args.get("state") or "").strip()
    since, until = day("from"), day("to")
    if since and until and since > until:
        errors["to"] = "The end date is before the start date."
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    f = DraftFilter(state=[state] if state else None, author_id=author_id,
                    channel=(args.get("channel") or "").strip() or None,
                    created_from=since, created_to=until + timedelta(days=1) if until else None,
                    text=(args.get("q") or "").strip() or None)
    try:
        return f.validate()
    except ValidationError as e:   # name the form's fields, not the filter's
        names = {"created_to": "to"}
        raise ValidationError(e.message, {names.get(k, k): v for k, v in e.fields.items()}) from None


def search_drafts(session: Session, user: User, f: DraftFilter, *, after_id: int | None = None,
                  limit: int = 25) -> tuple[list[Draft], int | None]:
    """A page of every draft matching `f`, newest first: for comms leads, administrators and auditors."""
    if not can_search_drafts(user):
        raise PermissionDeniedError("Only comms leads, administrators and auditors can search all drafts.")
    return page(session, drafts_query(user, f, with_revisions=True), after_id=after_id, limit=limit)


def authors(session: Session) -> list[User]:
    """Everyone who wrote a draft, for the search form's author list."""
    return list(session.scalars(select(User).where(exists().where(Draft.author_id == User.id))
                                .order_by(User.name, User.id)))


def page(session: Session, q: Select, *, after_id: int | None = None, limit: int = 50,
         newest_first: bool = True) -> tuple[list[Draft], int | None]:
    """Keyset pagination on id: stable under inserts. Returns (rows, next cursor or None)."""
    limit = max(1, min(int(limit), MAX_PAGE))
    if after_id is not None:
        q = q.where(Draft.id < after_id if newest_first else Draft.id > after_id)
    q = q.order_by(Draft.id.desc() if newest_first else Draft.id.asc()).limit(limit + 1)
    rows = list(session.scalars(q).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


def lock_draft(session: Session, draft_id) -> Draft:
    """Load a draft holding its row lock (PostgreSQL FOR UPDATE; SQLite's BEGIN IMMEDIATE)."""
    draft_id = as_id(draft_id)
    if draft_id is None:
        raise NotFoundError("No such draft.")
    draft = session.execute(select(Draft).where(Draft.id == draft_id).with_for_update(of=Draft)
                            .execution_options(populate_existing=True)).unique().scalar_one_or_none()
    if draft is None:
        raise NotFoundError("No such draft.")
    return draft


# What a draft's page and its API answer show, in four statements whatever the draft's size: the draft with
# its author, then its revisions, decisions (with who decided) and attachments. People's roles are not shown.
DRAFT_PAGE = (joinedload(Draft.author).lazyload(User.role_rows),
              selectinload(Draft.revisions), selectinload(Draft.attachments),
              selectinload(Draft.decisions).joinedload(Decision.user).lazyload(User.role_rows))

_DRAFT_PAGE_ROW = select(Draft).where(Draft.id == bindparam("draft_id")).options(*DRAFT_PAGE)


def get_visible_draft(session: Session, user: User, draft_id, *, lock: bool = False) -> Draft:
    """The draft if `user` may see it; NotFoundError otherwise (no leak of existence)."""
    if lock:
        draft = lock_draft(session, draft_id)
    else:
        draft_id = as_id(draft_id)
        draft = session.scalars(_DRAFT_PAGE_ROW, {"draft_id": draft_id}).unique().one_or_none() \
            if draft_id is not None else None
    if draft is None or not can_see_draft(user, draft):
        raise NotFoundError("No such draft.")
    return draft


def get_attachment(session: Session, user: User, draft_id, attachment_id) -> Attachment:
    """An attachment of a draft `user` may see; NotFoundError otherwise."""
    draft = get_visible_draft(session, user, draft_id)
    att = next((a for a in draft.attachments if a.id == as_id(attachment_id)), None)
    if att is None:
        raise NotFoundError("No such attachment.")
    return att


def current_attachments(draft: Draft) -> list[Attachment]:
    """The attachments of the current revision, in its order."""
    ids = [a["id"] for a in (draft.revision.attachments if draft.revision else [])]
    by_id = {a.id: a for a in draft.attachments}
    return [by_id[i] for i in ids if i in by_id]


def with_revisions(session: Session, drafts: list[Draft]) -> list[Draft]:
    """Load the revisions of many drafts in a few queries instead of one per draft (lists, calendar)."""
    ids = [d.id for d in drafts if "revisions" not in d.__dict__]
    for i in range(0, len(ids), 500):
        session.scalars(select(Draft).where(Draft.id.in_(ids[i:i + 500])).options(selectinload(Draft.revisions))).all()
    return drafts


def draft_history(session: Session, draft_id: int, limit: int) -> tuple[list[AuditEvent], dict[int, User]]:
    """The draft's audit events, oldest first, and the users who acted in them by id."""
    rows = session.execute(select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
                           .where(AuditEvent.draft_id == draft_id).order_by(AuditEvent.seq).limit(limit)
                           .options(lazyload(User.role_rows))).all()
    return [e for e, _ in rows], {u.id: u for _, u in rows if u is not None}


def revisions_for(draft: Draft, user: User) -> list[Revision]:
    """The revisions `user` may read: the author all of theirs, everyone else only those submitted for
    review (text the checks refused at the form is never shown to approvers)."""
    if draft.author_id == user.id:
        return list(draft.revisions)
    return [r for r in draft.revisions if r.submitted_at is not None]


def revision_shown_to(draft: Draft, user: User) -> Revision:
    """The revision a page shows `user`: the current one, or for others the last one submitted."""
    shown = revisions_for(draft, user)
    if draft.revision in shown or not shown:
        return draft.revision
    return shown[-1]


# --- Read-only view of one draft (GET /api/v1/drafts/{id}) --------------------------------------------------
# Core statements over the mapped tables, built once: no ORM entities, no identity map, no loader strategies.
# The rows carry the same column types (UTC datetimes, JSON), so serialisers reading attributes see the same
# values as from the ORM objects. Seven statements with the token, as DRAFT_PAGE's path.

class DraftView:
    """Attribute-compatible stand-in for a Draft, for the read-only serialisers (never written, never flushed)."""

    __slots__ = ("_row", "author", "revisions", "decisions", "attachments")

    def __init__(self, row, author, revisions, decisions, attachments):
        self._row, self.author, self.revisions = row, author, revisions
        self.decisions, self.attachments = decisions, attachments

    def __getattr__(self, name):
        return getattr(self._row, name)

    # Draft's own definitions (they read only revisions, decisions and columns), so the two cannot drift.
    revision = Draft.revision
    body = Draft.body
    standing_approvals = Draft.standing_approvals
    facts = Draft.facts


class _Person:
    __slots__ = ("id", "name")

    def __init__(self, id_, name):
        self.id, self.name = id_, name


class _DecisionView:
    __slots__ = ("_row", "user")

    def __init__(self, row):
        self._row = row
        self.user = _Person(row.user_id, row.user_name) if row.user_name is not None else None

    def __getattr__(self, name):
        return getattr(self._row, name)


_D, _R, _DEC, _A, _U, _E = (Draft.__table__, Revision.__table__, Decision.__table__, Attachment.__table__,
                            User.__table__, AuditEvent.__table__)
_VIEW_DRAFT = (select(_D, _U.c.name.label("author_name")).join(_U, _U.c.id == _D.c.author_id)
               .where(_D.c.id == bindparam("draft_id")))
_VIEW_REVISIONS = (select(_R.c.number, _R.c.content_hash, _R.c.checked_at, _R.c.policy_version, _R.c.body,
                          _R.c.findings, _R.c.justifications, _R.c.attachments)
                   .where(_R.c.draft_id == bindparam("draft_id")).order_by(_R.c.number))
_VIEW_DECISIONS = (select(_DEC, _U.c.name.label("user_name")).outerjoin(_U, _U.c.id == _DEC.c.user_id)
                   .where(_DEC.c.draft_id == bindparam("draft_id")).order_by(_DEC.c.id))
_VIEW_ATTACHMENTS = select(_A).where(_A.c.draft_id == bindparam("draft_id")).order_by(_A.c.id)
_VIEW_HISTORY = (select(_E.c.seq, _E.c.at, _E.c.action, _E.c.actor_id, _E.c.data, _U.c.name.label("actor_name"))
                 .outerjoin(_U, _U.c.id == _E.c.actor_id).where(_E.c.draft_id == bindparam("draft_id"))
                 .order_by(_E.c.seq).limit(bindparam("limit")))


def visible_draft_view(session: Session, user: User, draft_id) -> DraftView:
    """A read-only view of the draft if `user` may see it (the same rule as get_visible_draft); NotFoundError
    otherwise. For serialising only: nothing on it can be changed or saved."""
    draft_id = as_id(draft_id)
    conn = session.connection()
    row = conn.execute(_VIEW_DRAFT, {"draft_id": draft_id}).one_or_none() if draft_id is not None else None
    if row is None:
        raise NotFoundError("No such draft.")
    p = {"draft_id": draft_id}
    view = DraftView(row, _Person(row.author_id, row.author_name), conn.execute(_VIEW_REVISIONS, p).all(),
                     [_DecisionView(r) for r in conn.execute(_VIEW_DECISIONS, p)], None)
    if not can_see_draft(user, view):
        raise NotFoundError("No such draft.")
    view.attachments = conn.execute(_VIEW_ATTACHMENTS, p).all()
    return view


def draft_history_rows(session: Session, draft_id: int, limit: int) -> list:
    """The draft's audit events, oldest first, as rows with `actor_name` (None: no actor)."""
    return session.connection().execute(_VIEW_HISTORY, {"draft_id": draft_id, "limit": limit}).all()
