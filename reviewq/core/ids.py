"""Row ids as they arrive from URLs, forms, JSON and Slack.

Pure. Primary keys are INTEGER: 32-bit on PostgreSQL, so a larger number is
"no such row", never an out-of-range error from the database.
"""
from __future__ import annotations

MAX_ID = 2**31 - 1


def as_id(value) -> int | None:
    """`value` as a row id, or None when it cannot name a row (not a number, < 1, too large)."""
    if isinstance(value, bool):
        return None
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if 0 < n <= MAX_ID else None
