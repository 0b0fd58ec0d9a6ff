"""GET /api/v1/calendar: scheduled and published posts in a time range, paged, with an ETag."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request, url_for

from reviewq.api import bp, current, ok
from reviewq.api import schemas as S
from reviewq.api.spec import iso, operation, parse_when
from reviewq.clock import now_utc
from reviewq.extensions import db
from reviewq.web.answer_cache import answer_key, cached_body, keep_body
from reviewq.releases.calendar import BadCursorError, CalendarFilter, calendar_rows, marker

MAX_LIMIT = 1000


@operation(bp, "/calendar", "GET", summary="Scheduled and published posts in a time range", tag="releases",
           query=S.CALENDAR_QUERY, raw_query=("limit", "cursor"), errors=(400,),
           responses={200: {"description": "entries by release time, then id; ETag header",
                            "schema": S.CALENDAR_OUT}})
def calendar(args):
    """`from` defaults to now and `to` to 30 days after `from`; at most 400 days at once.

    Without `limit` every post of the range comes in one answer (`next_cursor` null). With `limit`
    (1 to 1000) at most that many come, and `next_cursor` is passed back as `cursor` for the next
    page (keyset on release time and id: stable while posts are added or moved). A bad `limit` or
    `cursor` is a 400. Every answer has an `ETag`; send it back in `If-None-Match` and an unchanged
    page answers 304 with no body.
    """
    f = _filter(args)
    limit = _limit(args.get("limit"))
    etag = f'"{marker(db.session, current(), f)}-{limit or 0}-{args.get("cursor", "")}"'
    if request.if_none_match.contains(etag.strip('"')):
        return ok_not_modified(etag)
    prefix = url_for("api.get_draft", draft_id=1)[:-1]
    key = answer_key(db.session, etag, prefix)
    body = cached_body(key)
    if body is not None:
        resp = current_app.response_class(body, mimetype=current_app.json.mimetype)
    else:
        rows, nxt = calendar_rows(db.session, current(), f, limit=limit, cursor=args.get("cursor"),
                                  full=True)
        resp = ok({"entries": [_entry(r, prefix) for r in rows], "from": iso(f.start), "to": iso(f.end),
                   "next_cursor": nxt})
        keep_body(key, resp.get_data())
    resp.headers["ETag"] = etag
    return resp


def ok_not_modified(etag: str):
    resp = ok({}, 304)
    resp.set_data(b"")
    resp.headers["ETag"] = etag
    return resp


def _filter(args) -> CalendarFilter:
    start = parse_when(args.get("from"), "from") or now_utc()
    end = parse_when(args.get("to"), "to") or start + timedelta(days=30)
    return CalendarFilter(start, end, (args["channel"],) if "channel" in args else (),
                          (args["state"],) if "state" in args else ("scheduled", "published")).validate()


def _limit(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadCursorError(f"limit: a whole number from 1 to {MAX_LIMIT}.", {"limit": f"1 to {MAX_LIMIT}"})
    return int(raw)


def _entry(r, prefix: str) -> dict:
    """A DraftSummary from a plain row (the same fields as serialize.draft_summary).

    Unpacked by position (releases.calendar.API_COLUMNS, then body, author name, held, thumbnail):
    a month is hundreds of rows, and a Row's attribute lookup costs more than building the dict.
    """
    (draft_id, state, channels, author_id, release_at, requested, _error, title, revision, created_at,
     updated_at, published_at, stage_entered_at, body, author_name, _held, _thumb) = r
    return {"id": draft_id, "title": title or "", "state": state, "revision": revision, "body": body or "",
            "channels": list(channels or []), "author": {"id": author_id, "name": author_name},
            "created_at": iso(created_at), "updated_at": iso(updated_at), "requested_release_at": iso(requested),
            "release_at": iso(release_at), "published_at": iso(published_at),
            "stage_entered_at": iso(stage_entered_at), "url": f"{prefix}{draft_id}"}
