"""Where a sign-in (or any next= parameter) may send the browser: only to a path on this site."""
from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects).

    Browsers read a backslash as a slash and drop tabs and newlines, so
    "/\\evil.com" and "/\t/evil.com" would leave the site like "//evil.com".
    """
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
