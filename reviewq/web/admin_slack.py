"""Admin page for Slack (placeholder, filled below)."""
from flask import Blueprint
bp = Blueprint("admin_slack", __name__, url_prefix="/admin/slack")
