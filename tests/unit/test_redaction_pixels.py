"""Redaction in pixels (reviewq.media.redact): inside the box changed beyond reading, outside untouched,
metadata gone. The OCR test reads an image from the bench generator with RapidOCR (skips without it)."""
from __future__ import annotations

import hashlib
import importlib.util
import io

import pytest
from PIL import ExifTags, Image, ImageChops

from reviewq.checks.policy import Policy
from reviewq.imaging import analyse
from reviewq.media import padded, redact, upright_size
from tests.images import mrn_case

needs_ocr = pytest.mark.skipif(importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="RapidOCR absent")


def _save(tmp_path, image, name="in.png", **kw):
    path = tmp_path / name
    image.save(path, **kw)
    return path


def _noise(size=(300, 200)):
    import random
    rng = random.Random(5)
    img = Image.new("RGB", size)
    img.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    return img


@pytest.mark.parametrize("mode", ["blur", "box"])
def test_only_the_padded_box_changes(tmp_path, mode):
    src = _save(tmp_path, _noise())
    box = [100, 50, 80, 40]
    out = Image.open(io.BytesIO(redact(src, [box], mode))).convert("RGB")
    before = Image.open(src).convert("RGB")
    x0, y0, x1, y1 = padded(box, before.size)
    assert (x0, y0, x1, y1) == (94, 44, 186, 96)  # 15% of the shorter side (40) = 6 px around
    diff = ImageChops.difference(before, out)
    inside = diff.crop((x0, y0, x1, y1))
    changed = sum(1 for px in inside.getdata() if px != (0, 0, 0))
    assert changed > 0.9 * (x1 - x0) * (y1 - y0)
    outside = diff.copy()
    outside.paste((0, 0, 0), (x0, y0, x1, y1))
    assert outside.getbbox() is None, "pixels outside the box changed"
    if mode == "box":
        assert set(out.crop((x0, y0, x1, y1)).getdata()) == {(0, 0, 0)}


def test_the_copy_has_a_new_hash_and_no_metadata(tmp_path):
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}
    exif[ExifTags.Base.BodySerialNumber] = "CAM-99812"
    src = _save(tmp_path, _noise(), "in.jpg", format="JPEG", exif=exif)
    data = redact(src, [[10, 10, 50, 50]], "box")
    assert hashlib.sha256(data).hexdigest() != hashlib.sha256(src.read_bytes()).hexdigest()
    out = Image.open(io.BytesIO(data))
    assert out.format == "JPEG" and not dict(out.getexif()) and b"CAM-99812" not in data


def test_boxes_are_in_the_upright_frame(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown rotated 90 degrees
    src = _save(tmp_path, _noise((300, 200)), "side.jpg", format="JPEG", exif=exif, quality=95)
    assert upright_size(src) == (200, 300)
    out = Image.open(io.BytesIO(redact(src, [[0, 0, 200, 20]], "box")))
    assert out.size == (200, 300) and out.convert("RGB").getpixel((100, 5)) == (0, 0, 0)


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ValueError):
        redact(_save(tmp_path, _noise()), [[0, 0, 5, 5]], "smudge")


@needs_ocr
@pytest.mark.parametrize("mode", ["blur", "box"])
def test_ocr_no_longer_reads_the_mrn(tmp_path, mode):
    from reviewq.drafts.scans import findings_for
    image, mrn = mrn_case(3)
    src = _save(tmp_path, image)
    found = findings_for(analyse(src), 1, Policy())
    hit = [f for f in found if mrn in f["text"].replace(" ", "") and f["severity"] == "block"]
    assert hit, f"precondition: the scan reads {mrn}"
    out = tmp_path / "out.png"
    out.write_bytes(redact(src, [hit[0]["box"]], mode))
    after = findings_for(analyse(out), 1, Policy())
    assert not [f for f in after if mrn in f["text"].replace(" ", "")]
    assert not [f for f in after if f["severity"] == "block" and "MRN" in f["text"].upper()]
