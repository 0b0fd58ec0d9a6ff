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
