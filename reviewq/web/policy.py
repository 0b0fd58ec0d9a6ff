"""Admin page for the check policy (organisation names, domains, severities …)."""
from __future__ import annotations

import json
from dataclasses import asdict

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from reviewq.checks import default_policy
from reviewq.core.errors import PermissionDeniedError, ValidationError
from reviewq.core.permissions import can_manage_users
from reviewq.extensions import db
from reviewq.services.checking import load_policy
from reviewq.services.common import now_utc
from reviewq.services.policy import policy_overrides, set_policy

bp = Blueprint("policy", __name__, url_prefix="/admin/policy")


class PolicyForm(FlaskForm):
    policy = TextAreaField("Overrides (JSON)")


def _defaults_json() -> str:
    return json.dumps(asdict(default_policy()), indent=2, sort_keys=True, default=sorted)


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
            set_policy(db.session, current_user, form.policy.data or "", now=now_utc())
            db.session.commit()
            flash("Policy saved. New checks use it from now on.", "success")
            return redirect(url_for("policy.edit"))
        except ValidationError as e:
            db.session.rollback()
            status, error = 422, e.message
    elif request.method == "POST":
        status, error = 400, "The form expired. Reload the page and try again."
    else:
        form.policy.data = json.dumps(policy_overrides(db.session), indent=2, ensure_ascii=False)
    file = current_app.config["REVIEWQ"].policy_file
    return render_template("admin/policy.html", form=form, error=error, policy_file=file,
                           defaults=_defaults_json(), effective=_effective_summary()), status


def _effective_summary() -> dict:
    p = load_policy(db.session, current_app.config["REVIEWQ"].policy_file)
    return {"channel limits": p.channel_limits, "authoritative domains": len(p.authoritative_domains),
            "organisation names": len(p.org_names), "disabled checks": sorted(p.disabled_checks)}
