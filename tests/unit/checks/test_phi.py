"""PHI: each Safe Harbor category found, staff and our own details left alone, tricks defeated."""
import pytest

from reviewq.checks import Policy, run_all
from tests.unit.checks.helpers import cats, phi


@pytest.mark.parametrize("text, category, value", [
    ("Please call patient Gordon Pratt back, SSN 512-33-9087 is on file.", "ssn", "512-33-9087"),
    ("Chart note: MRN# 55120933 for the 3rd floor.", "mrn", "55120933"),
    ("Tell Wanda Fisk her member ID QXZ4471920 was updated.", "health_plan", "QXZ4471920"),
    ("Olivia Grant's acct # 77120-4419 is past due.", "account", "77120-4419"),
    ("Found in the chapel: a driver's license, no. D4417-2290-11 for Nora Bishop.", "license", "D4417-2290-11"),
    ("Whose truck is plate 7KLM-219 blocking the ambulance bay? Visitor of Mr. Ingram.", "vehicle", "7KLM-219"),
    ("Insulin pump serial no. PX-22918-B for Tomas Rivera needs a swap.", "device", "PX-22918-B"),
    ("Portal login issue for Dana Cole from 203.0.113.77, please reset.", "ip", "203.0.113.77"),
    ("Thanks Rhonda Vega! We emailed you at rvega1961@yahoo.com 💌", "email", "rvega1961@yahoo.com"),
])
def test_identifiers_are_blocked(text, category, value):
    found = phi(text)
    assert (category, value) in cats(found)
    assert all(f.severity == "block" for f in found if f.category == category)


def test_patient_name_phone_and_date_in_a_get_well_post():
    text = "Get well soon to our patient Marlene Okafor, admitted 4/2/24! Text her daughter at 312-555-0199 🌷"
    c = cats(phi(text))
    assert ("name", "Marlene Okafor") in c
    assert ("date", "4/2/24") in c
    assert ("phone", "312-555-0199") in c


def test_ages_only_over_89_and_spoken_ages():
    assert ("age", "ninety-four") in cats(phi("Happy birthday to our patient Edna Moss, who turns ninety-four!"))
    assert ("age", "103") in cats(phi("Our oldest resident, Walter Pike, 103, still plays chess."))
    assert not [f for f in phi("A 45-year-old patient asked about flu shots.") if f.category == "age"]


def test_room_and_bed_in_patient_post_but_not_conference_rooms():
    assert ("other_id", "14B") in cats(phi("Say hi to Gloria Watts in room 14B, she loves visitors!"))
    assert not phi("Blood drive on March 3 in Conference Room 2. Everyone welcome!")
    assert not phi("CPR class on May 9 in Room 120 — sign up at the front desk.")


@pytest.mark.parametrize("text", [
    "Congratulations to Dr. Priya Raman on her teaching award! 🏅",
    "Shoutout to Kevin Moore, RN and Alicia Brandt, CNA, for running our food drive!",
    "Meet our new chief of surgery, Dr. Samuel Ortiz.",
    "Thank you State Senator Laura Benson for visiting our new unit.",
    "Workshop hosted by Diane Cross, PT, DPT on June 4 at 1pm. Free!",
    "Questions about your bill? Call (614) 555-0142, Monday–Friday.",
    "Crisis? Call 988 any time, day or night.",
    "Our flu clinic opens October 1 at 4410 Lake Street, Dayton, OH 45402.",
    "Founded in 1998, our hospital has served the valley for decades.",
    "Read the guideline: https://www.cdc.gov/flu/prevent/index.html",
    "Our volunteer of the year, Harold Jennings, has given 2,000 hours to our gift shop!",
    "Thank you to Margaret and Tom Ellison for their generous gift to the cancer center.",
    "Welcome to our team, Jasmine Carter! She joins our ICU as a night charge nurse.",
])
def test_no_block_for_staff_org_details_events_and_citations(text):
    assert not [f for f in phi(text) if f.severity == "block"]


def test_obfuscated_values_are_still_found_and_spans_are_original_text():
    text = "pt laura king dob 3/1\u200b4/3\u20601 ssn 41\u200c2-7\u200d7-1234 cb ５５５．２０１．８８７６"
    found = phi(text, channels=["x"])
    c = {f.category for f in found}
    assert {"name", "date", "ssn", "phone"} <= c
    for f in found:
        assert text[f.start:f.end] == f.text


def test_lowercase_uppercase_and_zero_width_names():
    for text, name in [("so proud of our patient brenda\u200b holt today", "brenda\u200b holt"),
                       ("GET WELL SOON, patient RONALD PEREZ, from 4 West!", "RONALD PEREZ"),
                       ("Thank you for sharing your story, marisol! 💜", "marisol")]:
        assert ("name", name) in cats(phi(text)), text


def test_organisation_details_from_policy_are_never_flagged():
    policy = Policy.from_mapping({"org_phones": ["312-555-0100"], "org_names": ["Ruth Kline"]})
    text = "Patient line: 312-555-0100. Ruth Kline, our founder, says thank you!"
    assert not phi(text, policy=policy)


def test_personal_handle_and_fundraiser_link():
    text = "Glad your surgery went well, @kayla_runs22! Support her recovery: gofundme.com/f/kayla-strong"
    c = cats(phi(text))
    assert ("other_id", "@kayla_runs22") in c
    assert ("url", "gofundme.com/f/kayla-strong") in c


def test_brand_handles_are_not_phi():
    assert not phi("Thanks to @FitPulseWear for the donation of heart-rate bands! #ad")


def test_every_phi_finding_has_the_contract_fields():
    f = phi("Patient Maria Lopez, SSN 512-33-9087")[0].to_dict()
    assert {"check", "category", "severity", "start", "end", "text", "message", "policy", "fix"} <= set(f)
    assert f["policy"] == "phi.identifiers"
