"""Derived media: stripped copies and thumbnails made once at scan time, served without decoding."""
from __future__ import annotations

import hashlib
import io
import json
import struct
from datetime import timedelta

import PIL.Image
import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from reviewq.extensions import db
from reviewq.models import Draft, ReleaseHold
from reviewq.releases.job import release_due
from reviewq.releases.operations import schedule_release
from reviewq.storage import path_of


def _jpeg_with_gps(size=(1200, 800)) -> bytes:
    img = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}
    exif[ExifTags.Base.Make] = "PhoneMaker"
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + kind + body


# A minimal ISO base media file that upload validation accepts: ftyp, moov (mvhd, trak), mdat.
MP4 = (_box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
       + _box(b"moov", _box(b"mvhd", b"\x00" * 100) + _box(b"trak", _box(b"tkhd", b"\x00" * 84)))
       + _box(b"mdat", b"\x00" * 64))


@pytest.fixture
def team(factory):
    return factory.approvers()


def _upload_dir(app):
    return app.config["REVIEWQ"].upload_dir


def _gps_ok(d) -> dict:
    """GPS in a photo is a warn (stripped at release): the author acknowledges it."""
    return {f"attachment:address:a{a.id}": "Taken on site; location is stripped at release." for a in d.attachments}


def _submit(factory, d):
    return factory.submit(d, justifications=_gps_ok(d))


def _due(factory, session, team, **kw):
    d = factory.approved_draft(approvers=team, justifications=_gps_ok, **kw)
    schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(minutes=5), now=factory.now)
    session.commit()
    return d


def _release(app, factory):
    return release_due(db, app.config["REVIEWQ"], factory.now + timedelta(minutes=10))


def _download(app, client, session, sent: dict):
    """GET the media link of a sent attachment; signed afresh, the tests' clock being long past."""
    from reviewq.clock import now_utc
    from reviewq.models import Attachment
    from reviewq.publishers.payload import media_url
    cfg = app.config["REVIEWQ"]
    assert sent["url"].startswith(f"{cfg.base_url}/releases/media/{sent['id']}?")
    att = session.get(Attachment, sent["id"])
    url = media_url(cfg.base_url, cfg.secret_key, att.id, att.sha256, now_utc())
    return client.get(url.split(cfg.base_url, 1)[1])


def test_the_scan_makes_a_stripped_copy_and_a_thumbnail_once(app, factory):
    d = _submit(factory, factory.draft(attachments=[("p.jpg", _jpeg_with_gps(), "An orange square")]))
    att = d.attachments[0]
    assert att.scanned_at and att.stripped_key and att.thumb_key
    stripped = path_of(_upload_dir(app), att.stripped_key).read_bytes()
    thumb = path_of(_upload_dir(app), att.thumb_key).read_bytes()
    assert hashlib.sha256(stripped).hexdigest() == att.stripped_sha256 != att.sha256
    assert len(stripped) == att.stripped_size_bytes and b"PhoneMaker" not in stripped
    assert not Image.open(io.BytesIO(stripped)).getexif()
    assert hashlib.sha256(thumb).hexdigest() == att.thumb_sha256 and len(thumb) == att.thumb_size_bytes
    small = Image.open(io.BytesIO(thumb))
    assert small.format == "JPEG" and max(small.size) == 480 and not small.getexif()


def test_routes_serve_stored_files_and_never_decode(app, client, login, factory, session, team, monkeypatch):
    from reviewq.publishers.payload import build_payload
    from reviewq.clock import now_utc
    d = _due(factory, session, team, attachments=[("p.jpg", _jpeg_with_gps(), "An orange square")])
    att = d.attachments[0]
    payload = build_payload(d, d.revision, channels=d.channels, approvals=d.standing_approvals(),
                            base_url="http://127.0.0.1:5000", secret=app.config["REVIEWQ"].secret_key, now=now_utc())
    login(d.author)

    def refuse(*a, **k):
        raise AssertionError("an image was decoded during a request")
    monkeypatch.setattr(PIL.Image, "open", refuse)
    thumb = client.get(f"/drafts/{d.id}/attachments/{att.id}/thumbnail")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.data == path_of(_upload_dir(app), att.thumb_key).read_bytes()
    assert "no-store" in thumb.headers["Cache-Control"]  # as every attachment route (docs/security.md)
    media = client.get(payload["attachments"][0]["url"].split("127.0.0.1:5000", 1)[1])
    assert media.status_code == 200 and media.mimetype == "image/jpeg"
    assert media.headers["Cache-Control"] == "private, no-store"  # the signed link is a credential
    assert hashlib.sha256(media.data).hexdigest() == payload["attachments"][0]["sha256"] == att.stripped_sha256
    assert payload["attachments"][0]["size"] == len(media.data)
    page = client.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert f"/attachments/{att.id}/thumbnail" in page


def test_an_unscanned_attachment_has_a_placeholder_and_no_thumbnail(client, login, factory):
    d = factory.draft(attachments=[("p.jpg", _jpeg_with_gps(), "An orange square")])
    att = d.attachments[0]
    assert att.scanned_at is None and att.thumb_key is None
    login(d.author)
    resp = client.get(f"/drafts/{d.id}/attachments/{att.id}/thumbnail")
    assert resp.status_code == 404
    for url in (f"/drafts/{d.id}", f"/drafts/{d.id}/edit"):
        page = client.get(url)
        assert page.status_code == 200 and "/thumbnail" not in page.get_data(as_text=True)


def test_released_payload_hash_is_the_hash_of_what_its_url_serves(app, client, factory, session, team):
    original = _jpeg_with_gps()
    d = _due(factory, session, team, attachments=[("p.jpg", original, "An orange square")])
    assert _release(app, factory) == 1
    [f] = list(app.config["REVIEWQ"].outbox_dir.glob("*.json"))
    [att] = json.loads(f.read_text())["attachments"]
    served = _download(app, client, session, att)
    assert served.status_code == 200
    assert att["sha256"] == hashlib.sha256(served.data).hexdigest() != hashlib.sha256(original).hexdigest()
    assert att["size"] == len(served.data) and b"PhoneMaker" not in served.data
    session.expire_all()
    assert session.get(Draft, d.id).state == "published"


def test_a_missing_stripped_copy_is_made_again_before_release(app, client, factory, session, team):
    d = _due(factory, session, team, attachments=[("p.jpg", _jpeg_with_gps(), "An orange square")])
    att = d.attachments[0]
    path_of(_upload_dir(app), att.stripped_key).unlink()
    assert _release(app, factory) == 1
    [f] = list(app.config["REVIEWQ"].outbox_dir.glob("*.json"))
    [sent] = json.loads(f.read_text())["attachments"]
    served = _download(app, client, session, sent)
    assert served.status_code == 200 and hashlib.sha256(served.data).hexdigest() == sent["sha256"]


def test_a_post_whose_copy_cannot_be_made_is_held_not_published(app, factory, session, team):
    d = _due(factory, session, team, attachments=[("p.jpg", _jpeg_with_gps(), "An orange square")])
    att = d.attachments[0]
    path_of(_upload_dir(app), att.stripped_key).unlink()
    path_of(_upload_dir(app), att.storage_key).write_bytes(b"\xff\xd8\xff broken")  # the upload rotted on disk
    _release(app, factory)
    session.expire_all()
    fresh = session.get(Draft, d.id)
    assert fresh.state != "published" and not list(app.config["REVIEWQ"].outbox_dir.glob("*.json"))
    reasons = session.scalars(select(ReleaseHold.reason).where(ReleaseHold.draft_id == d.id)).all()
    assert any("cannot be read" in r and "p.jpg" in r for r in reasons), reasons


def test_a_video_passes_through_unchanged(app, client, factory, session, team):
    from reviewq.core.errors import BlockingFindingsError
    d = factory.draft(attachments=[("clip.mp4", MP4, "A short clip")])
    with pytest.raises(BlockingFindingsError) as refused:  # videos are not scanned: the author says what they checked
        factory.submit(d)
    factory.submit(d, {k: "Watched the whole clip: no patients, screens or voices." for k in refused.value.missing_justifications})
    for role in ("reviewer", "legal", "comms"):
        factory.approve(d, team[role])
    schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(minutes=5), now=factory.now)
    session.commit()
    att = d.attachments[0]
    assert att.stripped_key == att.storage_key and att.stripped_sha256 == att.sha256 and att.thumb_key is None
    assert _release(app, factory) == 1
    [f] = list(app.config["REVIEWQ"].outbox_dir.glob("*.json"))
    [sent] = json.loads(f.read_text())["attachments"]
    served = _download(app, client, session, sent)
    assert served.status_code == 200 and served.data == MP4 and sent["sha256"] == hashlib.sha256(MP4).hexdigest()


def test_the_worker_derives_copies_for_attachments_scanned_before_they_existed(app, factory, session):
    from reviewq.drafts.scans import scan_due
    from reviewq.models import Attachment
    d = _submit(factory, factory.draft(attachments=[("p.jpg", _jpeg_with_gps(), "An orange square")]))
    att = d.attachments[0]
    session.execute(Attachment.__table__.update().where(Attachment.id == att.id)
                    .values(stripped_key=None, stripped_sha256=None, stripped_size_bytes=None,
                            thumb_key=None, thumb_sha256=None, thumb_size_bytes=None))
    session.commit()
    assert scan_due(db, app.config["REVIEWQ"], factory.now) == 1
    session.expire_all()
    again = session.get(Attachment, att.id)
    assert again.stripped_key and again.thumb_key
    assert hashlib.sha256(path_of(_upload_dir(app), again.stripped_key).read_bytes()).hexdigest() \
        == again.stripped_sha256


def test_an_unreadable_image_is_marked_once_and_its_post_is_held(app, factory, session, team):
    from reviewq.drafts.scans import scan_due
    from reviewq.models import Attachment
    d = _due(factory, session, team, attachments=[("p.jpg", _jpeg_with_gps(), "An orange square")])
    att = d.attachments[0]
    path_of(_upload_dir(app), att.storage_key).write_bytes(b"\xff\xd8\xff broken")
    session.execute(Attachment.__table__.update().where(Attachment.id == att.id).values(stripped_key=None))
    session.commit()
    assert scan_due(db, app.config["REVIEWQ"], factory.now) == 0
    session.expire_all()
    assert session.get(Attachment, att.id).stripped_key == ""   # tried: the next pass leaves it alone
    _release(app, factory)
    assert not list(app.config["REVIEWQ"].outbox_dir.glob("*.json"))
    assert session.scalars(select(ReleaseHold.reason).where(ReleaseHold.draft_id == d.id)).all()
