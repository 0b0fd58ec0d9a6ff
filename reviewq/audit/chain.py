"""How one audit event is hashed, linked to the one before it, and sealed.

Pure: no database, no files, no clock. Two layers, so the record is both
keyed and verifiable offline:
- `hash` links the event to the previous one with plain SHA-256 over a digest
  of the event's body. A signed checkpoint vouches for a head hash, so anyone
  holding the events (or, for other posts' events, just their body digests)
  and the checkpoint can check the chain without any secret.
- `mac` is HMAC-SHA256 of `hash` under the audit key, which never lives in the
  database: someone who can write to the database but has not the key cannot
  rewrite an event and recompute a chain that verify accepts.
Events written before the chain was keyed (seq < keyed_from) keep the old,
unkeyed formula (`legacy_hash`).
"""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

GENESIS = "0" * 64
_LINK = "reviewq-audit-v2"
_SEAL = b"reviewq-audit-seal\n"


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str).encode()


def at_text(at: datetime) -> str:
    return at.isoformat(timespec="microseconds")


def body_digest(seq: int, at: datetime, actor_id, action: str, draft_id, data) -> str:
    """SHA-256 of the event's own content (everything but its links)."""
    return hashlib.sha256(canonical({"seq": seq, "at": at_text(at), "actor": actor_id, "action": action,
                                     "draft": draft_id, "data": data})).hexdigest()


def link_hash(prev_hash: str, digest: str) -> str:
    return hashlib.sha256(f"{_LINK}\n{prev_hash}\n{digest}".encode()).hexdigest()


def seal(key: bytes, event_hash: str) -> str:
    return hmac.new(key, _SEAL + event_hash.encode(), hashlib.sha256).hexdigest()


def seal_matches(key: bytes, event_hash: str, mac) -> bool:
    return isinstance(mac, str) and hmac.compare_digest(seal(key, event_hash), mac)


def event_hash(prev_hash: str, seq: int, at: datetime, actor_id, action: str, draft_id, data) -> str:
    return link_hash(prev_hash, body_digest(seq, at, actor_id, action, draft_id, data))


def legacy_hash(prev_hash: str, seq: int, at: datetime, actor_id, action: str, draft_id, data) -> str:
    """The unkeyed formula of events written before the chain was keyed."""
    return hashlib.sha256(canonical({"prev": prev_hash, "seq": seq, "at": at_text(at), "actor": actor_id,
                                     "action": action, "draft": draft_id, "data": data})).hexdigest()


def key_id(key: bytes) -> str:
    """A public name for a key (never the key): names which key sealed a chain or a checkpoint."""
    return hashlib.sha256(b"reviewq audit key id\x00" + key).hexdigest()[:16]
