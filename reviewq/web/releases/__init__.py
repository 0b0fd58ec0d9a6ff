"""Release controls around the calendar, one blueprint `bp` ("releases") in a few modules:
controls.py (crisis freeze, targeted holds, blackout windows: the freeze page), settings.py
(the release rules page, with forms.py), feed.py (the personal iCalendar feed) and media.py
(the signed links publishers download images from).

Permissions are checked in reviewq.releases (comms and admins); the feed and media routes
need no login because their URLs carry a secret or a signature.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("releases", __name__)

from reviewq.web.releases import controls, feed, media, settings  # noqa: E402,F401  (routes register on bp)
