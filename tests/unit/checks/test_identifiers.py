"""Identifier formats tied to a person (identifiers.py) and policy phi.mode = "strict"."""
import pytest

from reviewq.checks import Policy, run_all
from reviewq.checks.identifiers import aba_ok, iban_ok, luhn_ok, nhs_ok, npi_ok
from tests.unit.checks.helpers import found

STRICT = Policy.from_mapping({"phi": {"mode": "strict"}})


def strict_flags(text):
    return {(f.category, f.text) for f in run_all(text, ["facebook"], policy=STRICT)
            if f.check == "phi" and f.severity in ("block", "warn")}


@pytest.mark.parametrize("text, cat, value", [
    ("Refund goes to her IBAN GB82 WEST 1234 5698 7654 32 this week", "account", "GB82 WEST 1234 5698 7654 32"),
    ("Her Medicare card: 1EG4-TE5-MK73, please update", "health_plan", "1EG4-TE5-MK73"),
    ("Mr. Osei's daughter can be reached on +44 20 7946 0958 tonight", "phone", "+44 20 7946 0958"),
    ("Card 4111 1111 1111 1111 was left at the desk by Maria Lopez", "account", "4111 1111 1111 1111"),
    ("Patient licence MORGA753116SM9IJ on file", "license", "MORGA753116SM9IJ"),
])
def test_person_tied_formats_are_found_in_context_mode(text, cat, value):
    assert value in found(text, cat)


def test_international_phone_of_the_organisation_is_not_personal():
    p = Policy.from_mapping({"org_phones": ["+44 20 7946 0000"]})
    fs = [f for f in run_all("Call us on +44 20 7946 0000 for bookings", ["x"], policy=p) if f.check == "phi"]
    assert not fs


@pytest.mark.parametrize("text", [
    "Flu clinic opens 10/14 at 9am in Conference Room B",
    "Our 2024-2025 annual report is out!",
    "Thanks to the 120 volunteers who gave 4,500 hours this year",
])
def test_context_mode_leaves_ordinary_numbers_alone(text):
    assert not [f for f in run_all(text, ["facebook"]) if f.check == "phi"]


@pytest.mark.parametrize("text, cat", [
    ("912803456", "ssn"), ("A12803456", "license"), ("my account 1234567890123", "account"),
    ("call 09-7625 400", "phone"), ("plate ABC-1234", "vehicle"), ("server at 10.2.3.4", "ip"),
    ("write to jane.doe@example.com", "email"), ("see https://jane-doe-story.example.net/x", "url"),
])
def test_strict_mode_flags_every_shape_as_warn(text, cat):
    got = strict_flags(text)
    assert any(c == cat for c, _ in got), got
    assert all(f.severity == "warn" for f in run_all(text, ["facebook"], policy=STRICT)
               if f.check == "phi" and f.source.startswith("strict:"))


def test_strict_mode_respects_checksums_and_the_organisation():
    assert not strict_flags("GB82 WEST 1234 5698 7654 33")  # IBAN check digits fail
    p = Policy.from_mapping({"phi": {"mode": "strict"}, "org_phones": ["555-201-0000"]})
    assert not [f for f in run_all("Call 555-201-0000", ["x"], policy=p) if f.check == "phi"]


def test_every_phi_finding_names_the_rule_that_fired():
    fs = [f for f in run_all("Her Medicare card: 1EG4-TE5-MK73", ["x"]) if f.check == "phi"]
    assert fs and fs[0].source == "rule:medicare_mbi" and fs[0].to_dict()["source"] == "rule:medicare_mbi"


def test_check_digit_helpers():
    assert iban_ok("DE89 3704 0044 0532 0130 00") and not iban_ok("DE89 3704 0044 0532 0130 01")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert aba_ok("011000015") and not aba_ok("011000016")
    assert npi_ok("1234567893") and not npi_ok("1234567890")
    assert nhs_ok("9434765919") and not nhs_ok("9434765918")


def test_bad_phi_mode_is_a_clear_error():
    with pytest.raises(ValueError, match="phi.mode"):
        Policy.from_mapping({"phi": {"mode": "paranoid"}})
    with pytest.raises(ValueError, match="phi.level"):
        Policy.from_mapping({"phi": {"level": "strict"}})
