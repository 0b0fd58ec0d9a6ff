"""API views beyond single drafts: scan, who am I, the review queue, the calendar, the consent registry."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from reviewq import checks
from reviewq.api import bp, current, ok
from reviewq.api import schemas as S
from reviewq.api import serialize as out
from reviewq.api.spec import cursor_of, iso, operation, parse_when
from reviewq.clock import now_utc
from reviewq.consents import operations as consents
from reviewq.consents.queries import consents_page, get_consent as fetch_consent
from reviewq.core.errors import ValidationError
from reviewq.drafts.checking import load_policy
from reviewq.extensions import db
from reviewq.review.queries import review_queue, stage_counts

MAX_CALENDAR = timedelta(days=400)
CONSENT = {"description": "the consent record", "schema": S.ref("Consent")}


@operation(bp, "/scan", "POST", summary="Check a text without saving anything", tag="checks", body=S.SCAN_IN,
           responses={200: {"description": "the findings", "schema": S.FINDINGS_OUT}})
def scan(data):
    """The same checks and policy as submission, minus consents and attachments (nothing is linked yet)."""
    policy = load_policy(db.session, current_app.config["REVIEWQ"].policy_file)
    found = checks.run_all(data["text"], data.get("channels") or [], policy=policy, now=now_utc())
    return ok({"findings": [f.to_dict() for f in found]})


@operation(bp, "/me", "GET", summary="The user the token belongs to", tag="account",
           responses={200: {"description": "you", "schema": S.ME_OUT}})
def me():
    u = current()
    return ok({"id": u.id, "name": u.name, "email": u.email, "roles": sorted(u.roles)})


@operation(bp, "/queue", "GET", summary="Drafts waiting for a decision you can make, oldest first",
           tag="workflow", responses={200: {"description": "your queue", "schema": S.QUEUE_OUT}})
def queue():
    rows = out.preload(db.session, review_queue(db.session, current()))
    return ok({"drafts": [out.draft_summary(d) for d in rows], "counts": stage_counts(db.session)})


@operation(bp, "/calendar", "GET", summary="Scheduled and published posts in a time range", tag="releases",
           query=S.CALENDAR_QUERY, responses={200: {"description": "entries by release time",
                                                    "schema": S.CALENDAR_OUT}})
def calendar(args):
    """`from` defaults to now and `to` to 30 days after `from`; at most 400 days at once."""
    from reviewq.releases.queries import calendar_entries
    start = parse_when(args.get("from"), "from") or now_utc()
    end = parse_when(args.get("to"), "to") or start + timedelta(days=30)
    if end <= start:
        raise ValidationError("to: must be after from.", {"to": "before from"})
    if end - start > MAX_CALENDAR:
        raise ValidationError("to: ask for at most 400 days at once.", {"to": "range too long"})
    rows = calendar_entries(db.session, current(), start, end,
                            channels=[args["channel"]] if "channel" in args else None,
                            states=[args["state"]] if "state" in args else None)
    return ok({"entries": [out.draft_summary(d) for d in out.preload(db.session, rows)], "from": iso(start),
               "to": iso(end)})


@operation(bp, "/consents", "GET", summary="The consent registry, newest first", tag="consents",
           query=S.CONSENT_QUERY, errors=(403,),
           responses={200: {"description": "one page", "schema": S.CONSENTS_OUT}})
def list_consents(args):
    """Comms, legal, admins, reviewers and auditors. `q` searches subject names."""
    rows, nxt = consents_page(db.session, current(), search=args.get("q", ""),
                              include_revoked=args.get("include_revoked", True), after_id=cursor_of(args),
                              limit=args.get("limit", 50))
    return ok({"consents": [out.consent(c) for c in rows], "next_cursor": str(nxt) if nxt else None})


@operation(bp, "/consents", "POST", summary="Register a signed consent (comms, legal, admin)", tag="consents",
           body=S.CONSENT_IN, errors=(403,), responses={201: CONSENT})
def create_consent(data):
    c = consents.create_consent(
        db.session, current(), subject_name=data["subject_name"], covers=data["covers"],
        channels=data.get("channels"), note=data.get("note", ""),
        valid_from=parse_when(data.get("valid_from"), "valid_from"),
        valid_until=parse_when(data.get("valid_until"), "valid_until"), now=now_utc())
    return ok(out.consent(c), 201)


@operation(bp, "/consents/<int:consent_id>", "GET", summary="One consent record", tag="consents",
           responses={200: CONSENT})
def get_consent(consent_id):
    return ok(out.consent(fetch_consent(db.session, current(), consent_id)))


@operation(bp, "/consents/<int:consent_id>/revoke", "POST", summary="Revoke a consent (comms, legal, admin)",
           tag="consents", errors=(403,), responses={200: CONSENT})
def revoke_consent(consent_id):
    """From now on the consent check treats it as missing; drafts already approved are not re-checked."""
    return ok(out.consent(consents.revoke_consent(db.session, current(), consent_id, now=now_utc())))


from reviewq.api import openapi  # noqa: E402,F401  (the document and docs page, registered last)
