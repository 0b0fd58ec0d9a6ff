"""The patient consent registry: register, revoke, list and link consents to drafts.

Who may do what: the registry holds patients' names and what they agreed to,
so only its keepers (comms, legal and admins, who hold the signed forms) read
it, register, revoke and link consents to a draft they can see. Everyone else
gets the same answer for every consent id, existing or not: the registry is
no oracle. An author links a consent to their own draft with the consent's
reference (consent_ref: the id and an HMAC of it), which the keepers hand
out with the signed form; ids cannot be stepped through, and a wrong
reference is answered like a missing consent. Authors see the consents
linked to their own draft. Linking
re-runs no check by itself: the next submit sees the linked consents through
reviewq.drafts.checking.consents_of. Every change sends consent_changed, so
the audit row is written in the same transaction.

Reads (one consent, the registry's pages, a draft's links) are in
reviewq.consents.queries; who may do what in reviewq.consents.permissions.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import roles as R
from reviewq.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.workflow import FINAL_STATES
from reviewq.models import Consent, User, draft_consents
from reviewq.consents.permissions import (can_read_consents, can_register_consents, consent_ref,  # noqa: F401
                                         consent_ref_id)
from reviewq.consents.queries import COVERS, get_consent, linked_consents
from reviewq.drafts.queries import get_visible_draft

MAX_NOTE = 2000
MAX_LINK = 50


def _validate(subject_name, covers, channels, valid_from, valid_until, note) -> dict:
    errors = {}
    name = subject_name.strip() if isinstance(subject_name, str) else ""
    if not name or len(name) > 200:
        errors["subject_name"] = "Give the person's name as on the signed form (up to 200 characters)."
    if not isinstance(covers, (list, tuple)) or not covers or any(c not in COVERS for c in covers):
        errors["covers"] = "Say what the consent covers: " + ", ".join(COVERS) + "."
    if channels is not None and (not isinstance(channels, (list, tuple))
                                 or any(c not in R.CHANNELS for c in channels)):
        errors["channels"] = "Channels are " + ", ".join(R.CHANNELS) + " (none: every channel)."
    for key, when in (("valid_from", valid_from), ("valid_until", valid_until)):
        if when is not None and (not isinstance(when, datetime) or when.tzinfo is None):
            errors[key] = "Give the time with its time zone."
    if "valid_from" not in errors and "valid_until" not in errors and valid_from and valid_until \
            and valid_until <= valid_from:
        errors["valid_until"] = "The consent must end after it starts."
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        errors["note"] = f"Keep the note under {MAX_NOTE} characters."
    if errors:
        raise ValidationError(next(iter(errors.values())), errors)
    return {"subject_name": name, "covers": sorted(set(covers), key=COVERS.index),
            "channels": sorted(set(channels or ()), key=R.CHANNELS.index)}


def create_consent(session: Session, actor: User, *, subject_name, covers, channels=None,
                   valid_from: datetime | None = None, valid_until: datetime | None = None,
                   note: str = "", now: datetime) -> Consent:
    """Register a signed consent; raises PermissionDeniedError or ValidationError."""
    if not can_register_consents(actor):
        raise PermissionDeniedError("Only comms, legal and administrators register consents.")
    clean = _validate(subject_name, covers, channels, valid_from, valid_until, note)
    consent = Consent(**clean, valid_from=valid_from, valid_until=valid_until, note=note.strip(),
                      created_by_id=actor.id, created_at=now)
    session.add(consent)
    session.flush()
    signals.consent_changed.send(consent, session=session, actor=actor, now=now, change="created", draft=None)
    return consent


def revoke_consent(session: Session, actor: User, consent_id, *, now: datetime) -> Consent:
    """Mark a consent revoked from `now` on; revoking twice changes nothing."""
    if not can_register_consents(actor):
        raise NotFoundError("No such consent.")
    consent = get_consent(session, actor, consent_id)
    if consent.revoked_at is None:
        consent.revoked_at, consent.revoked_by_id = now, actor.id
        session.flush()
        signals.consent_changed.send(consent, session=session, actor=actor, now=now, change="revoked",
                                     draft=None)
    return consent


def link_consents(session: Session, actor: User, draft_id, consent_ids, *, now: datetime,
                  secret: str | None = None) -> list[Consent]:
    """Link consent records to a draft; returns every consent now linked to it.

    Keepers give ids or references, the author of the draft references only
    (consent_ref, made with `secret`). Refuses revoked or unknown consents
    (naming them as given) and finished drafts. Already linked consents are
    left as they are.
    """
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    keeper = can_read_consents(actor)
    if draft.author_id != actor.id and not keeper:
        raise PermissionDeniedError("Only the author, comms, legal and administrators link consents to a draft.")
    if draft.state_enum in FINAL_STATES:
        raise ValidationError(f"This draft is {draft.state}; consents can no longer be linked.",
                              {"draft": draft.state})
    given = _valid_ids(consent_ids)
    wanted = {g: (g if keeper and isinstance(g, int) else consent_ref_id(secret, g)) for g in given}
    rows = {c.id: c for c in session.scalars(select(Consent).where(Consent.id.in_(
        [i for i in wanted.values() if i is not None])))}
    unknown = [g for g, i in wanted.items() if i not in rows]
    if unknown:
        # The same words for a consent that does not exist and one this actor may not name.
        raise ValidationError(f"No consent with {'id' if keeper else 'reference'} {unknown[0]}.",
                              {"consent_ids": f"unknown {unknown[0]}"})
    ids = list(dict.fromkeys(wanted.values()))
    revoked = [i for i in ids if rows[i].revoked_at is not None]
    if revoked:
        raise ValidationError(f"Consent {revoked[0]} was revoked and cannot be used.",
                              {"consent_ids": f"revoked id {revoked[0]}"})
    already = set(session.scalars(select(draft_consents.c.consent_id).where(draft_consents.c.draft_id == draft.id)))
    for cid in ids:
        if cid in already:
            continue
        session.execute(insert(draft_consents).values(draft_id=draft.id, consent_id=cid))
        signals.consent_changed.send(rows[cid], session=session, actor=actor, now=now, change="linked",
                                     draft=draft)
    session.flush()
    return linked_consents(session, draft)


def _valid_ids(consent_ids) -> list[int]:
    if not isinstance(consent_ids, (list, tuple)) or not consent_ids or len(consent_ids) > MAX_LINK:
        raise ValidationError(f"Give between 1 and {MAX_LINK} consent ids.", {"consent_ids": "required"})
    if not all((isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31)
               or (isinstance(i, str) and 0 < len(i) <= 30) for i in consent_ids):
        raise ValidationError("Give consent ids (whole numbers) or references like 12-3f9a0c1b2d4e.",
                              {"consent_ids": "not ids"})
    return list(dict.fromkeys(consent_ids))
