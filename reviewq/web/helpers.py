"""Temporary re-exports while web/calendar (arch-B) still imports here; the code lives in
reviewq.web.templating, reviewq.web.local_time and reviewq.web.redirects."""
from reviewq.web.local_time import LocalTimeError, local, local_input, org_tz, parse_local, waited  # noqa: F401
from reviewq.web.redirects import local_path  # noqa: F401
from reviewq.web.templating import diff_words, highlight, text_findings  # noqa: F401
