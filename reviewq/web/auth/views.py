"""Sign in and out. Failures throttled per account and per address; every attempt is audited."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.accounts.operations import authenticate
from reviewq.clock import now_utc
from reviewq.core.errors import PermissionDeniedError
from reviewq.extensions import db
from reviewq.web.account.sessions import login_limits, sign_in, sign_out
from reviewq.web.auth.forms import LoginForm
from reviewq.web.redirects import local_path
from reviewq.web.unit_of_work import keep_changes

bp = Blueprint("auth", __name__)


def _sso_on() -> bool:
    from reviewq.integrations.oidc.client import enabled
    return enabled(current_app.config["REVIEWQ"])


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("drafts.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("drafts.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(db.session, form.email.data, form.password.data,
                                ip=request.remote_addr or "?", now=now_utc(), limits=login_limits())
        except PermissionDeniedError as e:
            keep_changes()  # the refused attempt is audited
            form.password.errors.append(e.message)
            return render_template("auth/login.html", form=form, sso_on=_sso_on()), 429, {
                "Retry-After": str(getattr(e, "retry_after", 60))}
        if user is not None:
            sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        keep_changes()  # a failed attempt counts towards throttling although the answer is 401
        form.password.errors.append("That e-mail and password do not match an active account.")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, sso_on=_sso_on()), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sign_out()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
