"""API views for drafts: list, create, read, edit, attach, submit, withdraw, decide, schedule, history.

Thin: each view calls one operation (which checks permissions and sends the
signals) and serialises the result. Another user's draft answers 404, never
revealing whether it exists.
"""
from __future__ import annotations

from flask import current_app, request, send_file

from reviewq.api import bp, current, ok
from reviewq.api import schemas as S
from reviewq.api import serialize as out
from reviewq.api.spec import UnsupportedMediaTypeError, cursor_of, operation, parse_when
from reviewq.clock import now_utc
from reviewq.consents import tasks as consent_tasks
from reviewq.consents.operations import link_consents as link, link_face as link_face_op
from reviewq.consents.permissions import consent_ref
from reviewq.consents.queries import consents_named
from reviewq.core.errors import NotFoundError, ReviewqError, ValidationError
from reviewq.drafts import operations as drafts
from reviewq.drafts import queries, redaction
from reviewq.drafts.checking import load_policy
from reviewq.drafts.queries import get_attachment, get_visible_draft
from reviewq.extensions import db
from reviewq.review import operations as decisions
from reviewq.storage import path_of

DRAFT = {"description": "the draft", "schema": S.ref("Draft")}


def _settings():
    return current_app.config["REVIEWQ"]


def _full(draft_id: int, status: int = 200):
    d = get_visible_draft(db.session, current(), draft_id)
    return ok(out.draft_full(db.session, d), status)


@operation(bp, "/drafts", "GET", summary="List the drafts you may see, newest first", tag="drafts",
           query=S.LIST_QUERY, responses={200: {"description": "one page", "schema": S.ref("DraftPage")}})
def list_drafts(args):
    """Filters combine with AND. Pages are keyset-paginated on the draft id, so a page never repeats or
    skips a draft when new ones arrive; pass `next_cursor` back as `cursor` for the next page."""
    f = queries.DraftFilter(state=args.get("state"), stage=args.get("stage"), author_id=args.get("author"),
                            channel=args.get("channel"), mine=args.get("mine", False),
                            created_from=parse_when(args.get("created_from"), "created_from"),
                            created_to=parse_when(args.get("created_to"), "created_to"))
    q = queries.drafts_query(current(), f, with_revisions=True)
    rows, nxt = queries.page(db.session, q, after_id=cursor_of(args), limit=args.get("limit", 50))
    return ok({"drafts": [out.draft_summary(d) for d in rows], "next_cursor": str(nxt) if nxt else None})


@operation(bp, "/drafts", "POST", summary="Create a draft", tag="drafts", body=S.DRAFT_IN,
           responses={201: {"description": "created", "schema": S.ref("Draft")}}, errors=(403,))
def create_draft(data):
    d = drafts.create_draft(db.session, current(), body=data["body"], channels=data["channels"],
                            requested_release_at=parse_when(data.get("requested_release_at"),
                                                            "requested_release_at"),
                            title=data.get("title", ""), now=now_utc(),
                            form_token=request.headers.get("Idempotency-Key") or None)
    return _full(d.id, 201)


@operation(bp, "/drafts/<int:draft_id>", "GET", summary="One draft with findings, approvals and history",
           tag="drafts", responses={200: DRAFT})
def get_draft(draft_id):
    # Read-only: Core rows, no ORM entities (docs/performance.md); same JSON as _full.
    return ok(out.draft_full(db.session, queries.visible_draft_view(db.session, current(), draft_id), rows=True))


def _edit(draft_id: int, data: dict, *, partial: bool):
    user = current()
    d = get_visible_draft(db.session, user, draft_id)
    rev = d.revision
    if not partial and ("body" not in data or "channels" not in data):
        missing = "body" if "body" not in data else "channels"
        raise ValidationError(f"{missing}: required (use PATCH to change only some fields).", {missing: "required"})
    kw = {}
    if "requested_release_at" in data:
        kw["requested_release_at"] = parse_when(data["requested_release_at"], "requested_release_at")
    alt = {int(k): v for k, v in (data.get("alt_texts") or {}).items()}
    drafts.edit_draft(db.session, user, d.id, body=data.get("body", rev.body),
                      channels=data.get("channels", rev.channels), now=now_utc(), alt_texts=alt,
                      remove_attachment_ids=data.get("remove_attachment_ids", ()),
                      expected_revision=data.get("revision"), **kw)
    return _full(d.id)


_EDIT_DOC = ("A change of text, channels or attachments makes a new revision and voids earlier approvals; "
             "a save that changes nothing makes none. Give `revision` to be refused (409) if someone "
             "else changed the draft since you read it.")


@operation(bp, "/drafts/<int:draft_id>", "PUT", summary="Replace a draft's content (new revision)",
           tag="drafts", body=S.EDIT_IN, responses={200: DRAFT}, errors=(403, 409), description=_EDIT_DOC)
def replace_draft(draft_id, data):
    return _edit(draft_id, data, partial=False)


@operation(bp, "/drafts/<int:draft_id>", "PATCH", summary="Change some of a draft's content (new revision)",
           tag="drafts", body=S.EDIT_IN, responses={200: DRAFT}, errors=(403, 409), description=_EDIT_DOC)
def patch_draft(draft_id, data):
    return _edit(draft_id, data, partial=True)


@operation(bp, "/drafts/<int:draft_id>/attachments", "POST", summary="Attach an image or video",
           tag="drafts", multipart=S.UPLOAD_IN, errors=(400, 403, 409, 413, 415, 422),
           responses={201: {"description": "stored", "schema": S.ref("Attachment")}})
def add_attachment(draft_id):
    """Multipart form with `file` and `alt_text`. The type is sniffed from the bytes; a new revision is made."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaTypeError("Send the file as multipart/form-data with fields file and alt_text.")
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("file: required", {"file": "required"})
    alt = request.form.get("alt_text", "")
    if "\x00" in alt:
        raise ValidationError("alt_text: invalid characters", {"alt_text": "invalid characters"})
    s = _settings()
    name = (upload.filename or "upload").replace("\x00", "")
    att = drafts.add_attachment(db.session, current(), draft_id, drafts.Upload(upload.stream, name, alt),
                                now=now_utc(), upload_dir=s.upload_dir, max_bytes=s.max_upload_bytes)
    return ok(out.attachment(att, draft_id), 201)


@operation(bp, "/drafts/<int:draft_id>/attachments/<int:attachment_id>", "GET", summary="Download an attachment",
           tag="drafts", responses={200: {"description": "the file", "content_type": "application/octet-stream"}})
def download_attachment(draft_id, attachment_id):
    att = get_attachment(db.session, current(), draft_id, attachment_id)
    path = path_of(_settings().upload_dir, att.storage_key)
    if redaction.original_gone(att, now_utc()) or not path.is_file():
        raise NotFoundError("No such attachment.")
    return send_file(path, mimetype=att.content_type, as_attachment=True, download_name=att.original_name,
                     etag=att.sha256, max_age=0)


@operation(bp, "/drafts/<int:draft_id>/attachments/<int:attachment_id>/redact", "POST",
           summary="Blur or box areas of an image into a new version", tag="drafts", body=S.REDACT_IN,
           errors=(403, 409, 422), responses={201: {"description": "the new version", "schema": S.ref("Attachment")}})
def redact_attachment(draft_id, attachment_id, data):
    """The new file replaces the image in a new revision (an edit: approvals voided, the checks run again);
    the original is deleted after the policy's media.keep_original_days. Author only, while editable."""
    s = _settings()
    att = redaction.redact_attachment(db.session, current(), draft_id, attachment_id, regions=data["regions"],
                                      mode=data["mode"], now=now_utc(), upload_dir=s.upload_dir,
                                      policy=load_policy(db.session, s.policy_file))
    return ok(out.attachment(att, draft_id), 201)


@operation(bp, "/drafts/<int:draft_id>/submit", "POST", summary="Run the checks and send to review",
           tag="workflow", body=S.SUBMIT_IN, body_required=False, responses={200: DRAFT}, errors=(403, 409))
def submit_draft(draft_id, data):
    """422 with `findings` (the blocking ones, or the warnings) and `missing_justifications` (finding keys)
    when the draft cannot go yet; the findings are stored on the revision either way."""
    # A refusal keeps the findings stored on the revision (BlockingFindingsError.keeps_changes).
    drafts.submit_draft(db.session, current(), draft_id, now=now_utc(),
                        policy=load_policy(db.session, _settings().policy_file), upload_dir=_settings().upload_dir,
                        justifications=data.get("justifications"), expected_revision=data.get("revision"))
    return _full(draft_id)


@operation(bp, "/drafts/<int:draft_id>/withdraw", "POST", summary="Withdraw your draft (final)", tag="workflow",
           responses={200: DRAFT}, errors=(403, 409))
def withdraw_draft(draft_id):
    drafts.withdraw_draft(db.session, current(), draft_id, now=now_utc())
    return _full(draft_id)


@operation(bp, "/drafts/<int:draft_id>/decision", "POST", summary="Decide the stage the draft waits in",
           tag="workflow", body=S.DECISION_IN, responses={200: DRAFT}, errors=(403, 409))
def decide(draft_id, data):
    """`revision` is the revision you reviewed: 409 if the draft changed since, or if someone decided this
    stage first. request_changes and reject need a `comment`. `expected_stage` names the stage you
    decide, so a decision never lands on a later stage you also hold the role for: 400 without it, 409
    when the draft is no longer waiting in it."""
    if "expected_stage" not in data:
        raise ReviewqError("expected_stage: required. Name the stage you decide (review, legal or comms).",
                           fields={"expected_stage": "required"})
    decisions.decide(db.session, current(), draft_id, data["decision"], revision=data["revision"],
                     comment=data.get("comment", ""), now=now_utc(), via="api",
                     expected_stage=data["expected_stage"])
    return _full(draft_id)


@operation(bp, "/drafts/<int:draft_id>/schedule", "POST", summary="Schedule an approved draft (comms)",
           tag="releases", body=S.SCHEDULE_IN, responses={200: DRAFT}, errors=(403, 409))
def schedule(draft_id, data):
    """Also reschedules a scheduled draft. Without `release_at`, the time the author asked for. `channels` may narrow the release to some of the approved channels."""
    from reviewq.releases.operations import schedule_release
    d = schedule_release(db.session, current(), draft_id, release_at=parse_when(data.get("release_at"), "release_at"),
                         now=now_utc(), channels=data.get("channels"))
    return ok({**out.draft_full(db.session, d), "release_warnings": list(getattr(d, "release_warnings", []))})


@operation(bp, "/drafts/<int:draft_id>/unschedule", "POST", summary="Take a draft off the calendar (comms)",
           tag="releases", body=S.UNSCHEDULE_IN, body_required=False, responses={200: DRAFT}, errors=(403, 409))
def unschedule(draft_id, data):
    from reviewq.releases.operations import unschedule_release
    unschedule_release(db.session, current(), draft_id, now=now_utc(), reason=data.get("reason", ""))
    return _full(draft_id)


@operation(bp, "/drafts/<int:draft_id>/history", "GET", summary="The draft's audit history", tag="drafts",
           responses={200: {"description": "events, oldest first", "schema": S.HISTORY_OUT}})
def draft_history(draft_id):
    """From the hash-chained audit log: who did what, when. Carries no post text."""
    d = get_visible_draft(db.session, current(), draft_id)
    return ok({"history": out.history(db.session, d.id)})


@operation(bp, "/drafts/<int:draft_id>/consents", "POST", summary="Link consent records to a draft",
           tag="consents", body=S.LINK_IN, errors=(403,),
           responses={200: {"description": "every consent now linked",
                            "schema": S.obj({"consents": {"type": "array", "items": S.ref("Consent")}},
                                            ["consents"], extra=True)}})
def link_consents(draft_id, data):
    """The author, comms, legal or an admin. The next submit's consent check sees them."""
    rows = link(db.session, current(), draft_id, data["consent_ids"], now=now_utc(),
                secret=current_app.config["REVIEWQ"].secret_key, mention=data.get("mention"))
    return ok({"consents": [out.consent(c) for c in rows]})


@operation(bp, "/drafts/<int:draft_id>/consents/search", "GET", summary="Consents of a person the draft names",
           tag="consents", query={"name": {"type": "string", "minLength": 1, "maxLength": 200}},
           responses={200: {"description": "records of exactly that name: scope and validity, with the reference "
                                           "to link them", "schema": {"type": "object"}}})
def search_consents(draft_id, args):
    """The draft's author: only records of a name written in the post, spelled the same."""
    secret = current_app.config["REVIEWQ"].secret_key
    rows = consents_named(db.session, current(), draft_id, args.get("name", ""))
    return ok({"consents": [dict(out.consent_scope(c), reference=consent_ref(secret, c.id)) for c in rows]})


@operation(bp, "/drafts/<int:draft_id>/consents/faces", "POST", summary="Link a face on an attachment to a consent",
           tag="consents", body=S.FACE_IN, errors=(403,), responses={200: {"description": "linked",
                                                                          "schema": {"type": "object"}}})
def link_face(draft_id, data):
    row = link_face_op(db.session, current(), draft_id, data["attachment_id"], data["box"], data["consent_id"],
                       now=now_utc(), secret=current_app.config["REVIEWQ"].secret_key)
    return ok({"attachment_id": row.attachment_id, "box": [int(v) for v in row.box.split(",")],
               "consent_id": row.consent_id})


@operation(bp, "/drafts/<int:draft_id>/consent-requests", "POST", summary="Ask comms for a patient's consent",
           tag="consents", body=S.REQUEST_IN, errors=(403,),
           responses={201: {"description": "the request task", "schema": {"type": "object"}}})
def request_consent(draft_id, data):
    task = consent_tasks.request_consent(db.session, current(), draft_id, subject_name=data["subject_name"],
                                         note=data.get("note", ""), now=now_utc())
    return ok(out.consent_task(task), 201)
