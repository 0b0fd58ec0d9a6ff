"""Single sign-on (blueprint `auth_sso`): /login/sso sends the browser to the provider, /login/sso/callback
signs the person in. 404 while single sign-on is not configured; a refusal is a page, not a 500."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from reviewq.accounts.sso import sign_in_with_sso
from reviewq.clock import now_utc
from reviewq.core.errors import PermissionDeniedError
from reviewq.extensions import db
from reviewq.integrations.oidc import client
from reviewq.web.account.sessions import sign_in
from reviewq.web.unit_of_work import keep_changes

bp = Blueprint("auth_sso", __name__)


def _settings():
    settings = current_app.config["REVIEWQ"]
    if not client.enabled(settings):
        abort(404)
    return settings


def _refused(message: str, status: int):
    return render_template("auth/sso_refused.html", message=message), status


@bp.route("/login/sso", methods=["GET"])
def start():
    settings = _settings()
    if current_user.is_authenticated:
        return redirect(url_for("drafts.home"))
    try:
        return client.start(f"{settings.base_url}/login/sso/callback")
    except client.SSOError:
        return _refused("The single sign-on provider cannot be reached right now. Try again, or sign in "
                        "with your password.", 502)


@bp.route("/login/sso/callback", methods=["GET"])
def callback():
    settings = _settings()
    if request.args.get("error"):
        return _refused("The single sign-on provider did not sign you in.", 400)
    try:
        claims = client.finish()
    except client.SSOError:
        return _refused("The sign-in could not be verified (it may have expired or been tampered with). "
                        "Start again.", 400)
    try:
        user = sign_in_with_sso(db.session, claims, role_map=settings.oidc_role_map,
                                ip=request.remote_addr or "?", now=now_utc())
    except PermissionDeniedError as e:
        keep_changes()  # the refused sign-in is audited
        return _refused(e.message, 403)
    sign_in(user)
    return redirect(url_for("drafts.home"))
