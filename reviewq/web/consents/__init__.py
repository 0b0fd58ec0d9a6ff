"""The consent registry pages (blueprint `consents`): views.py and forms.py."""
from reviewq.web.consents.views import bp  # noqa: F401
