"""Your account: API tokens (blueprint `account`, views.py), sign-in sessions and password
(blueprint `account_security`, sessions.py); forms.py."""
from reviewq.web.account.views import bp  # noqa: F401
from reviewq.web.account.sessions import bp as security_bp  # noqa: F401
