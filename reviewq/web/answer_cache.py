"""A small per-process cache of answer bodies keyed by their ETag.

A calendar month is hundreds of posts: reading, serialising or rendering them
costs tens of milliseconds, while the marker behind its ETag (one aggregate)
tells whether anything it shows changed. So the body built for an ETag is kept
and answered again for the same ETag, by this process only: GET /api/v1/calendar
(reviewq.api.calendar) and the calendar page (reviewq.web.calendar.views), whose
ETags already promise "same tag, same body" to every client sending
If-None-Match. The key is the ETag (the marker covers the user, their roles, the
filter and the rows' count, newest update and version sum; the page's adds the
session's CSRF token, the day and the query string) plus the database and the
settings cache generation, so a new app (tests rolling back) never meets old
bodies. Bounded by total size; the least recently used bodies go first.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from reviewq.stored_settings import cache_generation

MAX_BYTES = 32 * 1024 * 1024
MAX_BODY = 4 * 1024 * 1024  # a larger answer (a 400-day range) is built each time rather than kept

_bodies: OrderedDict[tuple, bytes] = OrderedDict()
_size = 0
_lock = threading.Lock()


def answer_key(session, etag: str, *extra) -> tuple:
    """The cache key of the answer behind `etag`: it, `extra`, the database and the settings cache generation."""
    return (etag, *extra, str(session.get_bind().engine.url), cache_generation())


def cached_body(key: tuple) -> bytes | None:
    with _lock:
        body = _bodies.get(key)
        if body is not None:
            _bodies.move_to_end(key)
        return body


def keep_body(key: tuple, body: bytes) -> None:
    global _size
    if len(body) > MAX_BODY:
        return
    with _lock:
        old = _bodies.pop(key, None)
        _size -= len(old) if old is not None else 0
        _bodies[key] = body
        _size += len(body)
        while _size > MAX_BYTES and _bodies:
            _size -= len(_bodies.popitem(last=False)[1])

