"""Test images with patient details, drawn by the OCR bench's generator (bench/ocr_images.py)."""
from __future__ import annotations

import importlib.util
import io
import random
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("ocr_images", Path(__file__).resolve().parents[1] / "bench" / "ocr_images.py")
ocr_images = sys.modules.get("ocr_images") or importlib.util.module_from_spec(_spec)
if "ocr_images" not in sys.modules:
    sys.modules["ocr_images"] = ocr_images  # dataclasses look their module up there
    _spec.loader.exec_module(ocr_images)


def mrn_case(seed: int = 3):
    """A generated wristband or screen (seeded) whose rows include "MRN <8 digits>": (image, the MRN)."""
    rng = random.Random(seed)
    for i in range(60):
        case = ocr_images.phi_case(rng, i)
        mrn = next((s for s in case.phi if s.isdigit() and len(s) == 8), None)
        if mrn and case.kind in ("wristband", "screen"):
            return case.image, mrn
    raise AssertionError("the generator drew no MRN case")


def png_bytes(image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt)
    return buf.getvalue()
