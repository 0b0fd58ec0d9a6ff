"""Temporary re-export while modules outside arch-A's areas still import here (removed once they switch)."""
from reviewq.drafts.operations import *  # noqa: F401,F403
