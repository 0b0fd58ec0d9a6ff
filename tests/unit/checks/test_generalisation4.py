"""Fourth generalisation pass (all examples invented; none is copied from a corpus).

Each test names the general rule it holds, with wording, names and places no list contains.
"""
import pytest

from tests.unit.checks.helpers import flags, found, phi


# ---- names --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, name", [
    # "This is <Name>." introduces a person ("this is" is not a determiner + adjective)
    ("This is Thaddeus. He's 8. He finished his last round of chemo. 💛", "Thaddeus"),
    # a verb and a pronoun after a single unknown capitalised word: a person
    ("Rehab win: When Kwabena broke his wrist on the ice, he feared he'd never paint again.", "Kwabena"),
    # cues "tell", "little", "twins", "yours,"
    ("Glad the new hip is holding up! Tell Yaretzi the whole unit says hello.", "Yaretzi"),
    ("Grandma Ilse and little Pim (our NICU graduate) came back to say thanks.", "Pim"),
    ("Twins Clover and Odalys are heading home after 40 days in our NICU!", "Clover"),
    ("Wallet found at the pharmacy counter. If this is yours, Breezy, it's with security.", "Breezy"),
    # a month that is also a first name, with a surname after it
    ("Billing note: the check from June Okonjo was returned. Can someone call her?", "June Okonjo"),
    # a capitalised pair joined by "and" to a patient's name
    ("So much love 💕 Marlowe Birch and Tendai Moyo celebrated 60 years together on our unit, right before his discharge.",
     "Marlowe Birch"),
    # a staff-sounding word in quotes does not make a patient staff
    ('Meet Zebedee Quartey, our 97-year-old "mayor" of the cardiac rehab gym!', "Zebedee Quartey"),
])
def test_names_without_a_list_cue(text, name):
    assert name in found(text, "name")


def test_a_patient_name_repeated_in_lower_case_is_found_every_time():
    text = ("We mourn Ambrose Quillfeather, a dialysis patient of ours for nine years. "
            "ambrose passed peacefully at home, with his daughters beside him.")
    names = found(text, "name")
    assert "Ambrose Quillfeather" in names and "ambrose" in names


def test_a_month_first_name_repeated_as_a_vocative():
    text = "From the family of April Brandvold, who passed away Oct. 3: thank you, 7 East. Rest easy, April."
    names = found(text, "name")
    assert {"April Brandvold", "April"} <= names
    assert "Oct. 3" in found(text, "date")


@pytest.mark.parametrize("text", [
    "Register for the Harbor 5K today. Teams welcome. T-shirts for the first 300 runners!",
    "We're hiring! 🩺 Night-shift RNs and unit clerks, sign-on bonus available. Apply online.",
    "Thank you, team: this is YOURS 🙌 Cake in the break room at 3.",
])
def test_compounds_of_english_words_and_shouting_are_not_names(text):
    assert not found(text, "name")


# ---- ages, rooms, plan ids, phones, towns, dates ---------------------------------------------------
@pytest.mark.parametrize("text, age", [
    ("Happy birthday, Oswin! Born in 1930, which makes him ninety-four, and still the unit's chess champ.",
     "ninety-four"),
    ("Q: The secret to reaching ninety-nine? A: 'Dancing every Sunday.' — wisdom from Ludmila in Room 12",
     "ninety-nine"),
    ("Looking for relatives of Corwin Ashdown, 95, brought in by ambulance tonight.", "95"),
])
def test_ages_over_89(text, age):
    assert age in found(text, "age")


def test_a_volunteers_age_is_not_phi():
    text = "Meet Dorothea Vance, 92, who has volunteered at our gift shop since 1990! Say hi on Fridays."
    assert not found(text, "age")


@pytest.mark.parametrize("text, value", [
    ("Night team: Anselm Okoro in Room E-114 is a fall risk, bed alarm on please.", "e-114"),
    ("To the commenter whose dad Rufus Penhallow is with us: please don't post his room number (31C)!", "31C"),
])
def test_room_forms(text, value):
    assert value.lower() in {v.lower() for v in found(text, "other_id")}


def test_insurance_id_after_ins():
    text = "pt Mireille Kasongo // mrn 55120987 // ins 4K7-TT2-XQ81 // needs prior auth"
    assert "4K7-TT2-XQ81" in found(text, "health_plan")


@pytest.mark.parametrize("text, phone", [
    ("Ride set 🚐 for Desmond Ahiga, pickup at 8:30. The driver will call (415) 555-0192 on arrival.",
     "(415) 555-0192"),
    ('Keys left in the lobby, tag says "If found call 312-555-0148 — Marisol". Ask at the front desk.',
     "312-555-0148"),
])
def test_personal_phone_mid_sentence(text, phone):
    assert phone in found(text, "phone")


@pytest.mark.parametrize("text, town", [
    ("So glad the new shoulder is working, Gwendolyn! Hope you're resting well back in Pine Hollow.", "Pine Hollow"),
    ('Can anyone help? He says his name is Ezekiel and he lives "near Quarryville." He arrived 3/14.', "Quarryville"),
    ("Bell rung 🔔 for Saoirse Banda! Headed home to Fernwick, OR 97321 tonight.", "Fernwick, OR 97321"),
    ("Send good thoughts to Lorcan Mbeki of 73012 🙏 He has surgery Thursday, March 5.", "73012"),
])
def test_patient_towns_and_zips(text, town):
    assert town in found(text, "address")


def test_a_date_after_a_treatment_session_is_the_patients():
    text = "Swipe to see Imogen Tlali ringing the bell! Final chemo session: Feb. 9. Cancer-free!"
    assert "Feb. 9" in found(text, "date")


def test_an_article_on_a_blogging_site_is_a_citation_not_a_personal_page():
    text = "Sleep lowers your child's risk of obesity 😴 Read: https://medium.com/@sleepdoc/what-new-data-shows-about-naps"
    assert not found(text, "url")


# ---- consent, sourcing, disclosure ----------------------------------------------------------------
@pytest.mark.parametrize("text", [
    'Is this yours? Glasses case left in radiology, label says "If found call 555-201-7788 — Perpetua".',
    "Post-visit survey for Cassius Ormond bounced. Is cassius.ormond@gmail.com still right?",
    "Insurance verification needed for Philippa Nakashima, plan ID 7H2-AB3-KC91. Who has this one?",
    "Volunteer spotlight 🌟 Ignatius Brannagh has driven our shuttle for 12 years! Thank you, Ignatius!",
])
def test_operational_and_volunteer_posts_are_not_patient_stories(text):
    assert not flags(text, "consent")


@pytest.mark.parametrize("text", [
    "Our hearts are full 💕 Marlowe Birch and Tendai Moyo renewed their vows in our chapel before his discharge.",
    "Week 1 to week 10 🦵 Our patient's progress photos say it all. Great work by Corinna Diaz, DPT!",
    "Please send good vibes to Anwen Haldane 🙏 She goes into surgery Monday and asked us to share her story.",
])
def test_patient_stories(text):
    assert flags(text, "consent")


def test_share_of_hospitals_is_not_a_health_claim():
    assert not flags("Fewer than 8% of U.S. hospitals earn this award. Thank you, team!", "sourcing")


def test_two_for_one_with_a_shop_link_is_an_endorsement():
    assert flags("Sunny Sip electrolyte drinks are 2-for-1 this week at https://sunnysip.example.com/shop", "disclosure")
