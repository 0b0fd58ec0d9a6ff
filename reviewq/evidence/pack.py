"""Writing the evidence pack: a ZIP with record.json, audit/proof.json and evidence.pdf.

The PDF comes from HTML the caller rendered from our own templates (templates/evidence/pack.html),
turned into PDF by WeasyPrint. No network: WeasyPrint may fetch nothing (url_fetcher refuses).
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile

from reviewq.audit.proof import PACK_MEMBER

RECORD_MEMBER = "record.json"
PDF_MEMBER = "evidence.pdf"


def record_bytes(record: dict) -> bytes:
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False).encode()


def record_digest(record: dict) -> str:
    return hashlib.sha256(record_bytes(record)).hexdigest()


def _weasyprint_html():
    """WeasyPrint's HTML class, imported without its side effect on Pillow.

    Importing weasyprint sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process, which
    would let a truncated upload decode "fully" (upload_checks refuses those). The flag is put back.
    """
    from PIL import ImageFile
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import HTML
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def render_pdf(html: str) -> bytes:
    HTML = _weasyprint_html()

    def no_fetch(url, *a, **kw):
        raise ValueError("the evidence PDF loads nothing from outside")
    return HTML(string=html, url_fetcher=no_fetch).write_pdf()


def build_zip(record: dict, proof: dict, html: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(RECORD_MEMBER, record_bytes(record))
        z.writestr(PACK_MEMBER, json.dumps(proof, sort_keys=True))
        z.writestr(PDF_MEMBER, render_pdf(html))
    return buf.getvalue()
