import pytest

from tests.unit.checks.helpers import flags


@pytest.mark.parametrize("text", [
    "Walking 20 minutes a day lowers your risk of stroke by 30%! 🚶",
    "Studies show turmeric shrinks tumors. Learn more: https://www.youtube.com/watch?v=abc123",
    "Our new supplement is clinically proven to boost immunity. https://bit.ly/3xYz",
    "Magnesium cures migraines — https://cdc.gov.health-updates.info/migraine",
    "Flossing daily is proven to add years to your life (via https://nih-health.news/floss)",
    "Try our free class at https://www.example-hospital.org — yoga reduces anxiety by 40%.",
])
def test_claims_without_authoritative_source_are_flagged(text):
    assert flags(text, "sourcing")


@pytest.mark.parametrize("text", [
    "Walking 20 minutes a day lowers your risk of stroke. Source: https://www.cdc.gov/stroke/prevention.htm",
    "Studies show that sleep matters: https://pubmed.ncbi.nlm.nih.gov/12345678/",
    "Research shows vaccines prevent severe illness https://www.who.int/news-room/fact-sheets",
    "A new trial found 40% fewer relapses. https://jamanetwork.com/journals/jama/fullarticle/1",
    "Get 15% off at our gift shop this week! 🎁",
    "Join our walking club on Saturdays at 9am. Everyone welcome!",
])
def test_sourced_claims_and_non_claims_pass(text):
    assert not flags(text, "sourcing")


def test_finding_points_at_the_claim_and_names_the_rule():
    text = "Green tea is proven to melt belly fat!"
    f = flags(text, "sourcing")[0]
    assert f.policy == "sourcing.authoritative_link" and f.severity == "warn"
    assert text[f.start:f.end] == f.text and "proven" in f.text
