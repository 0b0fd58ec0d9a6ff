"""What the pages need to draw previews and image findings: template context, no routes, no writes.

Used by the editor (web/drafts/views.py), the preview endpoint (web/drafts/media.py) and the
draft page (web/review/views.render_draft). The numbers come from reviewq.previews; which
boxes an image has from drafts.redaction.boxed_findings; who reads the text found in an
image unmasked from drafts.masking.may_read_image_text.
"""
from __future__ import annotations

import re

from flask import current_app, url_for

from reviewq.core.roles import CHANNELS
from reviewq.drafts.checking import load_policy
from reviewq.drafts.masking import mask_image_text, may_read_image_text
from reviewq.drafts.operations import may
from reviewq.clock import now_utc
from reviewq.drafts.redaction import boxed_findings, check_redact, original_gone
from reviewq.extensions import db
from reviewq.previews import build

# Image sources a live preview may show: the author's own file picked in this page, or our own URLs.
_SAFE_SRC = re.compile(r"^(?:blob:https?://[\w.:\-\[\]]+/[\w\-]+|/drafts/\d+/attachments/\d+(?:/thumbnail)?)$")
SEVERITY_WORDS = {"block": "Must fix", "warn": "Needs justification", "info": "Note"}


def preview_context(body: str, channels, images) -> dict:
    """Template context of the preview cards: one Preview per known channel, the first image."""
    policy = load_policy(db.session, current_app.config["REVIEWQ"].policy_file)
    chosen = [c for c in channels or () if c in CHANNELS]
    images = [i for i in images or () if i.get("src")]
    return {"previews": build(body or "", chosen, policy, has_image=bool(images)),
            "preview_image": images[0] if images else None, "more_images": max(0, len(images) - 1)}


def clean_images(raw) -> list[dict]:
    """The images a live preview request names, keeping only safe sources and short alt texts."""
    out = []
    for item in raw if isinstance(raw, list) else ():
        if isinstance(item, dict) and isinstance(item.get("src"), str) and _SAFE_SRC.match(item["src"]):
            alt = item.get("alt") if isinstance(item.get("alt"), str) else ""
            out.append({"src": item["src"], "alt": alt.strip()[:1500]})
        if len(out) >= 10:
            break
    return out


def image_src(draft_id: int, att) -> str:
    if att.thumb_key:
        return url_for("drafts.attachment_thumbnail", draft_id=draft_id, attachment_id=att.id)
    return url_for("drafts.attachment", draft_id=draft_id, attachment_id=att.id)


def attachment_images(draft, pairs) -> list[dict]:
    """Preview images of (attachment, snapshot) pairs: the images, each with its snapshot's alt text."""
    now = now_utc()
    return [{"src": image_src(draft.id, a), "alt": snap.get("alt_text", ""), "id": a.id}
            for a, snap in pairs if a is not None and a.is_image and not original_gone(a, now)]


def image_findings(draft, pairs, user) -> list[dict]:
    """Each image of the revision with boxed findings: its frame, numbered boxes and the redaction offer."""
    see_text = may_read_image_text(user, draft)
    now = now_utc()
    out = []
    for a, snap in pairs:
        if a is None or not a.is_image or original_gone(a, now) or not (found := boxed_findings(a)):
            continue  # an original whose keeping time is over is not shown, whichever revision names it
        size = next((f["image_size"] for f in found if isinstance(f.get("image_size"), list)), None)
        frame = tuple(size) if size else ((a.width, a.height) if a.width and a.height else None)
        boxes = [{"n": n, "box": [int(v) for v in f["box"]], "severity": f.get("severity", "info"),
                  "words": SEVERITY_WORDS.get(f.get("severity"), f.get("severity")), "message": f.get("message", ""),
                  "category": f.get("category", ""), "policy": f.get("policy", ""),
                  "text": (f.get("text") or "") if see_text else mask_image_text(f.get("text") or "")}
                 for n, f in enumerate(found, 1)]
        out.append({"att": a, "alt": snap.get("alt_text", ""), "src": image_src(draft.id, a), "frame": frame,
                    "boxes": boxes, "blocking": sum(b["severity"] == "block" for b in boxes),
                    "can_redact": may(lambda u, d, _a=a: check_redact(u, d, _a.id), user, draft)})
    return out
