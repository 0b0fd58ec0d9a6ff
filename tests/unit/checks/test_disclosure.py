import pytest

from tests.unit.checks.helpers import flags


@pytest.mark.parametrize("text", [
    "Our NICU nurses love the SnugBaby swaddle 💕 Use code NICU20 for 20% off!",
    "Giveaway! 🎉 Tag a friend to win a FlexFit yoga mat. Link in bio.",
    "Shop the collection at https://glowskin.com/?ref=ourhospital",
    "Our dietitians swear by CrunchWell granola ✨ #ADHDAwareness",
])
def test_undisclosed_endorsements_are_flagged(text):
    f = flags(text, "disclosure")
    assert f and f[0].policy == "disclosure.sponsored"


@pytest.mark.parametrize("text", [
    "#ad Our NICU nurses love the SnugBaby swaddle 💕 Use code NICU20 for 20% off!",
    "Our NICU nurses love the SnugBaby swaddle. Use code NICU20! #Sponsored",
    "Paid partnership with FlexFit: enter to win a yoga mat. Link in bio.",
    "(Sponsored) Shop the collection at https://glowskin.com/?ref=ourhospital",
    "AD — Our dietitians swear by CrunchWell granola ✨",
    "Sponsored: our pharmacists recommend KidCare vitamins. Code KIDS10.",
    "Thank you to our sponsors and volunteers for a wonderful gala! 🎉",
    "Flu shots are free this week at all our clinics.",
])
def test_disclosed_posts_and_non_endorsements_pass(text):
    assert not flags(text, "disclosure")
