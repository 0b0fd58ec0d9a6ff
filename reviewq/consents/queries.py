"""Reading the consent registry: one consent, pages of the registry, the consents linked to a draft."""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from reviewq.consents.permissions import can_read_consents
from reviewq.core.errors import NotFoundError, PermissionDeniedError
from reviewq.core.ids import as_id
from reviewq.models import Consent, Draft, User, draft_consents

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
