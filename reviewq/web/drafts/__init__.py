"""Authoring pages (blueprint `drafts`): views.py and forms.py."""
from reviewq.web.drafts.views import bp  # noqa: F401
from reviewq.web.drafts import evidence  # noqa: E402,F401  (registers /drafts/<id>/evidence on bp)
from reviewq.web.drafts import media  # noqa: E402,F401  (registers /drafts/preview and .../redact on bp)
