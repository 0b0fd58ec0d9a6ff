"""Derived media: the stripped copy publishers receive and the thumbnail pages show, made once.

Called where attachments are scanned (reviewq.drafts.scans, in the worker or at
submission) and by the release job for a copy that went missing; never from a
request, so no request decodes an image. Files go through reviewq.storage, so
they live wherever uploads live (the folder, or the bucket behind it). Knows
nothing of the database: callers record the returned keys, sizes and hashes.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from reviewq.storage import path_of, store_bytes, stripped_image

THUMB_SIDE = 480          # twice the largest thumbnail the pages draw, for sharp high-DPI screens
THUMB_TYPE = "image/jpeg"


@dataclass(frozen=True)
class Derived:
    stripped_key: str
    stripped_sha256: str
    stripped_size_bytes: int
    thumb_key: str | None = None
    thumb_sha256: str | None = None
    thumb_size_bytes: int | None = None

    def columns(self) -> dict:
        return dict(self.__dict__)


def derive(upload_dir: Path, storage_key: str, content_type: str, sha256: str, size: int) -> Derived:
    """Make (or find, keys being content hashes) the served copy and thumbnail of one stored file.

    Videos pass through unchanged: the served file is the upload. Raises OSError or ValueError
    when an image cannot be read (the caller records that the scan could not read it).
    """
    if not content_type.startswith("image/"):
        return Derived(storage_key, sha256, size)
    path = path_of(upload_dir, storage_key)
    stripped = store_bytes(stripped_image(path, content_type), upload_dir, content_type)
    thumb = store_bytes(thumbnail(path), upload_dir, THUMB_TYPE)
    return Derived(stripped.storage_key, stripped.sha256, stripped.size,
                   thumb.storage_key, thumb.sha256, thumb.size)


def thumbnail(path: Path) -> bytes:
    """A JPEG at most THUMB_SIDE pixels a side, upright, without metadata; transparency on white."""
    with Image.open(path) as im:
        im.draft("RGB", (THUMB_SIDE, THUMB_SIDE))  # JPEG: decode at a reduced scale, much less memory
        upright = ImageOps.exif_transpose(im)
        upright.thumbnail((THUMB_SIDE, THUMB_SIDE))
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        buf = io.BytesIO()
        flat.save(buf, format="JPEG", quality=85)
        return buf.getvalue()


REDACT_MODES = ("blur", "box")
REDACT_PAD = 0.15  # of the box's shorter side, at least 2 px: OCR boxes hug the glyphs, ascenders stick out


def padded(box, size) -> tuple[int, int, int, int]:
    """`box` [x, y, w, h] grown by REDACT_PAD on every side and clipped to an image of `size` (w, h):
    the corners (x0, y0, x1, y1) the redaction changes."""
    x, y, w, h = box
    pad = max(2, int(min(w, h) * REDACT_PAD))
    return max(0, x - pad), max(0, y - pad), min(size[0], x + w + pad), min(size[1], y + h + pad)


def redact(path: Path, boxes, mode: str) -> bytes:
    """The image at `path`, upright, with every box blurred beyond reading or covered by a solid black box.

    Boxes are [x, y, w, h] in the upright image's pixels (as the scan stores them). The result is
    re-encoded from pixels alone, in the original's format: no EXIF, GPS or comments survive, and an
    animated image keeps only its first frame. Blur is pixelation to blocks a third of the box's height,
    then a Gaussian blur, so the letters are gone, not softened.
    """
    from PIL import ImageDraw, ImageFilter
    if mode not in REDACT_MODES:
        raise ValueError(f"mode must be one of {', '.join(REDACT_MODES)}")
    with Image.open(path) as im:
        fmt = im.format or "PNG"
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)
        upright = ImageOps.exif_transpose(im)
        work = upright.convert("RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB")
    draw = ImageDraw.Draw(work)
    for box in boxes:
        x0, y0, x1, y1 = padded(box, work.size)
        if x1 <= x0 or y1 <= y0:
            continue
        if mode == "box":
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=(0, 0, 0, 255) if work.mode == "RGBA" else (0, 0, 0))
            continue
        region = work.crop((x0, y0, x1, y1))
        block = max(4, min(x1 - x0, y1 - y0) // 3)
        small = region.resize((max(1, (x1 - x0) // block), max(1, (y1 - y0) // block)), Image.BILINEAR)
        region = small.resize(region.size, Image.NEAREST).filter(ImageFilter.GaussianBlur(max(2, block // 2)))
        work.paste(region, (x0, y0))
    if fmt not in ("JPEG", "PNG", "WEBP", "GIF"):  # uploads are only these (storage.sniff); PNG loses nothing
        fmt = "PNG"
    if fmt == "JPEG":
        work = work.convert("RGB")
    buf = io.BytesIO()
    work.save(buf, format=fmt, **({"quality": 92} if fmt == "JPEG" else {}))
    return buf.getvalue()


def upright_size(path: Path) -> tuple[int, int]:
    """(width, height) of the image as shown, after its EXIF orientation (header only, no full decode)."""
    with Image.open(path) as im:
        w, h = im.size
        orientation = im.getexif().get(0x0112, 1)
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)
