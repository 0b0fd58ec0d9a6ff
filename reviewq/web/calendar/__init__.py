"""The release calendar for people: one blueprint `bp` ("calendar"); the pages are in views.py."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from reviewq.web.calendar import views  # noqa: E402,F401  (routes register on bp)
