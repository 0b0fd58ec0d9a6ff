"""JSON API v1 under /api/v1: bearer tokens, one unit of work per request, JSON errors.

The views (reviewq.api.drafts, .misc) are thin: they validate through the
operation registry (reviewq.api.spec), call the same services as the web and
Slack, and serialise. Permissions are never decided here. Tokens are checked
before anything else; failed tokens are counted per client address in the
database (LoginAttempt) so every web process throttles alike.
"""
from __future__ import annotations

import math

from flask import Blueprint, current_app, g, jsonify, request
from sqlalchemy import func, select

from reviewq.core.errors import BlockingFindingsError, ReviewqError, ValidationError
from reviewq.extensions import csrf, db
from reviewq.models import LoginAttempt, User
from reviewq.services.common import now_utc
from reviewq.services.users import THROTTLE_MAX, THROTTLE_WINDOW, throttled, user_for_token

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


def _throttle_key() -> str:
    return f"api:{request.remote_addr or '?'}"


def _retry_after(key: str, now) -> int:
    oldest = db.session.scalar(select(func.min(LoginAttempt.at))
                               .where(LoginAttempt.key == key, LoginAttempt.at >= now - THROTTLE_WINDOW))
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + THROTTLE_WINDOW - now).total_seconds()))


@bp.before_request
def _authenticate():
    view = current_app.view_functions.get(request.endpoint)
    op = getattr(view, "operation", None)
    if op is not None and not op.auth:
        return None
    now, key = now_utc(), _throttle_key()
    if throttled(db.session, [key], now):
        resp = _error(429, f"Too many requests with a bad token from your address ({THROTTLE_MAX} in "
                           f"{int(THROTTLE_WINDOW.total_seconds() // 60)} minutes). Wait and try again.")
        resp.headers["Retry-After"] = str(_retry_after(key, now))
        return resp
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _unauthorized("Send an API token: Authorization: Bearer <token> (create one at /account/tokens).")
    user = user_for_token(db.session, token.strip(), now)
    if user is None:
        db.session.rollback()
        db.session.add(LoginAttempt(key=key, at=now))
        db.session.commit()
        return _unauthorized("The API token is unknown or revoked.")
    g.api_user = user
    return None


def _unauthorized(message: str):
    resp = _error(401, message)
    resp.headers["WWW-Authenticate"] = 'Bearer realm="reviewq"'
    return resp


def init_app(app) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)


from reviewq.api import drafts, misc  # noqa: E402,F401  (views register themselves on bp)
