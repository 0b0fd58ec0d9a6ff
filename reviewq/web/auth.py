"""Sign in and out. Failures throttled per account and per address; every attempt is audited."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from reviewq.core.errors import PermissionDeniedError
from reviewq.extensions import db
from reviewq.services.common import now_utc
from reviewq.services.users import authenticate
from reviewq.web.account_sessions import login_limits, sign_in, sign_out
from reviewq.web.helpers import local_path

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


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
            db.session.commit()
            form.password.errors.append(e.message)
            return render_template("auth/login.html", form=form), 429, {
                "Retry-After": str(getattr(e, "retry_after", 60))}
        if user is not None:
            sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        form.password.errors.append("That e-mail and password do not match an active account.")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sign_out()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
