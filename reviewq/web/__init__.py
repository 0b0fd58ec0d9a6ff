"""HTML blueprints for people. Each module defines one blueprint `bp`."""
from __future__ import annotations


def register_blueprints(app) -> None:
    from reviewq.web import (account, account_sessions, admin, admin_slack, auth, calendar, consents, drafts, policy, releases,
                             review, slack)
    for bp in (auth.bp, drafts.bp, review.bp, admin.bp, admin.audit_bp, policy.bp, admin_slack.bp, slack.bp,
               calendar.bp, releases.bp, account.bp, account_sessions.bp, consents.bp):
        app.register_blueprint(bp)
