"""Temporary re-exports while modules outside arch-A's areas still import here (removed once they switch)."""
from reviewq.clock import now_utc  # noqa: F401
from reviewq.core.ids import MAX_ID, as_id  # noqa: F401
from reviewq.drafts.permissions import can_see_draft as visible  # noqa: F401
from reviewq.drafts.queries import get_visible_draft, lock_draft  # noqa: F401
