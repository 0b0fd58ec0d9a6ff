"""HTML blueprints for people. Each module defines one blueprint `bp`."""
from __future__ import annotations


def register_blueprints(app) -> None:
    from reviewq.web import admin, admin_slack, auth, drafts, review, slack
    app.register_blueprint(auth.bp)
    app.register_blueprint(drafts.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin.audit_bp)
    app.register_blueprint(slack.bp)
    app.register_blueprint(admin_slack.bp)
    from reviewq.web import calendar, releases
    app.register_blueprint(calendar.bp)
    app.register_blueprint(releases.bp)
