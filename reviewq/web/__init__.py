"""HTML blueprints for people. Each module (or package) defines one blueprint `bp`.

Views parse the request, call one operation or query of a domain package, and
render; reviewq.web.unit_of_work commits or rolls back the request. Slack's
endpoint and admin page live with the rest of the Slack adapter in
reviewq.integrations.slack and are registered here with the others.
"""
from __future__ import annotations


def register_blueprints(app) -> None:
    from reviewq.integrations.slack import admin as admin_slack
    from reviewq.integrations.slack import endpoint as slack
    from reviewq.web import account, admin, auth, calendar, consents, drafts, metrics, policy, releases, review
    for bp in (auth.bp, drafts.bp, review.bp, admin.bp, admin.audit_bp, policy.bp, admin_slack.bp, slack.bp,
               calendar.bp, releases.bp, account.bp, account.security_bp, consents.bp, metrics.bp, auth.sso_bp):
        app.register_blueprint(bp)
    metrics.init_app(app)
