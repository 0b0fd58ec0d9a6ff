"""Second generalisation pass (all examples invented; none is copied from a corpus).

Each test names the general rule it holds, with wording, names and places no list contains.
"""
import pytest

from tests.unit.checks.helpers import blocks, cats, flags, found, phi


# ---- names --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, name", [
    # a possessive followed by the story it owns
    ("Hear Oisín's shoulder surgery story on our podcast this week.", "Oisín"),
    ("Hear Mi-rae's long recovery journey in her own words.", "Mi-rae"),
    # "Meet X!" introduces a person
    ("Meet Thuy! After her stroke she set out to paint again.", "Thuy"),
    # first name and last initial, also as a quote's attribution
    ('"The nurses never let me give up." — Ifeanyi B., lung transplant recipient', "Ifeanyi B."),
    # initials after "Meet"
    ("Meet R.K. — at ninety-six the oldest graduate of our pulmonary rehab.", "R.K."),
    # a friend is a person, not staff
    ("Please keep our friend Thandiwe Mokoena-Ruiz in your thoughts this week.", "Thandiwe Mokoena-Ruiz"),
    # particles from other languages join a surname
    ("Welcome home, Pádraig Ó Dálaigh! Discharged after three weeks with us.", "Pádraig Ó Dálaigh"),
    # a short surname that is also an English word, as a family name
    ("The Ng family brought dumplings for the night shift after his bypass.", "Ng"),
    # a lower-case name with a care event after it, in mid-sentence
    ("Great news! oluwaseun adeyinka went home today after the crash on 6/2.", "oluwaseun adeyinka"),
    ("Shout-out to tavita faleolo who finished chemo today!", "tavita faleolo"),
    # "that" after a verb is not a determiner
    ("We are sad to share that Ximena Calderón-Ruiz, a patient with us for years, passed away.",
     "Ximena Calderón-Ruiz"),
])
def test_names_by_context(text, name):
    assert name in found(text, "name")


@pytest.mark.parametrize("text", [
    "❤️ News from Saint Oswin's Community Hospital! Bring your insurance card to your visit.",
    "AD — Our therapists swear by Marlow Leaf Co. herbal tea after a long shift. marlowleaf.co/shop",
    "(Sponsored) Meet Zestova, the meal kit our dietitians recommend. Order at zestova.com/kits",
    "Thanks to donors Ilaria Fontaine and Bertrand Oyelowo for funding our new NICU isolettes.",
    "Thank you to Dagny Thorsdottir and family for donating 60 knitted caps to our NICU!",
    "😂 shoutout to marisol kettering from patient transport who moved 30 beds today. legend",
])
def test_organisations_brands_donors_and_staff_are_not_blocked(text):
    assert not blocks(text)
    assert not flags(text, "consent")


# ---- other identifiers ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, category, value", [
    ("Transport: take K. OYELARAN from Bed 318-C to CT, contact precautions.", "other_id", "318-C"),
    ("Please move Mr. Haldórsson to rm 207-A after lunch.", "other_id", "207-A"),
    ("Can pharmacy call Ileana Marchetti back at Rx # 4471902 is ready?", "other_id", "4471902"),
    ("Reminder to Casimir Oduya: your MRI is 7/9/2025. Member ID on file: QRT5540019.", "health_plan",
     "QRT5540019"),
    ("Registration: Bo-ra Seo's plan no. Z88120457 shows inactive before her visit.", "health_plan", "Z88120457"),
    ("Sorry we missed you, Anouk. We left a voicemail at 6175550142 about your visit.", "phone", "6175550142"),
    ("Wrong thread, sorry — Emeka Obi, DOB 03-Feb-1939, for the employee file.", "date", "03-Feb-1939"),
    ("So glad you're feeling better, @marguerite.bloom22! We loved seeing you walk out on Sep 3rd.", "other_id",
     "@marguerite.bloom22"),
    ("So glad you're feeling better, @marguerite.bloom22! We loved seeing you walk out on Sep 3rd.", "date",
     "Sep 3rd"),
    ("Watch this 98-year-young gentleman dance with our rehab team 🎥", "age", "98"),
    ("Meet J.T. — at one hundred and one he still walks to every appointment.", "age", "one hundred and one"),
    ("Meet suriya thanakorn, 95, who finished our falls class. She lives in Wapakoneta and loves it.", "address",
     "Wapakoneta"),
])
def test_identifiers(text, category, value):
    assert value in found(text, category)


def test_numbers_explicitly_ours_contrast_with_the_persons():
    text = ("Records request from Lucía Ferrante for her 2/9 ER visit: fax to (404) 555-0188. "
            "Our records fax is (404) 555-0100.")
    assert found(text, "fax") == {"(404) 555-0188"}


def test_a_venue_address_in_a_post_about_nobody_is_not_phi():
    text = ("Drive-up flu shots Oct. 4, 9am–1pm in the north lot at 88 Quarry Rd, Brattle, VT 05301. "
            "Bring your insurance card.")
    assert not blocks(text)


def test_a_home_address_in_a_post_about_a_patient_is_phi():
    text = "Home visit for Ilse Brandvold moved to Friday. Address on file: 12 Larch Ln, Dunmore, PA 18512."
    assert "12 Larch Ln, Dunmore, PA 18512" in found(text, "address")
    assert not {"Friday"} & found(text, "address")


def test_bed_is_not_a_town():
    assert not found("Transport: take Ruth Ambler from Bed 12 to X-ray.", "address")


def test_an_unlabelled_ten_digit_number_is_not_a_phone():
    assert not found("Our 2025 report: 4045550199 steps walked by staff in the step challenge!", "phone")


# ---- consent -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Video testimonial: a retired welder talks about life after his knee replacement. Link in bio.",
    "🎥 Watch: one of our heart attack survivors shares what the first hour was like.",
    "Look who came back! Our NICU grads (pictured) visited their nurses. Their parents gave us the OK to post.",
    "Brave kiddo alert! This 7-year-old patient picked the color of her own cast. (posted with permission)",
    "This smile belongs to one of our dialysis patients, who marked a year on the transplant list today.",
    "Update from 4 East: Mr. Quennell (bed 12) got his trach out today!! 🎉",
    "Bogdana Ilić is going HOME! After 70 days in our NICU her family can finally rest.",
    "Sláinte to Fionnuala Ní Riain! Discharged today and heading home to Ballard.",
    "So glad you're feeling better, @tomasz_runs4! We loved seeing you walk out today.",
    "Today we honored Arvid Lindqvist, a ninety-four-year-old Army veteran and resident of our Maple wing.",
    "Rest in peace, Evander. Our oncology team will miss your stories. 🕊️",
    "Video: an 87-year-old great-grandmother tells how our stroke team got her home.",
])
def test_patient_features_need_consent(text):
    assert flags(text, "consent")


@pytest.mark.parametrize("text", [
    "Visitor update: from Mar. 3, two visitors at a time per patient room. Thank you! 💙",
    "Lost and found: a hearing aid (serial HX44120) that belongs to our patient Oona Vale. Please bring it to the desk!",
    "Our patient portal is down tonight. Thank you for your patience!",
    "Shared with permission from the artist: this mural now brightens our pediatric wing.",
    "Meet Biscuit, our newest therapy dog! He visits 3 West on Tuesdays.",
])
def test_not_patient_features(text):
    assert not flags(text, "consent")


# ---- sourcing ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "According to the CDC, adults who walk daily live longer. 🚶",
    "According to the American Heart Association, a daily walk helps your heart.",
    "Skin-to-skin contact lowers your newborn's risk of low blood sugar. Source: https://t.co/xYz12",
    "Regular screening cuts their risk of dying from colon cancer by a third.",
])
def test_claims_need_an_authoritative_link(text):
    assert flags(text, "sourcing")


def test_claim_with_authoritative_link_passes():
    assert not flags("According to the CDC, adults who walk daily live longer: https://www.cdc.gov/physical", "sourcing")


def test_categories_helper_still_works():
    assert ("name", "Oisín") in cats(phi("Hear Oisín's shoulder surgery story on our podcast this week."))
