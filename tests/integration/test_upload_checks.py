"""Uploads are whole files: truncated images, too many pixels and fake videos are refused at upload (issue 16)."""
from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from PIL import Image

from tests.factories import PNG


def _upload(client, factory, data, name="f.bin", user=None):
    user = user or factory.user("staff")
    d = factory.draft(user)
    return client.post(f"/api/v1/drafts/{d.id}/attachments", headers={"Authorization": f"Bearer {factory.token(user)}"},
                       data={"file": (io.BytesIO(data), name), "alt_text": "A picture"},
                       content_type="multipart/form-data")


def _jpeg(size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says width×height (its pixel data is a few bytes of zeros)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
            + _chunk(b"IEND", b""))


def _box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _mp4(brand=b"isom") -> bytes:
    moov = _box(b"moov", _box(b"mvhd", b"\x00" * 100) + _box(b"trak", _box(b"tkhd", b"\x00" * 84)))
    return _box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand) + moov + _box(b"mdat", b"\x00" * 64)


def test_a_truncated_jpeg_is_refused_with_a_clear_error(client, factory):
    whole = _jpeg()
    assert _upload(client, factory, whole, "ok.jpg").status_code == 201
    r = _upload(client, factory, whole[: len(whole) * 2 // 3], "cut.jpg")
    assert r.status_code == 422 and "does not decode fully" in r.json["error"]
    assert r.json["fields"] == {"file": "unreadable image"}


def test_too_many_pixels_are_refused_before_decoding(client, factory):
    r = _upload(client, factory, _png_claiming(12000, 12000), "huge.png")
    assert r.status_code == 422 and "40 megapixel" in r.json["error"] and r.json["fields"] == {"file": "too many pixels"}


def test_the_pixel_limit_is_a_setting(app, client, factory, settings):
    buf = io.BytesIO()
    Image.new("L", (1200, 1000)).save(buf, "PNG")
    assert _upload(client, factory, buf.getvalue(), "a.png").status_code == 201
    settings.max_image_megapixels = 1
    from reviewq import create_app
    small = create_app(settings).test_client()
    r = _upload(small, factory, buf.getvalue(), "a.png")
    assert r.status_code == 422 and "1200×1000" in r.json["error"] and "1 megapixel" in r.json["error"]


def test_real_mp4_and_mov_structures_are_accepted(client, factory):
    r = _upload(client, factory, _mp4(), "clip.mp4")
    assert r.status_code == 201 and r.json["content_type"] == "video/mp4"
    r = _upload(client, factory, _mp4(b"qt  "), "clip.mov")
    assert r.status_code == 201 and r.json["content_type"] == "video/quicktime"


@pytest.mark.parametrize("data", [
    _box(b"ftyp", b"isom\x00\x00\x02\x00") + b"this is not a video at all, just text after a header",
    _box(b"ftyp", b"isom\x00\x00\x02\x00") + _box(b"mdat", b"\x00" * 32),                   # no moov
    _box(b"ftyp", b"isom\x00\x00\x02\x00") + _box(b"moov", _box(b"free")) + _box(b"mdat"),  # no track
    _mp4()[:-10],                                                                           # truncated
    _box(b"ftyp", b"isom") + struct.pack(">I", 10**6) + b"moov",                             # box overruns
], ids=["text", "no-moov", "no-track", "truncated", "overrun"])
def test_files_that_only_look_like_video_are_refused(client, factory, data):
    r = _upload(client, factory, data, "clip.mp4")
    assert r.status_code == 422 and r.json["fields"] == {"file": "not a video"}


def test_animated_gif_is_decoded_and_accepted(client, factory):
    frames = [Image.new("P", (16, 16), i) for i in range(5)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    assert _upload(client, factory, buf.getvalue(), "a.gif").status_code == 201


def test_damaged_images_of_every_type_are_a_422_never_a_500(client, factory):
    # The class of the fuzzer's 500: bytes that pass the type sniff but break a decoder.
    rng = random.Random(16)
    bases = [PNG, _jpeg((16, 16))]
    for fmt in ("GIF", "WEBP"):
        buf = io.BytesIO()
        Image.new("RGB", (16, 16), (9, 99, 199)).save(buf, fmt)
        bases.append(buf.getvalue())
    user = factory.user("staff")
    statuses = set()
    for i in range(60):
        data = bytearray(bases[i % len(bases)])
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(12, len(data))] = rng.randrange(256)
        if i % 3 == 0:
            data = data[: rng.randrange(16, len(data))]
        r = _upload(client, factory, bytes(data), "x.img", user=user)
        statuses.add(r.status_code)
        assert r.status_code in (201, 422), (i, r.status_code, r.get_data(as_text=True)[:200])
    assert 422 in statuses


def test_a_truncated_jpeg_is_still_refused_after_an_evidence_pdf_was_rendered(client, factory):
    # WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the process; rendering a pack must not.
    from reviewq.evidence.pack import render_pdf
    assert render_pdf("<p>pack</p>").startswith(b"%PDF")
    whole = _jpeg()
    r = _upload(client, factory, whole[: len(whole) * 2 // 3], "cut.jpg")
    assert r.status_code == 422 and "does not decode fully" in r.json["error"]
