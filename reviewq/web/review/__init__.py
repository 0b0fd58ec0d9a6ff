"""Approver pages (blueprint `review`): views.py and forms.py."""
from reviewq.web.review.views import bp  # noqa: F401
