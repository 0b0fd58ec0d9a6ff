"""Release scheduling rules: time parsing across time zones, refusals, clashes, holds, backoff.

Pure: no Flask, database or clock reads (callers pass `now`). Values in, values
or ReviewqErrors out; loading blackout windows and holds, persisting and
signalling belong to the reviewq.releases operations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reviewq.core.errors import ConflictError, ValidationError

HOLD_KINDS = ("channel", "tag", "term")
DEFAULT_CLASH_MINUTES = 30
MAX_AHEAD = timedelta(days=366 * 2)


@dataclass(frozen=True)
class Window:
    """A blackout window: no release may start in [start, end). Empty channels = every channel."""

    start: datetime
    end: datetime
    channels: frozenset[str] = frozenset()
    reason: str = ""

    def covers(self, at: datetime, channels) -> bool:
        return self.start <= at < self.end and (not self.channels or bool(self.channels & set(channels)))


@dataclass(frozen=True)
class Slot:
    """Another post already on the calendar (for clash detection)."""

    draft_id: int
    release_at: datetime
    channels: frozenset[str]


@dataclass(frozen=True)
class Clash:
    draft_id: int
    channel: str
    minutes_apart: int

    def message(self) -> str:
        return (f"Post #{self.draft_id} goes out on {self.channel} {self.minutes_apart} minute"
                f"{'' if self.minutes_apart == 1 else 's'} apart from this one.")


@dataclass(frozen=True)
class HoldRule:
    """A targeted hold: every scheduled post on a channel, with a #tag, or containing a term."""

    id: int
    kind: str
    value: str

    def matches(self, text: str, channels) -> bool:
        value = self.value.lower()
        if self.kind == "channel":
            return value in set(channels)
        if self.kind == "tag":
            return value.lstrip("#") in hashtags(text)
        return bool(re.search(rf"(?<!\w){re.escape(value)}", text.lower()))

    def describe(self) -> str:
        return {"channel": f"channel {self.value}", "tag": f"#{self.value.lstrip('#')}",
                "term": f"term \u201c{self.value}\u201d"}[self.kind]


def hashtags(text: str) -> set[str]:
    return {m.lower() for m in re.findall(r"(?<![\w#])#(\w+)", text or "")}


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or ValidationError naming the field."""
    try:
        if not isinstance(name, str) or not name or name.startswith("/") or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Unknown time zone {name!r}; use an IANA name like America/New_York.",
                              {"timezone": "unknown time zone"})


def parse_release_time(value, tz_name: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text (or a datetime).

    Text with an offset (or Z) is taken as is; a local wall-clock time is read in
    `tz_name`, and refused when the clock skips it (spring forward) or shows it
    twice (fall back) — the caller must then give an offset.
    """
    if isinstance(value, datetime):
        parsed = value
    else:
        text = value.strip() if isinstance(value, str) else ""
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValidationError("Give the release time as a date and time, e.g. 2026-11-03T09:30.",
                                  {"release_at": "malformed date and time"})
    if parsed.tzinfo is not None:
        return parsed.astimezone(timezone.utc)
    return local_to_utc(parsed, zone(tz_name))


def local_to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """Wall-clock time in `tz` to UTC; ValidationError for nonexistent or ambiguous times."""
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    back = first.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        raise ValidationError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip that hour. Choose another time.",
            {"release_at": "nonexistent local time (daylight saving change)"})
    if first.utcoffset() != second.utcoffset():
        raise ValidationError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {tz.key} (the clocks go back). Give the UTC offset, "
            f"e.g. {first.isoformat(timespec='minutes')} or {second.isoformat(timespec='minutes')}.",
            {"release_at": "ambiguous local time (daylight saving change)"})
    return first.astimezone(timezone.utc)


def check_release_time(release_at: datetime, now: datetime, *, channels, windows=(), frozen: bool = False,
                       max_ahead: timedelta = MAX_AHEAD) -> None:
    """Refuse a release time in the past, too far ahead, inside a blackout window, or while frozen."""
    if release_at.tzinfo is None:
        raise ValidationError("The release time needs a time zone.", {"release_at": "no time zone"})
    if frozen:
        raise ConflictError("Releases are frozen (crisis freeze). Nothing can be scheduled until it is lifted.")
    if release_at <= now:
        raise ValidationError("The release time is in the past; choose a time from now on.",
                              {"release_at": "in the past"})
    if release_at - now > max_ahead:
        raise ValidationError("That is more than two years ahead.", {"release_at": "too far ahead"})
    for w in windows:
        if w.covers(release_at, channels):
            why = f" ({w.reason})" if w.reason else ""
            raise ValidationError(f"That time falls in a blackout window{why}; choose a time outside it.",
                                  {"release_at": "inside a blackout window"})


def find_clashes(release_at: datetime, channels, others, minutes: int = DEFAULT_CLASH_MINUTES,
                 exclude_id: int | None = None) -> list[Clash]:
    """Posts on a shared channel within `minutes` of `release_at` (warnings, never refusals)."""
    found = []
    for slot in others:
        if slot.draft_id == exclude_id:
            continue
        gap = abs((slot.release_at - release_at).total_seconds()) / 60
        if gap > minutes:
            continue
        for ch in sorted(set(channels) & set(slot.channels)):
            found.append(Clash(slot.draft_id, ch, int(gap)))
    return found


def matching_holds(holds, text: str, channels) -> list[HoldRule]:
    return [h for h in holds if h.matches(text, channels)]


def validate_hold(kind, value) -> tuple[str, str]:
    """A (kind, value) pair fit to store, or ValidationError."""
    if kind not in HOLD_KINDS:
        raise ValidationError("Hold by channel, tag or term.", {"kind": "unknown kind"})
    value = (value or "").strip().lower() if isinstance(value, str) else ""
    if kind == "tag":
        value = value.lstrip("#")
        if not re.fullmatch(r"\w+", value):
            raise ValidationError("A tag is one word, like #maternity.", {"value": "not a tag"})
    if len(value) < 2 or len(value) > 100:
        raise ValidationError("Say what to hold (2 to 100 characters).", {"value": "length"})
    return kind, value


def backoff(attempts: int, base: int = 30, cap: int = 3600) -> timedelta:
    """Wait before retry number `attempts` + 1: 30 s, 60 s, 2 min ... up to an hour."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def idempotency_key(draft_id: int, revision: int, release_at: datetime) -> str:
    """The same key on every retry of one release (and a new one if it is rescheduled)."""
    return f"release-{draft_id}-r{revision}-{int(release_at.timestamp())}"


def approvals_expired(approved_at: datetime | None, now: datetime, max_age_days: int) -> bool:
    return max_age_days > 0 and approved_at is not None and now - approved_at > timedelta(days=max_age_days)
