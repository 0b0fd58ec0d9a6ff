"""Image text read as a page: what one OCR line means depends on the rest of the picture.

Pure: lines (text and box) and each line's findings in, the page's findings out; no OCR, database or Flask.
scans.findings_for reads every line alone first, then calls read_page:
- a page that names a patient by label (an MRN, a birth or admission date, a name with a room or an ID) is a
  patient's document, so its bare phone numbers, street and city lines, dates, ages, long numbers and lone
  names are that patient's too (a discharge sheet's "Dayton, OH 45426", a pharmacy label's "LORRAINE MENDOZA");
- a lone name and a bare room number beside each other are a door plate or a board ("437" over "YILMAZ");
- a page whose only findings are names on a donor wall, or serial numbers on an equipment label, is the
  hospital's own recognition or inventory, not a patient's details.
It never adds a finding to a page that had none from the line rules except through the door-plate pairing.
"""
from __future__ import annotations

import re

from reviewq.checks.names import ENGLISH

_NAME = r"[A-Z][A-Za-z'’\-]+"
# A person's name alone on its line: "Yuki Achebe", "G. Brennan", "Patrick D.", a bed letter first ("B: E.Ferraro").
_PERSON = re.compile(rf"^\W*(?:[A-F]\s*[:.]\s*)?(?:({_NAME})\s+({_NAME})|[A-Z]\.\s*({_NAME})|({_NAME})\s+[A-Z]\.)\W*$")
# A surname alone in capitals ("YILMAZ"): a person only beside a bare room number.
_SURNAME = re.compile(r"^\W*([A-Z][A-Z'’\-]{2,})\W*$")
# A room or bed alone on its line ("817", "912-B", "1B"); a year alone ("2024") is a poster's, not a room.
_BARE_ROOM = re.compile(r"^\W*(?:(?i:rm|room|bed)\s*)?(?!(?:19|20)\d\d\b)"
                        r"(?:\d{2,4}\s?(?:[A-Z]|-\s?[A-Z\d]{1,2})?|\d[A-Z])\W*$")
# Words of an organisation or its staff: a line with one is the hospital's, not the patient's.
_ORGANISATION = re.compile(r"\b(cent(er|re)|hospital|health|pharmacy|clinic|medical|nurse\s*line|ext|dr|attending|"
                           r"logged|lot|ref|model|workstation|rn|md|np|staff|call\s*it)\b", re.I)
_DOC_VALUES = (
    ("phone", re.compile(r"\(?\d{3}\)?[\s.\-]*\d{3}\s*[\-.]\s*\d{4}\b")),
    ("address", re.compile(r"[A-Za-z .]+,\s*[A-Z0]{2}\s*\d{5}\b")),  # "Salem, MA 01955" ("0R": OCR's O)
    ("address", re.compile(r"^\W*\d{1,6}\s+(?:[A-Za-z]+\s*){1,3}\b(st|rd|ln|ave|blvd|dr|ct|ter|way|pl|hwy|pkwy|cir|"
                           r"lane|road|street|drive|court)\b", re.I)),
    ("age", re.compile(r"\b\d{1,3}\s*(y|yo|y/o|yrs?)\b", re.I)),
    ("date", re.compile(r"\b\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{2,4}|\b\d{4}-\d{1,2}-\d{1,2}\b")),
    ("mrn", re.compile(r"\b[A-Z]?\d{2}-\d{5,}\b|\b\d{7,}\b")),
)
_DONORS = re.compile(r"\b(donors?|founders|foundation|benefactors?|philanthrop\w*|in\s+(memory|hono(u)?r)\s+of|"
                     r"giving|gifts?|campaign|sponsors?|trust)\b", re.I)
_EQUIPMENT = re.compile(r"\b(model|mfg|manufactured|rated|ref|lot|asset|biomed|inspected|cal(ibration)?\s*due|"
                        r"\d+\s*v|\d+\s*hz)\b", re.I)
# A race or a team: the big number beside a name is a bib or a jersey, not a room.
_EVENT = re.compile(r"\b(fun\s*run|run\s+for|race|\d+\s?k|marathon|bib|jersey|relay|tournament|league|"
                    r"triathlon)\b", re.I)
_PATIENT_CATEGORIES = {"mrn", "date", "age", "health_plan", "account", "ssn"}


def person_alone(text: str, *, surname: bool = False) -> bool:
    """A name and nothing else on the line, not two ordinary English words ("Staff Only")."""
    m = _PERSON.match(text)
    words = [w for w in m.groups() if w] if m else []
    if not words and surname and (s := _SURNAME.match(text)):
        words = [s.group(1)]
    return bool(words) and not all(w.lower() in ENGLISH for w in words)


def bare_room(text: str) -> bool:
    return bool(_BARE_ROOM.match(text))


def _beside(a, b) -> bool:
    """Two boxes within about three text heights of each other, above, below or along the row."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    reach = 3 * max(min(ah, bh), 1)
    return ax - reach < bx + bw and bx - reach < ax + aw and ay - reach < by + bh and by - reach < ay + ah


def is_patient_page(categories: set[str]) -> bool:
    """A page with a patient's identifier, or a name with any other detail, is about that patient."""
    return bool(categories & _PATIENT_CATEGORIES) or ("name" in categories and len(categories) > 1)


def document_value(text: str) -> str | None:
    """The category of a bare value on a patient's page (a phone, a city line, a date …), else None."""
    if _ORGANISATION.search(text):
        return None
    if person_alone(text):
        return "name"
    return next((category for category, rx in _DOC_VALUES if rx.search(text)), None)


def door_plates(texts: list[str], boxes: list, flagged: list[str | None]) -> list[str | None]:
    """Categories for unflagged lines that pair up: a lone name beside a room (bare or flagged) or beside any
    patient finding, and a bare room beside a name (bare or flagged). On a race or team page a bare number
    is a bib, so it makes no pair."""
    out = list(flagged)
    bibs = bool(_EVENT.search(" ".join(texts)))
    rooms = [b for b, t, f in zip(boxes, texts, flagged)
             if f == "address" or (f is None and not bibs and bare_room(t))]
    for n, (t, b, f) in enumerate(zip(texts, boxes, flagged)):
        if f is not None:
            continue
        near_room = any(_beside(b, r) for r in rooms if r is not b)
        near_phi = any(_beside(b, o) for o, g in zip(boxes, flagged) if g and g != "name")
        if person_alone(t, surname=near_room) and (near_room or near_phi):
            out[n] = "name"
    names = [b for b, f in zip(boxes, out) if f == "name"]
    for n, (t, b, f) in enumerate(zip(texts, boxes, out)):
        if f is None and not bibs and bare_room(t) and any(_beside(b, o) for o in names):
            out[n] = "address"
    return out


def hospital_own(all_text: str, categories: set[str]) -> bool:
    """Only names on a donor wall, or only device serials on an equipment label: the hospital's, not PHI."""
    if categories == {"name"}:
        return bool(_DONORS.search(all_text))
    if categories == {"device"}:
        return len(_EQUIPMENT.findall(all_text)) >= 2
    return False
