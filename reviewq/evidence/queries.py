"""The machine-readable evidence record of one post (plain JSON values, no ORM objects)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewq.consents.queries import linked_consents
from reviewq.models import Draft, ReleaseAttempt, User

FORMAT = "reviewq-evidence/1"


def _iso(dt):
    return dt.isoformat() if dt is not None else None


def evidence_record(session: Session, draft: Draft, proof: dict) -> dict:
    """Every revision (hash, findings, policy version, justifications), decision, consent and release
    of `draft`, and its audit events as the proof carries them."""
    revisions = sorted(draft.revisions, key=lambda r: r.number)
    hashes = {r.number: r.content_hash for r in revisions}
    user_ids = {d.user_id for d in draft.decisions} | {draft.author_id}
    consents = linked_consents(session, draft)
    user_ids |= {c.created_by_id for c in consents}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(user_ids)))}
    attempts = session.scalars(select(ReleaseAttempt).where(ReleaseAttempt.draft_id == draft.id)
                               .order_by(ReleaseAttempt.id)).all()
    released = next((a for a in attempts if a.outcome == "published"), None)
    released_rev = next((r for r in revisions if released and r.number == released.revision), None)
    return {
        "format": FORMAT, "draft_id": draft.id, "state": draft.state,
        "author": _person(users.get(draft.author_id)),
        "revisions": [{"number": r.number, "content_hash": r.content_hash, "body": r.body,
                       "channels": list(r.channels or []), "attachments": list(r.attachments or []),
                       "submitted_at": _iso(r.created_at), "checked_at": _iso(r.checked_at),
                       "policy_version": r.policy_version, "findings": list(r.findings or []),
                       "justifications": dict(r.justifications or {})} for r in revisions],
        "decisions": [{"stage": d.stage, "decision": d.decision, "by": _person(d.user or users.get(d.user_id)),
                       "revision": d.revision_number, "revision_hash": hashes.get(d.revision_number),
                       "via": d.via, "at": _iso(d.created_at), "comment": d.comment, "voided": d.voided}
                      for d in sorted(draft.decisions, key=lambda d: (d.created_at, d.id))],
        "consents": [{"id": c.id, "subject_name": c.subject_name, "covers": list(c.covers or []),
                      "channels": list(c.channels or []), "valid_from": _iso(c.valid_from),
                      "valid_until": _iso(c.valid_until), "revoked_at": _iso(c.revoked_at),
                      "recorded_by": _person(users.get(c.created_by_id)), "recorded_at": _iso(c.created_at)}
                     for c in consents],
        "release": {
            "release_at": _iso(draft.release_at), "published_at": _iso(draft.published_at),
            "publisher_ref": draft.publisher_ref, "release_error": draft.release_error,
            "released_copy": None if released_rev is None else {
                "revision": released_rev.number, "content_hash": released_rev.content_hash,
                "body": released_rev.body, "channels": list(released_rev.channels or []),
                "attachments": list(released_rev.attachments or [])},
            "attempts": [{"revision": a.revision, "idempotency_key": a.idempotency_key, "outcome": a.outcome,
                          "started_at": _iso(a.started_at), "finished_at": _iso(a.finished_at),
                          "answer": a.publisher_ref, "error": a.error} for a in attempts]},
        "audit": {"checkpoint_seq": proof["checkpoint"].get("seq"), "proof": "audit/proof.json",
                  "events": [{"seq": e["seq"], "at": e["at"], "actor": e["actor"], "action": e["action"],
                              "data": e["data"], "hash": e["hash"]} for e in proof["events"] if "digest" not in e]},
    }


def _person(u: User | None) -> dict | None:
    return None if u is None else {"id": u.id, "name": u.name, "email": u.email}
