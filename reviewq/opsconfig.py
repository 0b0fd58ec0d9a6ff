"""Parsing of the e-mail and single sign-on settings, shared by config.load_settings and check-config.

Pure: no environment reads (config.py is the only reader), no network. Problems
are one line naming the variable, never its value (the SMTP URL holds a password).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from reviewq.core.roles import ROLES

ROLE_MAP_HELP = "use group=role[+role],… e.g. comms-team=comms,web-editors=staff"


class RoleMapError(ValueError):
    """REVIEWQ_OIDC_ROLE_MAP is malformed or names an unknown role."""


def smtp_url_problem(url: str) -> str | None:
    """None when `url` is a usable smtp:// or smtps:// URL, else the one-line problem."""
    try:
        parts = urlsplit(url.strip())
        good = parts.scheme in ("smtp", "smtps") and bool(parts.hostname)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        good = False
    return None if good else "REVIEWQ_SMTP_URL: expected smtp://user:pass@host:port or smtps://..."


def parse_role_map(raw: str) -> dict[str, tuple[str, ...]]:
    """`group=role[+role],…` as {group: roles}; raises RoleMapError with a one-line reason."""
    out: dict[str, tuple[str, ...]] = {}
    for item in (raw or "").split(","):
        item = item.strip()
        if not item:
            continue
        group, sep, roles = item.partition("=")
        group = group.strip()
        names = tuple(r.strip() for r in roles.split("+"))
        if not sep or not group or not all(names):
            raise RoleMapError(f"REVIEWQ_OIDC_ROLE_MAP: {ROLE_MAP_HELP}")
        if bad := [r for r in names if r not in ROLES]:
            raise RoleMapError("REVIEWQ_OIDC_ROLE_MAP: a group maps to an unknown role "
                               f"(roles: {', '.join(ROLES)})")
        out[group] = tuple(dict.fromkeys(out.get(group, ()) + names))
    return out


def roles_for_groups(role_map: dict[str, tuple[str, ...]], groups) -> list[str]:
    """The roles the provider's `groups` claim gives, in ROLES order; [] for none or a malformed claim."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, (list, tuple)):
        return []
    given = {r for g in groups if isinstance(g, str) for r in role_map.get(g, ())}
    return [r for r in ROLES if r in given]
