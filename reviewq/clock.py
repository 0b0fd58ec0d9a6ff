"""The one reader of the wall clock.

Boundaries (a request, a CLI command, the worker loop) read it once and pass
`now` down; core/ and the operations never read the clock themselves, so
tests and `reviewq worker --once --now ISO` choose the time.
"""
from __future__ import annotations

from datetime import datetime, timezone


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
