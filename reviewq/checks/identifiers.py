"""Identifier formats tied to a person, with their check digits.

International phones, IBANs, payment cards, Medicare Beneficiary Identifiers, US and UK driving
licences, passports, NPIs, ABA routing and bank numbers, plates and device ids. `find` returns
candidates for phi.py, which decides severity; each carries the rule that fired.

Two modes (policy `phi.mode`): "context" keeps only shapes that are a person's by themselves (a valid
IBAN or MBI, a "+CC" phone, a Luhn-valid card) or follow their keyword; "strict" adds every shape
whatever the context, as `shape` candidates (always `warn`), for teams that prefer to see everything.
Checksums keep look-alikes out in both modes. Runs on folded text (digits ASCII, zero-widths gone).
"""
from __future__ import annotations

import re

from reviewq.checks.fastre import gated

# (start, end, category, strength, source); strength "strong" | "weak" | "shape"
Cand = tuple[int, int, str, str, str]

IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")
# Medicare Beneficiary Identifier: 11 characters, letters without S L O I B Z, optional dashes 4-3-4.
_L = "AC-HJKMNP-RT-Y"
MBI = re.compile(rf"(?<![A-Za-z0-9])[1-9][{_L}][{_L}0-9]\d-?[{_L}][{_L}0-9]\d-?[{_L}]{{2}}\d{{2}}(?![A-Za-z0-9])",
                 re.IGNORECASE)
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
INTL_PHONE = re.compile(r"(?<![\w+])\+\s?\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){1,5}(?![\w-])")
UK_DL = re.compile(r"(?<![A-Z0-9])[A-Z9]{5}\d[0156]\d[0-3]\d\d[A-Z9]{2}\d[A-Z]{2}(?:\d{2})?(?![A-Z0-9])")
# Shapes that only strict mode reports on their own.
ANY_PHONE = re.compile(r"(?<![\w+/.-])(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{2,5}(?:[\s.-]\d{2,5}){0,3}(?![\w/-]|\.\d)")
DIGITS = re.compile(r"(?<![\w-])\d{8,17}(?![\w-])")
DASHED_ID = re.compile(r"(?<![\w-])\d{3,5}-\d{2,7}(?:-\d{1,7})?(?![\w-])")
LETTER_DIGITS = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}[- ]?\d{5,12}(?![A-Za-z0-9])")
PLATE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{2}\d{2} ?[A-Z]{3}|\d[A-Z]{3}\d{3}|[A-Z]{3}[- ]\d{3,4}|[A-Z]{2}[- ]?\d{2}[- ]?"
                   r"[A-Z]{1,2}[- ]?\d{4})(?![A-Za-z0-9])")
MIXED = re.compile(r"(?<![\w-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9-]{6,30}[A-Za-z0-9]"
                   r"(?![\w-])")
DATE_LIKE = re.compile(r"^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}|\d{1,2}[-./]\d{1,2}|"
                       r"(?:19|20)\d{2}[-–]\d{2,4})$")
_LETTERS = {c: str(i) for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def iban_ok(s: str) -> bool:
    s = re.sub(r"[ -]", "", s).upper()
    if not 15 <= len(s) <= 34:
        return False
    n = "".join(_LETTERS[c] for c in s[4:] + s[:4])
    return int(n) % 97 == 1


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def aba_ok(d: str) -> bool:
    return len(d) == 9 and sum(int(c) * w for c, w in zip(d, (3, 7, 1) * 3)) % 10 == 0 and d[:2] != "00"


def npi_ok(d: str) -> bool:
    return len(d) == 10 and d[0] in "12" and luhn_ok("80840" + d)


def nhs_ok(d: str) -> bool:
    if len(d) != 10:
        return False
    check = 11 - sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1))) % 11
    return (0 if check == 11 else check) == int(d[9]) and check != 10


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def find(text: str, strict: bool) -> list[Cand]:
    """Identifier candidates in folded `text`; strict adds every bare shape."""
    out: list[Cand] = []
    upper_letters = any("A" <= c <= "Z" for c in text)
    if upper_letters:
        for m in IBAN.finditer(text):
            if iban_ok(m.group()):
                out.append((m.start(), m.end(), "account", "strong", "rule:iban (checksum)"))
        for m in UK_DL.finditer(text):
            out.append((m.start(), m.end(), "license", "strong", "rule:uk_driving_licence"))
    for m in MBI.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 4:
            out.append((m.start(), m.end(), "health_plan", "strong", "rule:medicare_mbi"))
    for m in CARD.finditer(text):
        d = _digits(m.group())
        if 13 <= len(d) <= 19 and luhn_ok(d) and d[0] in "23456" and len(set(d)) > 2:
            out.append((m.start(), m.end(), "account", "strong", "rule:payment_card (luhn)"))
    if strict:
        out.extend(_shapes(text))
    return out


def intl_phones(text: str):
    """"+CC ..." numbers with 8-15 digits (E.164): a phone whatever the country."""
    for m in INTL_PHONE.finditer(text):
        if 8 <= len(_digits(m.group())) <= 15:
            yield m


CISCO_MAC = re.compile(r"(?<![\w.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![\w.])", re.IGNORECASE)
IPV6_SHORT = re.compile(r"(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?"
                        r"(?:/\d{1,3})?(?![\w:])", re.IGNORECASE)


def _failed_checksums(text: str) -> list[tuple[int, int]]:
    """Spans shaped like an IBAN or a card whose check digits fail: typos or made-up, not identifiers."""
    bad = [m.span() for m in IBAN.finditer(text) if not iban_ok(m.group())]
    bad += [m.span() for m in CARD.finditer(text) if 13 <= len(_digits(m.group())) <= 19
            and not luhn_ok(_digits(m.group()))]
    return bad


def _shapes(text: str) -> list[Cand]:
    out: list[Cand] = []
    for m in CISCO_MAC.finditer(text):
        out.append((m.start(), m.end(), "device", "shape", "strict:mac"))
    if "::" in text:
        out += [(m.start(), m.end(), "ip", "shape", "strict:ipv6") for m in IPV6_SHORT.finditer(text)]
    for rx, cat, src in ((ANY_PHONE, "phone", "strict:phone_shape"), (DASHED_ID, "other_id", "strict:dashed_id"),
                         (DIGITS, "account", "strict:number")):
        for m in rx.finditer(text):
            g = m.group()
            d = _digits(g)
            if DATE_LIKE.match(g) or len(d) < 7 or len(d) > 17:
                continue
            c = cat
            if cat != "phone" or len(d) > 11:
                c = _number_category(d, cat)
            out.append((m.start(), m.end(), c, "shape", src if c == cat else f"strict:{c}_shape"))
    for rx, cat, src in ((LETTER_DIGITS, "license", "strict:licence_or_passport_shape"),
                         (PLATE, "vehicle", "strict:plate_shape"), (MIXED, "other_id", "strict:id_shape")):
        for m in rx.finditer(text):
            out.append((m.start(), m.end(), cat, "shape", src))
    bad = _failed_checksums(text)
    return [c for c in out if not any(a <= c[0] and c[1] <= b for a, b in bad)]


def _number_category(d: str, default: str) -> str:
    if len(d) == 9:
        return "account" if aba_ok(d) else "ssn"
    if len(d) == 10 and npi_ok(d):
        return "license"
    if len(d) == 10 and nhs_ok(d):
        return "mrn"
    if len(d) == 15 and luhn_ok(d):
        return "device"  # IMEI
    return default


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
CARD = gated(CARD)
UK_DL, INTL_PHONE, MBI = map(gated, (UK_DL, INTL_PHONE, MBI))
