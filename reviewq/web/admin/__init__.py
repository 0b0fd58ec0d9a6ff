"""Administration pages: users and organisation settings (blueprint `bp`, /admin, views.py) and the
audit log (blueprint `audit_bp`, /audit, audit.py).

Changes go through reviewq.accounts and reviewq.drafts.masking, which check the
admin role themselves; the blueprints check it too only so a non-admin gets a
403 before any form is shown.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
audit_bp = Blueprint("audit", __name__, url_prefix="/audit")

from reviewq.web.admin import audit, views  # noqa: E402,F401  (routes register on the blueprints)
