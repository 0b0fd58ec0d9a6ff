"""The released post as the publisher sees it, and signed expiring links to its images.

Links are HMAC-signed with the app's secret key and carry their expiry, so the
download route (reviewq.web.releases.media) can serve them without a login.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

LINK_LIFETIME = timedelta(days=7)


def media_signature(secret: str, attachment_id: int, sha256: str, expires: int) -> str:
    msg = f"{attachment_id}:{sha256}:{expires}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def media_url(base_url: str, secret: str, attachment_id: int, sha256: str, now: datetime) -> str:
    expires = int((now + LINK_LIFETIME).timestamp())
    sig = media_signature(secret, attachment_id, sha256, expires)
    return f"{base_url}/releases/media/{attachment_id}?exp={expires}&sig={sig}"


def media_link_valid(secret: str, attachment_id: int, sha256: str, expires, sig, now: datetime) -> bool:
    try:
        expires = int(expires)
    except (TypeError, ValueError):
        return False
    if expires < now.timestamp() or not isinstance(sig, str):
        return False
    # As bytes: compare_digest refuses str with non-ASCII characters (a TypeError, so a 500).
    return hmac.compare_digest(media_signature(secret, attachment_id, sha256, expires).encode(),
                               sig.encode("utf-8", "replace"))


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_payload(draft, revision, *, channels, approvals, base_url: str, secret: str, now: datetime) -> dict:
    """The contract's body: draft_id, revision, text, channels, release_at, attachments, approvals.

    `revision` has number, body and attachments; each approval has stage, user_id, created_at, via
    and the approver's name (a Decision, or the release worker's lighter Approval row).
    """
    return {
        "draft_id": draft.id,
        "revision": revision.number,
        "text": revision.body,
        "channels": list(channels),
        "release_at": iso_utc(draft.release_at),
        "attachments": [{"id": a["id"], "url": media_url(base_url, secret, a["id"], a["sha256"], now),
                         "alt_text": a.get("alt_text", ""), "content_type": a["content_type"],
                         "sha256": a["sha256"]} for a in revision.attachments],
        "approvals": [{"stage": a.stage, "user_id": a.user_id, "name": _name(a),
                       "decided_at": iso_utc(a.created_at), "via": a.via} for a in approvals],
    }


def _name(approval) -> str:
    return approval.name if hasattr(approval, "name") else approval.user.name
