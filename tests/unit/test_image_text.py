"""Image text: OCR boxes grouped into lines and label-value pairs, read as patient details or not.

The geometry and reading tests need no OCR model (boxes are given); the few that read generated images
with RapidOCR are small (a few hundred pixels) and skip when the model is not installed.
"""
from __future__ import annotations

import importlib.util
import io
import math

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageFont

from reviewq.checks.policy import default_policy
from reviewq.drafts.scans import findings_for, label_phi
from reviewq.imaging import ImageReport, TextLine, analyse, group_lines


def _line(text, x, y, w, h=30, angle=0.0):
    return TextLine(text, (x, y, w, h), 0.9, angle, h)


def test_a_lone_label_is_paired_with_the_value_far_to_its_right():
    lines = [_line("MRN:", 40, 100, 80), _line("44878749", 400, 102, 160), _line("DOB:", 40, 160, 80),
             _line("03/14/1952", 400, 160, 180)]
    joined = sorted(group_lines(lines), key=lambda t: t.box[1])
    assert [t.text for t in joined] == ["MRN: 44878749", "DOB: 03/14/1952"]
    assert joined[0].box == (40, 100, 520, 32)  # union of both boxes, original pixels


def test_words_far_apart_without_a_label_stay_separate():
    joined = group_lines([_line("Blood drive", 40, 100, 200), _line("Room 12", 900, 100, 140)])
    assert sorted(t.text for t in joined) == ["Blood drive", "Room 12"]


def test_pairing_follows_a_tilted_photo():
    # Rotated 10 degrees: the value sits higher than the label, and the next row's value is closer in y.
    lines = [_line("Name:", 50, 150, 130, 50, -10), _line("Dubois, Piotr", 220, 90, 250, 50, -10),
             _line("MRN:", 60, 225, 110, 50, -10), _line("40804877", 220, 175, 200, 50, -10)]
    texts = {t.text for t in group_lines(lines)}
    assert texts == {"Name: Dubois, Piotr", "MRN: 40804877"}


@pytest.mark.parametrize("text,category", [
    ("MRN: 44878749", "mrn"), ("MRN38219499", "mrn"), ("DOB07/01/1977", "date"), ("Pt: Kenji D.", "name"),
    ("Rm567Pt:GraceN.", "name"), ("Name: Brennan, Amara", "name"), ("ALVAREZ, CLAIRE", "name"),
    ("PATEL,EILEEN", "name"), ("ROOM 801", "address"), ("Rm 234A", "address"), ("Bed B", "address"),
    ("YAMAMOTO, D", "name"), ("McAllister, H", "name"), ("Acc# L26-321952", "mrn"), ("DOB 28 MAY 1996 F", "date"),
    ("DOB 1984-06-28", "date"), ("Ms. Fairbanks", "name"), ("Mr.Petrov", "name"),
])
def test_labelled_patient_details_are_phi(text, category):
    assert label_phi(text) == category


@pytest.mark.parametrize("text", [
    "Conference Room B", "ConferenceRoomB", "Board Room A", "Room 204 Training Session", "Patient Experience Week",
    "Thank you, Friends", "Name tags at the desk", "Nurses Week 2026", "Room B", "Dr. Chen", "Floor 6, Suite 614",
    "Thank you, A",
])
def test_venues_and_flyer_text_are_not_phi(text):
    assert label_phi(text) is None


def _blocked(lines) -> list[str]:
    report = ImageReport(1200, 900, lines=group_lines(lines))
    return sorted(f["text"] for f in findings_for(report, 1, default_policy()) if f["severity"] == "block")


def _board(header, rows, angle=0.0, x0=40, y0=60, step=60, widths=(80, 200, 150, 120)):
    """Boxes of a table drawn at `angle` degrees: one cell per column, columns 300 px apart."""
    a = math.radians(angle)
    out = []
    for r, cells in enumerate([header, *rows]):
        for c, text in enumerate(cells):
            x, y = x0 + 300 * c, y0 + step * r
            out.append(_line(text, int(x * math.cos(a) - y * math.sin(a)) + 200,
                             int(x * math.sin(a) + y * math.cos(a)), widths[c], 30, angle))
    return out


def test_cells_under_patient_columns_of_a_census_board_are_phi_and_the_staff_column_is_not():
    lines = _board(["Rm", "Patient", "RN", "Notes"], [["701", "E. Sorensen", "Rachel", "NPO"],
                                                      ["702", "CASTELLANO", "Derek", "iso"]])
    assert _blocked(lines) == ["701", "702", "CASTELLANO", "E. Sorensen"]


def test_columns_are_followed_on_a_tilted_photo():
    lines = _board(["Room", "Patient", "MRN", "Age"], [["727", "WHITAKER, KWAME", "9115894264", "74"],
                                                       ["730A", "Nguyen Mei", "E3287797", "28"]], angle=12)
    assert _blocked(lines) == ["727", "730A", "9115894264", "E3287797", "Nguyen Mei", "WHITAKER, KWAME"]


def test_a_staff_or_department_table_is_not_a_patient_table():
    staff = _board(["Name", "Room", "Ext"], [["Rachel Sato", "140", "x4333"], ["Derek Novak", "214", "x2521"]])
    assert _blocked(staff) == []
    rows_above = _board(["Rm", "Patient", "RN"], [])  # a header with nothing under it, text above it is not a cell
    assert _blocked([_line("Unit 6 East", 40, 0, 200), *rows_above]) == []


def test_a_bare_room_number_is_phi_only_beside_a_patient_name():
    door = [_line("817", 100, 100, 90, 40), _line("TANAKA, WEI", 60, 160, 260, 40), _line("Please knock", 60, 600, 200)]
    assert _blocked(door) == ["817", "TANAKA, WEI"]
    assert _blocked([_line("817", 100, 100, 90, 40), _line("Please knock", 60, 160, 200, 40)]) == []


def test_findings_keep_attachment_and_box_and_gps_is_a_warn():
    report = ImageReport(800, 600, gps=(40.4, -79.9), lines=[_line("MRN:", 10, 20, 60), _line("Conference Room B",
                                                                                                 10, 300, 300)])
    report.lines = group_lines(report.lines)
    out = findings_for(report, 7, default_policy())
    gps = [f for f in out if f["category"] == "address" and f["policy"] == "attachment.metadata"]
    assert gps and gps[0]["severity"] == "warn" and "stripped at release" in gps[0]["message"]
    assert not [f for f in out if f["severity"] == "block"]  # a bare label and a venue: nothing to block
    report.lines = group_lines([_line("MRN:", 10, 20, 60), _line("44878749", 300, 20, 160)])
    blocks = [f for f in findings_for(report, 7, default_policy()) if f["severity"] == "block"]
    assert blocks and blocks[0]["attachment_id"] == 7 and blocks[0]["box"] == [10, 20, 450, 30]


def test_faces_keep_their_shape():
    out = findings_for(ImageReport(800, 600, faces=[(1, 2, 3, 4)]), 3, default_policy())
    assert [(f["category"], f["severity"], f["policy"], f["box"], f["attachment_id"]) for f in out] == [
        ("photo", "warn", "attachment.face", [1, 2, 3, 4], 3)]


def test_gps_is_read_from_exif(tmp_path):
    img, exif = Image.new("RGB", (60, 40), "white"), Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}
    img.save(tmp_path / "g.jpg", exif=exif)
    assert analyse(tmp_path / "g.jpg", ocr=False, faces=False).gps == (40.44611, -79.98222)


needs_ocr = pytest.mark.skipif(importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="RapidOCR absent")


def _drawn(tmp_path, rows, size=(620, 200), angle=0):
    img = Image.new("RGB", size, (240, 240, 240))
    d, font = ImageDraw.Draw(img), ImageFont.load_default(size=30)
    for n, text in enumerate(rows):
        d.text((30, 30 + n * 60), text, fill=(40, 40, 40), font=font)
    img = img.rotate(angle, expand=True, fillcolor=(240, 240, 240))
    path = tmp_path / "i.png"
    img.save(path)
    return path


@needs_ocr
def test_screen_columns_and_wristband_are_found_in_a_real_read(tmp_path):
    path = _drawn(tmp_path, ["MRN:          44878749", "MARTINEZ, ROSA"], angle=8)
    blocks = [f for f in findings_for(analyse(path, faces=False), 1, default_policy()) if f["severity"] == "block"]
    texts = " ".join(f["text"].replace(" ", "") for f in blocks).upper()
    assert "44878749" in texts and "MARTINEZ,ROSA" in texts
    assert all(f["attachment_id"] == 1 and len(f["box"]) == 4 for f in blocks)


@needs_ocr
def test_a_conference_room_flyer_is_not_blocked(tmp_path):
    path = _drawn(tmp_path, ["Conference Room B", "Staff meeting 3pm"])
    assert not [f for f in findings_for(analyse(path, faces=False), 1, default_policy()) if f["severity"] == "block"]


def test_hostile_ocr_output_neither_crashes_nor_blocks_by_accident():
    odd = [TextLine("", (0, 0, 0, 0), 0.0), TextLine("MRN:", (5, 5, 0, 0), 0.1, 90.0, 0.0),
           TextLine("\u202e\u0000" * 50, (-10, -10, 3, 3), 1.0, -45.0, 3.0), _line("1" * 5000, 10, 10, 9000)]
    joined = group_lines(odd)
    assert sum(len(t.text) for t in joined) >= 5000  # nothing lost
    for text in ("MRN: " + "1 " * 20000, "Pt: " + "A" * 20000, "Room " * 5000, "," * 10000, "\ufffd" * 1000):
        label_phi(text)  # linear-time patterns: returns at once
    assert label_phi("Room " * 5000) is None


def test_few_boxes_are_read_again_cropped_and_enlarged(tmp_path, monkeypatch):
    import reviewq.imaging as imaging

    calls = []

    def quad(x0, y0, x1, y1):
        return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]

    def fake_ocr(pixels):  # a misread name in the whole frame; the crop reads it right and finds the MRN below
        calls.append(pixels.shape[:2])
        if len(calls) == 1:
            return [[quad(400, 400, 600, 420), "PETROV, ARTUR0", 0.7]], None
        return [[quad(80, 80, 480, 120), "PETROV, ARTURO", 0.95], [quad(80, 140, 400, 170), "MRN: 4894460012", 0.9],
                [quad(80, 80, 200, 120), "PET", 0.99]], None

    monkeypatch.setattr(imaging, "_models", lambda: (False, fake_ocr))
    Image.new("RGB", (1000, 1000), "white").save(tmp_path / "band.png")
    report = analyse(tmp_path / "band.png", faces=False)
    assert calls == [(1000, 1000), (200, 560)]  # crop 280 x 100 around the box (2 text heights each side), at 2x
    assert sorted((t.text, t.box) for t in report.lines) == [("MRN: 4894460012", (400, 430, 160, 15)),
                                                            ("PETROV, ARTURO", (400, 400, 200, 20))]


def test_a_sure_read_of_few_boxes_is_not_read_again(tmp_path, monkeypatch):
    import reviewq.imaging as imaging

    calls = []

    def fake_ocr(pixels):
        calls.append(pixels.shape[:2])
        return [[[[400, 400], [600, 400], [600, 420], [400, 420]], "Rm 595 Pt: Kenji D.", 0.98]], None

    monkeypatch.setattr(imaging, "_models", lambda: (False, fake_ocr))
    Image.new("RGB", (1000, 1000), "white").save(tmp_path / "board.png")
    assert [t.text for t in analyse(tmp_path / "board.png", faces=False).lines] == ["Rm 595 Pt: Kenji D."]
    assert calls == [(1000, 1000)]
