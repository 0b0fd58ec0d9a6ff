"""Whatever the text, checks never raise and every span is the original text."""
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewq.checks import run_all

TRICKY = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "１", "－", "😀", "👨‍👩‍👧", "İ",
                          "ß", "Patient ", "Dr. ", "SSN ", "MRN ", "555-123-4567", "Ann Lee", " room 4B",
                          "https://cdc.gov", "#ad", "@x_1", "3/4/21", "ninety-one", "\n", "\ud800"])
TEXT = st.lists(st.one_of(st.text(max_size=20), TRICKY), max_size=30).map("".join)
CHANNELS = st.lists(st.sampled_from(["x", "facebook", "instagram", "linkedin", "threads", "unknown"]), max_size=4)


@settings(max_examples=300, deadline=None)
@given(TEXT, CHANNELS)
def test_every_finding_slices_the_original_text(text, channels):
    for f in run_all(text, channels):
        if f.start is None:
            continue
        assert 0 <= f.start < f.end <= len(text)
        assert f.text == text[f.start:f.end]
        assert f.severity in ("block", "warn", "info")
        f.to_dict()
