"""JSON API v1 under /api/v1: bearer tokens, one unit of work per request, JSON errors.

The views (reviewq.api.drafts, .misc) are thin: they validate through the
operation registry (reviewq.api.spec), call the same services as the web and
Slack, and serialise. Permissions are never decided here. Tokens are checked
before anything else; a valid token always passes, and bad ones are counted
per client address and token prefix (reviewq.accounts.throttle).
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from reviewq.core.errors import BlockingFindingsError, ReviewqError, ValidationError
from reviewq.extensions import csrf, db
from reviewq.accounts import throttle
from reviewq.models import User
from reviewq.services.common import now_utc
from reviewq.services.users import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def current() -> User:
    return g.api_user


def ok(payload, status: int = 200, **headers):
    """Commit the request's unit of work and answer with JSON."""
    db.session.commit()
    resp = jsonify(payload)
    resp.status_code = status
    resp.headers.update(headers)
    return resp


def _error(status: int, message: str, **extra):
    db.session.rollback()
    resp = jsonify({"error": message, **extra})
    resp.status_code = status
    return resp


@bp.errorhandler(ReviewqError)
def _domain_error(e: ReviewqError):
    extra = {k: v for k, v in e.details.items() if v not in (None, {}, [])}
    if isinstance(e, ValidationError):
        extra["fields"] = e.fields
    if isinstance(e, BlockingFindingsError):
        extra["findings"], extra["missing_justifications"] = e.findings, e.missing_justifications
    return _error(e.status, e.message, **extra)


@bp.before_request
def _authenticate():
    view = current_app.view_functions.get(request.endpoint)
    op = getattr(view, "operation", None)
    if op is not None and not op.auth:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthorized("Send an API token: Authorization: Bearer <token> (create one at /account/tokens).")
    now, token = now_utc(), token.strip()
    user = user_for_token(db.session, token, now)
    if user is not None:  # a valid token always passes, whatever others sent
        g.api_user = user
        return None
    db.session.rollback()
    limits = throttle.Limits.from_settings(current_app.config["REVIEWQ"])
    keys = [f"api:{request.remote_addr or '?'}"] + ([f"token:{token[:10]}"] if len(token) >= 10 else [])
    wait = throttle.record_failure(db.session, keys, now, limits)
    db.session.commit()
    if wait is not None:
        resp = _error(429, f"Too many requests with a bad token ({limits.max_failures} in {limits.minutes} "
                           "minutes). Wait and try again.")
        resp.headers["Retry-After"] = str(wait)
        return resp
    return _unauthorized("The API token is unknown or revoked.")


def _unauthorized(message: str):
    resp = _error(401, message)
    resp.headers["WWW-Authenticate"] = 'Bearer realm="reviewq"'
    return resp


def init_app(app) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


from reviewq.api import drafts, misc  # noqa: E402,F401  (views register themselves on bp)
