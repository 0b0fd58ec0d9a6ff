"""Request size limits that do not depend on the Werkzeug release installed.

Werkzeug 3.1.9 stopped applying max_form_memory_size (Flask's MAX_FORM_MEMORY_SIZE,
500 kB) to application/x-www-form-urlencoded bodies: that parser reads the whole
body into memory at once, so the limit only ever covered the body as a whole. Since
then a 1 MB text field in an ordinary HTML form passed through to the views (a 302
or a 422 instead of a 413), bounded only by the 21 MB upload limit. This request
class puts that bound back where Werkzeug 3.1.8 had it: a urlencoded body may be no
larger than the form memory limit. Multipart bodies keep Werkzeug's per-field check.
"""
from __future__ import annotations

from flask import Request

URLENCODED = "application/x-www-form-urlencoded"


class LimitedRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self.mimetype != URLENCODED:
            return limit
        form_limit = self.max_form_memory_size
        if form_limit is None:
            return limit
        return form_limit if limit is None else min(limit, form_limit)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def init_app(app) -> None:
    app.request_class = LimitedRequest
