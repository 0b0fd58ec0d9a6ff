"""Attachment scans: turn what an image reveals into findings on the attachment.

Run by the worker for every unscanned attachment, and inline at submission
for any still unscanned, so a draft is never approved on an unscanned image.
Findings carry `attachment_id` and, where they point into the image, `box`.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from reviewq import checks
from reviewq.imaging import ImageReport, analyse
from reviewq.models import Attachment
from reviewq.storage import path_of

log = logging.getLogger("reviewq.scans")
BATCH = 20
# Labels printed on charts, wristbands and screens: the value beside them identifies a patient.
_LABELS = re.compile(
    r"\b(mrn|m\.r\.n|med(ical)?\s*rec(ord)?|dob|d\.o\.b|date\s*of\s*birth|ssn|patient|pt\s*name|name|acct|"
    r"account|member\s*id|policy\s*(no|#)|room|rm|bed|admit(ted)?|dos|encounter|fin|visit\s*#?)\b\s*[:#]?\s*"
    r"\S", re.I)
_LONG_NUMBER = re.compile(r"\d[\d\-/ ]{5,}\d")


def _finding(att_id, category, severity, message, fix, policy_id, box=None, text="") -> dict:
    f = checks.Finding("attachment", category, severity, None, None, text, message, policy_id, fix=fix,
                       attachment_id=att_id, box=box)
    return f.to_dict()


def findings_for(report: ImageReport, att_id: int, policy) -> list[dict]:
    out = []
    if report.gps:
        out.append(_finding(att_id, "address", "info",
                            "The photo carries its GPS location. reviewq removes location and camera data "
                            "when it publishes, but the original file still reveals where it was taken.",
                            "Nothing to do for publishing; don't forward the original file.", "attachment.metadata"))
    for name, value in report.exif.items():
        out.append(_finding(att_id, "device", "info", f"The file's metadata names {name}; it is removed at release.",
                            "Nothing to do for publishing.", "attachment.metadata", text=value))
    for box in report.faces:
        out.append(_finding(att_id, "photo", "warn",
                            "A face is visible. A recognisable photo of a patient is protected health "
                            "information and needs the patient's written photo consent.",
                            "Link the person's photo consent, crop or blur the face, or explain who this is "
                            "(for example a staff member who agreed).", "attachment.face", box=list(box)))
    for line in report.lines:
        out.extend(_text_findings(line, att_id, policy))
    for what in report.unavailable:
        out.append(_finding(att_id, "other_id", "warn",
                            f"This image could not be checked for {'faces' if what == 'faces' else 'readable text'} "
                            "on this server.", "Look at the image yourself for patients, charts and screens, "
                            "and explain what you checked.", "attachment.unscanned"))
    return out


def _text_findings(line, att_id, policy) -> list[dict]:
    phi = [f for f in checks.run_all(line.text, [], policy=policy) if f.check == "phi" and f.severity == "block"]
    if phi:
        cats = sorted({f.category for f in phi})
        return [_finding(att_id, cats[0], "block",
                         f"Text in the image looks like patient information ({', '.join(cats)}).",
                         "Crop or cover that part of the image (charts, wristbands, screens, whiteboards).",
                         "attachment.text_phi", box=list(line.box), text=line.text)]
    if _LABELS.search(line.text) and (_LONG_NUMBER.search(line.text) or len(line.text.split()) >= 2):
        return [_finding(att_id, "other_id", "block",
                         "Text in the image looks like a label on a chart, wristband or screen with a "
                         "patient's details.", "Crop or cover that part of the image.", "attachment.text_phi",
                         box=list(line.box), text=line.text)]
    return []


def scan_attachment(att: Attachment, upload_dir: Path, policy, now: datetime) -> None:
    if not att.content_type.startswith("image/"):
        att.scan_findings = [_finding(att.id, "photo", "warn",
                                      "Videos are not scanned automatically: faces, voices and screens in them "
                                      "can identify patients.", "Watch the video and explain what you checked.",
                                      "attachment.unscanned")]
    else:
        try:
            att.scan_findings = findings_for(analyse(path_of(upload_dir, att.storage_key)), att.id, policy)
        except (OSError, ValueError) as e:
            log.warning("attachment %s could not be scanned: %s", att.id, type(e).__name__)
            att.scan_findings = [_finding(att.id, "other_id", "warn", "This image could not be read for checking.",
                                          "Replace the file, or explain what you checked.", "attachment.unscanned")]
    att.scanned_at = now


def scan_pending(session, upload_dir: Path, policy, now: datetime, draft_id: int | None = None) -> int:
    """Scan, inside the caller's transaction, the unscanned attachments (of one draft, or a batch)."""
    q = select(Attachment).where(Attachment.scanned_at.is_(None), Attachment.removed_at.is_(None))
    if draft_id is not None:
        q = q.where(Attachment.draft_id == draft_id)
    rows = session.scalars(q.order_by(Attachment.id).limit(BATCH)).all()
    for att in rows:
        scan_attachment(att, upload_dir, policy, now)
    return len(rows)


def scan_due(app, now: datetime) -> int:
    """Worker job: scan unscanned attachments, analysing outside any transaction.

    OCR takes about a second an image; holding a transaction that long would
    stall every writer on SQLite. Two workers may scan the same image; the
    results are the same and the second write is skipped.
    """
    from reviewq.extensions import db
    from reviewq.services.checking import load_policy
    settings = app.config["REVIEWQ"]
    with db.transaction() as s:
        policy = load_policy(s, settings.policy_file)
        todo = s.execute(select(Attachment.id, Attachment.storage_key, Attachment.content_type)
                         .where(Attachment.scanned_at.is_(None), Attachment.removed_at.is_(None))
                         .order_by(Attachment.id).limit(BATCH)).all()
    done = 0
    for att_id, key, ctype in todo:
        probe = Attachment(id=att_id, storage_key=key, content_type=ctype)
        scan_attachment(probe, settings.upload_dir, policy, now)
        with db.transaction() as s:
            att = s.get(Attachment, att_id)
            if att is not None and att.scanned_at is None:
                att.scan_findings, att.scanned_at = probe.scan_findings, probe.scanned_at
                done += 1
    return done
