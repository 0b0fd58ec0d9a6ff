"""One unit of work per HTTP request (web pages, the JSON API and Slack alike).

The request commits once, after the view returned a response below 400.
Any refusal (a ReviewqError or any other exception, or a 4xx/5xx answer)
rolls the whole request back, here and nowhere else: views, API handlers and
Slack handlers never call commit or rollback.

Two refinements:
- `attempt()` runs one operation in a savepoint, for views that catch a
  refusal to show it next to the form: what the operation did is undone and
  the session stays usable to render the page again.
- Some refusals are results worth keeping: the findings a blocked submission
  stored on its revision (BlockingFindingsError.keeps_changes), a failed
  sign-in attempt that throttling counts. `keep_changes()` says so, and the
  request commits although it answers 4xx.

A commit that fails because someone else changed the same rows at the same
moment (version counter, unique constraint) becomes a 409 page or JSON error.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from flask import g
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from reviewq.core.errors import ReviewqError
from reviewq.extensions import db

log = logging.getLogger("reviewq")
CONFLICT = "Someone else changed this at the same moment. Reload the page and try again."


def keep_changes() -> None:
    """Commit this request's changes even though it answers with an error status."""
    g.reviewq_keep_changes = True


def discard() -> None:
    """Roll the request back now, so an error page renders from a clean session."""
    db.session.rollback()


def settle(error: BaseException | None) -> None:
    """What the error handlers call before rendering `error`: keep or discard the request's work.

    Work is kept when the error says so, or when the view already said the
    work so far must stay (keep_changes after a successful attempt(): the
    failed step after it was undone by its own savepoint).
    """
    if isinstance(error, ReviewqError) and error.keeps_changes:
        keep_changes()
    elif not g.get("reviewq_keep_changes"):
        discard()


@contextmanager
def attempt():
    """Run one operation in a savepoint; a refusal undoes only that operation's work, then re-raises."""
    savepoint = db.session.begin_nested()
    try:
        yield
    except ReviewqError as e:
        if e.keeps_changes:
            savepoint.commit()
            keep_changes()
        else:
            savepoint.rollback()
        raise
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def init_app(app) -> None:
    @app.after_request
    def _finish(response):
        if response.status_code >= 400 and not g.get("reviewq_keep_changes"):
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except (StaleDataError, IntegrityError) as e:
            db.session.rollback()
            log.warning("commit failed with %s; answered 409", type(e).__name__)
            from reviewq.web.errors import error_response
            return app.make_response(error_response(409, CONFLICT))
        return response
