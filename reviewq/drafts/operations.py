"""Authoring: create, edit, attach, submit and withdraw drafts.

Each operation: lock the draft row, ask the workflow (transitions.check),
change the rows, move the state through transitions.apply, send the
past-tense signal. Operations never commit (the request, CLI command or job
that called them does). Validation of user input happens here (not only in
forms) so the web, the API and scripts refuse the same things with the same
words. check_submit / check_edit / check_withdraw answer "may this user do it
now?" without side effects, for buttons and for Slack.

Image scanning and submission: OCR and face detection take about a second an
image, so they never run while the draft's row is locked. submit_draft first
scans the draft's still-unscanned attachments with no lock taken
(drafts.scans.scan_unlocked: analyse, then a conditional write that skips an
attachment the worker finished meanwhile), then locks and checks. Web and API
call it the same way, so an image the worker has not reached yet never makes
one interface refuse what the other accepts.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq import signals
from reviewq.core import workflow as wf
from reviewq.core.errors import (BlockingFindingsError, InvalidTransitionError, PermissionDeniedError, ReviewqError,
                                 ValidationError)
from reviewq.core.roles import CHANNEL_LABELS, CHANNELS
from reviewq.core.text import normalize_newlines
from reviewq.drafts import transitions as T
from reviewq.drafts.checking import blocking, check_revision, needing_justification
from reviewq.drafts.permissions import can_write_drafts
from reviewq.drafts.queries import get_visible_draft
from reviewq.drafts.scans import scan_unlocked
from reviewq.models import Attachment, Draft, Revision, User
from reviewq.storage import store

MAX_BODY = 63206
MIN_JUSTIFICATION = 5


@dataclass
class Upload:
    stream: object        # anything with .read(n)
    filename: str
    alt_text: str = ""


def validate_content(body, channels) -> tuple[str, list[str]]:
    body = normalize_newlines(body)  # every entry point stores LF only (reviewq.core.text)
    errors = {}
    if not isinstance(body, str) or not body.strip():
        errors["body"] = "Write the post text."
    elif len(body) > MAX_BODY:
        errors["body"] = f"The text is longer than any network accepts ({MAX_BODY} characters)."
    elif "\x00" in body:
        errors["body"] = "The text contains a NUL character."
    if not isinstance(channels, (list, tuple)) or not channels:
        errors["channels"] = "Choose at least one channel."
    elif not all(isinstance(c, str) for c in channels):
        errors["channels"] = "Channels are names like " + ", ".join(CHANNELS[:4]) + "."
    else:
        unknown = [c for c in channels if c not in CHANNELS]
        if unknown:
            errors["channels"] = (f"Unknown channel {unknown[0]!r}; choose from "
                                  + ", ".join(CHANNEL_LABELS[c] for c in CHANNELS) + ".")
    if errors:
        raise ValidationError("Please correct the highlighted fields.", errors)
    return body, sorted(set(channels), key=CHANNELS.index)


def content_hash(body: str, channels: list[str], attachments: list[dict]) -> str:
    payload = {"body": body, "channels": channels,
               "attachments": [[a["sha256"], a.get("alt_text", "")] for a in attachments]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _snapshot(att: Attachment) -> dict:
    return {"id": att.id, "sha256": att.sha256, "alt_text": att.alt_text, "content_type": att.content_type,
            "name": att.original_name}


def _store_uploads(session, draft, actor, uploads, upload_dir: Path, max_bytes: int, now) -> list[Attachment]:
    added = []
    for up in uploads:
        alt = (up.alt_text or "").strip()
        if len(alt) > 1500:
            raise ValidationError("Alt text is limited to 1,500 characters.", {"alt_text": "too long"})
        stored = store(up.stream, upload_dir, max_bytes)
        name = Path(up.filename or "upload").name[:255] or "upload"
        att = Attachment(original_name=name, content_type=stored.content_type, size_bytes=stored.size,
                         sha256=stored.sha256, storage_key=stored.storage_key, alt_text=alt,
                         width=stored.width, height=stored.height, uploaded_by_id=actor.id, created_at=now)
        draft.attachments.append(att)
        added.append(att)
    session.flush()
    for att in added:
        signals.attachment_added.send(draft, session=session, actor=actor, now=now, attachment=att)
    return added


def create_draft(session: Session, actor: User, *, body, channels, requested_release_at: datetime | None,
                 now: datetime, uploads=(), upload_dir: Path | None = None, max_bytes: int = 0,
                 title: str = "", form_token: str | None = None) -> Draft:
    """A new draft at revision 1. `form_token` (the new-draft form's one-time token): the same form sent
    again, e.g. a reload after the checks refused it, saves into the draft it made instead of a copy."""
    if not can_write_drafts(actor):
        raise PermissionDeniedError("Your role cannot write drafts.")
    token = form_token if isinstance(form_token, str) and 16 <= len(form_token) <= 64 else None
    if token is not None:
        earlier = session.scalar(select(Draft).where(Draft.author_id == actor.id, Draft.form_token == token))
        if earlier is not None:
            if T.allowed(actor, earlier, T.Action.EDIT):
                edit_draft(session, actor, earlier.id, body=body, channels=channels, now=now,
                           requested_release_at=requested_release_at, uploads=uploads, upload_dir=upload_dir,
                           max_bytes=max_bytes)
            return earlier
    body, channels = validate_content(body, channels)
    if requested_release_at is not None and requested_release_at.tzinfo is None:
        raise ValidationError("Give the time with its time zone.", {"requested_release_at": "naive time"})
    draft = Draft(author_id=actor.id, channels=channels, requested_release_at=requested_release_at,
                  current_revision=1, created_at=now, updated_at=now,
                  title=(title or "")[:200], form_token=token)
    session.add(draft)
    session.flush()
    _store_uploads(session, draft, actor, uploads, upload_dir, max_bytes, now)
    snaps = [_snapshot(a) for a in draft.attachments]
    rev = Revision(number=1, body=body, channels=channels, attachments=snaps,
                   content_hash=content_hash(body, channels, snaps), created_by_id=actor.id, created_at=now)
    draft.revisions.append(rev)
    session.flush()
    signals.draft_created.send(draft, session=session, actor=actor, now=now, revision=rev)
    return draft


def edit_draft(session: Session, actor: User, draft_id, *, body, channels, now: datetime,
               requested_release_at=..., alt_texts: dict[int, str] | None = None,
               remove_attachment_ids=(), uploads=(), upload_dir: Path | None = None,
               max_bytes: int = 0, expected_revision: int | None = None,
               replacements: dict[int, Attachment] | None = None) -> tuple[Draft, bool]:
    """Save new content; returns (draft, whether a new revision was made).

    `replacements` {old attachment id: new Attachment already added to the draft} puts a new version of
    a file (a redacted image) in the old one's place; the old one is removed like remove_attachment_ids.

    A save whose content hash equals the current revision's makes no revision
    and voids nothing. Otherwise approvals of earlier revisions stop counting
    and a pending draft goes back to `draft` for resubmission.
    """
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    body, channels = validate_content(body, channels)
    transition = T.check(actor, draft, T.Action.EDIT, revision=expected_revision)
    if requested_release_at is not ...:
        draft.requested_release_at = requested_release_at
    current = draft.revision
    replace = replacements or {}
    remove = {int(i) for i in remove_attachment_ids} | set(replace)
    kept = _kept(draft, remove, replace)
    for a in draft.attachments:
        if a.id in remove and a.removed_at is None:
            a.removed_at = now
    for a in kept:
        if alt_texts and a.id in alt_texts:
            a.alt_text = (alt_texts[a.id] or "").strip()[:1500]
    added = _store_uploads(session, draft, actor, uploads, upload_dir, max_bytes, now)
    snaps = [_snapshot(a) for a in kept + added]
    digest = content_hash(body, channels, snaps)
    if current is not None and (digest == current.content_hash or (
            normalize_newlines(current.body) == body
            and content_hash(current.body, channels, snaps) == current.content_hash)):
        return draft, False  # the same content; a revision stored before LF-only counts as the same
    from_state = draft.state
    if current is not None and _refused(current):
        # The checks refused this revision at the form and it was never submitted: it is replaced, not
        # kept, so text that was blocked (a patient's MRN, room…) is not stored or shown to anyone.
        rev = current
        rev.body, rev.channels, rev.attachments, rev.content_hash = body, channels, snaps, digest
        rev.findings, rev.justifications, rev.checked_at, rev.created_at = [], {}, None, now
        draft.updated_at = now
        draft.channels = channels
        session.flush()
        signals.draft_edited.send(draft, session=session, actor=actor, now=now, revision=rev,
                                  voided=False, from_state=from_state)
        return draft, True
    T.apply(draft, transition, now)
    rev = Revision(number=draft.current_revision, body=body, channels=channels, attachments=snaps,
                   content_hash=digest, created_by_id=actor.id, created_at=now)
    draft.revisions.append(rev)
    draft.channels = channels
    session.flush()
    signals.draft_edited.send(draft, session=session, actor=actor, now=now, revision=rev,
                              voided=transition.voids_approvals, from_state=from_state)
    return draft, True


def _kept(draft: Draft, remove: set[int], replace: dict[int, Attachment]) -> list[Attachment]:
    """The attachments that stay, in order; a replacement takes the place of the file it replaces."""
    new_ids = {a.id for a in replace.values()}
    kept = []
    for a in draft.attachments:
        if a.id in replace:
            kept.append(replace[a.id])
        elif a.removed_at is None and a.id not in remove and a.id not in new_ids:
            kept.append(a)
    return kept


def _refused(rev: Revision) -> bool:
    return rev.submitted_at is None and rev.checked_at is not None and bool(blocking(rev.findings or []))


def check_edit(actor: User, draft: Draft) -> T.Transition:
    """May `actor` edit `draft` now? The transition, or the ReviewqError saying why not."""
    return T.check(actor, draft, T.Action.EDIT)


def may(check, actor: User, draft: Draft) -> bool:
    """Whether `check(actor, draft)` passes: for showing a button, never as the permission check itself."""
    try:
        check(actor, draft)
    except ReviewqError:
        return False
    return True


def check_submit(actor: User, draft: Draft, *, revision: int | None = None) -> T.Transition:
    transition = T.check(actor, draft, T.Action.SUBMIT, revision=revision)
    _refuse_unchanged_resubmission(draft)
    return transition


def check_withdraw(actor: User, draft: Draft) -> T.Transition:
    return T.check(actor, draft, T.Action.WITHDRAW)


def submit_draft(session: Session, actor: User, draft_id, *, now: datetime, policy, upload_dir: Path | None,
                 justifications: dict | None = None, expected_revision: int | None = None) -> Draft:
    """Run the checks and send the draft to review, or raise BlockingFindingsError.

    Unscanned attachments are scanned first, before the row lock is taken
    (see the module docstring); the findings are stored on the revision
    whether or not the submission goes through. upload_dir None (a script
    with no storage) scans nothing: unscanned attachments then block.
    """
    check_submit(actor, get_visible_draft(session, actor, draft_id))
    if upload_dir is not None:
        scan_unlocked(session, upload_dir, policy, now, draft_id=draft_id)
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    transition = check_submit(actor, draft, revision=expected_revision)
    rev = draft.revision
    findings = check_revision(session, draft, rev, now, policy)
    blocks = blocking(findings)
    if blocks:
        session.flush()
        raise BlockingFindingsError(
            f"{len(blocks)} problem{'s' if len(blocks) != 1 else ''} must be fixed before this draft "
            "can be submitted.", blocks)
    given = {str(k): normalize_newlines(v or "").strip() for k, v in (justifications or {}).items()
             if isinstance(v, str)}
    merged = {**(rev.justifications or {}), **given}
    warns = needing_justification(findings)
    missing = [f["key"] for f in warns if len(merged.get(f["key"], "")) < MIN_JUSTIFICATION]
    if missing:
        session.flush()
        raise BlockingFindingsError(
            f"{len(missing)} warning{'s' if len(missing) != 1 else ''} need{'s' if len(missing) == 1 else ''} "
            "a written justification that every approver will see.", warns, missing)
    rev.justifications = {f["key"]: merged[f["key"]][:2000] for f in warns}
    T.apply(draft, transition, now)
    rev.submitted_at = now
    session.flush()
    signals.draft_submitted.send(draft, session=session, actor=actor, now=now, revision=rev)
    signals.stage_entered.send(draft, session=session, now=now, stage=T.stage_waiting_in(draft))
    return draft


def _refuse_unchanged_resubmission(draft: Draft) -> None:
    """Changes were requested on this very revision: submitting it again unchanged is refused.

    Each stage takes one decision per revision (uq_decisions_one_per_stage), so the
    same revision sent round again would count its old approvals and could never be
    decided again. An edit makes a new revision, which starts at review with none.
    """
    if draft.state_enum != wf.State.CHANGES_REQUESTED:
        return
    asked = [d for d in draft.decisions if d.decision == "request_changes" and not d.voided
             and d.revision_number == draft.current_revision]
    if asked:
        stage = wf.STAGE_BY_NAME[asked[-1].stage]
        raise InvalidTransitionError(
            f"{stage.label} asked for changes to this revision and nothing has changed since. "
            "Edit the draft (text or attachments), then submit it again.", state=draft.state)


def withdraw_draft(session: Session, actor: User, draft_id, *, now: datetime) -> Draft:
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    transition = check_withdraw(actor, draft)
    from_state = draft.state
    T.apply(draft, transition, now)
    session.flush()
    signals.draft_withdrawn.send(draft, session=session, actor=actor, now=now, from_state=from_state)
    return draft


def add_attachment(session: Session, actor: User, draft_id, upload: Upload, *, now: datetime,
                   upload_dir: Path, max_bytes: int) -> Attachment:
    """Attach one file: a content change, so it makes a new revision like any edit."""
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    check_edit(actor, draft)
    rev = draft.revision
    before = {a.id for a in draft.attachments}
    edit_draft(session, actor, draft.id, body=rev.body, channels=rev.channels, now=now, uploads=[upload],
               upload_dir=upload_dir, max_bytes=max_bytes)
    return next(a for a in draft.attachments if a.id not in before)

