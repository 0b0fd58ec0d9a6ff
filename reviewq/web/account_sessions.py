"""Your sessions and password: the cookie side of reviewq.accounts.sessions.

The Flask session cookie holds flask-login's user id and a random session
key; the user loader accepts the cookie only while that key's session row is
live. Signing out ends the row, so a copied cookie stops working too.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from reviewq.accounts.passwords import change_password
from reviewq.accounts.sessions import end_all_sessions, end_session, live_sessions, session_user, start_session
from reviewq.accounts.throttle import Limits
from reviewq.core.errors import ValidationError
from reviewq.extensions import db
from reviewq.services.common import now_utc

bp = Blueprint("account_security", __name__, url_prefix="/account")
SESSION_KEY = "rq_sid"


def _settings():
    return current_app.config["REVIEWQ"]


def login_limits() -> Limits:
    return Limits.from_settings(_settings())


def user_from_cookie(user_id):
    s = _settings()
    user = session_user(db.session, session.get(SESSION_KEY), now=now_utc(),
                        idle=timedelta(minutes=s.session_idle_minutes),
                        lifetime=timedelta(hours=s.session_max_hours))
    # Committed here, at the start of the request: a GET page commits nothing, and the
    # last_seen_at touch (or an idle/expired mark) must outlive it.
    db.session.commit()
    if user is None or str(user.id) != str(user_id):
        return None
    return user


def sign_in(user) -> None:
    """Start a server-side session for `user` and put its key in a fresh cookie."""
    key = start_session(db.session, user, now=now_utc())
    db.session.commit()
    session.clear()  # nothing from before sign-in carries over (session fixation)
    login_user(user)
    session[SESSION_KEY] = key


def sign_out() -> None:
    end_session(db.session, session.get(SESSION_KEY), now=now_utc())
    db.session.commit()
    logout_user()
    session.clear()


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=1000)])
    new = PasswordField("New password", validators=[DataRequired(), Length(max=1000)])


class EverywhereForm(FlaskForm):
    pass


def _page(form=None, status=200):
    return render_template("account/security.html", form=form or PasswordForm(formdata=None),
                           everywhere=EverywhereForm(), live=live_sessions(db.session, current_user.id)), status


@bp.route("/security", methods=["GET"])
@login_required
def security():
    return _page()


@bp.route("/security/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    if not EverywhereForm().validate_on_submit():
        return _page(status=400)
    end_all_sessions(db.session, current_user.id, now=now_utc(), reason="everywhere")
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out on every device.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/security/password", methods=["POST"])
@login_required
def password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    user = current_user._get_current_object()
    try:
        change_password(db.session, user, current=form.current.data, new=form.new.data, now=now_utc())
    except ValidationError as e:
        db.session.rollback()
        (form.current if "current" in e.fields else form.new).errors.append(e.message)
        return _page(form, status=422)
    db.session.commit()
    sign_in(user)  # every other session ended with the change; this browser stays signed in
    flash("Password changed. You were signed out on every other device.", "info")
    return redirect(url_for("account_security.security"))
