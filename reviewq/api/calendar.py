"""GET /api/v1/calendar: scheduled and published posts in a time range."""
from __future__ import annotations

from datetime import timedelta

from reviewq.api import bp, current, ok
from reviewq.api import schemas as S
from reviewq.api import serialize as out
from reviewq.api.spec import iso, operation, parse_when
from reviewq.clock import now_utc
from reviewq.core.errors import ValidationError
from reviewq.extensions import db
from reviewq.releases.queries import calendar_entries

MAX_CALENDAR = timedelta(days=400)


@operation(bp, "/calendar", "GET", summary="Scheduled and published posts in a time range", tag="releases",
           query=S.CALENDAR_QUERY, responses={200: {"description": "entries by release time",
                                                    "schema": S.CALENDAR_OUT}})
def calendar(args):
    """`from` defaults to now and `to` to 30 days after `from`; at most 400 days at once."""
    start = parse_when(args.get("from"), "from") or now_utc()
    end = parse_when(args.get("to"), "to") or start + timedelta(days=30)
    if end <= start:
        raise ValidationError("to: must be after from.", {"to": "before from"})
    if end - start > MAX_CALENDAR:
        raise ValidationError("to: ask for at most 400 days at once.", {"to": "range too long"})
    rows = calendar_entries(db.session, current(), start, end,
                            channels=[args["channel"]] if "channel" in args else None,
                            states=[args["state"]] if "state" in args else None)
    return ok({"entries": [out.draft_summary(d) for d in out.preload(db.session, rows)], "from": iso(start),
               "to": iso(end)})
