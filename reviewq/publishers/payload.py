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


def build_payload(draft, revision, *, channels, approvals, base_url: str, secret: str, now: datetime,
                  served: dict | None = None) -> dict:
    """The contract's body: draft_id, revision, text, channels, release_at, attachments, approvals.

    `revision` has number, body and attachments; each approval has stage, user_id, created_at, via
    and the approver's name (a Decision, or the release worker's lighter Approval row). Each
    attachment's sha256 and size are those of the file its url serves (images without their
    metadata), taken from `served` (Attachment rows by id; default: the ORM draft's attachments);
    MissingServedCopyError when one has no such file yet (the release job makes it first:
    reviewq.releases.media).
    """
    served = {a.id: a for a in draft.attachments} if served is None else served
    return {
        "draft_id": draft.id,
        "revision": revision.number,
        "text": revision.body,
        "channels": list(channels),
        "release_at": iso_utc(draft.release_at),
        "attachments": [_attachment(a, served.get(a["id"]), base_url, secret, now) for a in revision.attachments],
        "approvals": [{"stage": a.stage, "user_id": a.user_id, "name": _name(a),
                       "decided_at": iso_utc(a.created_at), "via": a.via} for a in approvals],
    }


class MissingServedCopyError(LookupError):
    """An attachment has no stripped copy recorded: its media link could not answer."""


def _attachment(snap: dict, att, base_url: str, secret: str, now: datetime) -> dict:
    if att is None or not att.stripped_sha256:
        raise MissingServedCopyError(f"attachment {snap['id']} has no served copy")
    # The link is signed with the upload's hash (it names the attachment); the payload describes the file.
    return {"id": snap["id"], "url": media_url(base_url, secret, snap["id"], snap["sha256"], now),
            "alt_text": snap.get("alt_text", ""), "content_type": snap["content_type"],
            "sha256": att.stripped_sha256, "size": att.stripped_size_bytes}


def _name(approval) -> str:
    return approval.name if hasattr(approval, "name") else approval.user.name
