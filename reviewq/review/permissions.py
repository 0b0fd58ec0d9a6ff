"""Who may review: a person decides the stages whose role they hold (core.workflow's stages).

Whether they may decide one draft now is review.operations.check_decide.
"""
from __future__ import annotations

from reviewq.core import workflow as wf


def can_review(user) -> bool:
    """Whether `user` holds a role that decides some stage (has a review queue)."""
    return bool(wf.waiting_states_for(user.roles))
