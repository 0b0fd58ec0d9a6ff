"""Release controls around the calendar: crisis freeze, targeted holds, blackout windows,
the release settings page, the personal iCalendar feed and the signed media links publishers
download images from.

Permissions are checked in reviewq.services.freeze and reviewq.services.settings (comms and
admins); the feed
and media routes need no login because their URLs carry a secret or signature.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from reviewq.core import schedule as S
from reviewq.core.errors import PermissionDeniedError, ReviewqError, ValidationError
from reviewq.core.permissions import can_freeze
from reviewq.extensions import db
from reviewq.models import Attachment
from reviewq.services import calendar_feed as feed
from reviewq.services import freeze as F
from reviewq.services.common import as_id, now_utc
from reviewq.services.releases import calendar_entries
from reviewq.services.settings import freeze_state, release_settings, update_release_settings
from reviewq.web.release_settings_form import ReleaseSettingsForm

bp = Blueprint("releases", __name__)


def _cfg():
    from flask import current_app
    return current_app.config["REVIEWQ"]


def _refused(e: ReviewqError, endpoint: str = "releases.freeze"):
    db.session.rollback()
    flash(e.message, "error")
    return redirect(url_for(endpoint))


@bp.route("/calendar/freeze", methods=["GET"])
@login_required
def freeze():
    now = now_utc()
    frozen = freeze_state(db.session)
    # What a freeze would hold, shown before comms confirms it (calendar_entries caps at 400 days).
    will_hold = [] if frozen else calendar_entries(db.session, current_user, now, now + timedelta(days=399),
                                                   states=["scheduled"])
    return render_template("calendar/freeze.html", state=frozen, will_hold=will_hold,
                           overdue=F.overdue_posts(db.session, now) if frozen else [],
                           holds=F.active_holds(db.session), can_freeze=can_freeze(current_user.actor()),
                           now=now, HOLD_KINDS=S.HOLD_KINDS)


@bp.route("/calendar/freeze/on", methods=["POST"])
@login_required
def freeze_on():
    try:
        F.freeze_releases(db.session, current_user, reason=request.form.get("reason"), now=now_utc())
        db.session.commit()
    except ReviewqError as e:
        return _refused(e)
    flash("Crisis freeze is on: nothing will be released until it is lifted.", "success")
    return redirect(url_for("releases.freeze"))


@bp.route("/calendar/freeze/off", methods=["POST"])
@login_required
def freeze_off():
    """Lift the freeze. Overdue posts ticked in the form go out now; the rest stay held."""
    if request.form.get("confirm") != "yes":
        flash("Tick the confirmation to lift the freeze.", "error")
        return redirect(url_for("releases.freeze"))
    try:
        ids = [n for n in map(as_id, request.form.getlist("release")) if n is not None]
        done = F.lift_freeze(db.session, current_user, now=now_utc(), release_ids=ids,
                             reason=request.form.get("reason", ""))
        db.session.commit()
    except ReviewqError as e:
        return _refused(e)
    flash(f"Freeze lifted. {len(done.released)} overdue post(s) go out now; {len(done.held)} stay held "
          "until rescheduled.", "success")
    return redirect(url_for("calendar.index"))


@bp.route("/calendar/holds", methods=["POST"])
@login_required
def hold_add():
    try:
        h = F.place_hold(db.session, current_user, request.form.get("kind"), request.form.get("value"),
                         reason=request.form.get("reason", ""), now=now_utc())
        db.session.commit()
    except ReviewqError as e:
        return _refused(e)
    flash(f"Holding every scheduled post matching {S.HoldRule(h.id, h.kind, h.value).describe()}.", "success")
    return redirect(url_for("releases.freeze"))


@bp.route("/calendar/holds/<int:hold_id>/lift", methods=["GET", "POST"])
@login_required
def hold_lift(hold_id: int):
    if request.method == "GET":
        return render_template("calendar/hold_lift.html", hold=F._active_targeted(db.session, hold_id),
                               held=F.held_by(db.session, hold_id))
    try:
        ids = [n for n in map(as_id, request.form.getlist("release")) if n is not None]
        done = F.lift_hold(db.session, current_user, hold_id, now=now_utc(), release_ids=ids)
        db.session.commit()
    except ReviewqError as e:
        return _refused(e)
    flash(f"Hold lifted. {len(done.released)} held post(s) go out now; {len(done.held)} stay held.", "success")
    return redirect(url_for("releases.freeze"))


def _local(raw: str, field: str) -> datetime:
    try:
        return S.parse_release_time(raw, _cfg().timezone)
    except ValidationError:
        raise ValidationError(f"Give the {field} as a date and time, e.g. 2026-11-03 09:30.", {field: "malformed"})


@bp.route("/calendar/blackouts", methods=["POST"])
@login_required
def blackout_add():
    try:
        F.add_blackout(db.session, current_user, starts_at=_local(request.form.get("starts_at"), "start"),
                       ends_at=_local(request.form.get("ends_at"), "end"),
                       channels=request.form.getlist("channels"), reason=request.form.get("reason", ""),
                       now=now_utc())
        db.session.commit()
    except ReviewqError as e:
        return _refused(e)
    flash("Blackout window added.", "success")
    return redirect(url_for("releases.freeze"))


@bp.route("/calendar/blackouts/<int:window_id>/delete", methods=["POST"])
@login_required
def blackout_delete(window_id: int):
    try:
        F.remove_blackout(db.session, current_user, window_id, now=now_utc())
        db.session.commit()
    except ReviewqError as e:
        return _refused(e)
    flash("Blackout window removed.", "success")
    return redirect(url_for("releases.freeze"))


# -- release settings ---------------------------------------------------------------------------------

@bp.route("/calendar/settings", methods=["GET", "POST"])
@login_required
def settings():
    """View and change the release rules. The form bounds the numbers; the service checks who may."""
    if not can_freeze(current_user.actor()):
        raise PermissionDeniedError("Only comms leads and administrators can change the release settings.")
    form = ReleaseSettingsForm(data=release_settings(db.session))
    if request.method == "GET":
        return render_template("calendar/settings.html", form=form)
    if not form.validate_on_submit():
        expired = "csrf_token" in form.errors
        return render_template("calendar/settings.html", form=form, expired=expired), 400 if expired else 422
    try:
        update_release_settings(db.session, current_user, form.changes(), now=now_utc())
        db.session.commit()
    except ValidationError as e:
        db.session.rollback()
        form.apply_service_error(e)
        return render_template("calendar/settings.html", form=form), 422
    flash("Release settings saved. Workers use them from their next pass.", "success")
    return redirect(url_for("releases.settings"))


# -- iCalendar feed -------------------------------------------------------------------------------------

@bp.route("/calendar/feed", methods=["GET", "POST"])
@login_required
def feed_settings():
    secret = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            feed.revoke_feed(db.session, current_user, now=now_utc())
            flash("Your calendar feed address no longer works.", "success")
        else:
            secret = feed.regenerate_feed(db.session, current_user, now=now_utc())
        db.session.commit()
    url = f"{_cfg().base_url}{url_for('releases.ical', token=secret)}" if secret else None
    return render_template("calendar/feed.html", url=url, active=feed.feed_token(db.session, current_user))


@bp.route("/calendar/feed/<token>.ics")
def ical(token: str):
    user = feed.user_for_feed(db.session, token)
    if user is None:
        abort(404)
    now = now_utc()
    drafts = calendar_entries(db.session, user, now - feed.FEED_PAST, now + feed.FEED_AHEAD)
    body = feed.build_ical(drafts, base_url=_cfg().base_url, now=now,
                           summary_of=lambda d: f"#{d.id} {', '.join(d.channels or [])} ({d.state})")
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})


# -- signed media links for publishers ------------------------------------------------------------------

@bp.route("/releases/media/<int:attachment_id>")
def media(attachment_id: int):
    """An attachment for a publisher: the link is signed and expires; images lose EXIF/GPS."""
    from io import BytesIO

    from reviewq.publishers.payload import media_link_valid
    from reviewq.storage import path_of, stripped_image
    att = db.session.get(Attachment, attachment_id)
    if att is None or not media_link_valid(_cfg().secret_key, att.id, att.sha256, request.args.get("exp"),
                                           request.args.get("sig"), now_utc()):
        abort(404)
    path = path_of(_cfg().upload_dir, att.storage_key)
    if not path.exists():
        abort(404)
    if att.is_image:
        return send_file(BytesIO(stripped_image(path, att.content_type)), mimetype=att.content_type,
                         max_age=timedelta(hours=1).seconds)
    return send_file(path, mimetype=att.content_type)
