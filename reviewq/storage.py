"""Attachment storage: files kept under REVIEWQ_UPLOAD_DIR by content hash.

The content type is sniffed from the bytes, never taken from the client, and
reviewq.upload_checks decides whether the file is whole (images decoded fully,
videos' containers parsed); anything we cannot recognise is refused.

With REVIEWQ_STORAGE_URL=s3://bucket/prefix (reviewq.s3storage) the bucket holds
the files and the upload folder becomes this host's cache of it: store() writes
through to the bucket, path_of() fetches a file another host stored. Keys are
content hashes, so a cached copy never goes stale and callers keep using paths.
"""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from reviewq.core.errors import ReviewqError, TooLargeError, ValidationError
from reviewq.filemodes import private_dir
from reviewq.upload_checks import check_upload

CHUNK = 1024 * 64
# upload folder -> its bucket (reviewq.s3storage.Bucket), registered by use_bucket().
_buckets: dict[Path, object] = {}


class StorageUnavailableError(ReviewqError):
    """The shared storage could not be reached; the upload was not kept."""

    status = 503


def use_bucket(upload_dir: Path, bucket) -> None:
    """Make `bucket` the shared storage behind `upload_dir` (create_app does this for s3:// URLs)."""
    _buckets[Path(upload_dir)] = bucket


def init_app(settings) -> None:
    """Put the bucket of settings.storage_url (if any) behind settings.upload_dir."""
    if settings.storage_url:
        from reviewq.s3storage import Bucket
        use_bucket(settings.upload_dir, Bucket(settings.storage_url, settings.s3_endpoint_url))


def bucket_for(upload_dir: Path):
    return _buckets.get(Path(upload_dir))


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    storage_key: str
    width: int | None = None
    height: int | None = None


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    return None


def store(stream, upload_dir: Path, max_bytes: int, *, kind: str = "attachment") -> StoredFile:
    """Copy `stream` into storage; raise TooLargeError or ValidationError on refusal.

    kind "attachment": an image or a video; "form" (a signed consent form): a PDF or an image.
    """
    private_dir(upload_dir)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=upload_dir, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLargeError(f"The file is larger than the {max_bytes // (1024 * 1024)} MB limit.")
                if len(head) < 32:
                    head += chunk[:32]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError("The file is empty.", {"file": "empty"})
        ctype = sniff(head)
        if kind == "form":
            ctype = "application/pdf" if head.startswith(b"%PDF-") else ctype
            if ctype is None or ctype.startswith("video/"):
                raise ValidationError("The signed form must be a PDF or an image (JPEG, PNG, GIF, WebP); "
                                      "this file is none of those.", {"form": "unsupported type"})
        elif ctype is None:
            raise ValidationError("We accept JPEG, PNG, GIF and WebP images and MP4 or MOV video; "
                                  "this file is none of those.", {"file": "unsupported type"})
        width, height = check_upload(tmp, ctype)
        sha = digest.hexdigest()
        key = f"{sha[:2]}/{sha[2:4]}/{sha}"
        final = upload_dir / key
        private_dir(final.parent)
        os.replace(tmp, final)
        tmp = None
        _write_through(upload_dir, final, key, ctype)
        return StoredFile(sha, size, ctype, key, width, height)
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def store_bytes(data: bytes, upload_dir: Path, content_type: str) -> StoredFile:
    """Keep a file reviewq made itself (a stripped copy, a thumbnail) beside the uploads, by content hash."""
    sha = hashlib.sha256(data).hexdigest()
    key = f"{sha[:2]}/{sha[2:4]}/{sha}"
    final = upload_dir / key
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".derived-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, final)
    _write_through(upload_dir, final, key, content_type)
    return StoredFile(sha, len(data), content_type, key)


def _write_through(upload_dir: Path, local: Path, key: str, content_type: str) -> None:
    bucket = bucket_for(upload_dir)
    if bucket is None:
        return
    try:
        bucket.put(local, key, content_type)
    except bucket.errors as e:
        raise StorageUnavailableError("The file could not be saved to shared storage; try again in a minute.") from e


def delete_stored(upload_dir: Path, storage_key: str) -> None:
    """Delete a stored file here and in the bucket behind this folder (if any); gone already is fine."""
    (Path(upload_dir) / storage_key).unlink(missing_ok=True)
    bucket = bucket_for(upload_dir)
    if bucket is not None:
        try:
            bucket.delete(storage_key)
        except bucket.errors as e:
            raise StorageUnavailableError("The file could not be deleted from shared storage.") from e


def path_of(upload_dir: Path, storage_key: str) -> Path:
    """The local path of a stored file; with a bucket, fetched into the cache first if need be.

    A file that is in neither place gives a path that does not exist (callers answer 404).
    """
    local = upload_dir / storage_key
    bucket = bucket_for(upload_dir)
    if bucket is not None and not local.is_file():
        bucket.fetch(storage_key, local)
    return local


def check_writable(upload_dir: Path) -> bool:
    """Can this host store a file now? (for /readyz): the folder, and the bucket if there is one."""
    try:
        upload_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=upload_dir, prefix=".probe-"):
            pass
    except OSError:
        return False
    bucket = bucket_for(upload_dir)
    return bucket is None or bucket.probe()


def stripped_image(path: Path, content_type: str) -> bytes:
    """The image re-encoded from its pixels alone: no EXIF, GPS, XMP or comments survive.

    The EXIF orientation is applied first so the published image looks the way it did.
    """
    with Image.open(path) as im:
        fmt = im.format or "PNG"
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # animated GIF/WebP: first frame only; video is not an image
        upright = ImageOps.exif_transpose(im)
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P" and upright.getpalette():
            clean.putpalette(upright.getpalette())
        # Transparency is pixel data, not metadata: without it a transparent logo gets a black box.
        keep = {"transparency": upright.info["transparency"]} if "transparency" in upright.info else {}
        buf = io.BytesIO()
        clean.save(buf, format=fmt, **keep, **({"quality": 92} if fmt == "JPEG" else {}))
        return buf.getvalue()
