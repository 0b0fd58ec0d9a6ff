"""The personal iCalendar feed: the page that makes or revokes its secret address, and the feed itself."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user, login_required

from reviewq.clock import now_utc
from reviewq.extensions import db
from reviewq.releases import ical
from reviewq.web.releases import bp


@bp.route("/calendar/feed", methods=["GET", "POST"])
@login_required
def feed_settings():
    secret = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            ical.revoke_feed(db.session, current_user, now=now_utc())
            flash("Your calendar feed address no longer works.", "success")
        else:
            secret = ical.regenerate_feed(db.session, current_user, now=now_utc())
    base = current_app.config["REVIEWQ"].base_url
    url = f"{base}{url_for('releases.ical', token=secret)}" if secret else None
    return render_template("calendar/feed.html", url=url, active=ical.feed_token(db.session, current_user))


@bp.route("/calendar/feed/<token>.ics", endpoint="ical")
def ical_feed(token: str):
    body = ical.feed_for_token(db.session, token, base_url=current_app.config["REVIEWQ"].base_url, now=now_utc())
    if body is None:
        abort(404)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})
