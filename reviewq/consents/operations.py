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
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.checks.consent import _name_matches
from reviewq.core import roles as R
from reviewq.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.workflow import FINAL_STATES
from reviewq.models import Consent, ConsentFace, ConsentTask, User, draft_consents
from reviewq.models.consent import RELATIONS
from reviewq.consents.permissions import (can_read_consents, can_register_consents, consent_ref,  # noqa: F401
                                         consent_ref_id)
from reviewq.consents.queries import COVERS, get_consent, linked_consents, usable
from reviewq.consents.revocation import pull_back_posts
from reviewq.drafts.queries import get_visible_draft
from reviewq.storage import store

MAX_NOTE = 2000
MAX_LINK = 50
MAX_FORM_BYTES = 20 * 1024 * 1024


def _validate(subject_name, covers, channels, valid_from, valid_until, note, relation="patient",
              signed_by="") -> dict:
    errors = {}
    name = " ".join(subject_name.split()) if isinstance(subject_name, str) else ""
    if not name or len(name) > 200 or "\x00" in name:
        errors["subject_name"] = "Give the person's name as on the signed form (up to 200 characters)."
    if relation not in RELATIONS:
        errors["relation"] = "Say who signed: " + ", ".join(RELATIONS) + "."
    if not isinstance(signed_by, str) or len(signed_by) > 200 or "\x00" in signed_by:
        errors["signed_by"] = "Give the signer's name in up to 200 characters."
    elif relation in ("parent_guardian", "relative") and not signed_by.strip():
        errors["signed_by"] = "Give the name of the parent, guardian or relative who signed."
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
            "channels": sorted(set(channels or ()), key=R.CHANNELS.index), "relation": relation,
            "signed_by": signed_by.strip()}


def create_consent(session: Session, actor: User, *, subject_name, covers, channels=None,
                   valid_from: datetime | None = None, valid_until: datetime | None = None,
                   note: str = "", relation: str = "patient", signed_by: str = "", form=None,
                   upload_dir: Path | None = None, task_id=None, now: datetime) -> Consent:
    """Register a signed consent; raises PermissionDeniedError or ValidationError.

    `form` (anything with .read(n)) is the signed form, a PDF or an image checked by its content and
    kept through reviewq.storage. `task_id` names the consent request this answers: the consent is
    then linked to the request's draft for the name the author wrote, and the request is done.
    """
    if not can_register_consents(actor):
        raise PermissionDeniedError("Only comms, legal and administrators register consents.")
    clean = _validate(subject_name, covers, channels, valid_from, valid_until, note, relation, signed_by)
    task = _open_request(session, task_id) if task_id is not None else None
    if task is not None and not _name_matches(clean["subject_name"], [task.subject_name]):
        raise ValidationError(f"The request is for “{task.subject_name}”; this consent names someone else.",
                              {"subject_name": "not the requested person"})
    consent = Consent(**clean, valid_from=valid_from, valid_until=valid_until, note=note.strip(),
                      created_by_id=actor.id, created_at=now)
    if form is not None:
        if upload_dir is None:
            raise ValueError("upload_dir is needed to keep a signed form")
        try:
            stored = store(form, upload_dir, MAX_FORM_BYTES, kind="form")
        except ValidationError as e:
            raise ValidationError(e.message, {"form": e.message}) from None
        consent.form_key, consent.form_content_type = stored.storage_key, stored.content_type
        consent.form_sha256, consent.form_size_bytes = stored.sha256, stored.size
    session.add(consent)
    session.flush()
    signals.consent_changed.send(consent, session=session, actor=actor, now=now, change="created", draft=None)
    if task is not None:
        from reviewq.consents.tasks import answer_request
        answer_request(session, actor, task, consent, now=now)
    return consent


def _open_request(session: Session, task_id) -> ConsentTask:
    task = session.get(ConsentTask, task_id) if isinstance(task_id, int) and 0 < task_id < 2**31 else None
    if task is None or task.kind != "request" or task.done_at is not None:
        raise ValidationError("That consent request does not exist or is already answered.",
                              {"task_id": "not an open request"})
    return task


def revoke_consent(session: Session, actor: User, consent_id, *, now: datetime, reason: str = "") -> Consent:
    """Mark a consent revoked from `now` on and act on it at once; revoking twice changes nothing.

    In the same transaction every post relying on it that is waiting, approved or scheduled goes back
    to its author (changes_requested) and every published one gets a takedown task for comms.
    """
    if not can_register_consents(actor):
        raise NotFoundError("No such consent.")
    if not isinstance(reason, str) or len(reason) > MAX_NOTE or "\x00" in reason:
        raise ValidationError(f"Keep the reason under {MAX_NOTE} characters.", {"reason": "too long"})
    consent = get_consent(session, actor, consent_id)
    if consent.revoked_at is None:
        consent.revoked_at, consent.revoked_by_id, consent.revoke_reason = now, actor.id, reason.strip()
        session.flush()
        signals.consent_changed.send(consent, session=session, actor=actor, now=now, change="revoked",
                                     draft=None)
        pulled, takedowns = pull_back_posts(session, actor, consent, now=now,
                                            why=f"Consent no. {consent.id} was revoked.")
        signals.consent_revoked.send(consent, session=session, actor=actor, now=now, pulled=pulled,
                                     takedowns=takedowns)
    return consent


def link_consents(session: Session, actor: User, draft_id, consent_ids, *, now: datetime,
                  secret: str | None = None, mention: str | None = None) -> list[Consent]:
    """Link consent records to a draft; returns every consent now linked to it.

    Keepers give ids or references, the author of the draft references only
    (consent_ref, made with `secret`). `mention` is the name as written in the
    post: it must be in the post and the consent must name that person.
    Refuses revoked, expired or unknown consents (naming them as given) and
    finished drafts. Already linked consents keep their link (a mention given now is recorded).
    """
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    rows = _linkable(session, actor, draft, consent_ids, secret, now)
    mention = _check_mention(draft, rows, mention)
    already = set(session.scalars(select(draft_consents.c.consent_id).where(draft_consents.c.draft_id == draft.id)))
    for consent in rows:
        if consent.id in already:
            if mention:
                session.execute(draft_consents.update().where(
                    draft_consents.c.draft_id == draft.id, draft_consents.c.consent_id == consent.id)
                    .values(mention=mention))
            continue
        session.execute(insert(draft_consents).values(draft_id=draft.id, consent_id=consent.id, mention=mention))
        signals.consent_changed.send(consent, session=session, actor=actor, now=now, change="linked",
                                     draft=draft)
    session.flush()
    return linked_consents(session, draft)


def _linkable(session, actor, draft, consent_ids, secret, now) -> list[Consent]:
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
    out = [rows[i] for i in dict.fromkeys(wanted.values())]
    for c in out:
        if c.revoked_at is not None:
            raise ValidationError(f"Consent {c.id} was revoked and cannot be used.",
                                  {"consent_ids": f"revoked id {c.id}"})
        if not usable(c, now):
            raise ValidationError(f"Consent {c.id} expired on {c.valid_until:%Y-%m-%d}; ask comms for a new one.",
                                  {"consent_ids": f"expired id {c.id}"})
    return out


def _check_mention(draft, rows: list[Consent], mention) -> str | None:
    if mention is None or mention == "":
        return None
    text = mention.strip() if isinstance(mention, str) else ""
    body = (draft.revision.body if draft.revision else "") or ""
    if not text or len(text) > 200 or text.casefold() not in body.casefold():
        raise ValidationError("Give the name exactly as it is written in the post.", {"mention": "not in the post"})
    for c in rows:
        if not _name_matches(c.subject_name, [text]):
            raise ValidationError(f"Consent {c.id} does not name “{text}”: link the consent of the person "
                                  "the post names.", {"mention": "another person"})
    return text


def link_face(session: Session, actor: User, draft_id, attachment_id, box, consent_id, *, now: datetime,
              secret: str | None = None) -> ConsentFace:
    """Link one face the scan found on an attachment to the photo consent of the person shown.

    The consent must already be linked to the draft, cover photos and be in force; the face must be one
    of the attachment's face findings. A face linked again moves to the new consent.
    """
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    (consent,) = _linkable(session, actor, draft, [consent_id], secret, now)
    if consent.id not in {c.id for c in linked_consents(session, draft)}:
        raise ValidationError("Link the consent to the draft (for the name in the post) before a face.",
                              {"consent_ids": "not linked"})
    if "photo" not in consent.covers:
        raise ValidationError(f"Consent {consent.id} does not cover photos.", {"consent_ids": "no photo"})
    att = next((a for a in draft.attachments if a.id == attachment_id and a.removed_at is None), None)
    key = ",".join(str(int(v)) for v in box) if isinstance(box, (list, tuple)) and len(box) == 4 \
        and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**6 for v in box) else None
    faces = [",".join(str(v) for v in f.get("box") or ()) for f in (att.scan_findings or []) if att
             and f.get("policy") == "attachment.face"] if att else []
    if att is None or key is None or key not in faces:
        raise ValidationError("No such face on this draft's attachments.", {"face": "unknown"})
    row = session.scalar(select(ConsentFace).where(ConsentFace.attachment_id == att.id, ConsentFace.box == key))
    if row is None:
        row = ConsentFace(draft_id=draft.id, attachment_id=att.id, box=key, consent_id=consent.id)
        session.add(row)
    row.consent_id = consent.id
    session.flush()
    signals.consent_changed.send(consent, session=session, actor=actor, now=now, change="face_linked", draft=draft)
    return row


def _valid_ids(consent_ids) -> list[int]:
    if not isinstance(consent_ids, (list, tuple)) or not consent_ids or len(consent_ids) > MAX_LINK:
        raise ValidationError(f"Give between 1 and {MAX_LINK} consent ids.", {"consent_ids": "required"})
    if not all((isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31)
               or (isinstance(i, str) and 0 < len(i) <= 30) for i in consent_ids):
        raise ValidationError("Give consent ids (whole numbers) or references like 12-3f9a0c1b2d4e.",
                              {"consent_ids": "not ids"})
    return list(dict.fromkeys(consent_ids))
