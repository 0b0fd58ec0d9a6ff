"""Times as people see and type them: in the organisation's time zone (REVIEWQ_TIMEZONE).

Stored times are aware UTC; this module turns them into local display and
form values and reads datetime-local inputs back, refusing times a
daylight-saving change makes ambiguous or impossible.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app


def org_tz():
    return current_app.config["REVIEWQ"].tz


def local(dt: datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    if dt is None:
        return ""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    loc = dt.astimezone(org_tz())
    return f"{loc.strftime(fmt)} {loc.tzname()}"


def local_input(dt: datetime | None) -> str:
    """The value a datetime-local input shows for `dt` in the organisation's zone."""
    return dt.astimezone(org_tz()).strftime("%Y-%m-%dT%H:%M") if dt else ""


def waited(since: datetime | None, now: datetime) -> str:
    """'3 h 12 min', '2 d 4 h': how long something has waited."""
    if since is None:
        return ""
    minutes = max(0, int((now - since) / timedelta(minutes=1)))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


class LocalTimeError(ValueError):
    """A local time that cannot be used; the message is shown next to the field."""


def parse_local(value: str | None, now: datetime) -> datetime | None:
    """A datetime-local value in the organisation's zone as aware UTC.

    Refuses (LocalTimeError) times skipped or repeated by a daylight-saving
    change, because either guess could publish an hour off, and past times.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise LocalTimeError("Give the date and time as YYYY-MM-DD HH:MM.")
    if naive.tzinfo is not None:
        raise LocalTimeError("Give a local time without a time zone.")
    tz = org_tz()
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    back = early.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise LocalTimeError(f"{value.replace('T', ' ')} does not exist in {tz.key}: the clocks skip that hour "
                             "for daylight saving time. Pick another time.")
    if early.utcoffset() != late.utcoffset():
        raise LocalTimeError(f"{value.replace('T', ' ')} happens twice in {tz.key} (the clocks go back that "
                             "night). Pick a time outside that hour.")
    when = early.astimezone(timezone.utc)
    if when <= now:
        raise LocalTimeError("That time has already passed. Pick a time in the future.")
    return when
