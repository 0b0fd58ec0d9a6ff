"""The freeze page: crisis freeze on and off, targeted holds, blackout windows.

Parses the forms, calls one reviewq.releases operation or query, and turns a
refusal into a message on the freeze page (the operation's work is undone by
unit_of_work.attempt; the request commits only what succeeded).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.core import schedule as S
from reviewq.core.errors import ReviewqError, ValidationError
from reviewq.core.ids import as_id
from reviewq.extensions import db
from reviewq.releases import blackouts, freeze as F, holds, queries
from reviewq.web.releases import bp
from reviewq.web.unit_of_work import attempt


def _refused(e: ReviewqError):
    flash(e.message, "error")
    return redirect(url_for("releases.freeze"))


def _ids(name: str) -> list[int]:
    return [n for n in map(as_id, request.form.getlist(name)) if n is not None]


@bp.route("/calendar/freeze", methods=["GET"])
@login_required
def freeze():
    now = now_utc()
    page = queries.controls_overview(db.session, current_user, now)
    return render_template("calendar/freeze.html", state=page.freeze, overdue=page.overdue, holds=page.holds,
                           will_hold=page.will_hold, can_freeze=page.can_control, now=now, HOLD_KINDS=S.HOLD_KINDS)


@bp.route("/calendar/freeze/on", methods=["POST"])
@login_required
def freeze_on():
    try:
        with attempt():
            F.freeze_releases(db.session, current_user, reason=request.form.get("reason"), now=now_utc())
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
        with attempt():
            done = F.lift_freeze(db.session, current_user, now=now_utc(), release_ids=_ids("release"),
                                 reason=request.form.get("reason", ""))
    except ReviewqError as e:
        return _refused(e)
    flash(f"Freeze lifted. {len(done.released)} overdue post(s) go out now; {len(done.held)} stay held "
          "until rescheduled.", "success")
    return redirect(url_for("calendar.index"))


@bp.route("/calendar/holds", methods=["POST"])
@login_required
def hold_add():
    try:
        with attempt():
            h = holds.place_hold(db.session, current_user, request.form.get("kind"), request.form.get("value"),
                                 reason=request.form.get("reason", ""), now=now_utc())
    except ReviewqError as e:
        return _refused(e)
    flash(f"Holding every scheduled post matching {S.HoldRule(h.id, h.kind, h.value).describe()}.", "success")
    return redirect(url_for("releases.freeze"))


@bp.route("/calendar/holds/<int:hold_id>/lift", methods=["GET", "POST"])
@login_required
def hold_lift(hold_id: int):
    if request.method == "GET":
        hold, held = queries.hold_to_lift(db.session, hold_id)
        return render_template("calendar/hold_lift.html", hold=hold, held=held)
    try:
        with attempt():
            done = holds.lift_hold(db.session, current_user, hold_id, now=now_utc(), release_ids=_ids("release"))
    except ReviewqError as e:
        return _refused(e)
    flash(f"Hold lifted. {len(done.released)} held post(s) go out now; {len(done.held)} stay held.", "success")
    return redirect(url_for("releases.freeze"))


def _local(raw: str, field: str) -> datetime:
    try:
        return S.parse_release_time(raw, current_app.config["REVIEWQ"].timezone)
    except ValidationError:
        raise ValidationError(f"Give the {field} as a date and time, e.g. 2026-11-03 09:30.", {field: "malformed"})


@bp.route("/calendar/blackouts", methods=["POST"])
@login_required
def blackout_add():
    try:
        with attempt():
            blackouts.add_blackout(db.session, current_user, starts_at=_local(request.form.get("starts_at"), "start"),
                                   ends_at=_local(request.form.get("ends_at"), "end"),
                                   channels=request.form.getlist("channels"), reason=request.form.get("reason", ""),
                                   now=now_utc())
    except ReviewqError as e:
        return _refused(e)
    flash("Blackout window added.", "success")
    return redirect(url_for("releases.freeze"))
