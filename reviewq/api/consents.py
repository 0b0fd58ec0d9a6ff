"""The consent registry in the API: list, register, read and revoke consents."""
from __future__ import annotations

from flask import current_app

from reviewq.api import bp, current, ok
from reviewq.api import schemas as S
from reviewq.api import serialize as out
from reviewq.api.spec import cursor_of, operation, parse_when
from reviewq.clock import now_utc
from reviewq.consents import operations as consents
from reviewq.consents.permissions import consent_ref
from reviewq.consents import tasks
from reviewq.consents.queries import consents_page, get_consent as fetch_consent, open_tasks
from reviewq.extensions import db

CONSENT = {"description": "the consent record", "schema": S.ref("Consent")}


@operation(bp, "/consents", "GET", summary="The consent registry, newest first", tag="consents",
           query=S.CONSENT_QUERY, errors=(403,),
           responses={200: {"description": "one page", "schema": S.CONSENTS_OUT}})
def list_consents(args):
    """Comms, legal and admins. `q` searches subject names."""
    rows, nxt = consents_page(db.session, current(), search=args.get("q", ""),
                              include_revoked=args.get("include_revoked", True), after_id=cursor_of(args),
                              limit=args.get("limit", 50))
    return ok({"consents": [_with_ref(c) for c in rows], "next_cursor": str(nxt) if nxt else None})


@operation(bp, "/consents", "POST", summary="Register a signed consent (comms, legal, admin)", tag="consents",
           body=S.CONSENT_IN, errors=(403,), responses={201: CONSENT})
def create_consent(data):
    c = consents.create_consent(
        db.session, current(), subject_name=data["subject_name"], covers=data["covers"],
        channels=data.get("channels"), note=data.get("note", ""),
        valid_from=parse_when(data.get("valid_from"), "valid_from"),
        valid_until=parse_when(data.get("valid_until"), "valid_until"), relation=data.get("relation", "patient"),
        signed_by=data.get("signed_by", ""), task_id=data.get("task_id"), now=now_utc())
    return ok(_with_ref(c), 201)


def _with_ref(c) -> dict:
    """A registry answer: the consent and the reference its keepers hand to the author."""
    return dict(out.consent(c), reference=consent_ref(current_app.config["REVIEWQ"].secret_key, c.id),
                revoke_reason=c.revoke_reason)


@operation(bp, "/consents/<int:consent_id>", "GET", summary="One consent record", tag="consents",
           responses={200: CONSENT})
def get_consent(consent_id):
    return ok(_with_ref(fetch_consent(db.session, current(), consent_id)))


@operation(bp, "/consents/<int:consent_id>/revoke", "POST", summary="Revoke a consent (comms, legal, admin)",
           tag="consents", body=S.REVOKE_IN, body_required=False, errors=(403,), responses={200: CONSENT})
def revoke_consent(consent_id, data):
    """At once, in the same transaction: every waiting, approved or scheduled post relying on it goes back
    to its author (changes_requested) and each published one gets a takedown task for comms."""
    return ok(_with_ref(consents.revoke_consent(db.session, current(), consent_id, now=now_utc(),
                                                reason=(data or {}).get("reason", ""))))


@operation(bp, "/consent-tasks", "GET", summary="Open consent requests and takedowns (comms, legal, admin)",
           tag="consents", errors=(403,),
           responses={200: {"description": "the open tasks, oldest first",
                            "schema": S.obj({"tasks": {"type": "array", "items": {"type": "object"}}},
                                            ["tasks"], extra=True)}})
def list_tasks():
    return ok({"tasks": [out.consent_task(t) for t in open_tasks(db.session, current())]})


@operation(bp, "/consent-tasks/<int:task_id>/done", "POST", summary="Mark a consent task done",
           tag="consents", body=S.TASK_DONE_IN, body_required=False, errors=(403,),
           responses={200: {"description": "the task", "schema": {"type": "object"}}})
def task_done(task_id, data):
    return ok(out.consent_task(tasks.complete_task(db.session, current(), task_id, now=now_utc(),
                                                   note=(data or {}).get("note", ""))))
