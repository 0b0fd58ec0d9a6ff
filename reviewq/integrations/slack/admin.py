"""Admin page for Slack: connection check, stage channels and reminder SLAs, people's Slack ids, the outbox.

Admins only (checked here for a clean 403, and again in the operations that
change anything). Reads come from reviewq.integrations.slack.queries. The connection check is the one Slack call a page makes,
and only when an admin presses the button; deliveries stay in the worker.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq import outbox
from reviewq.accounts.permissions import can_manage_users
from reviewq.clock import now_utc
from reviewq.core.errors import PermissionDeniedError, ReviewqError
from reviewq.extensions import db
from reviewq.integrations.slack import client, queries
from reviewq.integrations.slack import settings as slack_settings
from reviewq.web.unit_of_work import attempt

bp = Blueprint("admin_slack", __name__, url_prefix="/admin/slack")
OUTBOX_ROWS = 50


@bp.before_request
@login_required
def _admins_only():
    if not can_manage_users(current_user):
        raise PermissionDeniedError("Only administrators can open the Slack settings.")


def _page(status: int = 200, *, connection: dict | None = None, errors: dict | None = None):
    s = db.session
    counts, troubled = queries.outbox_counts(s), queries.troubled_messages(s, OUTBOX_ROWS)
    users = queries.active_users(s)
    return render_template(
        "admin/slack.html", enabled=client.enabled(current_app.config["REVIEWQ"]),
        signing=bool(current_app.config["REVIEWQ"].slack_signing_secret), connection=connection,
        channels=slack_settings.stage_channels(s), hours=slack_settings.reminder_hours(s),
        slots=slack_settings.CHANNEL_SLOTS, users=users, counts=counts, troubled=troubled,
        errors=errors or {}, base_url=current_app.config["REVIEWQ"].base_url), status


@bp.route("")
def index():
    return _page()


@bp.route("/check", methods=["POST"])
def check():
    settings = current_app.config["REVIEWQ"]
    if not client.enabled(settings):
        return _page(connection={"ok": False, "error": "SLACK_BOT_TOKEN is not set: Slack is off."})
    try:
        data = client.auth_test(settings)
        return _page(connection={"ok": True, "team": data.get("team"), "user": data.get("user")})
    except client.SlackCallError as e:
        return _page(connection={"ok": False, "error": e.code})


@bp.route("/settings", methods=["POST"])
def save_settings():
    form = request.form
    try:
        with attempt():
            slack_settings.save_slack_settings(
                db.session, current_user, channels={slot: form.get(f"channel_{slot}", "") for slot in
                                                    slack_settings.CHANNEL_SLOTS},
                remind_after_hours=form.get("remind_after_hours"),
                escalate_after_hours=form.get("escalate_after_hours"), now=now_utc(),
                reason=form.get("reason", ""))
    except ReviewqError as e:
        flash(e.message, "error")
        return _page(e.status, errors=getattr(e, "fields", {}))
    flash("Slack settings saved.", "info")
    return redirect(url_for("admin_slack.index"))


@bp.route("/users/<int:user_id>", methods=["POST"])
def set_slack_id(user_id: int):
    try:
        with attempt():
            user = slack_settings.set_slack_id(db.session, current_user, user_id,
                                               request.form.get("slack_id", ""), now=now_utc())
    except ReviewqError as e:
        flash(e.message, "error")
        return _page(e.status, errors={f"user_{user_id}": e.message})
    flash(f"Slack id of {user.name} {'saved' if user.slack_user_id else 'removed'}.", "info")
    return redirect(url_for("admin_slack.index") + "#people")


@bp.route("/outbox/<int:msg_id>/retry", methods=["POST"])
def retry(msg_id: int):
    outbox.retry_message(db.session, current_user, msg_id, now_utc())
    flash(f"Message {msg_id} is queued again.", "info")
    return redirect(url_for("admin_slack.index") + "#outbox")
