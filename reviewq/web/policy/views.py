"""Admin page for the check policy (organisation names, domains, severities …)."""
from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from reviewq.clock import now_utc
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.extensions import db
from reviewq.policy.operations import set_policy
from reviewq.policy.queries import default_policy_json, effective_summary, policy_overrides
from reviewq.web.policy import bp
from reviewq.web.unit_of_work import attempt



class PolicyForm(FlaskForm):
    policy = TextAreaField("Overrides (JSON)")


@bp.before_request
@login_required
def _admins_only():
    if not can_manage_users(current_user.actor()):
        raise PermissionDeniedError("Only administrators can change the check policy.")


@bp.route("/", methods=["GET", "POST"])
def edit():
    form = PolicyForm()
    status, error = 200, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            with attempt():
                set_policy(db.session, current_user, form.policy.data or "", now=now_utc())
            flash("Policy saved. New checks use it from now on.", "success")
            return redirect(url_for("policy.edit"))
        except ValidationError as e:
            status, error = 422, e.message
    elif request.method == "POST":
        status, error = 400, "The form expired. Reload the page and try again."
    else:
        form.policy.data = json.dumps(policy_overrides(db.session), indent=2, ensure_ascii=False)
    file = current_app.config["REVIEWQ"].policy_file
    return render_template("admin/policy.html", form=form, error=error, policy_file=file,
                           defaults=default_policy_json(), effective=effective_summary(db.session, file)), status
