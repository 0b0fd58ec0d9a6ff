"""A valid, in-scope consent lets the consented person's name, age and story through, and nothing else."""
from datetime import datetime, timedelta, timezone

import pytest

from reviewq.checks import ConsentInfo, Policy, run_all
from reviewq.checks.consent import faces_under_consent

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
EDNA = "Happy 100th birthday to our patient Edna Morales!"


def edna(**kw):
    base = dict(id=7, subject_name="Edna Morales", covers=frozenset({"name", "photo", "story"}),
                channels=frozenset({"facebook", "instagram"}), valid_from=NOW - timedelta(days=100),
                valid_until=NOW + timedelta(days=100))
    base.update(kw)
    return ConsentInfo(**base)


def by(text, consents=(), channels=("facebook",), policy=None):
    return {(f.check, f.category): f for f in run_all(text, list(channels), consents=consents, now=NOW,
                                                       policy=policy)}


def test_without_consent_the_birthday_story_blocks_on_name_age_and_consent():
    f = by(EDNA)
    assert {k: v.severity for k, v in f.items()} == {("phi", "name"): "block", ("phi", "age"): "block",
                                                      ("consent", "patient_story"): "block"}


def test_a_matching_consent_turns_name_age_and_story_into_info_naming_it():
    f = by(EDNA, [edna()])
    assert {k: v.severity for k, v in f.items()} == {("phi", "name"): "info", ("phi", "age"): "info",
                                                      ("consent", "patient_story"): "info"}
    assert all("#7 (Edna Morales)" in v.message for v in f.values())
    assert not f[("phi", "name")].fix


def test_first_name_only_matches_the_record():
    f = by("Happy 97th birthday to our patient Edna", [edna()])
    assert f[("phi", "name")].severity == "info" and f[("consent", "patient_story")].severity == "info"


@pytest.mark.parametrize("extra", [" MRN 00482913", " She is in room 412.", " Born March 3, 1926.",
                                   " Call her at 312-555-0199."])
def test_other_identifiers_stay_blocked_whatever_the_consent(extra):
    f = [x for x in run_all(EDNA + extra, ["facebook"], consents=[edna()], now=NOW) if x.severity == "block"]
    assert f and all(x.check == "phi" and x.category not in ("name", "age") for x in f)


def test_the_policy_may_allow_a_category_for_consented_stories():
    text = EDNA + " Born March 3, 1926."
    assert by(text, [edna()])[("phi", "date")].severity == "block"
    allowed = Policy.from_mapping({"consented_categories": ["date"]})
    assert by(text, [edna()], policy=allowed)[("phi", "date")].severity == "info"


@pytest.mark.parametrize("bad", [dict(revoked=True), dict(valid_until=NOW - timedelta(days=1)),
                                 dict(valid_from=NOW + timedelta(days=1)), dict(channels=frozenset({"x"})),
                                 dict(covers=frozenset({"photo", "story"})), dict(subject_name="Edna Lopez")])
def test_invalid_out_of_scope_or_other_persons_consent_changes_nothing(bad):
    f = by(EDNA, [edna(**bad)])
    assert f[("phi", "name")].severity == "block" and f[("consent", "patient_story")].severity == "block"
    assert f[("phi", "age")].severity == "block"


def test_each_person_needs_their_own_consent():
    text = "Happy birthday to our patient Edna Morales and her daughter Rosa Diaz! 🎂"
    found = run_all(text, ["facebook"], consents=[edna()], now=NOW)
    names = {f.text: f.severity for f in found if f.category == "name"}
    assert names == {"Edna Morales": "info", "Rosa Diaz": "block"}
    story = [f for f in found if f.check == "consent"]
    assert [(f.severity, f.text) for f in story] == [("block", "Rosa Diaz")]
    rosa = ConsentInfo(8, "Rosa Diaz", frozenset({"name", "story"}), frozenset())
    found = run_all(text, ["facebook"], consents=[edna(), rosa], now=NOW)
    assert all(f.severity == "info" for f in found if f.check in ("phi", "consent")), found


@pytest.mark.parametrize("text", [
    "Happy 97th birthday to our patient Edna",
    "Congratulations to Marcus Lee, discharged today after 40 days in our ICU!",
    "Before and after photos: Janet Kim's new smile after jaw surgery.",
    "Shared with permission: our patient Tom Reyes walked 100 steps today.",
    "Our patient Ana Cruz went home today!",
])
def test_patient_stories_need_a_record_not_words(text):
    assert by(text)[("consent", "patient_story")].severity == "block"


@pytest.mark.parametrize("text", [
    "Happy birthday to our charge nurse Linda Park, RN!",
    "Thank you to our volunteer Bob Smith for 20 years of service.",
    "Thank you to donor Helen Grant for her gift to the cancer center.",
    "Governor Gavin Newsom visited our hospital today.",
])
def test_staff_volunteers_donors_and_public_figures_need_no_patient_consent(text):
    assert ("consent", "patient_story") not in by(text)


FACE = {"check": "attachment", "category": "photo", "severity": "warn", "policy": "attachment.face",
        "message": "A face is visible.", "attachment_id": 3, "box": [10, 10, 50, 50]}


def test_a_single_face_takes_the_single_photo_consent():
    out = faces_under_consent([FACE], [edna()], {}, ["facebook"], NOW)
    assert out[0]["severity"] == "info" and out[0]["consent_id"] == 7 and "#7 (Edna Morales)" in out[0]["message"]


def test_faces_need_their_own_link_when_there_are_several():
    other = {**FACE, "box": [100, 10, 50, 50]}
    out = faces_under_consent([FACE, other], [edna()], {}, ["facebook"], NOW)
    assert [f["severity"] for f in out] == ["warn", "warn"]
    out = faces_under_consent([FACE, other], [edna()], {(3, (10, 10, 50, 50)): 7}, ["facebook"], NOW)
    assert [f["severity"] for f in out] == ["info", "warn"]


@pytest.mark.parametrize("bad", [dict(revoked=True), dict(covers=frozenset({"name", "story"})),
                                 dict(valid_until=NOW - timedelta(days=1)), dict(channels=frozenset({"x"}))])
def test_a_face_stays_flagged_under_an_invalid_or_non_photo_consent(bad):
    out = faces_under_consent([FACE], [edna(**bad)], {(3, (10, 10, 50, 50)): 7}, ["facebook"], NOW)
    assert out[0]["severity"] == "warn"
