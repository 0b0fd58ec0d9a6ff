"""The consent registry pages: list and search, register, revoke, link consents to a draft.

Permissions are reviewq.consents' (this module only turns forms
into calls): comms, legal and admins register and revoke; readers see the
list; an author links consents to their own draft on /consents/link.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.consents import operations as svc
from reviewq.consents import tasks
from reviewq.consents.permissions import can_register_consents, consent_ref
from reviewq.consents.queries import (consents_named, consents_page, face_links, get_consent, linked_consents,
                                      mentions_of, open_tasks, tasks_of_draft)
from reviewq.core.errors import NotFoundError, ValidationError
from reviewq.drafts.queries import get_visible_draft
from reviewq.extensions import db
from reviewq.storage import path_of
from reviewq.web.consents.forms import ActionForm, ConsentForm, FaceForm, LinkForm, RequestForm, RevokeForm
from reviewq.web.unit_of_work import attempt

bp = Blueprint("consents", __name__, url_prefix="/consents")
PAGE = 100


def _day_start(d, *, after: bool = False):
    """Midnight in the organisation's time zone (of the next day when `after`), as aware UTC."""
    if d is None:
        return None
    tz = current_app.config["REVIEWQ"].tz
    return datetime.combine(d + timedelta(days=1) if after else d, time(0), tzinfo=tz)


def _list_page(form, status=200):
    q = (request.args.get("q") or "").strip()[:200].replace("\x00", "")
    rows, _ = consents_page(db.session, current_user, search=q, limit=PAGE)
    task_id = request.values.get("task_id", "")
    if task_id and not form.task_id.data:
        form.task_id.data = task_id
    return render_template("consents/list.html", form=form, action=ActionForm(), revoke_form=RevokeForm(),
                           consents=rows, q=q, tasks=open_tasks(db.session, current_user),
                           refs={c.id: consent_ref(current_app.config["REVIEWQ"].secret_key, c.id) for c in rows},
                           can_register=can_register_consents(current_user)), status


@bp.route("", methods=["GET"])
@login_required
def index():
    return _list_page(ConsentForm(formdata=None))


@bp.route("", methods=["POST"])
@login_required
def create():
    form = ConsentForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    try:
        with attempt():
            upload = form.form_file.data
            c = svc.create_consent(db.session, current_user, subject_name=form.subject_name.data,
                                   covers=form.covers.data, channels=form.channels.data or None,
                                   relation=form.relation.data, signed_by=form.signed_by.data or "",
                                   form=upload.stream if upload and upload.filename else None,
                                   upload_dir=current_app.config["REVIEWQ"].upload_dir,
                                   task_id=int(form.task_id.data) if (form.task_id.data or "").isdigit() else None,
                                   valid_from=_day_start(form.valid_from.data),
                                   valid_until=_day_start(form.valid_until.data, after=True),
                                   note=(form.note.data or "").replace("\x00", ""), now=now_utc())
    except ValidationError as e:
        for name, msg in e.fields.items():
            target = {"form": "form_file", "task_id": "subject_name"}.get(name, name)
            getattr(form, target, form.subject_name).errors.append(msg if " " in msg else e.message)
        return _list_page(form, 422)
    ref = consent_ref(current_app.config["REVIEWQ"].secret_key, c.id)
    flash(f"Consent no. {c.id} for {c.subject_name} is registered. Give the author its reference {ref} "
          "to link it to their draft.", "success")
    return redirect(url_for("consents.index"))


@bp.route("/<int:consent_id>/revoke", methods=["POST"])
@login_required
def revoke(consent_id):
    form = RevokeForm()
    if not form.validate_on_submit():
        flash("The form expired. Try again.", "error")
        return redirect(url_for("consents.index"))
    c = svc.revoke_consent(db.session, current_user, consent_id, now=now_utc(),
                           reason=(form.reason.data or "").replace("\x00", ""))
    flash(f"Consent no. {c.id} is revoked. Every waiting, approved or scheduled post relying on it is back with "
          "its author; published ones are listed below as takedowns.", "info")
    return redirect(url_for("consents.index"))


@bp.route("/link", methods=["GET", "POST"])
@login_required
def link():
    draft = get_visible_draft(db.session, current_user, request.values.get("draft_id"))
    form = LinkForm()
    status = 200
    if form.validate_on_submit():
        try:
            ids = [int(x) if x.isascii() and x.isdigit() else x for x in form.consent_ids.data.replace(",", " ").split()]
            with attempt():
                svc.link_consents(db.session, current_user, draft.id, ids, now=now_utc(),
                                  secret=current_app.config["REVIEWQ"].secret_key, mention=form.mention.data or None)
        except ValueError:
            form.consent_ids.errors.append("Give consent references separated by spaces or commas.")
            status = 422
        except ValidationError as e:
            form.consent_ids.errors.append(e.message)
            status = 422
        else:
            flash("Consent linked. Check and submit the draft again: the checks use it at once.", "success")
            return redirect(url_for("consents.link", draft_id=draft.id))
    elif request.method == "POST":
        status = 400
    return _link_page(draft, form=form, status=status)


def _link_page(draft, *, form=None, face_error=None, request_form=None, status=200):
    name = (request.args.get("name") or "").strip()[:200].replace("\x00", "")
    secret = current_app.config["REVIEWQ"].secret_key
    found = consents_named(db.session, current_user, draft.id, name) if name else []
    linked = linked_consents(db.session, draft)
    rev = draft.revision
    faces = [f for f in (rev.findings or []) if f.get("policy") == "attachment.face"]
    return render_template(
        "consents/link.html", form=form or LinkForm(formdata=None), draft=draft, linked=linked, name=name,
        found=[(c, consent_ref(secret, c.id)) for c in found], now=now_utc(), mentions=mentions_of(db.session, draft),
        faces=faces, face_links=face_links(db.session, draft), face_form=FaceForm(formdata=None),
        photo_consents=[c for c in linked if "photo" in c.covers and c.revoked_at is None],
        refs={c.id: consent_ref(secret, c.id) for c in linked}, face_error=face_error,
        request_form=request_form or RequestForm(formdata=None, subject_name=name),
        requests=[t for t in tasks_of_draft(db.session, draft) if t.kind == "request"],
        is_author=draft.author_id == current_user.id), status


@bp.route("/link/face", methods=["POST"])
@login_required
def link_face():
    draft = get_visible_draft(db.session, current_user, request.values.get("draft_id"))
    form = FaceForm()
    if not form.validate_on_submit():
        return _link_page(draft, face_error="The form expired or was incomplete. Try again.", status=400)
    try:
        box = [int(v) for v in form.box.data.split(",")]
        aid = int(form.attachment_id.data)
        with attempt():
            svc.link_face(db.session, current_user, draft.id, aid, box, form.consent_id.data, now=now_utc(),
                          secret=current_app.config["REVIEWQ"].secret_key)
    except ValueError:
        return _link_page(draft, face_error="No such face on this draft's attachments.", status=422)
    except ValidationError as e:
        return _link_page(draft, face_error=e.message, status=422)
    flash("Face linked to the consent. Check and submit the draft again.", "success")
    return redirect(url_for("consents.link", draft_id=draft.id))


@bp.route("/request", methods=["POST"])
@login_required
def request_consent():
    draft = get_visible_draft(db.session, current_user, request.values.get("draft_id"))
    form = RequestForm()
    if not form.validate_on_submit():
        return _link_page(draft, request_form=form, status=400)
    try:
        with attempt():
            tasks.request_consent(db.session, current_user, draft.id, subject_name=form.subject_name.data,
                                  note=(form.note.data or "").replace("\x00", ""), now=now_utc())
    except ValidationError as e:
        form.subject_name.errors.append(e.message)
        return _link_page(draft, request_form=form, status=422)
    flash("Consent requested. Comms will record it and link it to this draft; you will be told.", "success")
    return redirect(url_for("consents.link", draft_id=draft.id))


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@login_required
def task_done(task_id):
    if not ActionForm().validate_on_submit():
        flash("The form expired. Try again.", "error")
        return redirect(url_for("consents.index"))
    tasks.complete_task(db.session, current_user, task_id, now=now_utc(),
                        note=(request.form.get("note") or "")[:1000].replace("\x00", ""))
    flash(f"Task no. {task_id} is marked done.", "success")
    return redirect(url_for("consents.index"))


@bp.route("/<int:consent_id>/form")
@login_required
def signed_form(consent_id):
    c = get_consent(db.session, current_user, consent_id)  # keepers only; 404 for everyone else
    if not c.form_key:
        raise NotFoundError("No signed form is stored for this consent.")
    path = path_of(current_app.config["REVIEWQ"].upload_dir, c.form_key)
    if not path.is_file():
        raise NotFoundError("The signed form is missing from storage.")
    ext = "pdf" if c.form_content_type == "application/pdf" else c.form_content_type.split("/")[-1]
    resp = send_file(path, mimetype=c.form_content_type, as_attachment=True,
                     download_name=f"consent-{c.id}.{ext}", max_age=0, conditional=False, etag=False)
    resp.headers["Cache-Control"] = "no-store, private"
    return resp
