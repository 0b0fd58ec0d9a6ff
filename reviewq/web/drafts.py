"""Authoring pages: my drafts, new draft, edit, submit, withdraw (placeholder until the web UI lands)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("drafts", __name__)


@bp.route("/")
@login_required
def home():
    return render_template("drafts/home.html")
