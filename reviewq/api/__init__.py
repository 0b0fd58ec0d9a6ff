"""JSON API v1 under /api/v1: bearer tokens, one unit of work per request, JSON errors.

The views (reviewq.api.drafts, .checks, .account, .review, .calendar, .consents) are thin: they validate through the
operation registry (reviewq.api.spec), call the same operations as the web and
Slack, and serialise. Permissions are never decided here. The request's unit
of work (reviewq.web.unit_of_work) commits. Tokens are checked before
anything else; a valid token always passes, and bad ones are counted per
client address and token prefix in the database
(reviewq.accounts.operations.record_failed_token, reviewq.accounts.throttle)
so every web process throttles alike.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from reviewq.accounts.operations import record_failed_token, user_for_token
from reviewq.accounts.throttle import Limits
from reviewq.clock import now_utc
from reviewq.core.errors import BlockingFindingsError, ReviewqError, ValidationError
from reviewq.extensions import csrf, db
from reviewq.models import User
from reviewq.web import unit_of_work

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def current() -> User:
    return g.api_user


def ok(payload, status: int = 200, **headers):
    """Answer with JSON (the unit of work commits after a 2xx)."""
    resp = jsonify(payload)
    resp.status_code = status
    resp.headers.update(headers)
    return resp


def _error(status: int, message: str, *, error: BaseException | None = None, **extra):
    unit_of_work.settle(error)
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
    return _error(e.status, e.message, error=e, **extra)


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
    limits = Limits.from_settings(current_app.config["REVIEWQ"])
    wait = record_failed_token(db.session, token, request.remote_addr or "?", now, limits)
    unit_of_work.keep_changes()  # the attempt counts although the answer is 401/429
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


# Views register themselves on bp, in this order in the OpenAPI document; openapi comes last.
from reviewq.api import drafts, checks, account, review, calendar, consents, evidence  # noqa: E402,F401,I001
from reviewq.api import openapi  # noqa: E402,F401
