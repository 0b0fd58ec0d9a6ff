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


@pytest.mark.parametrize("text", [
    "This tea detoxes your liver in 3 days https://wellness-daily.info/tea",
    "A brisk walk burns 100 extra calories!",
    "Elderberry syrup boosts immunity all winter.",
    "Cinnamon reverses diabetes, naturally.",
    "Turmeric shots help prevent cancer. See cdc.gov.health-updates.info/turmeric",
    "Our smoothie melts stubborn belly fat: https://bit.ly/cdc-gov",
    "Ginger fights inflammation. Read more at https://nih-health.news/ginger",
    "Vitamin C wards off colds (source: https://tinyurl.com/nih-gov-vitc)",
    "Beet juice lowers blood pressure: https://www.cdc.gov.example.info/beets",
])
def test_claims_by_meaning_and_lookalike_or_redirector_links_are_flagged(text):
    assert flags(text, "sourcing")


@pytest.mark.parametrize("text", [
    "We are so happy for our neighbour who finally beat her infection and went home!",
    "Vaccines prevent severe illness: https://www.cdc.gov/vaccines/index.html",
    "Exercise lowers blood pressure (https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/)",
    "Join our 5K on Saturday and burn off some steam with the team!",
])
def test_stories_and_authoritative_subdomains_pass(text):
    assert not flags(text, "sourcing")


def test_registrable_domain_comes_from_the_bundled_public_suffix_list():
    from reviewq.checks.policy import domain_matches
    from reviewq.checks.urls import is_redirector, registrable_domain
    assert registrable_domain("pubmed.ncbi.nlm.nih.gov") == "nih.gov"
    assert registrable_domain("cdc.gov.health-updates.info") == "health-updates.info"
    assert registrable_domain("www.nhs.co.uk") == "nhs.co.uk"
    assert domain_matches("pubmed.ncbi.nlm.nih.gov", ("nih.gov",))
    assert not domain_matches("cdc.gov.health-updates.info", ("cdc.gov",))
    assert not domain_matches("nih-health.news", ("nih.gov",))
    assert not domain_matches("co.uk", ("nhs.co.uk",))
    assert is_redirector("bit.ly") and is_redirector("www.tinyurl.com") and not is_redirector("cdc.gov")
