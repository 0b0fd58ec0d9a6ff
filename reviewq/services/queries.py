"""Temporary re-export while modules outside arch-A's areas still import here (removed once they switch)."""
from reviewq.drafts.queries import *  # noqa: F401,F403
from reviewq.review.queries import review_queue, stage_counts  # noqa: F401
