"""Rules that must hold for names, places and wording no list or corpus contains (all examples invented)."""
import pytest

from tests.unit.checks.helpers import cats, flags, phi


def names_found(text):
    return {f.text for f in phi(text) if f.category == "name" and f.severity in ("block", "warn")}


@pytest.mark.parametrize("text, name", [
    ("Our patient Zoltána Brückner-Oyelaran is home after her hip surgery!", "Zoltána Brückner-Oyelaran"),
    ("Mrs. Okwuosa-Lindahl, who is ninety-seven, finished rehab today.", "Okwuosa-Lindahl"),
    ("Her husband Teodoro brought flowers to the cardiac unit.", "Teodoro"),
    ("Welcome, baby Ysolde! Born in our birthing center last night.", "Ysolde"),
    ("pt quillon varga / DOB 3/4/1950 / bed 7C", "quillon varga"),
    ("Bring a blanket to Rm 412B for Mr. Ferdinand Osterhaus, he's cold.", "Ferdinand Osterhaus"),
    ("Lab: tube for R. Adebayo-Kline clotted, redraw please.", "R. Adebayo-Kline"),
    ("pt T.W. in bed 22 — admitted overnight.", "T.W."),
    ("Our tiniest fighter Odalys Ferreira-Quon went home today after 80 days in the NICU!", "Odalys Ferreira-Quon"),
    ("Mr. Aurelian O'Dowd (96) and his daughter visited the garden.", "Aurelian O'Dowd"),
    ("Transfer: BRONISLAW KACZMAREK, DOB 2/2/1941, to cardiology.", "BRONISLAW KACZMAREK"),
])
def test_names_are_found_by_context_not_by_list(text, name):
    assert name in names_found(text)


@pytest.mark.parametrize("text", [
    "Congratulations to Dr. Ilse Varnhagen on her teaching award!",
    "Thank you to volunteer Osric Pemberton-Lyle for 2,000 hours at our front desk.",
    "Meet Wilhelmina Achebe, our new staff chaplain! Stop by the chapel any time.",
    "Great work by Renske Haldane, RN, BSN, on the sepsis project.",
    "Night shift on 4 North rocks. Shoutout to Anouk, Tiberius and Yusra for the snacks!",
    "Happy retirement, Mr. Quarrington! Our longest-serving porter kept us moving for 38 years.",
])
def test_staff_and_volunteers_are_not_blocked(text):
    assert not [f for f in phi(text) if f.severity == "block"]


@pytest.mark.parametrize("text", [
    "Our ED is busy tonight; please use urgent care for minor injuries.",
    "Someone left the lights on in a silver Mazda Tribute in Lot B.",
    "Flu clinic opens Jan 9 at our Brackenridge campus.",
    "Walk-ins welcome at Quillfeather Springs! Questions? Call us.",
    "Use code HEALTHY20 for 20% off Vantoria Wellness yoga mats.",
])
def test_things_and_places_are_not_names(text):
    assert not names_found(text)


@pytest.mark.parametrize("text, category, value", [
    ("Our patient Hollis Brandt, who is ninety-one, walked the whole hallway!", "age", "ninety-one"),
    ("Three cheers for our patient Idris Mooney, who celebrated a hundred and two years today!", "age",
     "a hundred and two"),
    ("Our patient Verity Lane is 93 and just finished cardiac rehab!", "age", "93"),
    ("Our patient Hollis Brandt was admitted on 3.14.24 with pneumonia.", "date", "3.14.24"),
    ("Reminder for Corwin Athey: your scan is Tuesday, March 4. Questions? Call us.", "date", "Tuesday, March 4"),
    ("Meal delivery for Pell Marchetti at 8812 Juniper Hollow Rd starts Monday.", "address",
     "8812 Juniper Hollow Rd"),
    ("bed board: Calloway Nunes → 14C, MRN 88120011", "other_id", "14C"),
    ("Our patient Rosamund Teague in rm. 517-3 loves visitors.", "other_id", "517-3"),
    ("Our patient Rosamund Teague in bed CCU-4 is asking for her glasses.", "other_id", "CCU-4"),
    ("Lab: sample for Eudora Hinds (MR# 00551239) was mislabeled.", "mrn", "00551239"),
    ("Found an insurance card for Bastian Kroll, member 2RT7-PQ4-ZZ19, at the desk.", "health_plan",
     "2RT7-PQ4-ZZ19"),
    ("Valet found a driver's license (K220-5513-9087) for Tamsin Rook.", "license", "K220-5513-9087"),
    ("Mr. Ansel Whitcombe, your Honda Fit (LMQ-2291) has its lights on.", "vehicle", "LMQ-2291"),
    ("Intake for Jory Feld is missing the SSN — he wrote 512\u2060330987 on the form.", "ssn", "512\u2060330987"),
    ("Our patient Ines Palacios blogs about her recovery at https://inespalacios-heals.wordpress.com",
     "url", "https://inespalacios-heals.wordpress.com"),
])
def test_patient_identifiers(text, category, value):
    assert (category, value) in cats(phi(text))


@pytest.mark.parametrize("text", [
    "Fax referrals to 555-201-7781 or call our clinic.",
    "Drop forms at 400 Larkspur Ave, Fenwick, OR 97001, or send them by fax at 555.201.7790.",
    "Applications for our teen volunteer program close Apr 30. Apply at our website!",
    "Flu shots on Oct. 3 from 9am to 4pm at 12 Birch Rd, Dunmore, PA 18512.",
    "Our 104-year-old building gets a new roof this summer.",
])
def test_organisation_details_are_not_blocked(text):
    assert not [f for f in phi(text) if f.severity == "block"]


@pytest.mark.parametrize("text", [
    "Swipe to see how far this little girl has come since her heart surgery last fall!",
    "Patient spotlight: after two years of chemo, this grandfather of five is cancer-free.",
    "One of our former burn patients just climbed his first mountain!",
    "A grateful dad sent us this photo of his triplets on their first birthday.",
    "Hear one stroke patient's journey back to the piano at our website.",
])
def test_anonymous_patient_stories_need_consent(text):
    assert flags(text, "consent")


@pytest.mark.parametrize("text", [
    "Questions about a bill? Our Patient Relations team can help.",
    "Patient safety week: ask us how we prevent falls.",
    "Found a wallet for Dorian Pike at the pharmacy window. It's at the Security desk.",
    "IT ticket: login failures for user Maren Oakes since Monday. Lockout cleared.",
])
def test_not_stories_do_not_need_consent(text):
    assert not flags(text, "consent")


@pytest.mark.parametrize("text, expected", [
    ("Our pharmacists love the Dozewell pillow! DM us for a discount code.", True),
    ("Our therapists recommend FlexiGrip bands. Use GRIP15 at checkout.", True),
    ("Please fax his medication list to his pharmacy — he asked us at checkout.", False),
])
def test_disclosure_cues(text, expected):
    assert bool(flags(text, "disclosure")) is expected


@pytest.mark.parametrize("text, expected", [
    ("Experts agree: cold showers boost immunity for 8 out of 10 adults. https://t.co/abc123", True),
    ("Doctors say red light masks heal acne. https://youtu.be/xyz", True),
    ("AD — 15% of every mug sold supports our cancer screening fund. https://shop.example.com/mug", False),
])
def test_sourcing_cues(text, expected):
    assert bool(flags(text, "sourcing")) is expected
