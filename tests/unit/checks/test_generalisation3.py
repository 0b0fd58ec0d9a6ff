"""Third generalisation pass (all examples invented; none is copied from a corpus).

Each test names the general rule it holds, with wording, names and places no list contains.
"""
import pytest

from tests.unit.checks.helpers import blocks, flags, found, phi


# ---- names --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, name", [
    # lower-case names with no cue: two words in no English list, one of them a known name
    ("Courier: collect ngozi okonkwo-baptiste at the side entrance for her 7am infusion.", "ngozi okonkwo-baptiste"),
    ("Logs say tariq watanabe signed in from 10.4.2.9 twice. Can someone check?", "tariq watanabe"),
    # a lower-case first name and initial, as an attribution
    ("'Best nurses anywhere.' — ifeoma r., after her knee surgery", "ifeoma r."),
    # a lower-case name addressed at the end of a clause
    ("So glad you liked the playroom, adwoa! 'They made me feel brave.'", "adwoa"),
    # an identifier right after an upper-case name, and a common-word surname before ", your"
    ("FILE NOTE: HENRIK GREEN ssn 123-45-6789 needs a callback", "HENRIK GREEN"),
    ("Statement ready 🧾 Sunil Baker, your balance is now $0. Thanks!", "Sunil Baker"),
    # a possessive with paperwork after it
    ("Reminder: Priya Fox's disability forms still need a signature before Friday.", "Priya Fox"),
    # a surname before "family" after a comma
    ("After 9 days in our NICU, Okafor family, you are going home today! 🏠", "Okafor"),
    # a name in Chinese or Korean script beside its romanisation
    ("Happy 93rd birthday to 陈美玲 (Chen Meiling) from all of 4 East!", "陈美玲"),
    # any capitalised word right after "baby"
    ("Welcome, baby Hunter! Born 2/2 in our birthing center.", "Hunter"),
])
def test_names_without_list_cues(text, name):
    assert name in found(text, "name")


@pytest.mark.parametrize("text", [
    # app and network names are not people
    "Follow our recovery stories on Instagram (@ourhospital) and TikTok!",
    # the organisation's own town, served since a year
    "We've been caring for Maple Hollow since 1958 and we're proud of every day. 🏥",
    # judges and panelists of a staff contest are staff; the contest date is an event date
    "Our chili cook-off is Oct. 14 in the cafeteria! Judges: Ingrid Solberg and Tavish Mbeki.",
])
def test_not_people_and_not_dates(text):
    assert not blocks(text)
    assert not found(text, "date")
    assert not flags(text, "consent")


# ---- other identifiers ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, category, value", [
    ("Ines Carvalho (93!) out-bowled the whole rehab gym today 🎳", "age", "93"),
    ("The oxygen concentrator unit QX7741LM was returned by Odile Brandt from zip 10001.", "device", "QX7741LM"),
    ("Pump found with Aziz Haddad's name on it. Please collect it before your 4 March appointment.", "date", "4 March"),
    ("Hey @lana_runs99, sorry about the long wait on 3/14 😔 please DM us.", "other_id", "@lana_runs99"),
    ("Hey @lana_runs99, sorry about the long wait on 3/14 😔 please DM us.", "date", "3/14"),
    ("Prayers for Odette Lavigne and her kids, hurt in the rollover near Stony Brook Mills.", "address", "Stony Brook Mills"),
    ("Yusra Adeyemi left her cane in room 12 — could someone drop it off in Quillmont?", "address", "Quillmont"),
    ("Teodor Balan was our patient in 2010 and now works as a firefighter in Ashcombe Ridge!", "address", "Ashcombe Ridge"),
])
def test_identifiers_in_context(text, category, value):
    assert value in found(text, category)


def test_street_address_in_a_transport_note_with_a_lower_case_name():
    text = "Van run: pick up ilse vandermolen at 42 Heron Ct, Birchport, ME 04011 for rehab at 9."
    assert "42 Heron Ct, Birchport, ME 04011" in found(text, "address")


# ---- consent: the scored decision ------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    # a narrative about one unnamed individual, with a care event and media
    "She arrived after a bad fall last spring. Today she walked out on her own 🙌 Watch the video!",
    # "this little <anything>" and a care event
    "This little astronaut 🚀 just finished his final round of chemo! Look at that grin.",
    # twins born early, with a permission assertion
    "Twin boys born at 25 weeks are home at last! (Shared with their mom's blessing.)",
    # a first-person quote about care, attributed to a lower-case name
    "'I was terrified, but the team made me laugh.' — zainab o., after her transplant",
    # a feature in another language
    "¡Felicidades, Renata Oyelaran! Salió del hospital después de su cirugía. 💚",
    # a named patient whose anecdote has no story word
    "Our patient Bertil Haugen is also a retired pilot ✈️ — he showed the nurses his old logbook, still in his bag!",
    "Ines Carvalho (93!) just beat our whole OT team at dominoes 😂 Come to room 4 to challenge her!",
])
def test_patient_features_need_consent(text):
    assert flags(text, "consent")


@pytest.mark.parametrize("text", [
    # operational leaks of PHI are not stories
    "Account unlock request from zz.quinn77@gmail.com — claims to be Odalys Ferreira, DOB 3/3/1961. Legit? Not sure who to ask",
    "Records team: Halvard Eide's insurance card (ID 99X-2231) got scanned into the wrong chart 😬 Please fix today!",
    "Oops 📸 the whiteboard in our staff photo shows Corentin Abiodun, MRN 4412-9981. Deleting now!!",
    "Anyone recognize this lady? She came to our ED last night with no ID, about 80 years old. Call Security with info.",
    # staff thanked in a post honouring a team, and donors thanked for a gift
    "Today we honor our sterile processing team ✨ Special thanks to Amara Lindqvist, Tomas Oyelowo and Beatriz Kahale, "
    "who worked every weekend this summer. 💙 #SPDWeek",
    "Thank you, Leontyne and Marek Dvorak! 🙏 Your gift of $250,000 will build a new family lounge for our youngest patients.",
    # a council named after patients
    "Join our Patient & Family Advisory Council! We meet monthly — apply online.",
    # a staff member's own words
    "\"I chose nursing because a nurse once held my hand.\" 💙 Meet Solveig Brandt, charge nurse on 3 North. #NursesWeek",
])
def test_not_patient_features(text):
    assert not flags(text, "consent")


# ---- sourcing and disclosure -------------------------------------------------------------------------
def test_claim_with_words_between_your_and_risk():
    assert flags("Daily flossing cuts your gum disease risk in half! Details: https://smileblog.net/floss", "sourcing")


@pytest.mark.parametrize("text", [
    "Our PTs love StrideWell insoles. Save 20% with code STRIDE20. #ad",
    "Summer kit ✅ Sunscreen ✅ Hats ✅ SunnyDay lotion — code SUN10 saves you 10%! #sponsored",
])
def test_discounts_are_not_health_claims(text):
    assert not flags(text, "sourcing")


def test_swipe_up_to_shop_needs_disclosure():
    assert flags("Our night shift runs on ComfyStep clogs 👟 Swipe up to shop!", "disclosure")
    assert not flags("Our night shift runs on ComfyStep clogs 👟 Swipe up to shop! #ad", "disclosure")


def test_a_staff_profile_told_as_a_narrative_is_not_a_patient_story():
    text = "Meet Dr. Oyelaran Quist! She started here as a volunteer in 1998 and now leads our stroke team. 💙"
    assert not flags(text, "consent")
