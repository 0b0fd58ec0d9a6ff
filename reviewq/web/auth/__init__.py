"""Sign in and out (blueprint `auth`): views.py and forms.py."""
from reviewq.web.auth.views import bp  # noqa: F401
