"""Model → JSON for the API, in the shapes reviewq.api.schemas documents.

Only what the caller may already see goes out: callers pass drafts they got
from the visibility-checked queries. Datetimes are ISO 8601 UTC with `Z`.
"""
from __future__ import annotations

from flask import url_for

from reviewq.api.spec import iso
from reviewq.consents.queries import linked_consent_rows, linked_consents
from reviewq.drafts.queries import draft_history, draft_history_rows, with_revisions
from reviewq.models import Consent, Decision, Draft, User

MAX_HISTORY = 1000


def preload(session, drafts: list[Draft]) -> list[Draft]:
    """Load the revisions of many drafts in a few queries instead of one per draft (lists, calendar)."""
    return with_revisions(session, drafts)


def person(user: User | None) -> dict | None:
    return None if user is None else {"id": user.id, "name": user.name}


def draft_summary(d: Draft) -> dict:
    rev = d.revision
    return {"id": d.id, "title": d.title or "", "state": d.state, "revision": d.current_revision,
            "body": rev.body if rev else "", "channels": list(d.channels or []), "author": person(d.author),
            "created_at": iso(d.created_at), "updated_at": iso(d.updated_at),
            "requested_release_at": iso(d.requested_release_at), "release_at": iso(d.release_at),
            "published_at": iso(d.published_at), "stage_entered_at": iso(d.stage_entered_at),
            "url": url_for("api.get_draft", draft_id=d.id)}


def decision(x: Decision) -> dict:
    return {"stage": x.stage, "decision": x.decision, "user": person(x.user), "at": iso(x.created_at),
            "revision": x.revision_number, "comment": x.comment or "", "via": x.via, "voided": bool(x.voided)}


def attachment(a, draft_id: int) -> dict:
    return {"id": a.id, "name": a.original_name, "content_type": a.content_type, "size": a.size_bytes,
            "sha256": a.sha256, "alt_text": a.alt_text or "", "width": a.width, "height": a.height,
            "url": url_for("api.download_attachment", draft_id=draft_id, attachment_id=a.id)}


def consent(c: Consent) -> dict:
    return {"id": c.id, "subject_name": c.subject_name, "covers": list(c.covers or []),
            "channels": list(c.channels or []), "valid_from": iso(c.valid_from), "valid_until": iso(c.valid_until),
            "note": c.note or "", "created_at": iso(c.created_at), "revoked": c.revoked_at is not None,
            "revoked_at": iso(c.revoked_at), "relation": c.relation or "patient", "signed_by": c.signed_by or "",
            "has_form": bool(c.form_key)}


def consent_scope(c: Consent) -> dict:
    """What an author searching by the exact name they wrote may see: scope and validity, no note or form."""
    return {"subject_name": c.subject_name, "relation": c.relation or "patient", "covers": list(c.covers or []),
            "channels": list(c.channels or []), "valid_from": iso(c.valid_from), "valid_until": iso(c.valid_until),
            "revoked": c.revoked_at is not None}


def consent_task(t) -> dict:
    return {"id": t.id, "kind": t.kind, "draft_id": t.draft_id, "consent_id": t.consent_id,
            "subject_name": t.subject_name, "channels": list(t.channels or []), "published_at": iso(t.published_at),
            "assigned_role": t.assigned_role, "due_at": iso(t.due_at), "created_at": iso(t.created_at),
            "done_at": iso(t.done_at)}


def history(session, draft_id: int) -> list[dict]:
    events, users = draft_history(session, draft_id, MAX_HISTORY)
    return [{"seq": e.seq, "at": iso(e.at), "action": e.action, "actor": person(users.get(e.actor_id)),
             "data": e.data or {}} for e in events]


def history_rows(session, draft_id: int) -> list[dict]:
    """As history(), from Core rows (the read-only draft view)."""
    return [{"seq": e.seq, "at": iso(e.at), "action": e.action,
             "actor": None if e.actor_name is None else {"id": e.actor_id, "name": e.actor_name},
             "data": e.data or {}} for e in draft_history_rows(session, draft_id, MAX_HISTORY)]


def draft_full(session, d: Draft, *, rows: bool = False) -> dict:
    rev = d.revision
    in_rev = {a["id"] for a in (rev.attachments if rev else [])}
    return {
        **draft_summary(d),
        "findings": list(rev.findings or []) if rev else [],
        "checked_at": iso(rev.checked_at) if rev else None,
        "policy_version": rev.policy_version if rev else None,
        "revisions": [{"number": r.number, "content_hash": r.content_hash, "checked_at": iso(r.checked_at),
                       "policy_version": r.policy_version} for r in sorted(d.revisions, key=lambda r: r.number)],
        "justifications": dict(rev.justifications or {}) if rev else {},
        "approvals": [decision(x) for x in d.standing_approvals()],
        "decisions": [decision(x) for x in d.decisions],
        "attachments": [attachment(a, d.id) for a in d.attachments if a.id in in_rev],
        "consents": [consent(c) for c in (linked_consent_rows(session, d.id) if rows else linked_consents(session, d))],
        "history": history_rows(session, d.id) if rows else history(session, d.id),
        "release_error": d.release_error, "publisher_ref": d.publisher_ref,
    }
