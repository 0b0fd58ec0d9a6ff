"""Proofs that a post's audit events are in the chain a signed checkpoint vouches for, checkable offline.

A proof carries the post's events in full and, for every other event between
the post's first event and the checkpoint, only its seq and body digest (no
other post's details leak). Walking the SHA-256 links from `prev_hash` must
arrive at the checkpoint's head; the checkpoint's Ed25519 signature is checked
with the signer's public key. No HMAC key is needed. The evidence pack (issue
13) stores it as `audit/proof.json`; `reviewq audit verify --pack` reads it.
"""
from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from reviewq.audit.chain import body_digest, event_hash, legacy_hash, link_hash
from reviewq.audit.checkpoints import check_signature, load_public_key, parse_checkpoint, read_checkpoint
from reviewq.audit.verify import as_datetime, as_json

FORMAT = "reviewq-audit-proof/1"
PACK_MEMBER = "audit/proof.json"
_ROWS = text("SELECT seq, at, actor_id, action, draft_id, data, prev_hash, hash FROM audit_events "
             "WHERE seq >= :first AND seq <= :last ORDER BY seq")


class ProofError(ValueError):
    """The proof does not lead to the checkpoint it names (evidence of tampering: exit 1)."""


class MalformedPackError(ProofError):
    """Not a readable pack or proof (bad input: exit 2)."""


def build_proof(session: Session, draft_id: int, checkpoint_path: Path, keyed_from: int) -> dict:
    """The proof of draft `draft_id`'s events up to the checkpoint in `checkpoint_path` (a published one)."""
    cp = read_checkpoint(checkpoint_path)
    first = session.execute(text("SELECT min(seq) FROM audit_events WHERE draft_id = :d"), {"d": draft_id}).scalar()
    first = first if first is not None and first <= cp.seq else cp.seq + 1
    events, prev = [], None
    for row in session.execute(_ROWS, {"first": first, "last": cp.seq}):
        prev = row.prev_hash if prev is None else prev
        at, data = as_datetime(row.at), as_json(row.data)
        if row.draft_id == draft_id or row.seq < keyed_from:   # legacy hashes have no separate body digest
            events.append({"seq": row.seq, "at": at.isoformat(timespec="microseconds"), "actor": row.actor_id,
                           "action": row.action, "draft": row.draft_id, "data": data, "hash": row.hash,
                           "legacy": row.seq < keyed_from})
        else:
            events.append({"seq": row.seq, "digest": body_digest(row.seq, at, row.actor_id, row.action,
                                                                 row.draft_id, data), "hash": row.hash})
    signer_pem = (checkpoint_path.parent / f"signer-{cp.signer}.pem").read_text()
    return {"format": FORMAT, "draft_id": draft_id, "prev_hash": prev or cp.head, "events": events,
            "checkpoint": json.loads(checkpoint_path.read_text()), "signer_pem": signer_pem}


def check_proof(proof, public_keys: dict | None = None):
    """Check a proof offline; return (checkpoint, events of the draft). Raises ProofError, CheckpointError."""
    if not isinstance(proof, dict) or proof.get("format") != FORMAT or not isinstance(proof.get("events"), list):
        raise MalformedPackError("not a reviewq audit proof")
    cp = parse_checkpoint(proof.get("checkpoint"))
    keys = public_keys or {}
    public = keys.get(cp.signer) or load_public_key(str(proof.get("signer_pem", "")).encode(), cp.signer,
                                                    "the proof's signer key")
    check_signature(cp, proof["checkpoint"]["signature"], public)
    prev, expected, mine = proof.get("prev_hash"), None, []
    if not isinstance(prev, str):
        raise MalformedPackError("the proof has no prev_hash")
    for ev in proof["events"]:
        seq = ev.get("seq") if isinstance(ev, dict) else None
        if not isinstance(seq, int) or (expected is not None and seq != expected):
            raise ProofError(f"the proof's events are not consecutive at event {seq!r}")
        digest = _recompute(ev, prev)
        if digest != ev.get("hash"):
            raise ProofError(f"event #{seq} in the proof does not match its hash: it was altered")
        if "digest" not in ev:
            mine.append(ev)
        prev, expected = digest, seq + 1
    if (expected is not None and expected - 1 != cp.seq) or prev != cp.head:
        raise ProofError(f"the proof's events do not lead to the head {cp.name} vouches for (event #{cp.seq})")
    return cp, mine


def _recompute(ev: dict, prev: str) -> str:
    try:
        if "digest" in ev:
            return link_hash(prev, str(ev["digest"]))
        at = datetime.fromisoformat(ev["at"])
        formula = legacy_hash if ev.get("legacy") else event_hash
        return formula(prev, ev["seq"], at, ev["actor"], ev["action"], ev["draft"], ev["data"])
    except (KeyError, TypeError, ValueError):
        raise MalformedPackError(f"event #{ev.get('seq')} in the proof is malformed") from None


def read_pack(path: Path) -> dict:
    """The proof inside an evidence pack; ProofError when the file is not a pack with one."""
    try:
        with zipfile.ZipFile(path) as z:
            return json.loads(z.read(PACK_MEMBER))
    except FileNotFoundError:
        raise MalformedPackError(f"{path} does not exist") from None
    except KeyError:
        raise MalformedPackError(f"{path} has no {PACK_MEMBER}") from None
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise MalformedPackError(f"{path} is not a readable evidence pack ({type(e).__name__})") from None


def compare_with_database(session: Session, proof: dict) -> int | None:
    """The first seq whose hash in the database differs from the proof's (None: all the same)."""
    events = proof["events"]
    if not events:
        return None
    stored = dict(session.execute(text("SELECT seq, hash FROM audit_events WHERE seq >= :a AND seq <= :b"),
                                  {"a": events[0]["seq"], "b": events[-1]["seq"]}).all())
    for ev in events:
        if stored.get(ev["seq"]) != ev["hash"]:
            return ev["seq"]
    return None


def proof_for_draft(session: Session, draft_id: int, now: datetime) -> dict:
    """Sign the chain's head now and prove the draft's events against it (for the evidence pack).

    Call it before writing anything in the session's transaction: the checkpoint
    vouches for what the session sees, which must be committed history.
    """
    from reviewq.audit.jobs import write_checkpoint_now
    path, _ = write_checkpoint_now(session, now)
    keyed_from = session.execute(text("SELECT keyed_from FROM audit_head WHERE id = 1")).scalar() or 1
    return build_proof(session, draft_id, path, keyed_from)


def verify_pack(session: Session, path: Path, folder: Path | None = None):
    """(exit code, one line): the pack's proof offline, then the database against it and its checkpoint.

    With `folder`, the checkpoint's signer must be one of the folder's public keys
    (the pack's own copy of the key is not trusted then). Raises MalformedPackError,
    CheckpointError for bad input.
    """
    from reviewq.audit.checkpoints import checkpoint_files
    from reviewq.audit.verify import checkpoints_for, verify
    proof = read_pack(path)
    public_keys = None
    if folder is not None:
        checkpoint_files(folder)   # the folder must exist
        cp = parse_checkpoint(proof.get("checkpoint") if isinstance(proof, dict) else None)
        pem = folder / f"signer-{cp.signer}.pem"
        if not pem.is_file():
            return 1, f"evidence pack BROKEN: its checkpoint was signed by key {cp.signer}, not one in {folder}"
        public_keys = {cp.signer: load_public_key(pem.read_bytes(), cp.signer, pem.name)}
    try:
        cp, mine = check_proof(proof, public_keys)
    except MalformedPackError:
        raise
    except ProofError as e:
        return 1, f"evidence pack BROKEN: {e}"
    differs = compare_with_database(session, proof)
    if differs is not None:
        return 1, f"evidence pack and database DIFFER: event #{differs} is not the same in both"
    verdict = verify(session, [cp] + checkpoints_for(folder))
    if not verdict.ok:
        return 1, verdict.summary()
    return 0, (f"evidence pack intact: {len(mine)} events of draft #{proof.get('draft_id')} lead to the head "
               f"that checkpoint #{cp.seq} (signed {cp.at} by key {cp.signer}) vouches for; the database "
               f"extends it ({verdict.checked} events)")
