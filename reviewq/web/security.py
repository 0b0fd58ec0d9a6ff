"""Security headers, the login manager's user loader, and template helpers."""
from __future__ import annotations

import secrets
from itertools import chain

from flask import abort, current_app, g, request
from werkzeug.routing import IntegerConverter

from reviewq.extensions import db, login_manager
from reviewq.core.ids import MAX_ID

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def _whole_numbers_upto(limit: int) -> str:
    """A regex for 1..limit written without leading zeros (e.g. 1..2147483647)."""
    s = str(limit)
    # [0-9], not \d, which also takes other scripts' digits.
    alts = [f"[1-9][0-9]{{0,{len(s) - 2}}}"]  # fewer digits than limit
    for i, digit in enumerate(s):  # same length: equal up to position i, then smaller
        low = 1 if i == 0 else 0
        if int(digit) > low:
            alts.append(f"{s[:i]}[{low}-{int(digit) - 1}][0-9]{{{len(s) - i - 1}}}")
    return "(?:" + "|".join(alts + [s]) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 1 up to the database's INTEGER maximum; anything else is a 404.

    The range is in the regex, not only in to_python: Werkzeug matches methods
    before it converts, so a PATCH to an id that fails conversion would be a 405.
    """

    regex = _whole_numbers_upto(MAX_ID)

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    app.url_map.converters["int"] = IdConverter  # called before any blueprint adds its routes
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        # The cookie alone proves nothing: its session row must still be live (reviewq.accounts.sessions).
        from reviewq.web.account.sessions import user_from_cookie
        return user_from_cookie(user_id)

    @app.before_request
    def refuse_nul():
        # PostgreSQL text and JSON cannot hold NUL: refused here once for every web form
        # (a sign-in with one in the e-mail was a 500). The API checks its JSON in
        # reviewq.api.spec; Slack's body must stay unread until its signature is checked.
        if request.path.startswith(("/api/", "/slack/")):
            return None
        fields = chain(request.args.items(multi=True), request.form.items(multi=True),
                       ((k, f.filename or "") for k, f in request.files.items(multi=True)))
        if any("\x00" in k or "\x00" in v for k, v in fields):
            abort(400, "The form contains a NUL character, which no field accepts. Remove it and try again.")
        return None

    @app.after_request
    def headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # Every page, file and error page, 404s included: none may stay in a browser or proxy cache.
        # A view's own policy is kept only when it already forbids storing (send_file's is no-cache).
        if not (request.endpoint or "").endswith("static") or resp.status_code >= 400:
            if "no-store" not in resp.headers.get("Cache-Control", ""):
                resp.headers["Cache-Control"] = "no-store"
        return resp

    @app.context_processor
    def template_globals():
        from reviewq.web import templating
        return templating.template_globals()

    from reviewq.web import templating
    templating.register_filters(app)


def settings():
    return current_app.config["REVIEWQ"]
