"""Tenth pass: sourcing and disclosure rules that hold on posts nobody tuned for (issue #12).

Wording here is our own, not the tuning corpora's: each case is one general rule.
"""
import pytest

from tests.unit.checks.helpers import flags


@pytest.mark.parametrize("text", [
    "Lavender oil soothes colic in newborns overnight.",
    "Bone broth rebuilds your gut lining in a week!",
    "This herbal spray clears sinus infections without antibiotics",
    "Apricot kernels starve tumor cells, naturally 🌰",
    "Energy drinks cause seizures in teens.",
    "Our herbal drops work faster than antibiotics for ear aches",
    "Charcoal toothpaste whitens better than fluoride ever could",
    "Daily sauna sessions cut your dementia risk in half",
    "Seniors who garden have half the risk of depression 🌻",
    "A cup of kefir keeps colds at bay all winter 🥛",
    "Clay masks draw heavy metals and toxins out through your skin",
    "Tumors shrink when you fast for three days",
    "Peptide serum regenerates collagen overnight",
    "Scalp oil regrows hair loss patches in a month",
    "Castor oil packs relieve endometriosis pain",
    "Chiropractic care fixes colic and ear infections",
    "Beet shots clean your arteries in 10 days",
    "Body wraps melt 3 inches off your waistline",
    "Ang tanglad ay nakakagamot ng ubo at sipon.",
    "Ang malunggay tea ay nagpapalakas ng resistensya ng bata!",
    "El té de jengibre alivia el dolor de la artritis.",
    "El aceite de coco es mejor que cualquier medicina para la tos.",
    "Thanks to a new state grant, 60% of patients in our diabetes program lowered their A1C.",
])
def test_health_claims_by_meaning_need_a_source(text):
    assert flags(text, "sourcing")


@pytest.mark.parametrize("host", ["cancer-gov.info", "fda-gov.health", "jamanetwork.health-review.org",
                                  "cdc.gov.health-news.info", "nih.gov-research.net"])
def test_lookalike_hosts_never_count_as_a_source(host):
    assert flags(f"Kombucha prevents kidney stones. Proof: https://{host}/kombucha", "sourcing")


@pytest.mark.parametrize("text", [
    "Congrats to our surgical techs: 100% pass rate on the certification exam!",
    "Our ED ran at 125% capacity all weekend. Thank you for your patience.",
    "Patient satisfaction on 4 North hit 96% this quarter 🎉",
    "Research funding grew to $80 million this year, up 12% from last year.",
    "Sepsis bundle compliance rose from 64% to 91%.",
    "Almost 1 in 4 nurses on our staff speaks Spanish.",
    "1 in 3 of them earned a new certification this year.",
    "He joined us as a PGY-1 in 1999 and never left.",
    "Corner Bakery is giving 5% of Friday sales to our NICU.",
    "About 70% of families wrote back to our survey.",
    "We cut the ribbon on our new heart center today!",
    "Ask your surgeon whether to stop any blood thinners before your procedure.",
    "Two months after her double lung transplant she ran a 5K.",
    "Dr. Reyes fixes broken bones all day and still coaches Little League.",
    "She cleared her last scan and rang the bell!",
    "Increase your mileage by no more than 10% a week.",
])
def test_institutional_figures_and_plain_statements_are_not_claims(text):
    assert not flags(text, "sourcing")


@pytest.mark.parametrize("text", [
    "Buy one get one free on KiddoKare bandages this weekend!",
    "BOGO smoothies at Juice Junction all week 🍓",
    "3 for $10 sunscreen sticks at sunnyskin.com",
    "$15 off your first meal box at mealmate.com/nurses",
    "Our favorite lunch boxes are on sale at Target this week!",
    "Comment HEARTS below to win running shoes from Stride Co!",
    "Win a spa day! Presented by Tranquil Waters Resort. Enter at the link in bio.",
    "Our gift guide links to Amazon and we may earn a small commission: amzn.to/xyz",
    "Coach Kim visited our rehab gym today, and her discount code is in her bio 💪",
    "Get a free estimate at rooftopsolar.com/hospital",
    "Thanks to Lakeview Ford for sponsoring our blood drive! Test drive a new truck and they'll donate $50.",
    "Maple Bakery will donate 10% of all orders Friday to our NICU. Show this post at checkout!",
    "Cozy Paws slippers keep our night shift warm. cozypawsslippers.com",
    "Influencer @glowwithgina tried our new facial and loved it!",
    "Buy 1 take 1 sa milk tea ng BobaHouse ngayong Sabado!",
    "Comenta tu color favorito para ganar una mochila de Mochilandia",
])
def test_commerce_without_the_usual_words_needs_a_disclosure(text):
    f = flags(text, "disclosure")
    assert f and f[0].severity == "block" and "FTC" in f[0].message and "#ad" in f[0].fix


@pytest.mark.parametrize("text", [
    "Parking in garage D is $2 off for visitors this week during construction.",
    "Cafeteria special: 2 for $5 breakfast burritos before 9am!",
    "Gift shop: 20% off all plush toys through Sunday 🧸",
    "New on our café menu: pho on Mondays. Staff get 10% off with their badge.",
    "Link in bio to register for Saturday's 5K 🏃",
    "Gala tickets are almost gone! Link in bio for tickets and sponsorship info.",
    "Our staff picnic raffle winner gets a reserved parking spot for a month!",
    "Thank you to all our sponsors for making the gala a success!",
    "Our volunteers partnered with us on the coat drive: 400 coats collected!",
    "Ginger tea reverses arthritis, and our residents swear by it!",
    "Free prenatal classes every Tuesday at Seaside Birth Center. Register at https://seasidebirth.com/classes",
    "Book your cleaning with Bright Smiles Dental at brightsmilesdental.com",
    "New hours at our Glow Studio! glowstudio.com",
])
def test_the_organisations_own_perks_and_events_are_not_endorsements(text):
    assert not flags(text, "disclosure")


def test_an_outside_business_discount_for_staff_badges_is_still_an_endorsement():
    assert flags("Treat yourself: Bloom Nail Bar gives 20% off to anyone with a hospital badge!", "disclosure")


def test_a_disclosed_deal_passes():
    assert not flags("#ad BOGO smoothies at Juice Junction all week 🍓", "disclosure")
