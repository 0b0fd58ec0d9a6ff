"""Reading the consent registry: one consent, pages of the registry, the consents linked to a draft,
the records an author may find by the exact name they wrote, and the consent tasks."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from reviewq.consents.permissions import can_read_consents
from reviewq.core.errors import NotFoundError, PermissionDeniedError
from reviewq.core.ids import as_id
from reviewq.drafts.queries import get_visible_draft
from reviewq.models import Consent, ConsentFace, ConsentTask, Draft, User, draft_consents

COVERS = ("name", "story", "photo", "video", "audio")


def get_consent(session: Session, actor: User, consent_id) -> Consent:
    """One consent; NotFoundError when it does not exist or `actor` may not read the registry."""
    if not can_read_consents(actor):
        raise NotFoundError("No such consent.")
    consent = session.get(Consent, as_id(consent_id)) if as_id(consent_id) else None
    if consent is None:
        raise NotFoundError("No such consent.")
    return consent


def consents_query(actor: User, *, search: str = "", include_revoked: bool = True) -> Select:
    if not can_read_consents(actor):
        raise PermissionDeniedError("Your role cannot read the consent registry.")
    q = select(Consent)
    if search:
        q = q.where(Consent.subject_name.ilike(f"%{_escape_like(search)}%", escape="\\"))
    if not include_revoked:
        q = q.where(Consent.revoked_at.is_(None))
    return q.order_by(Consent.id.desc())


def consents_page(session: Session, actor: User, *, search: str = "", include_revoked: bool = True,
                  after_id: int | None = None, limit: int = 50) -> tuple[list[Consent], int | None]:
    """One page of the registry, newest first: (rows, the cursor of the next page or None)."""
    q = consents_query(actor, search=search, include_revoked=include_revoked)
    if after_id is not None:
        q = q.where(Consent.id < after_id)
    rows = list(session.scalars(q.limit(limit + 1)))
    return rows[:limit], (rows[limit - 1].id if len(rows) > limit else None)


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def linked_consents(session: Session, draft: Draft) -> list[Consent]:
    return list(session.scalars(select(Consent).join(draft_consents, draft_consents.c.consent_id == Consent.id)
                                .where(draft_consents.c.draft_id == draft.id).order_by(Consent.id)))


# Built once, Core rows with the same column types (for the read-only draft view, drafts.queries.visible_draft_view):
# building the ORM statement and loading entities was a sixth of a draft GET.
_LINKED_ROWS = (select(Consent.__table__).join(draft_consents, draft_consents.c.consent_id == Consent.id)
                .where(draft_consents.c.draft_id == bindparam("draft_id")).order_by(Consent.id))


def linked_consent_rows(session: Session, draft_id: int) -> list:
    """As linked_consents, as read-only rows (attributes named as Consent's)."""
    return session.connection().execute(_LINKED_ROWS, {"draft_id": draft_id}).all()


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def usable(consent: Consent, now: datetime) -> bool:
    """Not revoked and not ended (a consent that starts later may be linked already)."""
    return consent.revoked_at is None and (consent.valid_until is None or _aware(consent.valid_until) >= now)


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def consents_named(session: Session, actor: User, draft_id, name: str) -> list[Consent]:
    """The consents whose person is exactly `name`, for someone writing `draft_id` that names them.

    What the author of a draft may learn about the registry: only records of a name they wrote in
    their own post, spelled the same (case and spacing aside), never a list to browse.
    """
    draft = get_visible_draft(session, actor, draft_id)
    if draft.author_id != actor.id and not can_read_consents(actor):
        raise PermissionDeniedError("Only the author of the draft searches consents for it.")
    wanted = _fold(name or "")
    body = _fold(draft.revision.body if draft.revision else "")
    if len(wanted) < 2 or len(wanted) > 200 or wanted not in body:
        return []
    q = select(Consent).where(func.lower(Consent.subject_name) == wanted).order_by(Consent.id.desc()).limit(20)
    return [c for c in session.scalars(q) if _fold(c.subject_name) == wanted]


def open_tasks(session: Session, actor: User, *, kind: str | None = None) -> list[ConsentTask]:
    """Consent requests and takedowns not marked done, oldest first (their keepers only)."""
    if not can_read_consents(actor):
        raise PermissionDeniedError("Your role cannot see consent tasks.")
    q = select(ConsentTask).where(ConsentTask.done_at.is_(None))
    if kind:
        q = q.where(ConsentTask.kind == kind)
    return list(session.scalars(q.order_by(ConsentTask.id)))


def tasks_of_draft(session: Session, draft: Draft) -> list[ConsentTask]:
    return list(session.scalars(select(ConsentTask).where(ConsentTask.draft_id == draft.id)
                                .order_by(ConsentTask.id)))


def relying_drafts(session: Session, consent_id: int) -> list[int]:
    """Ids of the drafts a consent is linked to (by name or by face)."""
    ids = set(session.scalars(select(draft_consents.c.draft_id).where(draft_consents.c.consent_id == consent_id)))
    ids |= set(session.scalars(select(ConsentFace.draft_id).where(ConsentFace.consent_id == consent_id)))
    return sorted(ids)


def mentions_of(session: Session, draft: Draft) -> dict[int, str | None]:
    return dict(session.execute(select(draft_consents.c.consent_id, draft_consents.c.mention)
                                .where(draft_consents.c.draft_id == draft.id)).all())


def face_links(session: Session, draft: Draft) -> dict:
    """(attachment_id, (x, y, w, h)) -> consent id, for reviewq.checks.consent.faces_under_consent."""
    rows = session.scalars(select(ConsentFace).where(ConsentFace.draft_id == draft.id))
    return {(r.attachment_id, tuple(int(v) for v in r.box.split(","))): r.consent_id for r in rows}


def lapsing_by(session: Session, draft: Draft, when: datetime) -> list[Consent]:
    """The consents linked to `draft` that are revoked or end before `when` (a release time)."""
    return [c for c in linked_consents(session, draft)
            if c.revoked_at is not None or (c.valid_until is not None and _aware(c.valid_until) < when)]
