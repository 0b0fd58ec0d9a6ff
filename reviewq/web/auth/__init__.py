"""Sign in and out (blueprint `auth`): views.py and forms.py."""
from reviewq.web.auth.views import bp  # noqa: F401
from reviewq.web.auth.sso import bp as sso_bp  # noqa: F401
