"""Your sessions and password: the cookie side of reviewq.accounts.sessions.

The Flask session cookie holds flask-login's user id and a random session
key; the user loader accepts the cookie only while that key's session row is
live. Signing out ends the row, so a copied cookie stops working too. The
request's unit of work commits the session rows (a GET page too, so the
last-seen touch keeps a session alive).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from reviewq.accounts.operations import (change_password, end_all_sessions, end_session, session_user,
                                         start_session)
from reviewq.accounts.queries import live_sessions
from reviewq.accounts.throttle import Limits
from reviewq.clock import now_utc
from reviewq.core.errors import ValidationError
from reviewq.extensions import db
from reviewq.web.account.forms import EverywhereForm, PasswordForm
from reviewq.web.unit_of_work import attempt

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
    if user is None or str(user.id) != str(user_id):
        return None
    return user


def sign_in(user) -> None:
    """Start a server-side session for `user` and put its key in a fresh cookie."""
    key = start_session(db.session, user, now=now_utc())
    session.clear()  # nothing from before sign-in carries over (session fixation)
    login_user(user)
    session[SESSION_KEY] = key


def sign_out() -> None:
    end_session(db.session, session.get(SESSION_KEY), now=now_utc())
    logout_user()
    session.clear()


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
        with attempt():
            change_password(db.session, user, current=form.current.data, new=form.new.data, now=now_utc())
    except ValidationError as e:
        (form.current if "current" in e.fields else form.new).errors.append(e.message)
        return _page(form, status=422)
    sign_in(user)  # every other session ended with the change; this browser stays signed in
    flash("Password changed. You were signed out on every other device.", "info")
    return redirect(url_for("account_security.security"))
