"""Tenth pass: a room, bay or bed told of one person, and ages in bedside shorthand (all examples invented)."""
import pytest

from tests.unit.checks.helpers import blocks


def _phi_blocks(text):
    return {(f.category, text[f.start:f.end]) for f in blocks(text) if f.check == "phi"}


@pytest.mark.parametrize("text, room", [
    ("nobody tell the gentleman in 714C that the cafeteria closed early 🤫", "714C"),
    ("the toddler in bay 6 just learned to high-five the whole trauma team", "6"),
    ("the lady in trauma bay 11 wants her rosary back, anyone seen it?", "11"),
    ("el señor en cuarto 9 nos cantó rancheras toda la noche", "9"),
    ("bed 12 just asked if we deliver pizza. sir this is a PACU", "12"),
])
def test_a_room_told_of_one_person_blocks(text, room):
    assert ("other_id", room) in _phi_blocks(text)


@pytest.mark.parametrize("text", [
    "I'll see my mom in 20 minutes, then back for the night shift",
    "A man in 2024 could not have imagined this lobby",
    "Flu shots for any resident in the lobby at 9am",
    "Each patient in pod 3 gets a new recliner this week",
])
def test_durations_years_and_rules_for_everyone_are_not_rooms(text):
    assert not any(cat == "other_id" for cat, _ in _phi_blocks(text))


@pytest.mark.parametrize("text, age", [
    ("Shoutout to the 94yo on 3 West who taught me to play cribbage", "94"),
    ("our 101 y/o walked the hallway twice today!!", "101"),
    ("97F with a new hip and a better attitude than mine", "97"),
])
def test_an_age_over_the_limit_in_bedside_shorthand_blocks(text, age):
    assert ("age", age) in _phi_blocks(text)


@pytest.mark.parametrize("text", [
    "Meet the family behind our new heart video 💙 Their son's journey from diagnosis to recovery plays in the lobby.",
    "Graduation day! One of our former NICU preemies walked across the stage and sent us the photo 🎓",
])
def test_a_lower_case_word_after_a_determiner_is_a_noun_not_a_name(text):
    assert not any(cat == "name" for cat, _ in _phi_blocks(text))


@pytest.mark.parametrize("text, numbers", [
    ("Two MRNs got swapped on the specimen labels today: 55120987 and 55120978. Fixed, but check twice!", {"55120987", "55120978"}),
    ("PSA: the census printout with everyone's medical record numbers (Ferreira 7730019, Lund 7730244) was left in the elevator",
     {"7730019", "7730244"}),
])
def test_bare_numbers_in_a_post_about_record_numbers_are_mrns(text, numbers):
    assert {v for cat, v in _phi_blocks(text) if cat == "mrn"} == numbers


def test_counts_in_a_post_about_record_numbers_are_not():
    text = "Our new portal means 1200000 visitors no longer need to know their MRN to check in."
    assert not any(cat == "mrn" for cat, _ in _phi_blocks(text))
