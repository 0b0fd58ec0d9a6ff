"""Image text read as a page (reviewq.drafts.image_page via scans.findings_for): boxes are given, no OCR model.

Each rule has a case that blocks and one that must not, in words of these tests' own.
"""
from __future__ import annotations

import pytest

from reviewq.checks.policy import default_policy
from reviewq.drafts.scans import findings_for, label_phi
from reviewq.imaging import ImageReport, TextLine, group_lines, zeros_as_o


def _line(text, x, y, w, h=30):
    return TextLine(text, (x, y, w, h), 0.95, 0.0, h)


def _column(*texts, x=60, step=45):
    """Lines stacked one under another, as on a label, a sheet or a sign."""
    return [_line(t, x, 80 + step * n, 20 * len(t)) for n, t in enumerate(texts)]


def _blocked(lines) -> list[str]:
    report = ImageReport(1400, 1400, lines=group_lines(lines))
    return sorted(f["text"] for f in findings_for(report, 1, default_policy()) if f["severity"] == "block")


def test_a_page_that_names_a_patient_makes_its_bare_details_that_patients():
    sheet = _column("Summary of Care", "Patient: KOVACS, DORIAN", "MRN: 55120387", "Home:", "17 Juniper Ct",
                    "Albany, NY 12208", "(518) 555-0142", "Next visit 3/14/25", "Take with food")
    assert _blocked(sheet) == ["(518) 555-0142", "17 Juniper Ct", "Albany, NY 12208", "MRN: 55120387",
                               "Next visit 3/14/25", "Patient: KOVACS, DORIAN"]


def test_the_same_bare_details_on_a_page_with_no_patient_are_free():
    flyer = _column("Community Open House", "17 Juniper Ct", "Albany, NY 12208", "(518) 555-0142",
                    "Saturday 3/14/25")
    assert _blocked(flyer) == []


def test_a_pharmacy_label_with_an_rx_number_is_a_patients_page():
    label = _column("Northgate Outpatient Pharmacy", "Rx# 6620913", "DESMOND OKAFOR", "Filled: 11/02/2024",
                    "TAKE 1 TABLET DAILY", "Dr. Ames")
    assert _blocked(label) == ["DESMOND OKAFOR", "Filled: 11/02/2024", "Rx# 6620913"]


def test_a_lone_name_and_a_bare_room_beside_it_are_a_door_plate():
    assert _blocked(_column("614-2", "T. Ravensworth", step=60)) == ["614-2", "T. Ravensworth"]
    assert _blocked(_column("2C", "B: Ottilie Marchbanks", step=60)) == ["2C", "B: Ottilie Marchbanks"]
    assert _blocked(_column("528", "ZELINSKI", step=60)) == ["528", "ZELINSKI"]


def test_a_number_beside_a_name_on_a_race_page_is_a_bib_and_a_year_is_no_room():
    assert _blocked(_column("Lakeshore Fun Run 10K", "2741", "Tomasz Wierzba", step=60)) == []
    assert _blocked(_column("Volunteer of the Year", "2024", "Tomasz Wierzba", step=60)) == []


def test_a_lone_name_beside_a_patient_number_on_a_note_is_the_patients():
    note = _column("Oksana Pruszynski", "MRN 40399218", "recheck labs", step=60)
    assert _blocked(note) == ["MRN 40399218", "Oksana Pruszynski"]


@pytest.mark.parametrize("text", ["Ingrid Solberg, MD", "Welcome Tove Brandt, PharmD and Ravi Menon, DPT",
                                  "Rooms 5-12: Ingrid, Tove", "Charge RN: Solberg"])
def test_staff_names_with_a_credential_or_an_assignment_are_not_patients(text):
    assert _blocked([_line(text, 60, 80, 600)]) == []


def test_donor_wall_names_are_the_hospitals_recognition():
    wall = _column("Our Benefactors 2025", "Eleanor J. Whitcombe", "In Honor of Mr. Theodore Vance",
                   "The Abernathy-Lowe Foundation")
    assert _blocked(wall) == []
    # the same names on a page that also has a patient's number are not a donor wall
    assert _blocked([*wall, _line("MRN 77310452", 60, 600, 240)]) != []


def test_a_serial_on_an_equipment_label_is_the_hospitals_device():
    label = _column("Model: VP-220", "S/N: 8812004517", "Rated 230V 50Hz", "Asset 30117")
    assert _blocked(label) == []
    assert _blocked(_column("Implant card", "S/N: 8812004517")) != []  # no equipment label around it


@pytest.mark.parametrize("text,category", [
    ("Adm: 02-Mar-1944", "date"), ("DOB: Sep 3, 1938", "date"), ("Collected 4/19/25", "date"),
    ("Age: 58", "age"), ("96Y F", "age"), ("Happy 100th Birthday Ottilie!", "age"), ("Rx# 5530021", "mrn"),
    ("812-1 HALVARSSON Ingeborg", "name"), ("14B QUILLEN, Mirabel", "name"), ("Thistlewood-42B", "name"),
])
def test_more_labelled_details_are_phi(text, category):
    assert label_phi(text) == category


@pytest.mark.parametrize("text", [
    "Celebrating 100 years of care", "Room 212, Wellness Center", "Tower C, Room 305", "Chapel - Room 110 - Floor 1",
    "Auditorium - Room 4B - Level 2", "COVID-19", "Tdap-2", "188 days without a fall", "Age: 5-12 welcome",
    "Ages: 8 to 14", "Pfizer-2024", "2025 Spring Gala",
])
def test_anniversaries_and_building_directories_are_not_phi(text):
    assert label_phi(text) is None


@pytest.mark.parametrize("read,fixed", [("DOB:11/16/1921102y/0M", "DOB:11/16/1921102y/oM"),
                                        ("DOB15-0ct-1999", "DOB15-Oct-1999"),
                                        ("Fairview,0H 45402", "Fairview,OH 45402"),
                                        ("Room 10 0800", "Room 10 0800"), ("Ro0m 12", "Room 12")])
def test_ocr_zeros_in_ages_months_and_states_are_read_as_o(read, fixed):
    assert zeros_as_o(read) == fixed
