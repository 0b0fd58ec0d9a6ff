"""One-click redaction of what the image scan found, and how long the replaced originals are kept.

redact_attachment blurs or boxes chosen regions of an image into a new stored file
(reviewq.media.redact: new sha256, no metadata), scans it like any upload, and makes it
the draft's attachment in the original's place through drafts.operations.edit_draft, so
the workflow's edit rules apply (author only, editable states; a draft in review goes
back to `draft` and its approvals stop counting). The draft's checks then run again on
the new revision. Pixel work and the scan run before the draft's row is locked, as at
submission (drafts/operations docstring). The original stays stored until its
purge_after (policy media.keep_original_days, 0: at once), then purge_due (a worker
job) deletes its files unless another attachment or consent form uses the same file.
Every redaction and deletion is audited (attachment.redact, attachment.purge_original).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path, PurePath

from sqlalchemy import or_, select

from reviewq import signals
from reviewq.core.errors import NotFoundError, ValidationError
from reviewq.core.ids import as_id
from reviewq.drafts.checking import check_revision
from reviewq.drafts.operations import check_edit, edit_draft
from reviewq.drafts.queries import current_attachments, get_visible_draft
from reviewq.drafts.scans import scan_attachment
from reviewq.media import REDACT_MODES, redact, upright_size
from reviewq.models import Attachment, Consent, ConsentFace, Draft, User
from reviewq.storage import delete_stored, path_of, store_bytes

log = logging.getLogger("reviewq.redaction")
MAX_REGIONS = 200
BATCH = 50
BLOCKING = "blocking"   # regions=BLOCKING: every area of the image whose finding blocks submission


def parse_regions(raw) -> list[tuple[int, int, int, int]]:
    """Regions from the form: each "x,y,w,h" (whole pixels). ValidationError when none or malformed."""
    regions = []
    for item in raw or ():
        parts = [str(v) for v in item] if isinstance(item, (list, tuple)) else str(item).split(",")
        if len(parts) != 4 or not all(p.strip().isdigit() and len(p.strip()) <= 6 for p in parts):
            raise ValidationError("A region must be four whole numbers: x, y, width, height.", {"region": "malformed"})
        regions.append(tuple(int(p) for p in parts))
    if not regions:
        raise ValidationError("Choose at least one marked area to redact.", {"region": "none chosen"})
    if len(regions) > MAX_REGIONS:
        raise ValidationError(f"Redact at most {MAX_REGIONS} areas at once.", {"region": "too many"})
    return regions


def redactable(draft: Draft, attachment_id) -> Attachment:
    """The image `attachment_id` of the draft's current revision; ValidationError otherwise."""
    att = next((a for a in current_attachments(draft) if a.id == as_id(attachment_id)), None)
    if att is None or att.removed_at is not None:
        raise ValidationError("That file is not one of this draft's current attachments.", {"attachment": "unknown"})
    if not att.is_image:
        raise ValidationError("Only images can be redacted; cut the video instead.", {"attachment": "not an image"})
    return att


def boxed_findings(att: Attachment) -> list[dict]:
    """The scan's findings on `att` that point at an area of it, in the order pages number them."""
    return [f for f in att.scan_findings or [] if isinstance(f.get("box"), list) and len(f["box"]) == 4]


def blocking_regions(att: Attachment) -> list[tuple[int, int, int, int]]:
    return [tuple(int(v) for v in f["box"]) for f in boxed_findings(att) if f.get("severity") == "block"]


def check_redact(actor: User, draft: Draft, attachment_id=None) -> Attachment | None:
    """May `actor` redact (an attachment of) `draft` now? The ReviewqError saying why not, as check_edit."""
    check_edit(actor, draft)
    return redactable(draft, attachment_id) if attachment_id is not None else None


def scan_frame(att: Attachment) -> tuple[int, int] | None:
    """The (w, h) frame the scan measured its boxes in. Usually the upright image, but a JPEG over 3,200 px
    is scanned decoded at half size (reviewq.imaging), so its boxes are half-scale."""
    size = next((f["image_size"] for f in boxed_findings(att) if isinstance(f.get("image_size"), list)), None)
    return (int(size[0]), int(size[1])) if size and len(size) == 2 and min(size) > 0 else None


def _scaled(regions, frame, actual):
    if tuple(frame) == tuple(actual):
        return regions
    sx, sy = actual[0] / frame[0], actual[1] / frame[1]
    return [(round(x * sx), round(y * sy), round(w * sx), round(h * sy)) for x, y, w, h in regions]


def _check_inside(regions, size) -> None:
    w, h = size
    for n, (x, y, rw, rh) in enumerate(regions, 1):
        if rw <= 0 or rh <= 0 or x + rw > w or y + rh > h:
            raise ValidationError(f"Area {n} ({x}, {y}, {rw}×{rh}) is not inside the {w}×{h} image.",
                                  {"region": "outside the image"})


def redact_attachment(session, actor: User, draft_id, attachment_id, *, regions, mode: str, now: datetime,
                      upload_dir: Path, policy) -> Attachment:
    """Replace an image of the draft by a copy with `regions` blurred ("blur") or covered ("box").

    `regions`: "x,y,w,h" strings or 4-tuples in the scan's frame (its boxes' image_size; the upright
    image's pixels when there is none), or BLOCKING. Returns the new
    Attachment. Raises PermissionDeniedError / InvalidTransitionError (not the author,
    or the draft is not editable), NotFoundError, or ValidationError (bad mode, no regions, an area
    outside the image, a file that is not one of the draft's current images).
    """
    if mode not in REDACT_MODES:
        raise ValidationError("Choose blur or a solid box.", {"mode": "unknown"})
    draft = get_visible_draft(session, actor, draft_id)
    original = check_redact(actor, draft, attachment_id)
    if regions == BLOCKING:
        regions = blocking_regions(original)
        if not regions:
            raise ValidationError("No area of this image is marked as must-fix.", {"region": "none blocking"})
    regions = parse_regions(regions)
    src = path_of(upload_dir, original.storage_key)
    if not src.is_file():
        raise NotFoundError("The file of this attachment is missing from storage.")
    try:
        actual = upright_size(src)
        frame = scan_frame(original) or actual
        _check_inside(regions, frame)
        stored = store_bytes(redact(src, _scaled(regions, frame, actual), mode), upload_dir, original.content_type)
    except OSError as e:
        log.warning("attachment %s could not be redacted: %s", original.id, type(e).__name__)
        raise ValidationError("This image could not be read, so it cannot be redacted; replace the file.",
                              {"attachment": "unreadable"}) from e
    probe = _scanned(original, stored, upload_dir, policy, now)
    draft = get_visible_draft(session, actor, draft_id, lock=True)
    original = check_redact(actor, draft, original.id)   # again under the lock: it may have changed meanwhile
    new = _add_version(session, draft, original, probe, actor, now)
    kept_faces = _carry_face_links(session, draft, original, new, regions)
    keep = int(policy.media.get("keep_original_days", 30))
    original.purge_after = now + timedelta(days=keep)
    rev = draft.revision
    edit_draft(session, actor, draft.id, body=rev.body, channels=rev.channels, now=now,
               replacements={original.id: new})
    check_revision(session, draft, draft.revision, now, policy)
    session.flush()
    signals.attachment_redacted.send(draft, session=session, actor=actor, now=now, original=original,
                                     redacted=new, regions=len(regions), mode=mode, face_links_kept=kept_faces)
    return new


def _scanned(original: Attachment, stored, upload_dir: Path, policy, now: datetime) -> Attachment:
    """The new version scanned (OCR, faces) and its served copies made, before any row is locked."""
    name = PurePath(original.original_name)
    probe = Attachment(id=0, original_name=f"{name.stem} (redacted){name.suffix}"[:255],
                       content_type=stored.content_type, size_bytes=stored.size, sha256=stored.sha256,
                       storage_key=stored.storage_key, alt_text=original.alt_text)
    scan_attachment(probe, upload_dir, policy, now)  # never added to the session
    return probe


def _add_version(session, draft: Draft, original: Attachment, probe: Attachment, actor: User,
                 now: datetime) -> Attachment:
    cols = ("original_name", "content_type", "size_bytes", "sha256", "storage_key", "alt_text", "scanned_at",
            "stripped_key", "stripped_sha256", "stripped_size_bytes", "thumb_key", "thumb_sha256",
            "thumb_size_bytes")
    new = Attachment(**{c: getattr(probe, c) for c in cols}, width=original.width, height=original.height,
                     uploaded_by_id=actor.id, created_at=now, redacted_from_id=original.id, scan_findings=[])
    draft.attachments.append(new)
    session.flush()
    new.scan_findings = [_renumbered(f, new.id) for f in probe.scan_findings or []]
    return new


def _iou(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    inter = w * h if w > 0 and h > 0 else 0
    return inter / max(1, aw * ah + bw * bh - inter)


def _carry_face_links(session, draft: Draft, original: Attachment, new: Attachment, regions) -> int:
    """Faces the author linked to a consent on the original, left untouched by the redaction and found again
    on the new version (same place, IoU >= 0.6), stay linked to the same consent; the count is audited."""
    links = session.scalars(select(ConsentFace).where(ConsentFace.attachment_id == original.id)).all()
    faces = [tuple(f["box"]) for f in boxed_findings(new) if f.get("policy") == "attachment.face"]
    kept = 0
    for link in links:
        box = tuple(int(v) for v in link.box.split(","))
        if any(_iou(box, r) > 0 or _overlaps(box, r) for r in regions):
            continue
        match = max(faces, key=lambda f: _iou(box, f), default=None)
        if match is not None and _iou(box, match) >= 0.6:
            session.add(ConsentFace(draft_id=draft.id, consent_id=link.consent_id, attachment_id=new.id,
                                    box=",".join(str(int(v)) for v in match)))
            kept += 1
    return kept


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _renumbered(finding: dict, att_id: int) -> dict:
    """A finding of the probe (scanned before it had an id) pointed at the stored attachment."""
    return {**finding, "attachment_id": att_id, "key": f"{finding['check']}:{finding['category']}:a{att_id}"}


def purge_due(db, settings, now: datetime) -> int:
    """Worker job: delete the stored files of redacted originals whose keeping time is over.

    A file is deleted only when no other attachment (not itself purged) and no consent form uses the same
    stored file (keys are content hashes, so one file can serve several rows). The row stays, marked
    purged_at, so the draft's history still says what was there and when it went.
    """
    with db.transaction() as s:
        due = list(s.scalars(select(Attachment).where(Attachment.purge_after <= now, Attachment.purged_at.is_(None))
                             .order_by(Attachment.purge_after).limit(BATCH).with_for_update(skip_locked=True)))
        for att in due:
            keys = {k for k in (att.storage_key, att.stripped_key, att.thumb_key) if k}
            for key in keys - _in_use(s, keys, att.id):
                delete_stored(settings.upload_dir, key)
            att.purged_at = now
            signals.original_purged.send(att.draft, session=s, now=now, attachment=att)
    return len(due)


def _in_use(s, keys: set[str], att_id: int) -> set[str]:
    others = s.execute(select(Attachment.storage_key, Attachment.stripped_key, Attachment.thumb_key)
                       .where(Attachment.id != att_id, Attachment.purged_at.is_(None),
                              or_(Attachment.storage_key.in_(keys), Attachment.stripped_key.in_(keys),
                                  Attachment.thumb_key.in_(keys)))).all()
    used = {k for row in others for k in row if k in keys}
    used |= set(s.scalars(select(Consent.form_key).where(Consent.form_key.in_(keys))))
    return used


def original_gone(att: Attachment, now: datetime) -> bool:
    """The original of a redaction whose keeping time is over: no longer served, even before the job ran."""
    return att.purged_at is not None or (att.purge_after is not None and att.purge_after <= now)
