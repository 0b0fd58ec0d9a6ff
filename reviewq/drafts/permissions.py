"""Who may see and write drafts, asked about a user and a loaded draft.

The rules are core.permissions' (pure, over plain values); this module feeds
them a User and a Draft. What a user may *do* to a draft now is asked of the
operations' check_* twins (reviewq.drafts.operations), which consult the
workflow through reviewq.drafts.transitions.
"""
from __future__ import annotations

from reviewq.core import permissions as P


def can_see_draft(user, draft) -> bool:
    decided = any(d.user_id == user.id for d in draft.decisions)
    return P.can_view_draft(user.actor(), author_id=draft.author_id, reached=draft.reached, decided=decided)


def can_write_drafts(user) -> bool:
    return P.can_create_draft(user.actor())


def can_edit_draft(user, draft) -> bool:
    """Only the author edits (the workflow refuses anyone else); pages offer editing to them alone."""
    return P.can_edit_draft(user.actor(), author_id=draft.author_id)


def can_search_drafts(user) -> bool:
    return P.can_search_drafts(user.actor())


_LANDING_ENDPOINTS = {"calendar": "calendar.index", "review": "review.queue", "audit": "audit.index"}


def landing_endpoint(user, registered) -> str | None:
    """The endpoint `/` sends `user` to (None: My drafts); an area that is not `registered` is skipped."""
    endpoint = _LANDING_ENDPOINTS.get(P.landing(user.actor()))
    return endpoint if endpoint in registered else None
