"""Your account: API tokens (create, list, revoke your own) and e-mail notifications (on or off).

A new token's clear text is shown once, on the page answering the create
request, and never stored (only its hash is). Creating and revoking go
through reviewq.accounts.operations, which checks ownership and audits both.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from reviewq.accounts.operations import create_token, revoke_token, set_email_notifications
from reviewq.accounts.queries import tokens_of
from reviewq.clock import now_utc
from reviewq.extensions import db
from reviewq.web.account.forms import NotificationsForm, RevokeForm, TokenForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(form, clear=None, status=200):
    rows = tokens_of(db.session, current_user)
    return render_template("account/tokens.html", form=form, revoke=RevokeForm(), token_rows=rows,
                           clear=clear), status


@bp.route("/tokens", methods=["GET"])
@login_required
def tokens():
    return _page(TokenForm())


@bp.route("/tokens", methods=["POST"])
@login_required
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    if "\x00" in form.name.data:
        form.name.errors.append("The name contains a character we cannot store.")
        return _page(form, status=400)
    row, clear = create_token(db.session, current_user, name=form.name.data, now=now_utc())
    return _page(TokenForm(formdata=None), clear=(row, clear), status=201)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id):
    if not RevokeForm().validate_on_submit():
        flash("The form expired. Try again.", "error")
        return redirect(url_for("account.tokens"))
    # This page is yours only: someone else's token is "no such token", for admins too.
    row = revoke_token(db.session, current_user, token_id, now=now_utc())
    flash(f"Token “{row.name or row.prefix}” is revoked; requests using it now get 401.", "info")
    return redirect(url_for("account.tokens"))


def _notifications_page(form, status=200):
    settings = current_app.config["REVIEWQ"]
    return render_template("account/notifications.html", form=form, mail_on=bool(settings.smtp_url)), status


@bp.route("/notifications", methods=["GET"])
@login_required
def notifications():
    return _notifications_page(NotificationsForm(email=current_user.email_notifications))


@bp.route("/notifications", methods=["POST"])
@login_required
def save_notifications():
    form = NotificationsForm()
    if not form.validate_on_submit():
        return _notifications_page(form, status=400)
    on = set_email_notifications(db.session, current_user._get_current_object(), bool(form.email.data),
                                 now=now_utc())
    flash("E-mail notifications are on." if on else "E-mail notifications are off.", "info")
    return redirect(url_for("account.notifications"))
