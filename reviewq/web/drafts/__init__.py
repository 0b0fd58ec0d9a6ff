"""Authoring pages (blueprint `drafts`): views.py and forms.py."""
from reviewq.web.drafts.views import bp  # noqa: F401
