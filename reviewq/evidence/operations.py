"""Exporting a post's evidence (admins, auditors, comms leads; a draft you may not see is a 404).

The proof is built first, against a checkpoint signed now, so it vouches only for committed history;
then the export itself is audited (evidence_exported → "evidence.export").
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.audit.proof import proof_for_draft
from reviewq.core.errors import PermissionDeniedError
from reviewq.core.permissions import can_export_evidence
from reviewq.drafts.queries import get_visible_draft
from reviewq.evidence.pack import record_digest
from reviewq.evidence.queries import evidence_record
from reviewq.models import User


def export_evidence(session: Session, actor: User, draft_id, *, now: datetime) -> tuple[dict, dict]:
    """(record, proof) of the draft; NotFoundError if `actor` may not see it, PermissionDeniedError if they
    see it but may not export it."""
    draft = get_visible_draft(session, actor, draft_id)
    if not can_export_evidence(actor.actor()):
        raise PermissionDeniedError("Only administrators, auditors and comms leads download evidence packs.")
    proof = proof_for_draft(session, draft.id, now)
    record = evidence_record(session, draft, proof)
    signals.evidence_exported.send(draft, session=session, actor=actor, now=now,
                                   checkpoint_seq=proof["checkpoint"].get("seq"), sha256=record_digest(record))
    return record, proof
