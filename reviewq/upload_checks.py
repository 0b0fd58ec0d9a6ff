"""What an uploaded file must be before it is stored: a whole image, or a real MP4/MOV.

Called once, from reviewq.storage.store, on the uploaded bytes in a temporary
file after the type was sniffed. Images are fully decoded (every frame), so a
truncated JPEG is refused here instead of failing when a publisher fetches
its media link; images over the pixel limit are refused before any decoding.
MP4 and MOV are checked for an ISO base media container: boxes that tile the
file exactly, an `ftyp` first, a `moov` with a movie header and a track, and
media data. Any decoder failure is a ValidationError (422) with a plain
reason, never a 500.
"""
from __future__ import annotations

import os
import struct
import warnings

from PIL import Image, ImageSequence

from reviewq.core.errors import ValidationError

DEFAULT_MAX_PIXELS = 40_000_000  # 40 MP: twice a 4K frame, far beyond what any network shows
_max_pixels = DEFAULT_MAX_PIXELS
MAX_FRAMES_PIXELS_FACTOR = 10    # an animation may decode to at most 10 full-size frames' worth
MAX_BOXES = 10_000


def configure(max_pixels: int) -> None:
    """Set the pixel limit (settings.max_image_megapixels, applied by create_app)."""
    global _max_pixels
    _max_pixels = int(max_pixels)


def check_upload(path: str, content_type: str) -> tuple[int | None, int | None]:
    """(width, height) of an image, (None, None) for a video; ValidationError when refused."""
    if content_type.startswith("image/"):
        return check_image(path, _max_pixels)
    if content_type == "application/pdf":
        check_pdf(path)
        return None, None
    check_video(path)
    return None, None


def _refuse(message: str, code: str):
    raise ValidationError(message, {"file": code})


def check_image(path: str, max_pixels: int) -> tuple[int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
                if width * height > max_pixels:
                    _refuse(f"The image is {width}×{height} pixels; the limit is {max_pixels / 1e6:g} megapixels. "
                            "Scale it down (social networks show far fewer) and upload it again.", "too many pixels")
                budget = max_pixels * MAX_FRAMES_PIXELS_FACTOR
                for frame in ImageSequence.Iterator(im):
                    budget -= width * height
                    if budget < 0:
                        _refuse("The animation has too many frames to check. Shorten it and upload it again.",
                                "too many frames")
                    frame.load()  # decodes every byte: truncated or corrupt data raises here
                return width, height
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(f"The image has more pixels than the {max_pixels / 1e6:g} megapixel limit.", "too many pixels")
    except Exception:  # noqa: BLE001 -- Pillow's decoders raise many types on bad input; each is a bad file
        _refuse("The image is damaged or incomplete (it does not decode fully). Export it again and upload "
                "the new file.", "unreadable image")


def _boxes(f, start: int, end: int):
    """(type, payload start, box end) for each box in [start, end); ValueError when they do not tile it."""
    pos, count = start, 0
    while pos < end:
        count += 1
        if count > MAX_BOXES or end - pos < 8:
            raise ValueError("truncated box header")
        f.seek(pos)
        size, kind = struct.unpack(">I4s", f.read(8))
        header = 8
        if size == 1:
            if end - pos < 16:
                raise ValueError("truncated large box header")
            (size,) = struct.unpack(">Q", f.read(8))
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError("box overruns its parent")
        if not all(32 <= b < 127 for b in kind):
            raise ValueError("box type is not a four-character code")
        yield kind.decode("ascii"), pos + header, pos + size
        pos += size


def check_video(path: str) -> None:
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            top = list(_boxes(f, 0, size))
            kinds = [k for k, _, _ in top]
            if not kinds or kinds[0] != "ftyp":
                raise ValueError("no ftyp box first")
            moov = next(((s, e) for k, s, e in top if k == "moov"), None)
            if moov is None:
                raise ValueError("no moov box")
            inner = [k for k, _, _ in _boxes(f, *moov)]
            if "mvhd" not in inner or "trak" not in inner:
                raise ValueError("moov without a movie header or a track")
            if "mdat" not in kinds:
                raise ValueError("no media data")
    except (ValueError, OSError, struct.error):
        _refuse("The file says it is an MP4 or MOV video but its structure is not a playable video. "
                "Export it again and upload the new file.", "not a video")


MAX_PDF_PAGES = 200


def check_pdf(path: str) -> None:
    """A signed form: a PDF that parses (pypdf) with at least one page; encrypted forms are refused
    because the keepers could not open them later."""
    import pypdf
    from pypdf.errors import PyPdfError
    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted:
            _refuse("The PDF is password-protected; upload it without a password.", "encrypted pdf")
        pages = len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, AttributeError):
        _refuse("The PDF is damaged or incomplete and cannot be read; scan or export it again.", "bad pdf")
    if not 0 < pages <= MAX_PDF_PAGES:
        _refuse(f"The PDF has {pages} pages; a signed form has between 1 and {MAX_PDF_PAGES}.", "pages")
