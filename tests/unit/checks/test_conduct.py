import pytest

from tests.unit.checks.helpers import flags


@pytest.mark.parametrize("text, category", [
    ("Having symptoms? DM us your date of birth and we'll check your chart!", "solicits_phi"),
    ("@jen_k you should stop taking your metformin before the test.", "medical_advice"),
    ("Another full moon, another night of frequent flyers in the ER 🙄", "unprofessional"),
])
def test_conduct_warnings(text, category):
    f = flags(text, "conduct")
    assert [x.category for x in f] == [category] and f[0].severity == "warn"


def test_ordinary_post_has_no_conduct_finding():
    assert not flags("Flu shots are available at every clinic this week.", "conduct")
