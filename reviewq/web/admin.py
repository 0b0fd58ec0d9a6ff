"""Administration pages (users, settings) and the audit log view.

Changes go through reviewq.services.users and reviewq.services.masking,
which check the admin role themselves; the views check it too only so a
non-admin gets a 403 before any form is shown. The audit view reads events
and runs reviewq.audit.verify against the published checkpoints; nothing
here writes to the audit log directly.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from reviewq.core.errors import ConflictError, PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users, can_read_audit
from reviewq.extensions import db
from reviewq.models import AuditEvent, User
from reviewq.audit.checkpoints import CheckpointError
from reviewq.audit.verify import checkpoints_for
from reviewq.audit.verify import verify as verify_record
from reviewq.services.common import as_id, now_utc
from reviewq.services.masking import masking_on, set_masking
from reviewq.services.users import create_user, set_user_active, update_user
from reviewq.web.forms import ConfirmForm, SettingsForm, UserEditForm, UserForm, field_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")
audit_bp = Blueprint("audit", __name__, url_prefix="/audit")
AUDIT_PAGE = 50


@bp.before_request
@login_required
def _admins_only():
    if not can_manage_users(current_user.actor()):
        raise PermissionDeniedError("Only administrators can open the admin pages.")


@bp.route("/users")
def users():
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=rows, toggle=ConfirmForm())


def _refused(template, form, e, **ctx):
    db.session.rollback()
    if isinstance(e, ValidationError):
        field_errors(form, e.fields)
    return render_template(template, form=form, error=e.message, **ctx), e.status


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    form = UserForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("admin/users_form.html", form=form, error="Please correct the fields."), 422
        try:
            user = create_user(db.session, email=form.email.data, name=form.name.data, roles=form.roles.data,
                               password=form.password.data or None, slack_user_id=form.slack_id.data or None,
                               actor=current_user, now=now_utc())
        except (ValidationError, ConflictError) as e:
            return _refused("admin/users_form.html", form, e)
        db.session.commit()
        flash(f"{user.name} can now sign in as {user.email}.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/users_form.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404, "No such user.")
    form = UserEditForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.roles.data, form.slack_id.data = sorted(user.roles), user.slack_user_id or ""
    elif not form.validate():
        return render_template("admin/users_form.html", form=form, user=user, error="Please correct the fields."), 422
    else:
        try:
            update_user(db.session, current_user, user.id, name=form.name.data, roles=form.roles.data,
                        slack_user_id=form.slack_id.data, now=now_utc())
        except (ValidationError, ConflictError) as e:
            return _refused("admin/users_form.html", form, e, user=user)
        db.session.commit()
        flash(f"Saved {user.name}.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/users_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    if not ConfirmForm().validate():
        abort(400)
    active = request.form.get("active") == "1"
    user = set_user_active(db.session, current_user, user_id, active=active, now=now_utc())
    db.session.commit()
    flash(f"{user.name} was {'reactivated' if active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        set_masking(db.session, current_user, bool(form.mask_phi.data), now=now_utc())
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    form.mask_phi.data = masking_on(db.session)
    return render_template("admin/settings.html", form=form)


@audit_bp.before_request
@login_required
def _auditors_only():
    if not can_read_audit(current_user.actor()):
        raise PermissionDeniedError("Only auditors and administrators can read the audit log.")


@audit_bp.route("", methods=["GET"])
def index():
    q = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(AUDIT_PAGE + 1)
    draft = request.args.get("draft", "").strip()
    if draft:
        if as_id(draft) is None:
            abort(400, "The draft filter is a draft number.")
        q = q.where(AuditEvent.draft_id == as_id(draft))
    before = as_id(request.args.get("before"))
    if before is not None:
        q = q.where(AuditEvent.seq < before)
    rows = db.session.scalars(q).all()
    more = len(rows) > AUDIT_PAGE
    rows = rows[:AUDIT_PAGE]
    actors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({r.actor_id for r in rows})))}
    return render_template("review/audit.html", events=rows, actors=actors, draft=draft,
                           next_before=rows[-1].seq if more and rows else None, verify=ConfirmForm())


@audit_bp.route("/verify", methods=["POST"])
def verify():
    if not ConfirmForm().validate():
        abort(400)
    try:
        verdict, unusable = verify_record(db.session, checkpoints_for()), None
    except CheckpointError as e:
        verdict, unusable = None, str(e)
    db.session.rollback()
    return render_template("review/audit_verify.html", verdict=verdict, unusable=unusable)
