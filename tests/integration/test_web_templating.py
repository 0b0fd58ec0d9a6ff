"""The HTML builders behind the draft page: highlights, diffs, local times (need the app for its time zone)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from reviewq.web.local_time import LocalTimeError, parse_local
from reviewq.web.templating import diff_words, highlight

NOW = datetime(2026, 11, 2, 14, 0, tzinfo=timezone.utc)


def f(start, end, severity="warn", **kw):
    return {"check": "phi", "category": "name", "severity": severity, "start": start, "end": end, **kw}


def test_overlapping_spans_become_flat_marks_with_the_worst_colour():
    text = "Call Jane Doe <now>"
    html = str(highlight(text, [f(5, 13, "warn"), f(10, 19, "block"), f(0, 4, "info")]))
    assert html == ('<mark class="sev-info" aria-describedby="finding-2" title="Note: phi name">Call</mark> '
                    '<mark class="sev-warn" aria-describedby="finding-0" title="Needs justification: phi name">'
                    'Jane </mark>'
                    '<mark class="sev-block" aria-describedby="finding-0 finding-1" title="Needs justification: phi '
                    'name; Must fix: phi name">Doe</mark>'
                    '<mark class="sev-block" aria-describedby="finding-1" title="Must fix: phi name"> &lt;now&gt;'
                    '</mark>')


def test_spans_outside_the_text_and_attachment_findings_are_ignored():
    text = "<b>bold</b>"
    html = str(highlight(text, [f(3, 99), {"check": "attachment", "severity": "block", "attachment_id": 1},
                                f(5, 5), f("3", 4)]))
    assert html == "&lt;b&gt;bold&lt;/b&gt;"


def test_astral_characters_are_indexed_like_python_strings():
    text = "😷 mask up, Ann"
    html = str(highlight(text, [f(11, 14)]))
    assert html.endswith(">Ann</mark>") and html.startswith("😷 mask up, ")


def test_word_diff_escapes_both_sides():
    assert str(diff_words("a <b> c", "a <i> c")) == "a &lt;<del>b</del><ins>i</ins>&gt; c"


@pytest.mark.parametrize("value, expected", [
    ("2026-11-20T09:30", "2026-11-20T14:30:00+00:00"),   # EST, UTC-5
    ("2027-07-01T09:30", "2027-07-01T13:30:00+00:00"),   # EDT, UTC-4
    ("", None),
])
def test_local_times_convert_to_utc(app, value, expected):
    app.config["REVIEWQ"].timezone = "America/New_York"
    with app.test_request_context():
        got = parse_local(value, NOW)
    assert (got.isoformat() if got else None) == expected


@pytest.mark.parametrize("value", ["2027-03-14T02:15", "2027-11-07T01:15", "2026-11-02T08:59", "2026-13-01T10:00",
                                   "2026-12-01T10:00+02:00"])
def test_impossible_ambiguous_past_or_malformed_local_times_are_refused(app, value):
    app.config["REVIEWQ"].timezone = "America/New_York"
    with app.test_request_context(), pytest.raises(LocalTimeError):
        parse_local(value, NOW)
