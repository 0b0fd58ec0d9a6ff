"""Users and organisation settings for admins: parse the form, call one reviewq.accounts or
reviewq.drafts.masking operation (or query), render. Refusals become form errors
(unit_of_work.attempt undoes the refused operation; a 4xx answer rolls the request back)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.accounts.operations import create_user, set_user_active, update_user
from reviewq.accounts.queries import managed_user, users_for_admin
from reviewq.clock import now_utc
from reviewq.core.errors import ConflictError, PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.consents.privacy_office import privacy_office, set_privacy_office
from reviewq.drafts.masking import masking_on, set_masking
from reviewq.extensions import db
from reviewq.web.admin import bp
from reviewq.web.forms import ConfirmForm, SettingsForm, UserEditForm, UserForm, field_errors
from reviewq.web.unit_of_work import attempt


@bp.before_request
@login_required
def _admins_only():
    if not can_manage_users(current_user.actor()):
        raise PermissionDeniedError("Only administrators can open the admin pages.")


@bp.route("/users")
def users():
    return render_template("admin/users.html", users=users_for_admin(db.session), toggle=ConfirmForm())


def _refused(template, form, e, **ctx):
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
            with attempt():
                user = create_user(db.session, email=form.email.data, name=form.name.data, roles=form.roles.data,
                                   password=form.password.data or None, slack_user_id=form.slack_id.data or None,
                                   actor=current_user, now=now_utc())
        except (ValidationError, ConflictError) as e:
            return _refused("admin/users_form.html", form, e)
        flash(f"{user.name} can now sign in as {user.email}.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/users_form.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = managed_user(db.session, user_id)
    form = UserEditForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.roles.data, form.slack_id.data = sorted(user.roles), user.slack_user_id or ""
    elif not form.validate():
        return render_template("admin/users_form.html", form=form, user=user, error="Please correct the fields."), 422
    else:
        try:
            with attempt():
                update_user(db.session, current_user, user.id, name=form.name.data, roles=form.roles.data,
                            slack_user_id=form.slack_id.data, now=now_utc())
        except (ValidationError, ConflictError) as e:
            return _refused("admin/users_form.html", form, e, user=user)
        flash(f"Saved {user.name}.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/users_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    if not ConfirmForm().validate():
        abort(400)
    active = request.form.get("active") == "1"
    user = set_user_active(db.session, current_user, user_id, active=active, now=now_utc())
    flash(f"{user.name} was {'reactivated' if active else 'deactivated'}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm()
    if request.method == "POST":
        if not form.validate():
            if "csrf_token" in form.errors:
                abort(400)
            return render_template("admin/settings.html", form=form, error="Nothing was saved: correct the marked fields."), 422
        try:
            with attempt():
                now, reason = now_utc(), form.reason.data or ""
                set_masking(db.session, current_user, bool(form.mask_phi.data), now=now, reason=reason)
                set_privacy_office(db.session, current_user, email=form.privacy_email.data,
                                   slack_channel=form.privacy_slack_channel.data, reason=reason, now=now)
        except ValidationError as e:
            field_errors(form, {k: e.message if k == "reason" else v for k, v in (e.fields or {}).items()})
            return render_template("admin/settings.html", form=form, error="Nothing was saved: correct the marked fields."), 422
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    form.mask_phi.data = masking_on(db.session)
    contact = privacy_office(db.session)
    form.privacy_email.data, form.privacy_slack_channel.data = contact["email"], contact["slack_channel"]
    return render_template("admin/settings.html", form=form)
