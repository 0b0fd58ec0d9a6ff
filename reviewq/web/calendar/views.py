"""Release calendar pages: month, week and agenda views; schedule, move and unschedule forms.

Every change goes through reviewq.releases (the same operations the API
calls), which check permissions; this module renders, reads forms and turns
refusals into messages (unit_of_work.attempt undoes the refused operation).
Freeze, holds, blackouts, the release rules, the iCalendar feed and signed
media links are reviewq.web.releases.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from calendar import monthrange
from datetime import date, datetime, time, timedelta, timezone

from flask import Response, flash, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from reviewq.clock import now_utc
from reviewq.core.errors import ReviewqError, ValidationError
from reviewq.core.ids import as_id
from reviewq.core.roles import CHANNEL_LABELS, CHANNELS
from reviewq.extensions import db
from reviewq.releases.holds import release_held_post
from reviewq.releases.operations import schedule_release, unschedule_release
from reviewq.releases.permissions import can_control_releases, can_schedule_releases
from reviewq.releases.calendar import CalendarFilter, marker
from reviewq.releases.queries import calendar_view, release_panel
from reviewq.web.answer_cache import answer_key, cached_body, keep_body
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
    today = now.astimezone(tz).date()
    anchor = _day(request.args.get("date"), today)
    start, end, prev, nxt = _range(view, anchor)
    channels, states, author_id = _filters()
    etag = _page_etag(_utc(start, tz), _utc(end, tz), channels, states, author_id, today)
    if etag is not None and request.if_none_match.contains(etag.strip('"')):
        return Response(status=304, headers={"ETag": etag})
    key = answer_key(db.session, etag) if etag is not None else None
    body = cached_body(key) if key is not None else None
    if body is not None:  # the page this process rendered for this very ETag (reviewq.web.answer_cache)
        return Response(body, mimetype="text/html", headers={"ETag": etag})
    can_move = can_schedule_releases(current_user)
    page = calendar_view(db.session, current_user, _utc(start, tz), _utc(end, tz), channels=channels,
                         states=states, author_id=author_id, with_tray=can_move)
    windows = page.windows
    links = _links()
    drafts = [_entry(r, tz, page.will_hold, links) for r in page.drafts]
    tray = [_entry(r, tz, page.will_hold, links) for r in page.tray]
    days, slots = {}, {}
    for d in drafts:
        days.setdefault(d.local.date(), []).append(d)
        slots.setdefault((d.local.date(), d.local.hour), []).append(d)
    shown = [start + timedelta(days=i) for i in range((end - start).days)]
    blocked = _blocked(shown, windows, tz)
    blocked_slots = _blocked_slots(shown, windows, tz) if view == "week" else {}
    authors = sorted({(r.author_id, r.author_name) for r in page.drafts}, key=lambda a: a[1])
    resp = make_response(render_template(
        "calendar/index.html", view=view, anchor=anchor, days=days, slots=slots, hours=range(24), shown=shown,
        prev=prev, nxt=nxt, today=today, windows=windows, blocked=blocked, blocked_slots=blocked_slots,
        holds=page.holds, tray=tray, tray_total=page.tray_total,
        channels=channels, states=states, author_id=author_id, authors=authors, tz=tz, can_move=can_move,
        can_freeze=can_control_releases(current_user), CALENDAR_CHANNELS=CHANNELS, count=len(drafts),
        entry_html=functools.partial(entry_html, can_move=can_move)))
    if etag is not None:
        resp.headers["ETag"] = etag
        keep_body(key, resp.get_data())
    return resp


@dataclass(frozen=True)
class Entry:
    """One post as the grid, the agenda and the tray show it (from a plain row; links made once per page)."""

    id: int
    state: str
    body: str
    channels: tuple
    author_name: str
    local: datetime | None          # release time in the organisation's zone
    requested: datetime | None      # the author's requested time, same zone
    iso: str
    href: str
    move_url: str
    thumb: str
    held: bool
    will_hold: str
    retrying: bool

    @property
    def hhmm(self) -> str:
        return self.local.strftime("%H:%M") if self.local else ""


def entry_html(d: Entry, can_move: bool, full: bool = False) -> Markup:
    """One post in the grid or the agenda, as the template's markup once was (a macro called for each of
    hundreds of posts was most of a month's rendering). The whole text is in the link (its accessible
    name); the month grid clips it to one line and shows it all on hover and on keyboard focus
    (calendar.css), the week view and the agenda always show it. Every value is escaped."""
    e = _esc
    held = " is-held" if d.held or d.will_hold else ""
    drag = (f'draggable="true" data-draft-id="{d.id}" data-move-url="{e(d.move_url)}" data-time="{e(d.hhmm)}"'
            if can_move and d.state == "scheduled" else "")
    thumb = (f'<img class="cal-thumb" src="{e(d.thumb)}" alt="" width="32" height="32" loading="lazy">'
             if d.thumb else "")
    chips = _chips(d.channels)
    flag = ('<span class="cal-held"><span aria-hidden="true">⏸</span> On hold</span>\n  ' if d.held else
            f'<span class="cal-held"><span aria-hidden="true">⏸</span> Will be held ({e(d.will_hold)})</span>'
            if d.will_hold else "")
    pill = ('<span class="pill pill-approved">Published</span>' if d.state == "published" else
            '<span class="pill pill-rejected">Retrying</span>' if d.retrying else "")
    return Markup(
        f'\n\n<a class="cal-entry ch-{e(d.channels[0]) if d.channels else "none"} st-{e(d.state)}{held}" '
        f'href="{e(d.href)}"\n   {drag}>\n  {thumb}\n  <time class="rq-dual" datetime="{e(d.iso)}">{e(d.hhmm)}</time>'
        f'\n  <span class="cal-chans">{chips}</span>\n  {flag}\n  '
        f'<span class="cal-title{" cal-title-full" if full else ""}">#{d.id} {e(d.body)}</span>\n  {pill}\n</a>\n')


def _esc(value) -> str:
    """markupsafe.escape's output as a plain str (the same five entities), without a Markup per value."""
    return (str(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


@functools.lru_cache(maxsize=256)
def _chips(channels: tuple) -> str:
    return "".join(f'<span class="chip ch-{_esc(c)}">{_esc(CHANNEL_LABELS.get(c, c))}</span>' for c in channels)


def _links() -> tuple[str, str, str]:
    """url_for once per page, not per post: (draft page, move endpoint, thumbnail) with {} for the ids."""
    view = url_for("drafts.view", draft_id=1).rsplit("1", 1)
    move = url_for("calendar.move", draft_id=1).rsplit("1", 1)
    thumb = url_for("drafts.attachment_thumbnail", draft_id=1, attachment_id=2)
    return "{}".join(view), "{}".join(move), thumb.replace("/1/", "/{}/", 1).replace("/2/", "/{}/", 1)


def _entry(r, tz, will_hold: dict, links) -> Entry:
    local = r.release_at.astimezone(tz) if r.release_at else None
    return Entry(r.id, r.state, r.body or "", tuple(r.channels or ()), r.author_name, local,
                 r.requested_release_at.astimezone(tz) if r.requested_release_at else None,
                 r.release_at.astimezone(timezone.utc).isoformat() if r.release_at else "",
                 links[0].format(r.id), links[1].format(r.id), links[2].format(r.id, r.thumb_id) if r.thumb_id else "",
                 bool(r.held), will_hold.get(r.id, ""), bool(r.release_error))


def _page_etag(start, end, channels, states, author_id, today) -> str | None:
    """The page's ETag: per user and session, from one aggregate query; None when a 304 would be wrong.

    Flashed messages are shown once, so a page with some pending is always rendered.
    """
    if session.get("_flashes"):
        return None
    generate_csrf()  # the page carries the session's token: make it before the tag depends on it
    f = CalendarFilter(start, end, tuple(channels), tuple(states or ("scheduled", "published")), author_id)
    mark = marker(db.session, current_user, f, page=True)
    who = hashlib.sha256(f"{session.get('csrf_token', '')}|{today}|{request.query_string!r}".encode())
    return f'"{mark}-{who.hexdigest()[:16]}"'


def _blocked(shown, windows, tz) -> dict:
    """Day -> the blackout label of that day ("blackout", or "blackout: x, facebook" for some channels)."""
    out = {}
    for day in shown:
        hits = [w for w in windows if w.starts_at < _utc(day + timedelta(days=1), tz) and w.ends_at > _utc(day, tz)]
        if hits:
            out[day] = _label(hits)
    return out


def _blocked_slots(shown, windows, tz) -> dict:
    out = {}
    for day in shown:
        for hour in range(24):
            at = datetime.combine(day, time(hour), tz).astimezone(timezone.utc)
            hits = [w for w in windows if w.starts_at < at + timedelta(hours=1) and w.ends_at > at]
            if hits:
                out[(day, hour)] = _label(hits)
    return out


def _label(windows) -> str:
    channels = sorted({c for w in windows for c in (w.channels or ())})
    every = any(not w.channels for w in windows)
    return "blackout" if every or not channels else "blackout: " + ", ".join(channels)


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
    """Drag and drop on the calendar (a scheduled post, or an approved one from the tray): a date and a time
    in the organisation's zone. JSON answer, with what Undo sends back to put the post where it was."""
    raw = f"{request.form.get('date', '')}T{request.form.get('time', '')}"
    try:
        draft = schedule_release(db.session, current_user, draft_id, release_at=raw, now=now_utc(),
                                 tz_name=_cfg().timezone)
    except ReviewqError as e:  # a 4xx answer: the unit of work rolls the request back
        return jsonify({"error": _message(e), "fields": getattr(e, "fields", None) or {}}), e.status
    previous = draft.release_previous
    return jsonify({"ok": True, "release_at": draft.release_at.isoformat(), "warnings": draft.release_warnings,
                    "local": draft.release_at.astimezone(_cfg().tz).strftime("%a %d %b %H:%M"),
                    "undo": {"url": url_for("calendar.undo", draft_id=draft.id),
                             "release_at": previous.isoformat() if previous else ""}})


@bp.route("/calendar/drafts/<int:draft_id>/undo", methods=["POST"])
@login_required
def undo(draft_id: int):
    """Undo a drag: back to `release_at` (ISO with offset; audited as a reschedule), or, when it is empty,
    back to the tray (unscheduled). The same operations and rules as any other move. JSON answer."""
    back = request.form.get("release_at", "")
    try:
        if back:
            schedule_release(db.session, current_user, draft_id, release_at=back, now=now_utc(),
                             tz_name=_cfg().timezone)
        else:
            unschedule_release(db.session, current_user, draft_id, now=now_utc(), reason="Undo on the calendar")
    except ReviewqError as e:
        return jsonify({"error": _message(e), "fields": getattr(e, "fields", None) or {}}), e.status
    return jsonify({"ok": True})


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
