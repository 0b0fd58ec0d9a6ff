"""Release calendar pages: month, week and agenda views; schedule, move and unschedule forms.

Every change goes through reviewq.releases (the same operations the API
calls), which check permissions; this module renders, reads forms and turns
refusals into messages (unit_of_work.attempt undoes the refused operation).
Freeze, holds, blackouts, the release rules, the iCalendar feed and signed
media links are reviewq.web.releases.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.core.errors import ReviewqError, ValidationError
from reviewq.core.ids import as_id
from reviewq.core.roles import CHANNELS
from reviewq.extensions import db
from reviewq.releases.holds import release_held_post
from reviewq.releases.operations import schedule_release, unschedule_release
from reviewq.releases.permissions import can_control_releases, can_schedule_releases
from reviewq.releases.queries import calendar_view, release_panel
from reviewq.web.calendar import bp
from reviewq.web.redirects import local_path
from reviewq.web.unit_of_work import attempt

VIEWS = ("month", "week", "agenda")
AGENDA_DAYS = 30


def _cfg():
    from flask import current_app
    return current_app.config["REVIEWQ"]


def _day(raw: str | None, today: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else today
    except ValueError:
        raise ValidationError("Dates look like 2026-11-03.", {"date": "malformed date"})


def _range(view: str, anchor: date) -> tuple[date, date, date, date]:
    """(first shown day, day after the last, previous anchor, next anchor) for a view."""
    if view == "month":
        first = anchor.replace(day=1)
        start = first - timedelta(days=first.weekday())
        last = first.replace(day=monthrange(first.year, first.month)[1])
        end = last + timedelta(days=7 - last.weekday())
        prev = (first - timedelta(days=1)).replace(day=1)
        return start, end, prev, last + timedelta(days=1)
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=7), start - timedelta(days=7), start + timedelta(days=7)
    return anchor, anchor + timedelta(days=AGENDA_DAYS), anchor - timedelta(days=AGENDA_DAYS), \
        anchor + timedelta(days=AGENDA_DAYS)


def _utc(day: date, tz) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(timezone.utc)


def _filters():
    channels = [c for c in request.args.getlist("channel") if c]
    states = [s for s in request.args.getlist("state") if s]
    author = request.args.get("author") or None
    author_id = as_id(author)  # str.isdigit() passes "²" and 20-digit numbers
    if author is not None and author_id is None:
        raise ValidationError("Choose an author from the list.", {"author": "not a user id"})
    return channels, states, author_id


@bp.route("/calendar")
@login_required
def index():
    cfg, now = _cfg(), now_utc()
    tz = cfg.tz
    view = request.args.get("view") or "month"
    if view not in VIEWS:
        raise ValidationError("Views are month, week and agenda.", {"view": "unknown view"})
    anchor = _day(request.args.get("date"), now.astimezone(tz).date())
    start, end, prev, nxt = _range(view, anchor)
    channels, states, author_id = _filters()
    page = calendar_view(db.session, current_user, _utc(start, tz), _utc(end, tz), channels=channels,
                         states=states, author_id=author_id)
    drafts, windows = page.drafts, page.windows
    days = {}
    for d in drafts:
        days.setdefault(d.release_at.astimezone(tz).date(), []).append(d)
    shown = [start + timedelta(days=i) for i in range((end - start).days)]
    blocked = {day for day in shown for w in windows
               if w.starts_at < _utc(day + timedelta(days=1), tz) and w.ends_at > _utc(day, tz)}
    authors = sorted({(d.author_id, d.author.name) for d in drafts}, key=lambda a: a[1])
    return render_template("calendar/index.html", view=view, anchor=anchor, days=days, shown=shown, prev=prev,
                           nxt=nxt, today=now.astimezone(tz).date(), windows=windows, blocked=blocked,
                           holds=page.holds, channels=channels, states=states, author_id=author_id,
                           authors=authors, tz=tz, can_move=can_schedule_releases(current_user),
                           can_freeze=can_control_releases(current_user), CALENDAR_CHANNELS=CHANNELS,
                           count=len(drafts))


def _back(draft_id: int):
    target = local_path(request.form.get("next"))
    if target:
        return redirect(target)
    return redirect(url_for("drafts.view", draft_id=draft_id) + "#release")


@bp.route("/calendar/drafts/<int:draft_id>/schedule", methods=["POST"])
@login_required
def schedule(draft_id: int):
    """Schedule or reschedule from the draft page's form (release_at in the org time zone)."""
    try:
        with attempt():
            draft = schedule_release(db.session, current_user, draft_id, release_at=request.form.get("release_at"),
                                     now=now_utc(), channels=request.form.getlist("channels") or None,
                                     tz_name=_cfg().timezone)
    except ReviewqError as e:
        flash(_message(e), "error")
        return _back(draft_id)
    flash("Scheduled.", "success")
    for w in draft.release_warnings:
        flash(w, "info")
    return _back(draft_id)


@bp.route("/calendar/drafts/<int:draft_id>/move", methods=["POST"])
@login_required
def move(draft_id: int):
    """Drag and drop on the calendar: a new day (keeping the time of day) or a date and time. JSON answer."""
    raw = f"{request.form.get('date', '')}T{request.form.get('time', '')}"
    try:
        draft = schedule_release(db.session, current_user, draft_id, release_at=raw, now=now_utc(),
                                 tz_name=_cfg().timezone)
    except ReviewqError as e:  # a 4xx answer: the unit of work rolls the request back
        return jsonify({"error": _message(e), "fields": getattr(e, "fields", None) or {}}), e.status
    return jsonify({"ok": True, "release_at": draft.release_at.isoformat(), "warnings": draft.release_warnings})


@bp.route("/calendar/drafts/<int:draft_id>/unschedule", methods=["POST"])
@login_required
def unschedule(draft_id: int):
    try:
        with attempt():
            unschedule_release(db.session, current_user, draft_id, now=now_utc(),
                               reason=request.form.get("reason", ""))
    except ReviewqError as e:
        flash(_message(e), "error")
        return _back(draft_id)
    flash("Taken off the calendar; the post is approved and can be scheduled again.", "success")
    return _back(draft_id)


@bp.route("/calendar/drafts/<int:draft_id>/release-now", methods=["POST"])
@login_required
def release_now(draft_id: int):
    """Lift the holds on one held post so the worker releases it on its next pass."""
    try:
        with attempt():
            release_held_post(db.session, current_user, draft_id, now=now_utc())
    except ReviewqError as e:
        flash(_message(e), "error")
        return _back(draft_id)
    flash("Hold lifted: the post goes out within a minute if its time has come.", "success")
    return _back(draft_id)


def _message(e: ReviewqError) -> str:
    fields = getattr(e, "fields", None) or {}
    return e.message if not fields or e.message not in ("Please correct the highlighted fields.",) \
        else "; ".join(fields.values())


def release_panel_context(draft) -> dict:
    """What the draft page's release panel needs (called from the template via a global)."""
    tz = _cfg().tz
    panel = release_panel(db.session, draft)
    shown = draft.release_at or draft.requested_release_at
    return {"holds": panel.holds, "warnings": panel.warnings, "can_schedule": can_schedule_releases(current_user),
            "can_release": can_control_releases(current_user),
            "local_value": shown.astimezone(tz).strftime("%Y-%m-%dT%H:%M") if shown else "", "now": now_utc(),
            "idempotency_key": panel.idempotency_key}


@bp.app_context_processor
def _panel():
    return {"release_panel": release_panel_context}
