"""What an image reveals: location metadata, faces and readable text.

Reads image files only; knows nothing of drafts, the database or the web.
OpenCV (Haar cascade shipped in its wheel) finds faces; RapidOCR (ONNX models
shipped in its wheel) reads text. Both are loaded once per process, lazily,
and are optional: without them the scan says what it could not do instead of
pretending the image is clean.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

log = logging.getLogger("reviewq.imaging")
MAX_SIDE = 1600  # larger images are scaled down first: detectors gain nothing above this
_lock = threading.Lock()
_face, _ocr = None, None


@dataclass
class TextLine:
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h in the original image's pixels
    confidence: float


@dataclass
class ImageReport:
    width: int
    height: int
    gps: tuple[float, float] | None = None
    exif: dict[str, str] = field(default_factory=dict)   # identifying tags only (serials, owner)
    faces: list[tuple[int, int, int, int]] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # "faces", "ocr" when a detector is missing


_IDENTIFYING_TAGS = {"BodySerialNumber", "CameraOwnerName", "LensSerialNumber", "ImageUniqueID", "Artist"}


def analyse(path: Path, *, ocr: bool = True, faces: bool = True) -> ImageReport:
    with Image.open(path) as im:
        exif = im.getexif()
        gps = _gps(exif)
        tags = _identifying(exif)
        im = ImageOps.exif_transpose(im).convert("RGB")
        width, height = im.size
        scale = min(1.0, MAX_SIDE / max(width, height))
        small = im.resize((max(1, int(width * scale)), max(1, int(height * scale)))) if scale < 1 else im
        report = ImageReport(width, height, gps, tags)
        if faces:
            _find_faces(small, scale, report)
        if ocr:
            _read_text(small, scale, report)
    return report


def _gps(exif) -> tuple[float, float] | None:
    try:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except (KeyError, AttributeError, ValueError):
        return None
    if not info or 2 not in info or 4 not in info:
        return None
    try:
        lat = _degrees(info[2]) * (-1 if info.get(1) in ("S", b"S") else 1)
        lon = _degrees(info[4]) * (-1 if info.get(3) in ("W", b"W") else 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return round(lat, 5), round(lon, 5)


def _degrees(dms) -> float:
    d, m, s = (float(x) for x in dms)
    return d + m / 60 + s / 3600


def _identifying(exif) -> dict[str, str]:
    found = {}
    try:
        merged = dict(exif) | dict(exif.get_ifd(ExifTags.IFD.Exif))
    except (KeyError, AttributeError, ValueError):
        merged = dict(exif)
    for tag_id, value in merged.items():
        name = ExifTags.TAGS.get(tag_id)
        if name in _IDENTIFYING_TAGS and str(value).strip():
            found[name] = str(value).strip()[:100]
    return found


def _models():
    global _face, _ocr
    with _lock:
        if _face is None:
            try:
                import cv2
                cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
                _face = (cv2, cascade) if not cascade.empty() else False
            except Exception as e:  # missing wheel or system library: report, don't crash
                log.warning("face detection unavailable: %s", type(e).__name__)
                _face = False
        if _ocr is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
                _ocr = RapidOCR()
            except Exception as e:
                log.warning("OCR unavailable: %s", type(e).__name__)
                _ocr = False
    return _face, _ocr


def _find_faces(im: Image.Image, scale: float, report: ImageReport) -> None:
    face, _ = _models()
    if not face:
        report.unavailable.append("faces")
        return
    cv2, cascade = face
    import numpy as np
    gray = cv2.cvtColor(np.asarray(im), cv2.COLOR_RGB2GRAY)
    min_side = max(24, int(min(gray.shape) * 0.04))
    boxes = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=6, minSize=(min_side, min_side))
    report.faces = [tuple(int(v / scale) for v in b) for b in boxes]


def _read_text(im: Image.Image, scale: float, report: ImageReport) -> None:
    _, ocr = _models()
    if not ocr:
        report.unavailable.append("ocr")
        return
    import numpy as np
    result, _ = ocr(np.asarray(im)[:, :, ::-1])
    for quad, text, conf in result or ():
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        x, y = min(xs) / scale, min(ys) / scale
        box = (int(x), int(y), int((max(xs) - min(xs)) / scale), int((max(ys) - min(ys)) / scale))
        report.lines.append(TextLine(str(text), box, float(conf)))
