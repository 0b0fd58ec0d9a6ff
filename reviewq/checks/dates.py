"""Dates and ages in a post (patterns run on the lower-case copy) (patterns only; phi.py decides whether they are PHI).

HIPAA Safe Harbor: every element of a date except the year, and ages over 89.
Ages are returned with their value so the caller can apply the policy's
threshold; spoken ages ("ninety-three") are understood.
"""
from __future__ import annotations

import re

from reviewq.checks.fastre import gated

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_MES = (r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|"
        r"diciembre|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|"
        r"décembre|decembre|"
        # Portuguese, Italian, German, Dutch, Polish (genitive: "8 maja 1934"), Somali
        r"janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|dezembro|gennaio|febbraio|aprile|maggio|"
        r"giugno|luglio|settembre|ottobre|dicembre|januar|februar|märz|maerz|juni|juli|oktober|dezember|januari|"
        r"februari|maart|mei|augustus|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|"
        r"wrzesnia|października|pazdziernika|listopada|grudnia|jannaayo|febraayo|maarso|abriil|maajo|luulyo|ogost|"
        r"sebtembar|oktoobar|nofeembar|desembar)")
_WEEKDAY = (r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)")
_ORD = r"(?:st|nd|rd|th)?"
DATE = re.compile(
    r"(?<![\w/.\-])(?:"
    r"" + _WEEKDAY + r"?" + _MONTH + r"\.?\s+\d{1,2}" + _ORD + r"(?:,?\s+\d{4})?(?!\d|:\d)"
    r"|" + _WEEKDAY + r"?\d{1,2}" + _ORD + r"\s+(?:of\s+)?" + _MONTH + r"\.?(?:,?\s+\d{4})?(?!\w)"
    r"|\d{1,2}[-/ ]" + _MONTH + r"[-/ ](?:\d{4}|\d{2})(?![\w-])"
    r"|" + _WEEKDAY + r"?(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?:\d{4}|\d{2}))?(?![\d/])"
    r"|(?P<m2>\d{1,2})-(?P<d2>\d{1,2})-(?:\d{4}|\d{2})(?![\d-])"
    r"|\d{4}-(?P<m3>\d{2})-(?P<d3>\d{2})(?![\d-])"
    r"|" + _WEEKDAY + r"?(?P<m4>\d{1,2})\.(?P<d4>\d{1,2})\.(?:\d{4}|\d{2})(?![\d.]\d|\d)"
    r"|" + _MONTH + r"\.?\s+(?:19|20)\d{2}(?!\d)"
    # Spanish and French: "lunes 9 de junio", "14 de marzo de 2024", "12 mars"
    r"|(?:(?:lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche),?\s+)?\d{1,2}\.?\s+(?:de\s+)?" + _MES + r"(?:,?\s+(?:de\s+)?\d{4})?(?!\w)"
    # month-day with a hyphen after a care word: "DOS 2-26", "surgery on 3-2"
    r"|(?:(?<=dos )|(?<=dos: )|(?<=dos:)|(?<=dob )|(?<=dob: )|(?<=dob:)|(?<=doa )|(?<=doa: )|(?<=d/c )|(?<=adm ))"
    r"(?P<m5>\d{1,2})-(?P<d5>\d{1,2})(?![\d-])"
    r"|(?:(?<=\bon )|(?<=since )|(?<=surgery )|(?<=admitted )|(?<=discharged )|(?<=born )|(?<=seen )"
    r"|(?<=visit )|(?<=appt )|(?<=procedure )|(?<=delivered )|(?<=arrived )|(?<=transplant )|(?<=f/u )"
    r"|(?<=follow-up )|(?<=followup )|(?<=admit )|(?<=discharge )|(?<=sx )|(?<=op )|(?<=passed )|(?<=died )"
    r"|(?<=extubated )|(?<=intubated )|(?<=transferred )|(?<=readmitted )|(?<=diagnosed )|(?<=delivered )"
    r"|(?<=treated )|(?<=stented )|(?<=operated )|(?<=transfused ))"
    r"(?P<m6>\d{1,2})-(?P<d6>\d{1,2})(?![\d-])(?!\s*(?:days?|weeks?|months?|hours?|hrs?|times|pm|am|p\.m|a\.m|min|x)\b)"
    r")")

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TENS = {"ninety": 90, "eighty": 80, "seventy": 70, "sixty": 60, "fifty": 50, "forty": 40, "thirty": 30,
         "twenty": 20}
_SPOKEN = (r"(?:(?:one|a) hundred(?:(?: and)? (?:(?:ninety|eighty|seventy|sixty|fifty|forty|thirty|twenty)"
           r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|"
           r"nine|ten|eleven|twelve))?|(?:ninety|eighty|seventy|sixty|fifty|forty)"
           r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)")
_SPOKEN_ES = (r"(?:(?:noventa|ochenta|setenta)(?: y (?:uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve))?|cien|"
              r"ciento (?:uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez))")
_NUM = r"(?P<n%d>\d{2,3}|" + _SPOKEN + r")"
AGE = re.compile(
    r"\b" + _NUM % 1 + r"(?:[- ]+(?:years?|yrs?)[- ]+(?:old|young)|[- ]year[- ](?:old|young)|(?:st|nd|rd|th)? birthday|"
    r" years young)\b"
    r"|\b(?:aged?|turns?|turned|turning|around|about|approximately|nearly|almost)\s+" + _NUM % 2 +
    r"(?!\s*(?:%|percent|pounds|lbs|minutes|min|hours|days|weeks|months|am|pm|a\.m|p\.m|[:/.,]?\s*\d))\b"
    r"|\bat " + _NUM % 4 + r"(?=,? (?:she|he|they|became|is|was|and|still|years|y/?o)\b)"
    r"|(?<=[a-z]), " + _NUM % 3 + r",(?= [a-z0-9])"
    r"|(?<=[a-z]) \(\s*(?P<n5>\d{2,3})\s*!*\s*\)"
    r"|\b(?:who is|who's|who was|she is|he is|she's|he's|is now|is|was)\s+" + _NUM % 6 +
    r"(?=\s+(?:and|years|yrs|today|this|but|now|going|yet)\b|\s*[,.!;—–]|\s*$)"
    r"|\b(?:celebrat\w*|turn\w*|mark\w*|reach\w*|hit|hits)\s+" + _NUM % 7 +
    r"\s+years?\b(?!\s+(?:of|since|serving|caring|in business|as))"
    r"|\b(?:makes? (?:her|him|them|me)|reaching|reached|reach|hitting)\s+(?P<n8>" + _SPOKEN + r")(?=\s*[?!.,;—–]|\s*$)"
    # other languages and clinical shorthand: "de 103 años", "noventa y siete años", "97 ans", "95 taong
    # gulang", "103yo", "99 y/o"
    r"|(?<![\w.])(?P<n9>\d{2,3}|" + _SPOKEN_ES + r")\s*(?:años|anos|ans|taong gulang|taon|tuổi|y/?o|yo|yof|yom|yr old)\b"
    # "— 104 and still mowing his own lawn", "97 and counting"
    r"|(?<![\w.,/-])(?P<n11>\d{2,3}) and (?:still|counting|thriving|going strong|sharp)\b"
    # Haitian Creole and Arabic: "Bòn fèt 97 an pou …", "94 عاماً"
    r"|(?<![\w.])(?P<n12>\d{2,3}) (?:an|ane) (?=pou|nan|jodi)|(?<![\w.])(?P<n13>\d{2,3}) (?:عاما|عامًا|عاماً|سنة)"
    # clinical shorthand glued to the sex: "99F", "102M" (not a temperature: "fever of 103F", "103°F")
    r"|(?<![\w.$°#/-])(?<!fever of )(?<!temp of )(?<!temp )(?<!fever )(?<!temperature of )(?<!temperature )"
    r"(?<!to )(?<!at )(?<!was )(?<!spiked )(?<!now )(?P<n10>\d{2,3})[fm](?![\w°])(?!\s*(?:fever|temp))")


_DIGIT = re.compile(r"\d")
_YEARS_LATER = re.compile(r"\b(\d{2,3}) years later\b")
_NUMBERISH = re.compile(r"\d\d|hundred|ninety|eighty|seventy|sixty|fifty|forty|noventa|ochenta|setenta|cien")


def valid_date(m: re.Match) -> bool:
    for mk, dk in (("m", "d"), ("m2", "d2"), ("m3", "d3"), ("m4", "d4"), ("m5", "d5"), ("m6", "d6")):
        if m.group(mk):
            return 1 <= int(m.group(mk)) <= 12 and 1 <= int(m.group(dk)) <= 31
    return True


_ES = {"noventa": 90, "ochenta": 80, "setenta": 70, "cien": 100, "ciento": 100, "uno": 1, "dos": 2, "tres": 3,
       "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10}


def age_value(word: str) -> int:
    w = word.lower().replace("-", " ").replace(" and ", " ")
    if w.isdigit():
        return int(w)
    if w.split()[0] in _ES:
        return sum(_ES.get(p, 0) for p in w.split())
    total = 0
    for part in w.split():
        if part in ("hundred",):
            total = max(total, 1) * 100
        elif part in ("a",):
            total += 1
        elif part in _TENS:
            total += _TENS[part]
        elif part in _UNITS:
            total += _UNITS[part]
        elif part == "ten":
            total += 10
        elif part == "eleven":
            total += 11
        elif part == "twelve":
            total += 12
    return total


def find_dates(text: str):
    """(start, end) of each date-like span in `text`."""
    if not _DIGIT.search(text):
        return []  # every date has a digit
    return [m.span() for m in DATE.finditer(text) if valid_date(m)]


def find_ages(text: str):
    """(start, end, value) of each stated age in `text`."""
    out = []
    if not _NUMBERISH.search(text):
        return out  # every age is digits or a spoken number from forty up
    if "born" in text and "years later" in text:  # "born ... in 1933. This week, 93 years later, ..."
        out.extend((m.start(1), m.end(1), int(m.group(1))) for m in _YEARS_LATER.finditer(text))
    for m in AGE.finditer(text):
        g = next(k for k in ("n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10", "n11", "n12", "n13") if m.group(k))
        s, e = m.span(g)
        out.append((s, e, age_value(m.group(g))))
    return out


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
AGE, DATE = map(gated, (AGE, DATE))
