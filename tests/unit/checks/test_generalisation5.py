"""Fifth generalisation pass: the gaps issue 12 lists (all examples invented; none is copied from a corpus).

Each test names the general rule it holds, with wording, names and places no list contains.
"""
import pytest

from tests.unit.checks.helpers import blocks, flags, found, phi


# ---- identifiers without their usual keyword ---------------------------------------------------------
@pytest.mark.parametrize("text, category, value", [
    # "her #" / "his #" introduces a personal number
    ("If anyone finds his reading glasses, his # is 7731 0042, ask for the night clerk.", "other_id", "7731 0042"),
    # the second (and third) identifier in a list after one keyword
    ("Merge request for MRNs: 55102983, 55102984 and 55102990, same person.", "mrn", "55102984"),
    ("Merge request for MRNs: 55102983, 55102984 and 55102990, same person.", "mrn", "55102990"),
    # a room or bed told of an unnamed patient
    ("Can someone bring a warm blanket to the pt in 512C? Thanks!", "other_id", "512C"),
    ("The patient in bed C keeps asking about her cat.", "other_id", "C"),
    ("Room 31 patient is asking for the chaplain.", "other_id", "31"),
])
def test_identifiers_without_a_keyword(text, category, value):
    assert value in found(text, category)


@pytest.mark.parametrize("text", [
    "Flu shots in Room 9 today for every employee!",
    "We moved the blood drive to Room 118 this Friday.",
    "Training on bed 4 alarms for new hires at 3pm.",
])
def test_rooms_with_no_patient_are_places(text):
    assert not found(text, "other_id")


# ---- dates and ages in clinical shorthand ------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("Our patient Ottoline was seen 4-9 and is doing great. Go Ottoline!", "4-9"),
    ("DOS: 11-3. Pt Bertrand Ilunga, please call back re: results.", "11-3"),
])
def test_hyphen_month_day_after_a_care_word(text, value):
    assert value in found(text, "date")


@pytest.mark.parametrize("text", [
    "Our softball team won 5-3 on Saturday!",
    "Classes meet 2-3 times a week this spring.",
])
def test_scores_and_ranges_are_not_dates(text):
    assert not found(text, "date")


def test_an_age_glued_to_the_sex_is_an_age():
    assert "94" in found("Transfer from the ED: 94F, fall at home, stable.", "age")


@pytest.mark.parametrize("text", [
    "Overnight she spiked to 103F; now comfortable. Remember to hydrate!",
    "Tips for a fever of 101F in kids: https://www.cdc.gov/",
])
def test_a_temperature_is_not_an_age(text):
    assert not found(text, "age")


# ---- names in hashtags -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, part", [
    ("Three weeks post-op and still smiling! #TeamOsvaldo", "Osvaldo"),
    ("Walk this Saturday in honour of our brave girl #PrayForNkechi", "Nkechi"),
    ("Back on his feet! #ThiagoStrong", "Thiago"),
])
def test_a_first_name_in_a_rallying_hashtag_is_a_name(text, part):
    assert any(part in v for v in found(text, "name"))


def test_rallying_hashtags_without_a_name_are_not_names():
    assert not found("Go team! #NurseStrong #TeamWork #ArmyStrong #HopeStrong #BostonStrong", "name")


# ---- false alarms ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "WHAT. A. NIGHT. Thank you, night shift!",
    "Eid Mubarak to everyone celebrating with their families today!",
    "Ramadan Kareem from all of us in the pharmacy.",
    "Come meet Waffles, our hospital mascot, at the health fair on Saturday!",
    "Our facility dog Pickles made the rounds on 3 North today 🐾",
    "Say hi to Noodle the therapy dog in the lobby this afternoon.",
])
def test_greetings_mascots_and_shouting_are_not_names(text):
    assert not flags(text, "phi")
    assert not flags(text, "consent")


def test_a_person_beside_a_pet_is_still_a_person():
    assert "Philippa Oduya" in found("Philippa Oduya and her dog visited her grandson in the NICU today.", "name")


def test_a_volunteers_age_is_not_phi():
    assert not blocks("Happy birthday to our volunteer Dorrit Fenwick, who turns 92 today! 🎂")


def test_a_patients_age_is_still_phi_with_staff_in_the_sentence():
    assert "96" in found("Dr. Halvorsen stopped by to sing for our patient, who turns 96 today.", "age")


# ---- disclosure: "link in bio" alone is not an endorsement -------------------------------------------
@pytest.mark.parametrize("text", [
    "Link in bio for the flu clinic schedule.",
    "Registration for the 5K is open, link in bio!",
])
def test_link_in_bio_without_a_product_is_not_an_endorsement(text):
    assert not flags(text, "disclosure")


@pytest.mark.parametrize("text", [
    "Our therapists tried the new GlideStep insoles and loved them. Link in bio!",
    "The comfiest scrubs we own are from @scrubbyco, link in bio.",
])
def test_link_in_bio_with_a_product_still_needs_a_disclosure(text):
    assert flags(text, "disclosure")


# ---- disclosure: giveaways, brands and other languages ----------------------------------------------
@pytest.mark.parametrize("text", [
    "Win a BrightNest humidifier! Share and tag a friend to enter 🎁",
    "Enter our spring raffle for a PureLoop blender basket!",
    "Our respiratory therapists swear this is a game changer: QuietAir nebulizers https://www.quietair.com/shop",
    "Proud to partner with OatField to bring snack packs to every night-shift nurse!",
    "QuietAir 가습기 할인! 코드 RT15 입력 🎁",
    "Sign up with my referral link and we both get a bonus 💸 https://www.staffloop.com/join",
])
def test_promotions_without_the_usual_words_need_a_disclosure(text):
    assert flags(text, "disclosure")


@pytest.mark.parametrize("text", [
    "Free hearing screenings all month at BrightEar Audiology & ENT.",
    "Flu shots are here, get yours at any clinic this week!",
    "Log in to MyChart to see your results.",
    "Proud to partner with the county health department on free screenings.",
])
def test_places_services_and_portals_are_not_endorsements(text):
    assert not flags(text, "disclosure")


# ---- sourcing: claims by meaning and in other languages ----------------------------------------------
@pytest.mark.parametrize("text", [
    "Our stroke team has the best survival rates in the region.",
    "This new hip lasts 30 years, guaranteed.",
    "One in five adults will have a kidney stone. Stay hydrated!",
    "Elderberry syrup prevents winter colds. Stock up!",
    "研究证明，喝绿茶可以降低心脏病风险！",
    "Estudos comprovam que o chá verde cura a gastrite!",
])
def test_health_claims_without_a_cue_word_need_a_source(text):
    assert flags(text, "sourcing")


@pytest.mark.parametrize("text", [
    "Hand hygiene compliance reached 97% on 4 East this month 👏",
    "Increase your walking by no more than 10% a week, says our PT team.",
    "Hospice care is for comfort when a cure is no longer possible.",
    "New confusion in an older adult is delirium until proven otherwise.",
])
def test_tallies_limits_and_care_words_are_not_claims(text):
    assert not flags(text, "sourcing")


# ---- rules from the blind-C tuning pass (invented wording; no corpus text) ----------------------------
@pytest.mark.parametrize("text, category, value", [
    ("Records clerk: chart 4410-2291 belongs to the other Abernathy, please relink.", "mrn", "4410-2291"),
    ("#55019384 has been in triage since noon, can someone page ortho", "mrn", "55019384"),
    ("Found in the chapel: a wallet with a licence for Octavia Brill (DL QZT88120034).", "license", "QZT88120034"),
    ("First patient on the new fingerprint kiosk: Ambrose Tull (template FX-771204)!", "biometric", "FX-771204"),
    ("Ignatius Pell went home Tuesday and sent us this 📷 PXL_20260101_101010.jpg", "photo",
     "PXL_20260101_101010.jpg"),
    ("Say hello to Marisela Quon of Dunmore (18512), our 1,000th hip patient!", "address", "18512"),
    ("big love to mrs tenorio in 618c who taught the whole unit to crochet", "other_id", "618c"),
    ("ambrose tull, 93, 412d — npo after midnight, family updated", "other_id", "412d"),
    ("ambrose tull, 93, 412d — npo after midnight, family updated", "age", "93"),
    ("Discharge packet for Ines Mbatha mailed; her daughter's number on file 555-301-7789 is out of service.",
     "phone", "555-301-7789"),
    ("Release for Ines Mbatha faxed to her lawyer's office at 555-301-7790.", "fax", "555-301-7790"),
    ("Family of Ines Mbatha: we tried you at 5553017791 twice, please call the unit.", "phone", "5553017791"),
    ("Thaddeus's hearing aid check went great — 101 and still singing in the choir!", "age", "101"),
    ("Maligayang kaarawan, Lolo Ernesto Dimagiba! 96 taon na siya ngayon.", "age", "96"),
    ("Florentine Abara was born in our first nursery in 1931. Today, 95 years later, she toured the new one.",
     "age", "95"),
    ("intubated 7-3, extubated 7-9, walking the halls today. Proud of you, Corliss Mwangi!", "date", "7-9"),
    ("night recap: 94f in rm 212-b came in w/ a copd flare, now telling us about her garden", "other_id", "212-b"),
    ("Ninety years in the choir and our patient Ruben Okoye, a retired welder from Tellico, is still singing.",
     "address", "Tellico"),
    ("Our hospice nurses have been visiting Philo Vantreese at 77 Juniper Lane, Dorrance every week.",
     "address", "77 Juniper Lane, Dorrance"),
    ("Shoutout to Ines's nephew, Kwame Adjei, who drove in from Halcottsville every day.", "address",
     "Halcottsville"),
])
def test_blind_c_rules_in_other_words(text, category, value):
    assert value in found(text, category)


@pytest.mark.parametrize("text", [
    "short-staffed on tele again tonight, but the team carried each other. proud of us",
    "med surg night crew: pyxis is down, use the backup cabinet on 4 west",
    "Join us at 12 Elm Street for the spring health fair!",
])
def test_unit_shorthand_and_venues_are_not_phi(text):
    assert not flags(text, "phi")


def test_a_long_number_inside_a_link_is_part_of_the_address():
    text = ("Tell us how we did: https://www.example-health.org/survey?utm_campaign=spring_4111111111111111"
            "&utm_source=x")
    assert not flags(text, "phi")


@pytest.mark.parametrize("text", [
    "Our sterile processing team rocks 🙌 Marguerite Obi and crew, thank you for every tray!",
    "So proud to welcome Senator Ilse Varga-Moreau to our new clinic today.",
    "after 15 years as an ICU nurse I'm hanging up my badge. my coworkers made me who I am 💙",
    "Thank you to everyone who came out to our community health fair! Tag yourselves in the photos 📸",
    "bryn tallis, 95, rm 330 — refusing meds again, handoff done, night all",
])
def test_staff_public_figures_events_and_handoffs_need_no_patient_consent(text):
    assert not flags(text, "consent")


@pytest.mark.parametrize("text", [
    "night recap: 98f in rm 214 came in w/ a uti, now cracking jokes with the whole team 😂",
    "Say hi to the newest graduate of our pulmonary rehab program (pictured with therapist Ana Cruz)!",
    "Our mailbag: a handwritten thank-you from Odile Brennan for the 3 West nurses 💌",
    "Chúc mừng sinh nhật ông Lê Văn Tám tròn 101 tuổi! 🎉",
    "Salamat sa aming pasyente na nagbahagi ng kanyang kwento! Nakauwi na siya.",
])
def test_patient_features_without_the_usual_cues_need_consent(text):
    assert flags(text, "consent")


# ---- consent: found on the blind-written training posts (invented wording) ---------------------------
@pytest.mark.parametrize("text", [
    "Security alert: pt Ormond Vale, 93, left 2 North in a green robe, call the desk if seen.",
    "Whoever has Dellamae Fisk tomorrow: her son says the DOB triage put is wrong, fix it pls",
    "Congrats to Officer Tamsin Roark on 20 years keeping our campus safe!",
    "Felicidades a nuestra enfermera Odalys Prieto por 15 años de servicio 💙",
    "Thank you to the Abernathy-Sol family for funding our new healing garden 🌷",
    "Come meet Pip the Penguin, our mascot, at the health fair!",
])
def test_notes_officers_staff_donors_and_mascots_need_no_consent(text):
    assert not flags(text, "consent")


@pytest.mark.parametrize("text", [
    "🎥 Watch a lung transplant survivor run her first 5K with our rehab team.",
    "Our resident (pictured) rode a motorcycle for the first time at 94 🏍️",
    "Bòn fèt 95 an pou Grann Anèz! 🎉 Tout ekip la chante pou li.",
    "환자분의 허락을 받고 공유합니다: 수술 후 첫 산책!",
    "Obrigado a Lúcia Prado por compartilhar a história da sua recuperação 💚",
])
def test_more_patient_features_need_consent(text):
    assert flags(text, "consent")


@pytest.mark.parametrize("text", [
    "Free flu shots for our Vietnamese and Korean neighbours this Saturday!",
    "The CDC STEADI toolkit helps prevent falls: https://www.cdc.gov/steadi/",
    "Y'all didn't have to decorate the break room, but you're the best 💙",
    "Happy Cape Verdean Independence Day to our staff and neighbours!",
    "salamat po sa lahat, kami ng ICU team ay proud sa inyo",
])
def test_nationalities_agencies_contractions_and_function_words_are_not_names(text):
    assert not found(text, "name")


# ---- severity that protects: a name with another identifier blocks ----------------------------------
@pytest.mark.parametrize("text", [
    "Mail for Wendeline Orsak came back; the address we have is 88 Tamarind Ct, Harlow. Can someone check?",
    "Please don't share the board photo, it shows Osric Bellamy in room 412.",
    "Refill reminder texts for Calloway Pruitt go to 555-201-7788 now, per his request.",
])
def test_a_name_with_another_identifier_blocks(text):
    assert blocks(text)


@pytest.mark.parametrize("text, category, value", [
    ("Transport for Rosalind Achter: her family is waiting for news, call (555) 310-2288.", "phone", "(555) 310-2288"),
    ("Amadou Sissoko, 93, our favourite patient-turned-greeter, brought cookies to 316C today 🍪", "other_id", "316C"),
    ("Correction: the case is Amadou Sissoko (00917733), not his brother.", "mrn", "00917733"),
    ("Huge news for our patient Teodora Vlasic: after 4 years of dialysis she got a kidney! Chair 12 misses her 💙",
     "other_id", "12"),
])
def test_more_identifiers_beside_a_named_patient(text, category, value):
    assert value in found(text, category)


def test_our_number_after_call_stays_ours():
    assert not found("Questions about the flu clinic? Call (555) 310-0000 to book.", "phone")


@pytest.mark.parametrize("text, value", [
    ("Our oldest study volunteer, Perpetua Laine, 97, says science needs grandmas too 💉", "Perpetua Laine"),
    ("Signout: room 412 Okonkwo, 91, pneumonia, on 2L. Don't screenshot.", "Okonkwo"),
    ("Delivery list for the lunch program: 李桂兰 (12 Birch St), 김영희 (40 Oak Rd).", "李桂兰"),
    ("김영희 님 예약이 변경되었습니다.", "김영희"),
    ("Outreach list: Trần Thị Mai (12 Birch St) needs a ride Tuesday.", "Trần Thị Mai"),
])
def test_names_in_lists_and_other_scripts(text, value):
    assert value in found(text, "name")
