"""The check policy admin page (blueprint `bp`, /admin/policy); the page is views.py."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("policy", __name__, url_prefix="/admin/policy")

from reviewq.web.policy import views  # noqa: E402,F401  (routes register on bp)
