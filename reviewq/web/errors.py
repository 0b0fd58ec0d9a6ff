"""Error pages and JSON errors: every refusal is a clear message, never a traceback.

Logs carry the request path and error class only: post text and finding text
never go to logs or error reports.
"""
from __future__ import annotations

import logging
import traceback

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from reviewq.core.errors import ReviewqError
from reviewq.web import unit_of_work

log = logging.getLogger("reviewq")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/slack/")


def error_response(status: int, message: str, *, error: BaseException | None = None, **extra):
    """The page or JSON body for a refusal; the request's work is kept or discarded first."""
    unit_of_work.settle(error)
    if wants_json():
        body = {"error": message, **{k: v for k, v in extra.items() if v not in (None, {}, [])}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app) -> None:
    @app.errorhandler(ReviewqError)
    def domain_error(e: ReviewqError):
        return error_response(e.status, e.message, error=e, **e.details)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return error_response(400, "The form expired or was sent from elsewhere. Reload the page and try again.")

    @app.errorhandler(413)
    def too_large(e):
        limit = app.config["REVIEWQ"].max_upload_bytes // (1024 * 1024)
        # Also raised for one text field over Flask's MAX_FORM_MEMORY_SIZE (500 kB by default).
        text_kb = (app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000) // 1000
        return error_response(413, f"The upload is too large. Files may be up to {limit} MB "
                                   f"and a text field up to {text_kb} kB.")

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return error_response(e.code or 500, e.description or e.name)

    @app.errorhandler(Exception)
    def unexpected(e):
        # Only the class and path: the exception text may quote post content.
        log.error("unhandled %s on %s %s\n%s", type(e).__name__, request.method, request.path,
                  "".join(traceback.format_tb(e.__traceback__)))
        return error_response(500, "Something went wrong on our side. The error was logged without any post content.")
