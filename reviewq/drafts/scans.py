"""Attachment scans: turn what an image reveals into findings on the attachment.

Run by the worker for every unscanned attachment (scan_due), and at
submission for any still unscanned (scan_unlocked, called by submit_draft
before it locks the draft), so a draft is never approved on an unscanned
image. Analysis (about a second an image) never runs while a row lock is
held; results are written with a conditional UPDATE, so when the worker and
a submission scan the same image the first write wins and the second is
skipped (the results are the same). Findings carry `attachment_id` and,
where they point into the image, `box`. The same pass makes the attachment's
stripped copy and thumbnail (reviewq.media) and records them with the findings;
derive_due (run by scan_due) makes them for attachments scanned before that existed.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update

from reviewq import checks
from reviewq.checks.names import ENGLISH
from reviewq.core.ids import as_id
from reviewq.drafts import image_page
from reviewq.imaging import ImageReport, analyse
from reviewq.media import derive
from reviewq.models import Attachment
from reviewq.storage import path_of

log = logging.getLogger("reviewq.scans")
BATCH = 20
# Text read in an image, after OCR: glued words are split back ("ROOM595", "PATEL,EILEEN", "DOB07/01/1977").
_GLUE = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z]{2})|(?<=[a-z])(?=[A-Z])|(?<=[,:])(?=\S)|"
                   r"(?<=[A-Z]{2})(?=[A-Z][a-z]{2})")  # "CROWLEYHiroshi": a surname in capitals, then the first name
_NAME = r"[A-Z][A-Za-z'’\-]+"
# Wristband and chart order: "LAST, FIRST" or "Last, F" (an optional middle initial), alone on its line; "Mc Allister"
# is "McAllister" split by ungl; a bed letter may come first ("B  PATTERSON, BEATRIZ" on a door plate) and one
# word in capitals after it ("ALLERGY" printed beside the name on a wristband).
_LAST_FIRST = re.compile(rf"^\W*(?:[A-F]\s+)?((?:Ma?c )?{_NAME})\s*,\s*({_NAME}|[A-Z]\.?)(?:\s+[A-Z]\.?)?"
                         r"(?:\s+[A-Z]{3,})?\W*$")
# A label and the value printed beside it (joined by imaging.group_lines when they were apart).
_ID_VALUE = re.compile(r"\b(mrn|m\.?r\.?n\.?|med(ical)?\s*rec(ord)?(\s*(no|#))?|acct|account(\s*(no|#))?|fin|ssn|"
                       r"member\s*id|encounter|visit\s*#?|id\s*#|ac\s?c(ession)?\s*(no|#)?|rx\s*(no|#)?)"
                       r"\s*[:#.]?\s*[A-Z]?\s?\d[\d\- ]{3,}\d", re.I)
# Dates as charts print them: 03/14/1952, 1952-03-14, 14 MAR 1952.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_DATE = (rf"(\d{{1,2}}\s*[/\-.]\s*\d{{1,2}}\s*[/\-.]\s*\d{{2,4}}|\d{{4}}\s*-\s*\d{{1,2}}\s*-\s*\d{{1,2}}|"
         rf"\d{{1,2}}\s*-?\s*{_MONTH}\s*-?\s*\d{{2,4}}|{_MONTH}\s*\d{{1,2}}\s*,\s*\d{{4}})")
_DATE_VALUE = re.compile(rf"\b(dob|d\.?o\.?b\.?|date\s*of\s*birth|born|adm(it(ted)?)?|dos|discharged|filled|"
                         rf"collected)\s*[:#.\-]?\s*{_DATE}", re.I)
# An age on a chart ("Age: 67", not a flyer's "Age: 5-12"), or one over 89 in chart shorthand or on a banner
# ("93Y", "102 y/o", "101st Birthday"): Safe Harbor counts every age over 89 as an identifier.
_AGE_VALUE = re.compile(r"\bage\s*[:#]\s*\d{1,3}\b(?!\s*([-–+]|to\b|and\b|&))|"
                        r"\b(9\d|1[0-2]\d)\s*(y|yo|y/o|yrs?|years?\s*old)\b|"
                        r"\b(9\d|1[0-2]\d)\s*(st|nd|rd|th)\s*birthday", re.I)
# A courtesy title and a surname, as on whiteboards and sticky notes ("Ms. Fairbanks"); "Dr." is staff.
_TITLED = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx)(?:\.\s*|\s+)({_NAME})")
# What a table column's title says its cells are (imaging.group_lines sets `under`).
_COLUMN = (("name", re.compile(r"\b(pt|patient|name)\b", re.I)), ("mrn", re.compile(r"\b(mrn|acct|fin)\b", re.I)),
           ("date", re.compile(r"\b(dob|d\.?o\.?b)\b", re.I)), ("address", re.compile(r"\b(rm|room|bed)\b", re.I)))
_NAME_VALUE = re.compile(rf"\b(?:(?i:pt|patient|pt\s*name|patient\s*name|name)\s*[:\-]|(?i:pt)\.?)\s*({_NAME})"
                         rf"(?:\s*,)?(?:\s+({_NAME}|[A-Z]\.?))?")
_ROOM_VALUE = re.compile(r"\b(rm|room|bed)\s*[:#.]?\s*(\d{1,4}\s?[A-Z]?|[A-F])\b", re.I)
# A room that is a venue, not where a patient lies: "Conference Room B", "Room 204 Training Session".
_VENUE_BEFORE = re.compile(r"\b(conference|conf|board|meeting|training|waiting|class|break|community|family|"
                           r"seminar|lecture|quiet|prayer|lactation|locker|team|huddle|study|reading|event|"
                           r"ball|dining|living|rest|show|press|media|control|escape|floor\s*\d+\W*|lobby\W*|"
                           r"(tower|building|bldg|wing|pavilion)\s*[A-Z\d]{0,3}\W*)\s*$",
                           re.I)
# A building part after the room ("Room 118, Education Center", "Chapel - Room 214 - Floor 2") is a directory
# or event entry.
_VENUE_AFTER = re.compile(r"\b(ext\b|x\s?\d{4}|suite|floor|level|tower|building|bldg|wing|pavilion|annex|"
                          r"cent(er|re)|auditorium|hall|"
                          r"training|session|meeting|class|seminar|workshop|lunch|lecture|town\s*hall|event|"
                          r"celebration|party|orientation|presentation|today|tomorrow|\d{1,2}\s*(am|pm)|"
                          r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
# A home address after its label, a chart's bed location, a family member's phone on a sticky note.
_ADDRESS_VALUE = re.compile(r"\b(home\s*)?address\s*[:#.]?\s*\d{1,6}\s+[A-Za-z]", re.I)
_LOCATION_VALUE = re.compile(r"\b(?i:location|loc)\s*[:#.]?\s*(?=[A-Z\d/ -]*\d)"
                             r"[A-Z\d]{1,6}(?:[-/ ][A-Z\d]{1,6}){0,3}\W*$")
_FAMILY_PHONE = re.compile(r"\b(dtr|daughter|son|wife|husband|mom|dad|mother|father|fam(ily)?|niece|nephew|sister|"
                           r"brother|caregiver|guardian)\b[^\d]{0,20}(\(?\d{3}\)?[\s.\-]*)?\d{3}\s*[\-.]\s*\d{4}\b",
                           re.I)
# Staff: a credential after a name, and the labels of a unit's assignment board (a range of rooms is a nurse's
# assignment, never one patient's room).
_CREDENTIAL = re.compile(r"\s*,?\s*(MD|DO|RN|BSN|MSN|NP|APRN|PA-C|PA|Pharm\s?D|R\s?Ph|PT|DPT|OT|OTR|RRT|CNA|LPN|"
                         r"CRNA|DNP|Ph\s?D|MBA|FACS|CNM|LCSW|RD|MA)\b")  # ungl splits "PharmD" into "Pharm D"
_ASSIGNMENT = re.compile(r"^\W*(rooms?\s*\d+\s*[-–]\s*\d+|pod\b|charge\b|break\s*relief|rapid\s*response|float\b|"
                         r"preceptor|resource\s*(rn|nurse)|covering|(rn|md|np|tech|cna|sitter)\s*:)", re.I)
# A room and a name on one board row ("433-2 CROWLEY Hiroshi", "11B LUNDGREN, Lamar"), or a name and a room
# on a note ("Gallagher-33A").
_ROOM_THEN_NAME = re.compile(rf"^\W*(?!(?:19|20)\d\d\b)\d{{1,4}}(?:-\d{{1,2}}|[A-Z])?\s+((?:Ma?c )?{_NAME})"
                             rf"\s*,?\s+({_NAME}|[A-Z]\.?)\W*$")  # a year first is a poster's ("2025 Spring Gala")
_NAME_THEN_ROOM = re.compile(rf"^\W*({_NAME})\s*[-–:]\s*(?:\d{{3}}[A-Z]?|\d{{1,2}}[A-Z]|\d{{4}}[A-Z])\W*$")
_NOT_A_NAME = frozenset("name names tag tags here badge please the of and room date signature first last "
                        "experience safety care portal information info family advocate relations".split())


def ungl(text: str) -> str:
    return _GLUE.sub(" ", text)


def label_phi(text: str) -> str | None:
    """The PHI category of one OCR line, from its labels and layout; None when it is not patient detail."""
    t = ungl(text)
    if _ID_VALUE.search(t):
        return "mrn"
    if _DATE_VALUE.search(t):
        return "date"
    if _AGE_VALUE.search(t):
        return "age"
    m = _NAME_VALUE.search(t)
    if m and m.group(1).lower() not in _NOT_A_NAME:
        return "name"
    m = _LAST_FIRST.match(t)
    initial = len(m.group(2).rstrip(".")) == 1 if m else False
    if m and not (m.group(1).lower() in ENGLISH and (initial or m.group(2).lower() in ENGLISH)):
        return "name"
    m = _ROOM_THEN_NAME.match(t)
    if m and not (m.group(1).lower() in ENGLISH and m.group(2).rstrip(".").lower() in ENGLISH | {""}):
        return "name"
    m = _NAME_THEN_ROOM.match(t)
    if m and m.group(1).lower() not in ENGLISH:
        return "name"
    m = _TITLED.search(t)
    if m and m.group(1).lower() not in ENGLISH:
        return "name"
    if _ADDRESS_VALUE.search(t) or _LOCATION_VALUE.search(t):
        return "address"
    if _FAMILY_PHONE.search(t):
        return "phone"
    for m in _ROOM_VALUE.finditer(t):
        value = m.group(2).strip()
        if value.isalpha() and m.group(1).lower() != "bed":
            continue  # "Room B" names a place; "Bed B" is where a patient lies
        if _VENUE_BEFORE.search(t[:m.start()]) or _VENUE_AFTER.search(t[m.end():]):
            continue
        return "address"
    return None


def _finding(att_id, category, severity, message, fix, policy_id, box=None, text="") -> dict:
    f = checks.Finding("attachment", category, severity, None, None, text, message, policy_id, fix=fix,
                       attachment_id=att_id, box=box)
    return f.to_dict()


def findings_for(report: ImageReport, att_id: int, policy) -> list[dict]:
    out = []
    if report.gps:
        out.append(_finding(att_id, "address", "warn",
                            "The photo carries its GPS location: where it was taken can identify a patient's "
                            "home or ward. It is stripped at release (reviewq removes location and camera "
                            "data), so the published image has none, but the uploaded original still reveals it.",
                            "Nothing to do for publishing (it is stripped at release); don't forward the "
                            "original file, and say you know in the justification.", "attachment.metadata"))
    for name, value in report.exif.items():
        out.append(_finding(att_id, "device", "info", f"The file's metadata names {name}; it is removed at release.",
                            "Nothing to do for publishing.", "attachment.metadata", text=value))
    for box in report.faces:
        out.append(_finding(att_id, "photo", "warn",
                            "A face is visible. A recognisable photo of a patient is protected health "
                            "information and needs the patient's written photo consent.",
                            "Link the person's photo consent, crop or blur the face, or explain who this is "
                            "(for example a staff member who agreed).", "attachment.face", box=list(box)))
    texts = [_text_findings(line, att_id, policy) for line in report.lines]
    _read_page(report.lines, texts, att_id)
    for found in texts:
        out.extend(found)
    for what in report.unavailable:
        out.append(_finding(att_id, "other_id", "warn",
                            f"This image could not be checked for {'faces' if what == 'faces' else 'readable text'} "
                            "on this server.", "Look at the image yourself for patients, charts and screens, "
                            "and explain what you checked.", "attachment.unscanned"))
    for f in out:
        if "box" in f:  # the frame the box is in, so pages can draw it over any size of the picture
            f["image_size"] = [report.width, report.height]
    return out


def _text_findings(line, att_id, policy) -> list[dict]:
    text = ungl(line.text)
    phi = [f for f in checks.run_all(text, [], policy=policy) if f.check == "phi" and f.severity == "block"
           and not (f.category == "name" and _staff_name(text, f.start, f.end))]
    if phi:
        cats = sorted({f.category for f in phi})
        return [_finding(att_id, cats[0], "block",
                         f"Text in the image looks like patient information ({', '.join(cats)}).",
                         "Crop or cover that part of the image (charts, wristbands, screens, whiteboards).",
                         "attachment.text_phi", box=list(line.box), text=line.text)]
    category = label_phi(line.text) or _column_phi(line)
    if category:
        return [_finding(att_id, category, "block",
                         "Text in the image looks like a label on a chart, wristband, whiteboard or screen with "
                         "a patient's details.", "Crop or cover that part of the image.", "attachment.text_phi",
                         box=list(line.box), text=line.text)]
    return []


def _staff_name(text: str, start: int | None, end: int | None) -> bool:
    """A name with a credential after it ("Kim Silva, MD"), or on a staff assignment line ("Rooms 1-8: Maria",
    "Charge RN: Lopez"), is a member of staff."""
    if start is None or end is None:
        return False
    return bool(_CREDENTIAL.match(text, end) or _ASSIGNMENT.match(text))


def _column_phi(line) -> str | None:
    """The category of a table cell under a patient column ("Patient", "MRN", "DOB", "Room"), else None."""
    if not line.under or len(re.sub(r"\W", "", line.text)) < 2:
        return None
    return next((category for category, title in _COLUMN if title.search(line.under)), None)


def _read_page(lines, texts: list[list[dict]], att_id) -> None:
    """Complete (or clear) each line's findings in place from the rest of the page (see image_page)."""
    words = [ungl(line.text) for line in lines]
    before = [found[0]["category"] if found else None for found in texts]
    paired = image_page.door_plates(words, [line.box for line in lines], before)
    for n, (was, now) in enumerate(zip(before, paired)):
        if was is None and now:
            texts[n] = [_finding(att_id, now, "block", "A name or room number beside a patient's details, as on a "
                                 "door plate, a board or a note.", "Crop or cover that part of the image.",
                                 "attachment.text_phi", box=list(lines[n].box), text=lines[n].text)]
    categories = {f["category"] for found in texts for f in found}
    if image_page.is_patient_page(categories):
        for n, line in enumerate(lines):
            if not texts[n] and (category := image_page.document_value(words[n])):
                texts[n] = [_finding(att_id, category, "block", "A detail on a page that names a patient (a chart, "
                                     "label or discharge sheet) is that patient's.",
                                     "Crop or cover that part of the image.", "attachment.text_phi",
                                     box=list(line.box), text=line.text)]
    elif image_page.hospital_own(" ".join(words), categories):
        texts[:] = [[] for _ in texts]


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
    _derive_into(att, upload_dir)
    att.scanned_at = now


def _derive_into(att: Attachment, upload_dir: Path) -> None:
    try:
        d = derive(upload_dir, att.storage_key, att.content_type, att.sha256, att.size_bytes)
    except (OSError, ValueError) as e:  # no copy: the release job holds the post rather than link nothing
        log.warning("attachment %s: no stripped copy or thumbnail: %s", att.id, type(e).__name__)
        att.stripped_key = ""  # tried and failed: not retried every worker pass
        return
    for name, value in d.columns().items():
        setattr(att, name, value)


_DERIVED = ("stripped_key", "stripped_sha256", "stripped_size_bytes", "thumb_key", "thumb_sha256",
            "thumb_size_bytes")
_COLS = (Attachment.id, Attachment.storage_key, Attachment.content_type, Attachment.sha256, Attachment.size_bytes)


def _unscanned(draft_id: int | None = None):
    q = (select(*_COLS)
         .where(Attachment.scanned_at.is_(None), Attachment.removed_at.is_(None)))
    if draft_id is not None:
        q = q.where(Attachment.draft_id == draft_id)
    return q.order_by(Attachment.id).limit(BATCH)


def _analyse(row, upload_dir: Path, policy, now: datetime) -> Attachment:
    att_id, key, ctype, sha, size = row
    probe = Attachment(id=att_id, storage_key=key, content_type=ctype, sha256=sha, size_bytes=size)  # never added
    scan_attachment(probe, upload_dir, policy, now)
    return probe


def _record(session, probe: Attachment) -> int:
    """Store one result unless someone else stored theirs first; 1 when this one was stored."""
    return session.execute(update(Attachment)
                           .where(Attachment.id == probe.id, Attachment.scanned_at.is_(None))
                           .values(scan_findings=probe.scan_findings, scanned_at=probe.scanned_at,
                                   **{c: getattr(probe, c) for c in _DERIVED})
                           .execution_options(synchronize_session="fetch")).rowcount


def scan_unlocked(session, upload_dir: Path, policy, now: datetime, *, draft_id) -> int:
    """Scan one draft's unscanned attachments in the caller's session, holding no row lock."""
    rows = session.execute(_unscanned(as_id(draft_id) or 0)).all()
    return sum(_record(session, _analyse(r, upload_dir, policy, now)) for r in rows)


def scan_due(db, settings, now: datetime) -> int:
    """Worker job: scan a batch of unscanned attachments, analysing outside any transaction.

    Holding a transaction through OCR would stall every writer on SQLite.
    """
    from reviewq.drafts.checking import load_policy
    with db.transaction() as s:
        policy = load_policy(s, settings.policy_file)
        todo = s.execute(_unscanned()).all()
    done = 0
    for row in todo:
        probe = _analyse(row, settings.upload_dir, policy, now)
        with db.transaction() as s:
            done += _record(s, probe)
    return done + derive_due(db, settings, now)


def derive_due(db, settings, now: datetime) -> int:
    """Make the stripped copy and thumbnail of scanned attachments that have none (part of scan_due).

    Attachments scanned before derived media existed. An unreadable image is marked with an empty
    stripped_key, so it is tried once, not every pass (the release job tries again, then holds).
    """
    with db.transaction() as s:
        todo = s.execute(select(*_COLS).where(Attachment.scanned_at.is_not(None), Attachment.removed_at.is_(None),
                                              Attachment.stripped_key.is_(None))
                         .order_by(Attachment.id).limit(BATCH)).all()
    done = 0
    for att_id, key, ctype, sha, size in todo:
        probe = Attachment(id=att_id, storage_key=key, content_type=ctype, sha256=sha, size_bytes=size)
        _derive_into(probe, settings.upload_dir)
        with db.transaction() as s:
            stored = s.execute(update(Attachment).where(Attachment.id == att_id, Attachment.stripped_key.is_(None))
                               .values(**{c: getattr(probe, c) for c in _DERIVED})
                               .execution_options(synchronize_session="fetch")).rowcount
        done += stored if probe.stripped_key else 0  # a failure is recorded, not counted as work done
    return done
