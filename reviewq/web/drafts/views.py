"""Authoring pages: my drafts, new draft, edit and resubmit, submit, withdraw, attachments.

Views parse forms and call reviewq.drafts.operations (create_draft,
edit_draft, submit_draft, withdraw_draft); they decide nothing about
permissions or states themselves. Each request is one unit of work
(reviewq.web.unit_of_work): it commits after a successful response, and a
refusal shown next to the form is undone by unit_of_work.attempt().
"""
from __future__ import annotations

import secrets

from flask import (Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, send_file,
                   url_for)
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.core.errors import BlockingFindingsError, NotFoundError, PermissionDeniedError, ValidationError
from reviewq.core.ids import as_id
from reviewq.drafts.checking import live_findings, load_policy
from reviewq.drafts.operations import (Upload, check_submit, create_draft, edit_draft, may, submit_draft,
                                       withdraw_draft)
from reviewq.drafts.permissions import can_edit_draft, can_search_drafts, can_write_drafts, landing_endpoint
from reviewq.drafts.redaction import original_gone
from reviewq.drafts.queries import (DraftFilter, authors, current_attachments, drafts_query, get_attachment,
                                    get_visible_draft, page, parse_search, search_drafts)
from reviewq.extensions import db
from reviewq.media import THUMB_TYPE
from reviewq.storage import path_of
from reviewq.web.drafts.forms import DraftForm
from reviewq.web.drafts.pictures import attachment_images, preview_context
from reviewq.web.forms import ConfirmForm, field_errors
from reviewq.web.local_time import LocalTimeError, local_input, org_tz, parse_local
from reviewq.web.unit_of_work import attempt, keep_changes

bp = Blueprint("drafts", __name__)
PAGE_SIZE = 25


def _settings():
    return current_app.config["REVIEWQ"]


def _cursor(name: str) -> int | None:
    return as_id(request.args.get(name))


@bp.route("/")
@login_required
def home():
    """Everyone's starting page: the one their role works from (landing_endpoint), else My drafts."""
    target = landing_endpoint(current_user, current_app.view_functions)
    if target is not None:
        return redirect(url_for(target))
    return mine()


@bp.route("/mine")
@login_required
def mine():
    if not can_write_drafts(current_user):
        # Read-only accounts write nothing: the audit log is their starting page.
        return redirect(url_for("audit.index"))
    rows, more = page(db.session, drafts_query(current_user, DraftFilter(mine=True), with_revisions=True),
                      after_id=_cursor("after"), limit=PAGE_SIZE)
    return render_template("drafts/home.html", drafts=rows, next_cursor=more)


@bp.route("/drafts")
@login_required
def index():
    """All drafts, searched (text, author, state, channel, dates) and paged on the server."""
    if not can_search_drafts(current_user):
        raise PermissionDeniedError("Only comms leads, administrators and auditors can search all drafts.")
    ctx = dict(args=request.args, authors=authors(db.session))
    try:
        f = parse_search(request.args, tz=org_tz())
    except ValidationError as e:
        return render_template("drafts/index.html", drafts=[], next_cursor=None, error=e.message,
                               fields=e.fields, **ctx), 400
    after = request.args.get("after", "").strip()
    if after and as_id(after) is None:
        return render_template("drafts/index.html", drafts=[], next_cursor=None, fields={},
                               error="The page cursor is not a number.", **ctx), 400
    rows, more = search_drafts(db.session, current_user, f, after_id=as_id(after) if after else None,
                               limit=PAGE_SIZE)
    params = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template("drafts/index.html", drafts=rows, next_cursor=more, error=None, fields={},
                           params=params, **ctx)


def _int_or_none(raw) -> int | None:
    """The revision the form was made from; a value that is no revision number never matches (409)."""
    raw = (raw or "").strip()
    return (as_id(raw) or 0) if raw else None


def _justifications() -> dict[str, str]:
    prefix = "justification-"
    return {k[len(prefix):]: v for k, v in request.form.items() if k.startswith(prefix)}


def _uploads(form) -> list[Upload]:
    return [Upload(fs.stream, fs.filename, alt) for _, fs, alt in form.uploads()]


def _release_time(form, current=None):
    """Parsed requested time, `...` when unchanged from `current`, or None after adding a form error."""
    raw = (form.release_at.data or "").strip()
    if current is not None and raw == local_input(current):
        return ...
    try:
        return parse_local(raw, now_utc())
    except LocalTimeError as e:
        form.release_at.errors = [*form.release_at.errors, str(e)]
        raise


def _refused(template: str, form, error: ValidationError, **ctx):
    field_errors(form, error.fields)
    return _new_page(form, error=error.message, status=422, file_error=_file_error(error), **ctx)


def _file_error(error: ValidationError) -> str | None:
    fields = error.fields or {}
    if "file" in fields or "alt_text" in fields:
        return error.message
    return None


@bp.route("/drafts/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_write_drafts(current_user):  # auditors: the form is not offered at all
        raise PermissionDeniedError("Your role cannot write drafts.")
    form = DraftForm()
    if request.method == "POST":
        if not form.validate():
            return _new_page(form, error="Please correct the highlighted fields.", status=422)
        try:
            release = _release_time(form)
        except LocalTimeError:
            return _new_page(form, error="Please correct the highlighted fields.", status=422)
        try:
            with attempt():
                draft = create_draft(db.session, current_user, body=form.body.data, channels=form.channels.data,
                                     requested_release_at=release, now=now_utc(), uploads=_uploads(form),
                                     upload_dir=_settings().upload_dir, max_bytes=_settings().max_upload_bytes,
                                     form_token=form.form_token.data or None)
        except ValidationError as e:
            return _refused("drafts/new.html", form, e)
        if request.form.get("action") == "submit":
            keep_changes()  # the draft stays saved whatever the submission says
            return _submit(draft)
        flash("Saved as a draft. It has not been submitted yet.", "success")
        return redirect(url_for("drafts.view", draft_id=draft.id))
    form.form_token.data = secrets.token_urlsafe(24)
    return _new_page(form)


def _new_page(form, *, error=None, status=200, **ctx):
    """The new-draft page; its previews drawn from the form as sent (no files yet: the browser adds them)."""
    return render_template("drafts/new.html", form=form, error=error, **ctx,
                           **preview_context(form.body.data or "", form.channels.data or [], [])), status


def _submit(draft):
    try:
        with attempt():
            submit_draft(db.session, current_user, draft.id, now=now_utc(),
                         policy=load_policy(db.session, _settings().policy_file),
                         justifications=_justifications(), expected_revision=draft.current_revision,
                         upload_dir=_settings().upload_dir)
    except BlockingFindingsError as e:
        # The saved draft and the findings stored on its revision are kept (e.keeps_changes).
        return _edit_page(draft, DraftForm(formdata=None, obj=None), error=e.message,
                          missing=set(e.missing_justifications), status=422)
    flash("Submitted. Reviewers have been notified.", "success")
    return redirect(url_for("drafts.view", draft_id=draft.id))


def _prefill(form, draft) -> None:
    rev = draft.revision
    form.body.data = rev.body
    form.channels.data = list(rev.channels)
    form.release_at.data = local_input(draft.requested_release_at)
    form.revision.data = str(draft.current_revision)


def _edit_page(draft, form, *, error=None, missing=(), status=200, file_error=None):
    if request.method == "GET" or form.body.data is None:
        _prefill(form, draft)
    rev = draft.revision
    atts = current_attachments(draft)
    images = attachment_images(draft, [(a, {"alt_text": a.alt_text}) for a in atts])
    return render_template("drafts/edit.html", draft=draft, form=form, rev=rev, findings=rev.findings or [],
                           **preview_context(form.body.data or "", form.channels.data or [], images), images=images,
                           justifications={**(rev.justifications or {}), **_justifications()},
                           missing=set(missing), attachments=current_attachments(draft), error=error, file_error=file_error,
                           can_submit=may(check_submit, current_user, draft)), status


@bp.route("/drafts/<int:draft_id>")
@login_required
def view(draft_id: int):
    from reviewq.web.review.views import render_draft
    return render_draft(get_visible_draft(db.session, current_user, draft_id))


@bp.route("/drafts/<int:draft_id>/edit", methods=["GET", "POST"])
@login_required
def edit(draft_id: int):
    draft = get_visible_draft(db.session, current_user, draft_id)
    if not can_edit_draft(current_user, draft):
        raise PermissionDeniedError("Only the author edits a draft; ask them, or request changes.")
    form = DraftForm()
    if request.method == "GET":
        return _edit_page(draft, form)
    if not form.validate():
        return _edit_page(draft, form, error="Please correct the highlighted fields.", status=422)
    try:
        release = _release_time(form, draft.requested_release_at)
    except LocalTimeError:
        return _edit_page(draft, form, error="Please correct the highlighted fields.", status=422)
    kept = current_attachments(draft)
    try:
        with attempt():
            draft, made = edit_draft(
                db.session, current_user, draft.id, body=form.body.data, channels=form.channels.data,
                now=now_utc(), requested_release_at=release, expected_revision=_int_or_none(form.revision.data),
                alt_texts={a.id: request.form.get(f"alt-{a.id}", a.alt_text) for a in kept},
                remove_attachment_ids=[a.id for a in kept if request.form.get(f"remove-{a.id}")],
                uploads=_uploads(form), upload_dir=_settings().upload_dir, max_bytes=_settings().max_upload_bytes)
    except ValidationError as e:
        field_errors(form, e.fields)
        draft = get_visible_draft(db.session, current_user, draft_id)
        return _edit_page(draft, form, error=e.message, file_error=_file_error(e), status=422)
    if request.form.get("action") == "submit" and may(check_submit, current_user, draft):
        keep_changes()  # the new revision stays saved whatever the submission says
        return _submit(draft)
    if made:
        flash(f"Saved as revision {draft.current_revision}. Earlier approvals no longer count; "
              "submit it again to restart review.", "success")
    else:
        flash("Nothing changed, so no new revision was made.", "info")
    return redirect(url_for("drafts.view", draft_id=draft.id))


@bp.route("/drafts/<int:draft_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(draft_id: int):
    draft = get_visible_draft(db.session, current_user, draft_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        withdraw_draft(db.session, current_user, draft.id, now=now_utc())
        flash("The draft was withdrawn. It can no longer be approved or released.", "info")
        return redirect(url_for("drafts.view", draft_id=draft.id))
    return render_template("drafts/withdraw.html", draft=draft, form=form)


@bp.route("/drafts/<int:draft_id>/attachments/<int:attachment_id>")
@login_required
def attachment(draft_id: int, attachment_id: int):
    att = get_attachment(db.session, current_user, draft_id, attachment_id)
    path = path_of(_settings().upload_dir, att.storage_key)
    if original_gone(att, now_utc()) or not path.is_file():
        raise NotFoundError("The file of this attachment is missing from storage.")
    resp = send_file(path, mimetype=att.content_type, download_name=att.original_name, max_age=0)
    resp.headers["Content-Disposition"] = "inline"
    return resp


@bp.route("/drafts/<int:draft_id>/attachments/<int:attachment_id>/thumbnail")
@login_required
def attachment_thumbnail(draft_id: int, attachment_id: int):
    """The thumbnail made at scan time; 404 until the scan made one (pages show a placeholder)."""
    att = get_attachment(db.session, current_user, draft_id, attachment_id)
    path = path_of(_settings().upload_dir, att.thumb_key) if att.thumb_key else None
    if path is None or original_gone(att, now_utc()) or not path.is_file():
        raise NotFoundError("This attachment has no thumbnail yet; it is made when the file is scanned.")
    return send_file(path, mimetype=THUMB_TYPE, max_age=0)


@bp.route("/drafts/check", methods=["POST"])
@login_required
def live_check():
    """Live checks while writing: JSON {"text", "channels"} -> {"findings"}; session + CSRF header, nothing saved.

    The same checks and policy as /api/v1/scan (bearer token) and as submission, minus consents and
    attachments. Each finding carries `live_key` (check, category, matched text) so the editor keeps a
    typed justification attached while the finding still applies, whatever its offsets.
    """
    if not can_write_drafts(current_user):
        return jsonify(error="Your role cannot write drafts."), 403
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return jsonify(error='Send JSON {"text": "...", "channels": [...]}.'), 400
    channels = data.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        return jsonify(error="channels must be a list of channel names."), 400
    try:
        found = live_findings(data["text"], channels, load_policy(db.session, _settings().policy_file), now_utc())
    except ValidationError as e:
        return jsonify(error=e.message, fields=e.fields or {}), 400
    resp = jsonify(findings=found)
    resp.headers["Cache-Control"] = "no-store"
    return resp
