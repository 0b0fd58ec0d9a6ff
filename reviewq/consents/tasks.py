"""Consent tasks: an author asks comms or the privacy office for a consent; comms take a post down.

request_consent (the draft's author) opens a `request` task with the draft attached and the name as
written in the post; registering a consent for it (consents.operations.create_consent with task_id)
links the consent to the draft and closes the request (answer_request). Takedown tasks are opened by
reviewq.consents.revocation when a consent of a published post is revoked; complete_task marks either
kind done. Every change sends consent_task_changed (audit, Slack through the outbox).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.consents.permissions import can_register_consents
from reviewq.core import roles as R
from reviewq.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.workflow import FINAL_STATES
from reviewq.drafts.queries import get_visible_draft
from reviewq.models import ConsentTask, User, draft_consents

MAX_NOTE = 1000


def request_consent(session: Session, actor: User, draft_id, *, subject_name, note: str = "",
                    now: datetime) -> ConsentTask:
    """Ask the consent keepers for the consent of `subject_name` (as written in the post) for this draft."""
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    if draft.author_id != actor.id:
        raise PermissionDeniedError("Only the author asks for a consent for their draft.")
    if draft.state_enum in FINAL_STATES:
        raise ValidationError(f"This draft is {draft.state}; it needs no consent now.", {"draft": draft.state})
    name = " ".join(subject_name.split()) if isinstance(subject_name, str) else ""
    body = " ".join((draft.revision.body if draft.revision else "").casefold().split())
    if not name or len(name) > 200 or name.casefold() not in body:
        raise ValidationError("Give the person's name exactly as it is written in the post.",
                              {"subject_name": "not in the post"})
    if not isinstance(note, str) or len(note) > MAX_NOTE or "\x00" in note:
        raise ValidationError(f"Keep the note under {MAX_NOTE} characters.", {"note": "too long"})
    open_same = session.scalar(select(ConsentTask).where(
        ConsentTask.draft_id == draft.id, ConsentTask.kind == "request", ConsentTask.done_at.is_(None),
        ConsentTask.subject_name == name))
    if open_same is not None:
        return open_same  # asked already: one request per person and draft
    task = ConsentTask(kind="request", draft_id=draft.id, subject_name=name, channels=list(draft.channels or ()),
                       assigned_role=R.COMMS, note=note.strip(), created_by_id=actor.id, created_at=now)
    session.add(task)
    session.flush()
    signals.consent_task_changed.send(task, session=session, actor=actor, now=now, change="opened")
    return task


def answer_request(session: Session, actor: User, task: ConsentTask, consent, *, now: datetime) -> None:
    """The consent asked for is registered: link it to the draft for the name written, close the request."""
    linked = session.scalar(select(draft_consents.c.consent_id).where(
        draft_consents.c.draft_id == task.draft_id, draft_consents.c.consent_id == consent.id))
    if linked is None:
        session.execute(insert(draft_consents).values(draft_id=task.draft_id, consent_id=consent.id,
                                                      mention=task.subject_name))
        signals.consent_changed.send(consent, session=session, actor=actor, now=now, change="linked",
                                     draft=task.draft)
    task.consent_id, task.done_at, task.done_by_id = consent.id, now, actor.id
    session.flush()
    signals.consent_task_changed.send(task, session=session, actor=actor, now=now, change="answered")


def complete_task(session: Session, actor: User, task_id, *, now: datetime, note: str = "") -> ConsentTask:
    """Mark a takedown (or a request that needs no consent any more) done; done twice changes nothing."""
    if not can_register_consents(actor):
        raise NotFoundError("No such task.")
    task = session.get(ConsentTask, task_id) if isinstance(task_id, int) and 0 < task_id < 2**31 else None
    if task is None:
        raise NotFoundError("No such task.")
    if not isinstance(note, str) or len(note) > MAX_NOTE or "\x00" in note:
        raise ValidationError(f"Keep the note under {MAX_NOTE} characters.", {"note": "too long"})
    if task.done_at is None:
        task.done_at, task.done_by_id = now, actor.id
        if note.strip():
            task.note = (task.note + "\n" if task.note else "") + note.strip()
        session.flush()
        signals.consent_task_changed.send(task, session=session, actor=actor, now=now, change="done")
    return task
