"""What an image reveals: location metadata, faces and readable text.

Reads image files only; knows nothing of drafts, the database or the web.
OpenCV (Haar cascade shipped in its wheel) finds faces; RapidOCR (ONNX models
shipped in its wheel) reads text. Both are loaded once per process, lazily,
and are optional: without them the scan says what it could not do instead of
pretending the image is clean.
"""
from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

log = logging.getLogger("reviewq.imaging")
MAX_SIDE = 1600  # larger images are scaled down first: detectors gain nothing above this
UPSCALE_BELOW = 720  # small images (screenshots, crops) are read a second time at twice the size
FEW_BOXES = 8  # a label or wristband alone in a photo, with a box read unsurely (below SURE): read again, cropped
SURE = 0.9     # and enlarged
_lock = threading.Lock()
_face, _ocr = None, None


@dataclass
class TextLine:
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h in the original image's pixels
    confidence: float
    angle: float = 0.0   # degrees of the text's baseline, from the OCR box
    height: float = 0.0  # text height in the original image's pixels
    under: str = ""      # the header cells of the table columns this line sits under ("Patient", "MRN"), if any


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
        if im.format == "JPEG" and max(im.size) > 2 * MAX_SIDE:
            im.draft("RGB", (im.size[0] // 2, im.size[1] // 2))  # DCT-scaled decode: a 12 MP photo in a fraction
        im = ImageOps.exif_transpose(im).convert("RGB")
        width, height = im.size
        scale = min(1.0, MAX_SIDE / max(width, height))
        small = im.resize((max(1, int(width * scale)), max(1, int(height * scale)))) if scale < 1 else im
        report = ImageReport(width, height, gps, tags)
        if faces:
            _find_faces(small, scale, report)
        if ocr:
            _read_text(small, scale, report)
            if max(width, height) < UPSCALE_BELOW and "ocr" not in report.unavailable:
                _read_second_scale(im, report)
            if 0 < len(report.lines) <= FEW_BOXES and min(line.confidence for line in report.lines) < SURE:
                _read_cropped(im, report)
            report.lines = group_lines(report.lines)
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


def _read_text(im: Image.Image, scale: float, report: ImageReport, offset: tuple[float, float] = (0, 0)) -> None:
    _, ocr = _models()
    if not ocr:
        report.unavailable.append("ocr")
        return
    import numpy as np
    result, _ = ocr(np.asarray(im)[:, :, ::-1])
    for quad, text, conf in result or ():
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        x, y = min(xs) / scale + offset[0], min(ys) / scale + offset[1]
        box = (int(x), int(y), int((max(xs) - min(xs)) / scale), int((max(ys) - min(ys)) / scale))
        (x0, y0), (x1, y1), _, (x3, y3) = quad[:4]
        angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
        text = zeros_as_o(str(text))
        report.lines.append(TextLine(text, box, float(conf), angle, math.hypot(x3 - x0, y3 - y0) / scale))


def _read_second_scale(im: Image.Image, report: ImageReport) -> None:
    """Small text reads better enlarged: a second pass at 2x adds what the first did not cover."""
    first = report.lines
    report.lines = []
    _read_text(im.resize((im.width * 2, im.height * 2), Image.LANCZOS), 2.0, report)
    extra = [line for line in report.lines if not any(_overlap(line.box, f.box) > 0.3 for f in first)]
    report.lines = first + extra


def _read_cropped(im: Image.Image, report: ImageReport) -> None:
    """Few boxes: the text is small in a large frame (a sticker, a wristband). Read the region around them again,
    enlarged up to 2x (MAX_SIDE at most); a box read there replaces the first read's box it overlaps when it is
    read with more confidence and no fewer characters, and new boxes are added."""
    first = report.lines
    pad = 2 * max(line.height for line in first)
    x0 = max(0, int(min(line.box[0] for line in first) - pad))
    y0 = max(0, int(min(line.box[1] for line in first) - pad))
    x1 = min(im.width, int(max(line.box[0] + line.box[2] for line in first) + pad))
    y1 = min(im.height, int(max(line.box[1] + line.box[3] for line in first) + pad))
    k = min(2.0, MAX_SIDE / max(1, x1 - x0, y1 - y0))
    if x1 - x0 < 8 or y1 - y0 < 8 or k < 1.2 * min(1.0, MAX_SIDE / max(im.size)):
        return  # no sharper than the first read
    report.lines = []
    crop = im.crop((x0, y0, x1, y1))
    _read_text(crop.resize((max(1, int(crop.width * k)), max(1, int(crop.height * k))), Image.LANCZOS), k, report,
               (x0, y0))
    again, report.lines = report.lines, []
    for line in first:
        better = [a for a in again if _iou(a.box, line.box) > 0.4 and a.confidence > line.confidence
                  and len(re.sub(r"\W", "", a.text)) >= len(re.sub(r"\W", "", line.text))]  # never drop a label
        report.lines.append(line if not better else max(better, key=lambda a: a.confidence))
    kept = {id(line) for line in report.lines}
    report.lines = list({id(line): line for line in report.lines}.values())
    report.lines += [a for a in again if id(a) not in kept and not any(_overlap(a.box, f.box) > 0.3 for f in first)]


def _iou(a, b) -> float:
    """Intersection over union of two boxes: 1 for the same box, whatever their sizes."""
    inter = _overlap(a, b) * min(a[2] * a[3], b[2] * b[3])
    return inter / max(1, a[2] * a[3] + b[2] * b[3] - inter)


def _overlap(a, b) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = min(ax + aw, bx + bw) - max(ax, bx)
    h = min(ay + ah, by + bh) - max(ay, by)
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / max(1, min(aw * ah, bw * bh))


# A label printed alone ("MRN:", "Name:") whose value sits further along the same row, as on screens.
LABEL_ONLY = re.compile(r"^\s*(pt|patient|name|pt\s*name|patient\s*name|dob|d\.?o\.?b\.?|date\s*of\s*birth|mrn|"
                        r"m\.?r\.?n\.?|med(ical)?\s*rec(ord)?\s*(no|#)?|rm|room|bed|acct|account|fin|ssn|"
                        r"member\s*id|admit(ted)?|dos|location|loc)\s*[:#.]*\s*$", re.I)
# OCR reads an "o" as a zero inside words ("Ro0m 628A", "Raym0nd"): put the letter back, in the word's case.
_ZERO_IN_WORD = re.compile(r"(?<=[A-Za-z])0(?=[A-Za-z])")
# So it does in "y/o" ("102y/0"), a month ("15-0ct-1999") and a state before a ZIP code ("Fairview, 0R 97048").
_ZERO_AS_O = re.compile(r"(?<=\d[yY]/)0|(?<=\d[-\s])0(?=ct\b)|(?<=,)0(?=[A-Z]\s?\d{5})|(?<=, )0(?=[A-Z]\s?\d{5})")


def zeros_as_o(text: str) -> str:
    """The letter o put back where OCR read a zero that can only be one, in the case around it."""
    text = _ZERO_IN_WORD.sub(lambda m: "o" if m.string[m.start() - 1].islower() else "O", text)
    return _ZERO_AS_O.sub(lambda m: "o" if m.string[m.start() - 1] == "/" else "O", text)


# A table's header cell: column titles of patient lists, census boards and chart screens.
HEADER_CELL = re.compile(r"^\W*((pt|patient|name|rm|room|bed|mrn|dob|d\.?o\.?b\.?|age|sex|rn|nurse|md|notes?|"
                         r"attending|dx|diagnosis|status|acct|fin|admit(ted)?|los|code|diet|iso|team)\W*)+$", re.I)
# At least one title that only a list of patients has, so a staff or department table is no patient table.
PATIENT_HEADER = re.compile(r"\b(pt|patient|mrn|dob|d\.?o\.?b)\b", re.I)


def _mark_columns(rows) -> None:
    """Set `under` on every box below a header row ("Room | Patient | MRN | DOB") to the column titles above it.

    Columns run from one header cell's start to the next one's, along the rows; a box belongs to every column
    it covers a quarter of (or that covers a quarter of it). A header row needs two cells or more, most of them
    titles, one a patient title; the table ends at the next header row.
    """
    headers = []
    for i, row in enumerate(rows):
        titles = [p for p in row if HEADER_CELL.match(p[1].text)]
        if len(titles) >= 2 and 2 * len(titles) > len(row) and any(PATIENT_HEADER.search(p[1].text) for p in titles):
            headers.append((i, sorted(titles, key=lambda p: p[0][0] - p[0][3] / 2)))
    for n, (i, cells) in enumerate(headers):
        end = headers[n + 1][0] if n + 1 < len(headers) else len(rows)
        starts = [f[0] - f[3] / 2 - 0.5 * f[2] for f, _ in cells]
        bounds = [(-math.inf if k == 0 else starts[k], starts[k + 1] if k + 1 < len(starts) else math.inf)
                  for k in range(len(starts))]
        for row in rows[i + 1:end]:
            for f, line in row:
                s, e = f[0] - f[3] / 2, f[0] + f[3] / 2
                hit = []
                for (lo, hi), (_, title) in zip(bounds, cells):
                    cover = min(e, hi) - max(s, lo)
                    width = min(e - s, (hi - lo) if hi - lo < math.inf else e - s)
                    if cover > 0.25 * max(width, 1.0):
                        hit.append(title.text.strip())
                line.under = " ".join(hit)


def group_lines(lines: list[TextLine]) -> list[TextLine]:
    """Join OCR boxes that sit on one row into lines, and a lone label with the value beside it.

    Rows are found along the image's dominant text angle (the median of the boxes' baselines), so a photo
    taken at a tilt still pairs "MRN:" with the number to its right. Boxes further apart than about two
    character heights stay separate unless the left one is a label alone (screen columns are far apart).
    Every joined line's box is the union of its parts, in original-image pixels.
    """
    if len(lines) < 2:
        return list(lines)
    lines = [replace(line, under="") for line in lines]  # columns are marked on copies, not the caller's boxes
    angles = sorted(line.angle for line in lines)
    a = math.radians(angles[len(angles) // 2])
    ux, uy, nx, ny = math.cos(a), math.sin(a), -math.sin(a), math.cos(a)

    def frame(line):
        x, y, w, h = line.box
        cx, cy = x + w / 2, y + h / 2
        along, perp = cx * ux + cy * uy, cx * nx + cy * ny
        hh = line.height or min(w, h)
        length = abs(w * ux + h * uy) if abs(a) < 0.01 else max(w, h) - hh * abs(math.sin(a))
        return along, perp, max(hh, 1.0), max(length, 1.0)

    placed = sorted(((frame(line), line) for line in lines), key=lambda p: p[0][1])
    rows: list[list] = []
    for f, line in placed:
        if rows and abs(f[1] - rows[-1][-1][0][1]) < 0.5 * min(f[2], rows[-1][-1][0][2]):
            rows[-1].append((f, line))
        else:
            rows.append([(f, line)])
    _mark_columns(rows)
    out: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda p: p[0][0])
        group = [row[0]]
        for f, line in row[1:]:
            pf, prev = group[-1]
            gap = (f[0] - f[3] / 2) - (pf[0] + pf[3] / 2)
            h = max(f[2], pf[2])
            if gap < 2.2 * h or (LABEL_ONLY.match(prev.text) and gap < 16 * h):
                group.append((f, line))
            else:
                out.append(_join(group))
                group = [(f, line)]
        out.append(_join(group))
    return out


def _join(group) -> TextLine:
    if len(group) == 1:
        return group[0][1]
    parts = [line for _, line in group]
    x0 = min(p.box[0] for p in parts)
    y0 = min(p.box[1] for p in parts)
    x1 = max(p.box[0] + p.box[2] for p in parts)
    y1 = max(p.box[1] + p.box[3] for p in parts)
    under = " ".join(dict.fromkeys(w for p in parts for w in p.under.split()))
    return TextLine(" ".join(p.text for p in parts), (x0, y0, x1 - x0, y1 - y0), min(p.confidence for p in parts),
                    parts[0].angle, max(p.height for p in parts), under)
