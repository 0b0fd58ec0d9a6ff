"""Attachment scans: location metadata, faces and readable patient details in images."""
from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageFont

from reviewq.core.errors import BlockingFindingsError
from reviewq.models import Attachment, Consent, draft_consents
from reviewq.drafts.scans import scan_due
from reviewq.storage import path_of, stripped_image
from reviewq.extensions import db


def _png(draw=None, size=(900, 260)) -> bytes:
    img = Image.new("RGB", size, "white")
    if draw:
        draw(ImageDraw.Draw(img), ImageFont.load_default(size=34))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (120, 80), (200, 220, 240))
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}
    exif[ExifTags.Base.BodySerialNumber] = "CAM-99812"
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def _astronaut() -> bytes:
    spec = importlib.util.find_spec("skimage")
    if spec is None:
        pytest.skip("scikit-image (test extra) provides the public-domain face photo")
    return (Path(spec.origin).parent / "data" / "astronaut.png").read_bytes()


def _chart(d, f):
    d.text((20, 30), "Patient: Maria Alvarez", fill="black", font=f)
    d.text((20, 120), "MRN 00482913   DOB 03/14/1952", fill="black", font=f)


def _att(draft) -> Attachment:
    return draft.attachments[0]


def test_gps_and_camera_serial_are_reported_and_stripped_at_release(app, factory, session):
    d = factory.draft(attachments=[("walk.jpg", _jpeg_with_gps(), "Our garden")])
    with pytest.raises(BlockingFindingsError) as e:  # GPS is a warn: the author says they know
        factory.submit(d)
    gps = [f for f in e.value.findings if f["policy"] == "attachment.metadata" and f["category"] == "address"]
    assert gps and gps[0]["severity"] == "warn" and "stripped at release" in gps[0]["message"]
    assert gps[0]["attachment_id"] == _att(d).id and gps[0]["key"] in e.value.missing_justifications
    session.rollback()
    factory.submit(d, justifications={gps[0]["key"]: "Taken in the public garden; stripped at release."})
    found = {(f["policy"], f["category"], f["severity"]) for f in _att(d).scan_findings}
    assert ("attachment.metadata", "device", "info") in found
    assert d.state == "pending_review"
    clean = Image.open(io.BytesIO(stripped_image(path_of(app.config["REVIEWQ"].upload_dir, _att(d).storage_key),
                                                 "image/jpeg")))
    assert not clean.getexif().get_ifd(ExifTags.IFD.GPSInfo) and not dict(clean.getexif())


def test_patient_details_readable_in_the_image_block_submission(factory, session):
    d = factory.draft(attachments=[("chart.png", _png(_chart), "A chart")])
    with pytest.raises(BlockingFindingsError) as e:
        factory.submit(d)
    hits = [f for f in e.value.findings if f["check"] == "attachment"]
    assert hits and all(f["attachment_id"] == _att(d).id and len(f["box"]) == 4 for f in hits)
    assert any("Alvarez" in f["text"] or "00482913" in f["text"].replace(" ", "") for f in hits)


def test_plain_event_text_in_an_image_is_not_flagged(factory, session):
    img = _png(lambda d, f: d.text((20, 60), "Blood drive Saturday 9am-3pm", fill="black", font=f))
    d = factory.submit(factory.draft(attachments=[("flyer.png", img, "Blood drive flyer")]))
    assert d.state == "pending_review"
    assert not [f for f in _att(d).scan_findings if f["severity"] == "block"]


def test_a_face_needs_justification_or_a_photo_consent(factory, session):
    d = factory.draft(attachments=[("visit.png", _astronaut(), "Visitor at the front desk")])
    with pytest.raises(BlockingFindingsError) as e:
        factory.submit(d)
    faces = [f for f in e.value.findings if f.get("policy") == "attachment.face"]
    assert faces and e.value.missing_justifications
    session.rollback()
    consent = Consent(subject_name="Eileen Collins", covers=["photo", "name"], channels=[], created_by_id=d.author_id)
    session.add(consent)
    session.flush()
    session.execute(draft_consents.insert().values(draft_id=d.id, consent_id=consent.id))
    session.commit()
    factory.submit(d)
    assert d.state == "pending_review"
    assert all(f["severity"] == "info" for f in d.revision.findings if f.get("policy") == "attachment.face")


def test_worker_scans_new_attachments_outside_submission(app, factory, session):
    d = factory.draft(attachments=[("walk.jpg", _jpeg_with_gps(), "Garden")])
    assert _att(d).scanned_at is None
    session.commit()
    assert scan_due(db, app.config["REVIEWQ"], factory.tick()) == 1
    session.expire_all()
    assert _att(d).scanned_at is not None and _att(d).scan_findings
    assert scan_due(db, app.config["REVIEWQ"], factory.tick()) == 0
