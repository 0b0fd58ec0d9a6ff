"""Who may schedule releases and pull the brakes on them: comms leads schedule; comms and admins freeze.

Predicates over a User (or None); the rules themselves are reviewq.core.permissions'.
require_release_controls raises for the operations; the can_* answers are for
pages that show or hide buttons (hiding is never the check).
"""
from __future__ import annotations

from reviewq.core.errors import PermissionDeniedError
from reviewq.core.permissions import can_freeze, can_schedule

CONTROLS_REFUSED = "Only comms leads and admins can freeze or hold releases."


def can_control_releases(user) -> bool:
    """Freeze, hold, black out, release a held post, change the release rules."""
    return user is not None and can_freeze(user.actor())


def can_schedule_releases(user) -> bool:
    return user is not None and can_schedule(user.actor())


def require_release_controls(user, message: str = CONTROLS_REFUSED, *, system: bool = False) -> None:
    """Comms or admin; `system` lets the server's command line act without a person (audited as such)."""
    if user is None and system:
        return
    if not can_control_releases(user):
        raise PermissionDeniedError(message)
