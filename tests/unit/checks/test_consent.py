from datetime import datetime, timedelta, timezone

import pytest

from reviewq.checks import ConsentInfo, run_all
from tests.unit.checks.helpers import flags

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
STORY = "Meet Rosa Alvarez! 💪 After her stroke she walked out of our rehab unit on her own. Watch her video 🎥"


def consent(**kw):
    base = dict(id=7, subject_name="Rosa Alvarez", covers=frozenset({"name", "story", "video"}),
                channels=frozenset(), valid_from=NOW - timedelta(days=30), valid_until=NOW + timedelta(days=300))
    base.update(kw)
    return ConsentInfo(**base)


@pytest.mark.parametrize("text", [
    STORY,
    "Our patient (pictured) rang the bell after her last chemo today! 🔔",
    "'The nurses here saved my life.' — Pat D., heart patient ❤️",
    "Shared with permission: our patient Jorge beat COVID after 40 days in the ICU!",
    "Tiny fighter! Baby Liam went home from the NICU today 🍼",
])
def test_patient_stories_need_consent(text):
    f = flags(text, "consent")
    assert f and f[0].severity == "block" and f[0].policy == "consent.patient_story"


@pytest.mark.parametrize("text", [
    "Our patient transportation service runs Monday to Friday.",
    "We keep our patients safe with hand hygiene audits every week.",
    "Dr. Ellen Park is now seeing patients at our Elm Street office.",
    "A new trial found that 30% of patients slept better. https://www.nih.gov/news",
])
def test_posts_that_merely_mention_patients_pass(text):
    assert not flags(text, "consent")


def test_valid_matching_consent_turns_the_block_into_info():
    found = [f for f in run_all(STORY, ["facebook"], consents=[consent()], now=NOW) if f.check == "consent"]
    assert [f.severity for f in found] == ["info"]


@pytest.mark.parametrize("bad", [
    dict(revoked=True),
    dict(valid_until=NOW - timedelta(days=1)),
    dict(valid_from=NOW + timedelta(days=1)),
    dict(channels=frozenset({"instagram"})),
    dict(covers=frozenset({"name", "story"})),  # the post has a video
    dict(subject_name="Maria Gomez"),
])
def test_invalid_or_mismatched_consent_still_blocks(bad):
    found = [f for f in run_all(STORY, ["facebook"], consents=[consent(**bad)], now=NOW) if f.check == "consent"]
    assert [f.severity for f in found] == ["block"]


def test_naive_datetimes_are_taken_as_utc():
    c = consent(valid_from=datetime(2025, 1, 1), valid_until=datetime(2026, 1, 1))
    found = [f for f in run_all(STORY, ["facebook"], consents=[c], now=datetime(2025, 6, 1)) if f.check == "consent"]
    assert [f.severity for f in found] == ["info"]
