"""One-click redaction through the web form: who may, bad input, the re-check, audit, and keeping the original."""
from __future__ import annotations

import importlib.util
from datetime import timedelta

import pytest
from sqlalchemy import select

from reviewq.drafts.redaction import purge_due
from reviewq.extensions import db
from reviewq.models import Attachment, AuditEvent, Setting
from reviewq.storage import path_of
from tests.factories import PNG, csrf_from
from tests.images import mrn_case, png_bytes

needs_ocr = pytest.mark.skipif(importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="RapidOCR absent")


def _mrn_draft(factory, author=None, **kw):
    image, mrn = mrn_case(3)
    d = factory.draft(author, body="Our wristband printers are here.", attachments=[("band.png", png_bytes(image), "A wristband")], **kw)
    from reviewq.drafts.scans import scan_unlocked
    scan_unlocked(factory.session, factory.app.config["REVIEWQ"].upload_dir, None, factory.tick(), draft_id=d.id)
    factory.session.commit()
    return d, mrn


def _current(d) -> Attachment:
    ids = [a["id"] for a in d.revision.attachments]
    return next(a for a in d.attachments if a.id == ids[0])


def _post(client, d, att_id, **data):
    token = csrf_from(client.get(f"/drafts/{d.id}"))
    return client.post(f"/drafts/{d.id}/attachments/{att_id}/redact", data={"csrf_token": token, **data})


def _events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@needs_ocr
def test_author_redacts_every_blocking_area_and_the_checks_run_again(client, login, factory, session, app):
    d, mrn = _mrn_draft(factory)
    old = _current(d)
    assert any(mrn in f["text"] and f["severity"] == "block" for f in old.scan_findings)
    login(d.author)
    page = client.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert "<svg class=\"overlay\"" in page and page.count('class="ov-box ov-block"') >= 2
    assert mrn in page                                  # the author reads what the scan read
    revision = d.current_revision
    resp = _post(client, d, old.id, action="blocking", mode="blur")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    session.expire_all()
    new = _current(d)
    assert new.id != old.id and new.redacted_from_id == old.id and new.sha256 != old.sha256
    assert new.alt_text == "A wristband" and new.scanned_at is not None and new.thumb_key
    assert old.removed_at is not None and old.purge_after == old.removed_at + timedelta(days=30)
    assert not [f for f in new.scan_findings if f["severity"] == "block"]
    rev = d.revision
    assert rev.checked_at is not None and not [f for f in rev.findings if f["severity"] == "block"]
    assert rev.attachments[0]["sha256"] == new.sha256 and d.current_revision >= revision
    ev = _events(session, "attachment.redact")[-1]
    assert ev.data["attachment_id"] == old.id and ev.data["redacted_id"] == new.id and ev.data["mode"] == "blur"
    assert ev.data["regions"] >= 2 and ev.draft_id == d.id and ev.actor_id == d.author_id
    assert mrn not in str(ev.data)
    page = client.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert "ov-block" not in page and "no must-fix finding" in page
    assert "Files: band.png (" in page and "→ band (redacted).png (" in page   # the revision diff says so


def _with_box(factory, d, severity="warn", text="MRN 40703945"):
    """Give the draft's image a stored scan finding with a box (as the scan writes them), no OCR needed."""
    att = _current(d)
    att.scan_findings = [{"check": "attachment", "category": "mrn", "severity": severity, "text": text,
                          "message": "Text in the image looks like patient information (mrn).",
                          "policy": "attachment.text_phi", "key": f"attachment:mrn:a{att.id}",
                          "attachment_id": att.id, "box": [0, 0, 2, 2], "image_size": [4, 4]}]
    att.scanned_at = factory.tick()
    factory.session.commit()
    return att


def _pending_with_box(factory):
    d, _ = _staff_png_draft(factory)
    att = _with_box(factory, d)
    factory.submit(d, justifications={f"attachment:mrn:a{att.id}": "A demo wristband, no real patient."})
    return d, att


def _client_as(app, user):
    c = app.test_client()
    page = c.get("/login")
    assert c.post("/login", data={"email": user.email, "password": "correct horse battery",
                                  "csrf_token": csrf_from(page)}).status_code == 302
    return c


def test_in_review_a_redaction_is_an_edit_that_goes_back_to_the_author(app, factory, session):
    d, att = _pending_with_box(factory)
    assert d.state == "pending_review"
    reviewer = factory.user("reviewer")
    session.commit()
    rc = _client_as(app, reviewer)
    page = rc.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert "ov-warn" in page and "Areas to redact" not in page     # approvers see the boxes, not the form
    assert _post(rc, d, att.id, region="0,0,2,2", mode="box").status_code == 403
    ac = _client_as(app, d.author)
    assert "Areas to redact" in ac.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert _post(ac, d, att.id, region="0,0,2,2", mode="box").status_code == 302
    session.expire_all()
    assert d.state == "draft" and d.current_revision == 2 and _current(d).redacted_from_id == att.id
    edit = _events(session, "draft.edit")[-1]
    assert edit.data["from_state"] == "pending_review" and edit.data["to_state"] == "draft"


def _staff_png_draft(factory, **kw):
    d = factory.draft(attachments=[("dot.png", PNG, "A dot")], **kw)
    return d, _current(d)


def test_bad_input_is_a_form_error_and_changes_nothing(client, login, factory, session):
    d, att = _staff_png_draft(factory)
    other, foreign = _staff_png_draft(factory, author=d.author)
    login(d.author)
    cases = [
        (dict(action="selected", mode="blur"), "Choose at least one marked area"),
        (dict(action="selected", mode="blur", region="1,1,9,9"), "not inside the 4×4 image"),
        (dict(action="selected", mode="blur", region="1,1,x,2"), "four whole numbers"),
        (dict(action="selected", mode="smudge", region="0,0,2,2"), "Choose blur or a solid box"),
        (dict(action="blocking", mode="box"), "No area of this image is marked as must-fix"),
    ]
    for data, message in cases:
        resp = _post(client, d, att.id, **data)
        assert resp.status_code == 422 and message in resp.get_data(as_text=True), (data, resp.status_code)
    resp = _post(client, d, foreign.id, region="0,0,2,2", mode="box")
    assert resp.status_code == 422 and "not one of this draft" in resp.get_data(as_text=True)
    assert _post(client, d, 99999, region="0,0,2,2", mode="box").status_code == 422
    session.expire_all()
    assert d.current_revision == 1 and _current(d).id == att.id and att.removed_at is None
    assert not _events(session, "attachment.redact")


def test_only_the_author_of_an_editable_draft_redacts(app, client, login, factory, session):
    d, att = _staff_png_draft(factory)
    stranger = _client_as(app, factory.user("staff"))    # someone else: the draft does not exist for them
    token = csrf_from(stranger.get("/drafts/new"))
    assert stranger.post(f"/drafts/{d.id}/attachments/{att.id}/redact",
                         data={"csrf_token": token, "region": "0,0,2,2", "mode": "box"}).status_code == 404
    login(d.author)
    assert client.post(f"/drafts/{d.id}/withdraw", data={"csrf_token": csrf_from(client.get(f"/drafts/{d.id}/withdraw"))}).status_code == 302
    resp = _post(client, d, att.id, region="0,0,2,2", mode="box")
    assert resp.status_code == 409 and "withdrawn" in resp.get_data(as_text=True).lower()
    session.expire_all()
    assert _current(d).id == att.id


def test_the_original_is_kept_for_the_policy_days_then_deleted_and_audited(client, login, factory, session, app):
    session.add(Setting(key="policy", value={"media": {"keep_original_days": 2}}))
    d, att = _staff_png_draft(factory)
    login(d.author)
    assert _post(client, d, att.id, region="0,0,2,2", mode="box").status_code == 302
    session.expire_all()
    settings = app.config["REVIEWQ"]
    original = path_of(settings.upload_dir, att.storage_key)
    assert original.is_file() and client.get(f"/drafts/{d.id}/attachments/{att.id}").status_code == 200
    assert purge_due(db, settings, att.purge_after - timedelta(minutes=1)) == 0 and original.is_file()
    assert purge_due(db, settings, att.purge_after) == 1
    session.expire_all()
    assert not original.is_file() and att.purged_at is not None
    assert client.get(f"/drafts/{d.id}/attachments/{att.id}").status_code == 404
    new = _current(d)
    assert path_of(settings.upload_dir, new.storage_key).is_file()
    assert client.get(f"/drafts/{d.id}/attachments/{new.id}").status_code == 200
    ev = _events(session, "attachment.purge_original")
    assert len(ev) == 1 and ev[0].data["attachment_id"] == att.id and ev[0].actor_id is None
    assert purge_due(db, settings, att.purge_after + timedelta(days=9)) == 0


def test_keep_zero_days_stops_serving_the_original_at_once_and_spares_a_shared_file(client, login, factory, session, app):
    session.add(Setting(key="policy", value={"media": {"keep_original_days": 0}}))
    d, att = _staff_png_draft(factory)
    twin, same_file = _staff_png_draft(factory)            # the same bytes: the same stored file
    assert same_file.storage_key == att.storage_key
    login(d.author)
    assert _post(client, d, att.id, region="0,0,2,2", mode="blur").status_code == 302
    session.expire_all()
    assert client.get(f"/drafts/{d.id}/attachments/{att.id}").status_code == 404
    settings = app.config["REVIEWQ"]
    assert purge_due(db, settings, att.purge_after) == 1
    assert path_of(settings.upload_dir, same_file.storage_key).is_file()   # still the other draft's file


def test_author_and_admin_read_the_image_text_and_see_each_network(app, factory, session):
    d = factory.draft(body="Visit https://example.org " + "word " * 100, channels=("x", "instagram"),
                      attachments=[("dot.png", PNG, "A dot")])
    _with_box(factory, d, severity="block")
    page = _client_as(app, factory.user("admin")).get(f"/drafts/{d.id}").get_data(as_text=True)
    assert "40703945" in page                              # administrators read it
    page = _client_as(app, d.author).get(f"/drafts/{d.id}").get_data(as_text=True)
    assert "40703945" in page and 'viewBox="0 0 4 4"' in page and "Redact all must-fix areas (1)" in page
    assert 'aria-labelledby="pv-x-h"' in page and "Cut here." in page and "A dot" in page
    assert "crop-1x1" in page and "crop-4x5" in page and "crop-16x9" in page


def test_reviewer_reads_the_masked_text(app, factory, session):
    d, att = _pending_with_box(factory)
    page = _client_as(app, factory.user("reviewer")).get(f"/drafts/{d.id}").get_data(as_text=True)
    assert "40703945" not in page and "MRN ████████" in page and "ov-warn" in page


def test_preview_endpoint(client, login, factory):
    login(factory.user("staff"))
    token = csrf_from(client.get("/drafts/new"))
    h = {"X-CSRFToken": token}
    r = client.post("/drafts/preview", json={"text": "a" * 300, "channels": ["x", "bluesky"],
                                             "images": [{"src": "blob:http://127.0.0.1:5000/ab-12", "alt": "A nurse"},
                                                        {"src": "javascript:alert(1)", "alt": "x"}]}, headers=h)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Cut here." in html and "(generic preview)" in html
    assert 'src="blob:http://127.0.0.1:5000/ab-12"' in html and "javascript:" not in html and "A nurse" in html
    assert client.post("/drafts/preview", json={"text": 5}, headers=h).status_code == 400
    assert client.post("/drafts/preview", json={"text": "", "channels": "x"}, headers=h).status_code == 400
    assert client.post("/drafts/preview", json={"text": "hi", "channels": []}).status_code == 400   # no CSRF
    auditor = _client_as(factory.app, factory.user("auditor"))
    token = csrf_from(auditor.get("/audit"))
    assert auditor.post("/drafts/preview", json={"text": "hi", "channels": []},
                       headers={"X-CSRFToken": token}).status_code == 403


def test_the_api_redacts_through_the_same_operation(client, factory, session):
    from tests.integration.api_helpers import api_for
    d, att = _staff_png_draft(factory)
    api = api_for(client, factory, d.author)
    url = f"/drafts/{d.id}/attachments/{att.id}/redact"
    r = api.post(url, json={"mode": "box", "regions": [[0, 0, 9, 9]]})
    assert r.status_code == 422 and "not inside the 4×4 image" in r.get_json()["error"]
    r = api.post(url, json={"mode": "box", "regions": "all"})
    assert r.status_code == 422 and r.get_json()["error"].startswith("regions")
    assert api.post(url, json={"mode": "box", "regions": "blocking"}).status_code == 422
    r = api.post(url, json={"mode": "box", "regions": [[0, 0, 2, 2]]})
    assert r.status_code == 201 and r.get_json()["sha256"] != att.sha256 and r.get_json()["alt_text"] == "A dot"
    reviewer = api_for(client, factory, factory.user("admin"))
    assert reviewer.post(f"/drafts/{d.id}/attachments/{r.get_json()['id']}/redact",
                         json={"mode": "blur", "regions": [[0, 0, 2, 2]]}).status_code == 403
    assert len(_events(session, "attachment.redact")) == 1


def test_boxes_of_a_half_scale_scan_are_scaled_to_the_full_image(client, login, factory, session, app):
    """A JPEG over 3,200 px is scanned decoded at half size, so its boxes are in a half-scale frame."""
    from PIL import Image
    import io
    buf = io.BytesIO()
    Image.new("RGB", (3400, 200), (250, 250, 250)).save(buf, "JPEG", quality=95)
    d = factory.draft(attachments=[("wide.jpg", buf.getvalue(), "A banner")])
    att = _current(d)
    att.scan_findings = [{"check": "attachment", "category": "mrn", "severity": "block", "text": "MRN 1",
                          "message": "m", "policy": "attachment.text_phi", "key": f"attachment:mrn:a{att.id}",
                          "attachment_id": att.id, "box": [1000, 20, 100, 50], "image_size": [1700, 100]}]
    att.scanned_at = factory.tick()
    session.commit()
    login(d.author)
    assert _post(client, d, att.id, action="blocking", mode="box").status_code == 302
    session.expire_all()
    out = Image.open(path_of(app.config["REVIEWQ"].upload_dir, _current(d).storage_key)).convert("RGB")
    assert out.size == (3400, 200)
    assert out.getpixel((2100, 70)) == (0, 0, 0)            # the box at full scale: x 2000-2200, y 40-140
    assert sum(out.getpixel((1100, 50))) > 700              # where the half-scale box would have been: untouched


def test_a_consented_face_left_untouched_stays_linked_on_the_new_version(client, login, factory, session):
    spec = importlib.util.find_spec("skimage")
    if spec is None or importlib.util.find_spec("cv2") is None:
        pytest.skip("scikit-image (public-domain face photo) and OpenCV needed")
    from pathlib import Path
    from reviewq.consents.operations import create_consent
    from reviewq.drafts.scans import scan_unlocked
    from reviewq.models import ConsentFace, draft_consents
    photo = (Path(spec.origin).parent / "data" / "astronaut.png").read_bytes()
    d = factory.draft(attachments=[("visit.png", photo, "Visitor at the front desk")])
    scan_unlocked(session, factory.app.config["REVIEWQ"].upload_dir, None, factory.tick(), draft_id=d.id)
    att = _current(d)
    face = next(f["box"] for f in att.scan_findings if f.get("policy") == "attachment.face")
    c = create_consent(session, factory.user("comms"), subject_name="Eileen Collins", covers=["photo"],
                       now=factory.tick())
    session.execute(draft_consents.insert().values(draft_id=d.id, consent_id=c.id))
    session.add(ConsentFace(draft_id=d.id, consent_id=c.id, attachment_id=att.id, box=",".join(map(str, face))))
    session.commit()
    login(d.author)
    assert _post(client, d, att.id, region="0,480,30,30", mode="box").status_code == 302   # a corner, not the face
    session.expire_all()
    new = _current(d)
    links = session.scalars(select(ConsentFace).where(ConsentFace.attachment_id == new.id)).all()
    assert [ln.consent_id for ln in links] == [c.id]
    assert _events(session, "attachment.redact")[-1].data["face_links_kept"] == 1
    assert all(f["severity"] == "info" for f in d.revision.findings if f.get("policy") == "attachment.face")
