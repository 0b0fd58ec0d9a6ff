"""Temporary re-export while modules outside arch-A's areas still import here (removed once they switch)."""
from reviewq.consents.operations import *  # noqa: F401,F403
from reviewq.consents.queries import *  # noqa: F401,F403
