"""Your account (blueprint `account`): API tokens. views.py and forms.py."""
from reviewq.web.account.views import bp  # noqa: F401
