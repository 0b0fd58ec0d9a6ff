"""PHI check: the 18 HIPAA Safe Harbor identifiers of a patient or relative.

Rule id `phi.identifiers` for every category. Identifiers that only a patient
would have (SSN, MRN, member IDs, a personal e-mail...) block. Names, dates,
addresses and rooms depend on who the post is about: staff names, the
organisation's own contact details and event dates are left alone, and a name
with nothing that ties it to care is a `warn` (a person must look), not a block.
"""
from __future__ import annotations

import re

from reviewq.checks import agreement
from reviewq.checks import identifiers as ID
from reviewq.checks import phi_patterns as P
from reviewq.checks.base import Finding
from reviewq.checks.dates import find_ages, find_dates
from reviewq.checks.fastre import gated
from reviewq.checks.names import ENGLISH, FIRST, STOP, _not_a_name, _role, _sentence_bounds
from reviewq.checks.policy import domain_matches

RULE = "phi.identifiers"
FIX = "Remove it, or replace it with something that cannot identify the person (\"a patient\", \"this spring\")."
WHY = "Posting it publicly can identify a patient, which HIPAA forbids without written authorization."
LABEL = {"name": "a person's name", "address": "a home address or town", "date": "a date tied to a person's care",
         "age": "an age over 89", "phone": "a personal phone number", "fax": "a personal fax number",
         "email": "a personal e-mail address", "ssn": "a Social Security number", "mrn": "a medical record number",
         "health_plan": "a health plan or insurance ID", "account": "an account or card number",
         "license": "a licence number", "vehicle": "a vehicle plate or VIN", "device": "a device serial number",
         "url": "a personal web page", "ip": "an IP address", "other_id": "a room, bed or personal handle",
         "biometric": "a biometric identifier", "photo": "a patient's photo file"}
STRONG = frozenset({"ssn", "mrn", "health_plan", "account", "license", "vehicle", "device", "ip", "email", "biometric",
                    "phone", "fax", "age", "url"})
EVENT_BEFORE = re.compile(
    r"\b(?:event|join us|workshop|class|session|webinar|drive|contest|competition|challenge|sale|show|opens?|opening|starting|starts?|hours|until|"
    r"through|register|deadline|expo|fair|walk(?!\s+(?:out|in|into|down|again|through|home))|celebrat\w*|awareness|screenings?|festival|gala|meeting|"
    r"hosts?|hosted|launch\w*|effective|beginning|is on|will be|moving|tour|open house|checks?|clinic|join|"
    r"apply|applications?|rsvp|sign up|signups?|due|closes?|closed|shots?|cake|party|potluck|lunch|"
    r"breakfast|dinner|reception|ceremony|luncheon|run|race|5k|tournament|classes|sessions|lot|parking|"
    r"visiting|vaccines?|flu|drop[- ]in|walk[- ]in|free|starts?|begins?|through|thru|by|"
    r"feria|gratuit[oa]s?|gratis|evento|jornada|taller|clases?|vacunas|vacunaci[óo]n|inscr[íi]b\w+)\b(?<!radiation session)"
    r"(?<!chemo session)(?<!therapy session)(?<!treatment session)[^.!?]{0,50}$")
PATIENT_BEFORE = re.compile(
    r"\b(?:dob|d\.o\.b|born|birth\w*|admitted|admission|discharged|passed away|died|surgery|procedure|visit|"
    r"appointment|results|since|delivered|diagnosed|came into|arrived|injur\w+|accident|moved to|"
    r"logging in|seen|treated|stay)\b[^.!?]{0,25}$")


def check(post) -> list[Finding]:
    """PHI findings for `post` (a reviewq.checks.context.Post)."""
    text, lower = post.folded.text, post.folded.lower
    cands: list[tuple[int, int, str, str]] = []  # (start, end, category, strength: "strong"|"weak")
    _identifiers(post, text, cands)
    people = [p for p in post.people if p.role == "person"]
    identified = any(c[2] in STRONG and c[3] == "strong" for c in cands)
    subject = bool(people) or identified
    handles = post.personal_handles
    subject = subject or bool(handles)
    # Someone over the age limit is someone in particular ("una viejita de noventa y siete años en el cuarto 318").
    subject = subject or (post.patient_context and any(v > post.policy.phi_age_over and text[a - 1:a] != "("
                                                         for a, _, v in post.ages))  # "(719)" is no age
    for p in people:
        cands.append((p.start, p.end, "name", "strong" if p.strong else "weak"))
        idm = P.ID_AFTER_NAME.match(text, p.end)
        if idm:
            cands.append((idm.start("v"), idm.end("v"), "mrn", "strong", "rule:record number after a name"))
        r = P.ROOM_AFTER_NAME.match(text, p.end)
        if r and (r.group("v") or not (r.group("r").isdigit() and len(r.group("r")) == 4)):  # "in 2024" is a year
            g = "v" if r.group("v") else "r"
            cands.append((r.start(g), r.end(g), "other_id", "strong", "rule:room after a name"))
        m = P.TOWN_AFTER_NAME.match(text[p.end:p.end + 40])
        if m and m.group("v").split()[-1].lower() not in _NOT_TOWN:
            cands.append((p.end + m.start("v"), p.end + m.end("v"), "address", "strong"))
    if subject:
        events = [m for m in P.TOWN_AFTER_EVENT.finditer(text)
                  if " " in m.group("v") or m.group("v").lower() not in ENGLISH]  # not "bring it to Admitting"
        for m in list(P.TOWN_AFTER_HOME.finditer(text)) + events:
            v = m.group("v")
            if v.split()[-1].lower() not in _NOT_TOWN and (v.split()[0].lower() not in STOP or " " in v) \
                    and not _WE_BEFORE.search(lower, max(0, m.start() - 25), m.start()) \
                    and v.lower() not in post.policy.compiled.org_names:
                cands.append((m.start("v"), m.end("v"), "address", "strong"))
    # The tagger's names are found before the context rules run: a person it is sure of (where no rule saw
    # one) makes the post about someone, so the room, bed and care date told beside them count too
    # ("Today: <name>, bed 27", "the family of <name> in room 116B").
    modelled = list(cands)
    _modelled(post, text, subject, modelled)
    modelled = modelled[len(cands):]
    named = [(c[0], c[1]) for c in modelled if c[2] == "name" and _tag_sure(post, c[0], c[1])]
    subject = subject or bool(named)
    _dated(post, text, subject, cands)
    if subject or post.patient_context:
        _contextual(post, text, subject, cands)
    for m in P.PERSON_IN_ROOM.finditer(post.folded.lower) if any(k in post.folded.lower for k in _ROOM_KEYS) else ():
        g = next(k for k in ("a", "b", "c") if m.group(k))
        v = m.group(g)
        if g == "b" and len(v) == 4 and v[:2] in ("19", "20"):
            continue  # "a man in 2024": a year
        if _ANY_BEFORE.search(post.folded.lower, max(0, m.start() - 12), m.start()):
            continue  # "every patient in room 4": a rule for a room, not one person
        cands.append((m.start(g), m.end(g), "other_id", "strong", "rule:room of a person"))
        identified = True  # where one person lies is theirs: the post tells who was in that bed
    # A name with another identifier of the same post (a street, a room, a phone, a care date) identifies
    # someone: "mail-order meds for <name> returned, address on file is 650 …".
    spans = [(p.start, p.end) for p in people] + named
    if spans and any(c[2] in ("address", "other_id", "phone", "fax", "date") and c[3] == "strong"
                     and not any(a <= c[0] < b for a, b in spans) for c in cands):
        identified = True
    # A name alone is not enough to stop the author: it may be staff we failed to recognise.
    block = identified or post.patient_context
    # About care: the post says so in words, or the story classifier is sure it is a patient's story.
    care = (post.patient_context and (identified or subject)) or post.story_p >= CARE_STORY_P
    cands.extend(c for c in modelled if not any(c[0] < b[1] and b[0] < c[1] for b in cands))
    if post.policy.compiled.strict:
        _strict_extras(post, text, cands)
    if post.links:  # a number inside a link is part of the address ("utm_campaign=…_2963705403414554")
        inside = [(k.start, k.end) for k in post.links]
        cands = [c for c in cands if c[2] not in _SHAPE_CATEGORIES or
                 not any(a <= c[0] and c[1] <= b for a, b in inside)]
    return _findings(post, _rule_severities(cands, block, care))


def _rule_severities(cands, block: bool, care: bool) -> list[tuple[int, int, str, str, str, str]]:
    """(start, end, category, strength, the rules' severity, source) of each candidate that no earlier one overlaps."""
    decided, taken = [], []
    for c in sorted(cands):
        s, e, cat, strength = c[:4]
        if s >= e or any(s < b and a < e for a, b in taken):
            continue
        taken.append((s, e))
        if strength == "shape":
            sev = "warn"  # strict mode: the shape alone, context says nothing
        elif strength == "weak" and care and cat in ("name", "date", "age", "address", "other_id", "email", "url"):
            sev = "block"  # a post about someone's care: a likely identifier protects the patient first
        else:
            sev = "block" if (block and strength != "weak") or cat in ("ssn", "mrn", "health_plan", "biometric") else "warn"
        decided.append((s, e, cat, strength, sev, c[4] if len(c) > 4 else f"rule:{cat}"))
    return decided


# A wish for someone's recovery or a patient word right before a name: that person is a patient, whatever the
# post's context says ("Get well soon John Smith!", "praying for Rosa", "our patient Dana", "pronta recuperación, Don
# Luis"). The rules' evidence about the very span, so the models are not asked (agreement.phi `cued`).
_CARE_CUE_BEFORE = re.compile(
    r"(?:\bget well(?: soon)?|\bfeel better(?: soon)?|\bpraying for|\bprayers? (?:for|to)|\bsending (?:love|prayers|"
    r"healing(?: vibes)?|strength) to|\bspeedy recovery|\b(?:our|the|a|this|my) (?:\w+ )?patient|\bpt\.?|"
    r"\bpronta recuperaci[oó]n|\bque se mejore|\bnuestr[oa] paciente|\bel paciente|\bla paciente|\bla pequeña|"
    r"\bel pequeño)\s*[,:!]?\s*(?:(?:mr|mrs|ms|miss|sr|sra|srta|don|doña)\.?\s+)?$")


_ROOM_KEYS = (" in ", " en ", "bay ", "bed ", "rm ", "room ")
_ANY_PATIENT_BEFORE = re.compile(r"\b(?:every|each|any|all)\s+(?:\w+\s+)?(?:patients?|pts?|residents?|pacientes?)\b"
                                 r"[^.!?]{0,25}$")
_ANY_BEFORE = re.compile(r"\b(?:every|each|any|all|no|per)\s+(?:\w+\s+)?$")


def _roll_call(post, decided) -> bool:
    """Several people's names and nothing else the rules flag, none tied to care: a roll call (a cohort, a
    team, the month's volunteers). A name said twice ("Don Eusebio Tarango … Don Eusebio") is one person,
    and an age, a date or a place beside the names makes it a person's details, not a list."""
    people: list[set[str]] = []
    for s, e, cat, _, sev, _ in decided:
        if cat != "name":
            if cat in agreement.CONTEXT_PHI or cat == "other_id":
                return False
            continue
        if sev != "warn":
            return False
        words = {w for w in post.folded.lower[s:e].split() if len(w.strip(".")) > 3} or {str(s)}  # not "don", "mrs."
        if not any(words & p for p in people):
            people.append(words)
    return len(people) >= agreement.LIST_NAMES


def _findings(post, decided) -> list[Finding]:
    """The findings, once the models are asked about the rules' context ones (reviewq/checks/agreement.py)."""
    # Two context identifiers the rules block together (a name and an age over 89, a name and a street)
    # identify someone by their combination: that is the rules' evidence, not one word's context.
    combined = sorted({cat for _, _, cat, strength, sev, src in decided if sev == "block"
                       and cat in agreement.COMBINING and not src.startswith("model:")})
    listed = _roll_call(post, decided)
    findings = []
    for s, e, cat, strength, sev, source in decided:
        verdict = None
        if strength != "shape" and not source.startswith("model:"):  # the model's own spans: already its call
            cued = (cat == "name" and _CARE_CUE_BEFORE.search(post.folded.lower, max(0, s - 40), s) is not None) or \
                (cat == "age" and P.BEDSIDE_AGE_AFTER.match(post.folded.lower, e) is not None)
            verdict = agreement.phi(post, s, e, cat, sev, combined if len(combined) >= 2 else (), listed, cued)
            sev = verdict.severity
        msg = (f"This looks like {LABEL[cat]}. {WHY}" if sev == "block" else
               f"This may be {LABEL[cat]}. If it belongs to a patient or relative, remove it: {WHY[0].lower()}"
               f"{WHY[1:]} If it is staff or our own, say so in your justification.")
        if verdict is not None:
            msg += agreement.explain(source, verdict)
            source = agreement.source(source, verdict)
        findings.append(post.finding("phi", cat, sev, s, e, msg, RULE, FIX, source=source))
    return findings


_PHOTO_KEYS = (".heic", ".heif", ".jp", ".png", ".dng", ".mov", ".mp4", ".gif", ".webp")
_SHAPE_CATEGORIES = frozenset({"account", "ssn", "phone", "fax", "vehicle", "device", "license"})
CARE_STORY_P = 0.7  # story classifier probability that makes a post one about a patient's care
MODEL_MIN = 0.5  # the CRF's marginal probability below which a span is not reported


def _tag_sure(post, start: int, end: int) -> bool:
    return any(s == start and e == end and label == "NAME" and prob >= agreement.TAG_SURE
               for s, e, label, prob in post.model_spans)


def _modelled(post, text, subject, cands) -> None:
    """Names, towns and dates the CRF finds where no rule did; a person named in a story blocks."""
    spans = post.model_spans
    if not spans:
        return
    cp = post.policy.compiled
    taken = [(p.start, p.end) for p in post.people] + [(c[0], c[1]) for c in cands]
    # Dates: the rules tell an event from a care date. Places: only in a post about someone.
    cat_of = {"NAME": "name", "ADDR": "address"} if subject else {"NAME": "name"}
    for s, e, label, prob in spans:
        if label not in cat_of or prob < MODEL_MIN or any(s < b and a < e for a, b in taken):
            continue
        value = text[s:e].lower()
        if value in cp.org_names or any(t in cp.org_name_tokens for t in value.split()):
            continue
        if label == "NAME" and (_role(text, post.folded.lower, s, e) != "person" or _not_a_name(text, post.folded.lower, s, e)):
            continue  # staff, a donor, a public figure: the rules' role cues apply to the model's names too
        if label == "NAME" and all((w in ENGLISH or w in STOP or len(w) < 2) and w not in FIRST
                                   for w in re.findall(r"[^\W\d_]+", value)):
            continue  # ordinary words ("Sun", "She's"): the rules know English better than the tagger
        strong = post.story_p >= 0.7 or (label != "NAME" and post.patient_context)
        cands.append((s, e, cat_of[label], "strong" if strong else "weak",
                      f"model:crf {label} p={prob:.2f} story p={post.story_p:.2f}"))


def _strict_extras(post, text, cands) -> None:
    """Strict mode: every identifier shape, unless a context rule already reported it (or it is ours)."""
    cp = post.policy.compiled
    extra = [c for c in ID.find(text, True) if c[3] == "shape"]
    if "@" in text:
        extra += [(m.start(), m.end(), "email", "shape", "strict:email") for m in P.EMAIL.finditer(text)
                  if not domain_matches(m.group().partition("@")[2], cp.org_domains)]
    extra += [(k.start, k.end, "url", "shape", "strict:url") for k in post.links
              if not domain_matches(k.host, cp.org_domains) and not domain_matches(k.host, cp.authoritative)]
    for m in P.IPV4.finditer(text):
        extra.append((m.start(), m.end(), "ip", "shape", "strict:ip"))
    for m in P.IPV6.finditer(post.folded.lower):
        extra.append((m.start(), m.end(), "ip", "shape", "strict:ip"))
    for m in P.MAC.finditer(post.folded.lower):
        extra.append((m.start(), m.end(), "device", "shape", "strict:mac"))
    known = [(c[0], c[1]) for c in cands]
    for c in extra:
        if cp.phone_digits(text[c[0]:c[1]]) in cp.org_phones:
            continue
        if not any(c[0] < b and a < c[1] for a, b in known):
            cands.append(c)
            known.append((c[0], c[1]))


_ORG_PLACE_BEFORE = re.compile(r"\b(?:our|us|join|located|campus|clinic|office|lab|hosted|event|expo|drop|"
                               r"send|mail|bring|visit us|stop by|come to|walk[- ]ins?|shots?|screenings?|fair|"
                               r"open|opens|opening|class|meeting|free)\b[^.!?]{0,60}$"
                               r"|(?:^|[.!?]\s+)(?:en|at|in)\s+$")  # "... glucosa. En 2400 S Avenue A": a venue
_NOT_TOWN = frozenset("hospital health medical center clinic team staff icu er bed room rm unit floor school work action "
                      "january february march april may june july august september october november december "
                      "monday tuesday wednesday thursday friday saturday sunday".split())
_WE_BEFORE = re.compile(r"\b(?:we|our|us|clinic|office|hospital|practice|team|center|centre)\b[^.!?]{0,12}$")
_HOME_BEFORE = re.compile(r"\b(?:her|his|their|my|your|lives?|lived|living|home|house|apartment|resides?|"
                          r"address|mail(?:ed)? to|ship(?:ped)? to)\b[^.!?]{0,40}$")


_DIGITS3 = re.compile(r"\d{3}")
_ARTICLE_PATH = re.compile(r"/[\w@.-]+/[a-z0-9]+(?:-[a-z0-9]+){2,}")
_DEVICE_ID = re.compile(r"(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{6,}|\d[\d-]{6,}\d")
# After a date: it is someone's appointment or care, not an event ("before your 13 February appointment").
PATIENT_AFTER = re.compile(r"^\s*(?:appointment|appt|visit|surgery|procedure|follow-?up|biopsy|results|"
                           r"discharge|admission|scan|mri|test|labs?|infusion|delivery|due date)\b")
_YOUR_BEFORE = re.compile(r"\b(?:your|his|her|their)\s+(?:[a-z]+\s+)?$")


# A post that talks about record numbers: every bare 6-10 digit number in it is one ("the 2 MRNs on that label were
# swapped: 88102931 and 88102939", "everyone's MRNs (e.g. <name> 6610223)").
_RECORD_TALK = ("mrn", "medical record", "record number", "expediente", "chart number", "numéro de dossier")
_BARE_RECORD = re.compile(r"(?<![\w.,/#$:+-])\d{6,10}(?![\w/-]|[.,]\d)"
                          r"(?!\s+(?:people|visitors|patients|views|steps|dollars|members|users|downloads|impressions|"
                          r"followers|calls|visits|meals|hours|miles|doses|shots|vaccines|tests|records|times)\b)")


def _digits(text: str) -> int:
    """How many characters of `text` are digits (str.isdigit), counted in C for ASCII text."""
    if text.isascii():
        return sum(map(text.count, "0123456789"))
    return sum(map(str.isdigit, text))


def _identifiers(post, text, cands) -> None:
    cp = post.policy.compiled
    lower = post.folded.lower
    ndig = _digits(text)
    if not _DIGITS3.search(text) and ":" not in text and ndig < 3:
        return _emails(post, text, cands)  # every identifier below has a run of digits (or is IPv6/MAC)
    for m in P.KEYWORD.finditer(lower):
        v = P.VALUE.match(text, m.end())
        if v is None or sum(ch.isdigit() for ch in v.group()) < 2:
            continue
        cat = m.lastgroup
        if cat == "device2":
            if not _DEVICE_ID.fullmatch(v.group()):
                continue  # "pump 2", "monitor 2024": a model or a year, not a unit id
            cat = "device"
        cands.append((v.start(), v.end(), cat, "strong"))
        end = v.end()
        while (nv := P.NEXT_VALUE.match(text, end)) is not None and sum(ch.isdigit() for ch in nv.group("v")) >= 4:
            cands.append((nv.start("v"), nv.end("v"), cat, "strong"))  # the second MRN in a list
            end = nv.end()
    if any(k in lower for k in _RECORD_TALK):
        for m in _BARE_RECORD.finditer(text):
            if not any(c[0] < m.end() and m.start() < c[1] for c in cands):
                cands.append((m.start(), m.end(), "mrn", "strong", "rule:record number in a post about MRNs"))
    colons = lower.count(":")
    for rx, cat, on, possible in (
            (P.SSN, "ssn", text, ndig >= 9), (P.CARD, "account", text, ndig >= 15),
            (P.IPV4, "ip", text, ndig >= 4 and text.count(".") >= 3),
            (P.IPV6, "ip", lower, colons >= 7 or "::" in lower),
            (P.MAC, "device", lower, colons >= 5 or lower.count("-") >= 5), (P.VIN, "vehicle", text, True)):
        if not possible:
            continue  # prefilter: too few digits or separators for the shape
        for m in rx.finditer(on):
            cands.append((m.start(), m.end(), cat, "strong"))
    if "#" in text:
        for m in P.HASH_NUMBER.finditer(text):
            if any(c[0] < m.end("v") and m.start("v") < c[1] for c in cands):
                continue  # "Rx # 4471902": the keyword already says what it is
            cands.append((m.start("v"), m.end("v"), "mrn", "strong", "rule:mrn (#number)"))
    for m in P.MRN_GLUED.finditer(lower):
        cands.append((m.start(), m.end(), "mrn", "strong", "rule:mrn_glued"))
    for m in P.VEHICLE_PAREN.finditer(lower):
        cands.append((m.start("v"), m.end("v"), "vehicle", "strong"))
    if "ssn" in lower or "social security" in lower:
        for m in P.SSN_BARE.finditer(text):
            cands.append((m.start(), m.end(), "ssn", "strong"))
    cands.extend(ID.find(text, False))
    _emails(post, text, cands)
    _phones(post, text, lower, cands)


def _emails(post, text, cands) -> None:
    cp = post.policy.compiled
    if "@" not in text:
        return
    for m in P.EMAIL.finditer(text):
        local, _, domain = m.group().partition("@")
        if domain_matches(domain, cp.org_domains) or P.GENERIC_MAILBOX.match(local):
            continue
        cands.append((m.start(), m.end(), "email", "strong" if domain_matches(domain, P.FREE_MAIL) else "weak"))


_OURS_BEFORE = re.compile(r"\b(?:our|us|we're|we are)\b(?!\s+(?:patient|pt|resident|client|member|friend|"
                          r"family|guest|neighbou?r)s?\b)[^.!?\d]{0,25}$")


# In a post naming a patient, a number in a sentence about their family or contact is theirs
# ("Family asking for updates, call (541) …", "update contact to +1-928-…").
_THEIR_SENTENCE = re.compile(r"\b(?:family|wife|husband|son|daughter|mom|dad|caregiver|guardian|contact|"
                             r"relatives?|niece|nephew|sister|brother|"
                             # Spanish, Portuguese, French kin ("Su mamá nos dejó su número")
                             r"familia|fam[íi]lia|famille|mam[áa]|pap[áa]|madre|padre|m[ãa]e|pai|m[èe]re|p[èe]re|"
                             r"hij[oa]|filh[oa]|fils|fille|espos[oa]|marido|mari|femme|herman[oa]|irm[ãa]o?)\b[^.!?]*$")


# A relative who left their own number: "Su mamá nos dejó su número …: +52 …", "her dad gave us his cell".
_KIN_NUMBER = re.compile(r"\b(?:mom|mother|dad|father|wife|husband|son|daughter|sister|brother|mam[áa]|pap[áa]|madre|"
                         r"padre|hij[oa]|espos[oa]|m[ãa]e|pai|m[èe]re|p[èe]re)\b[^.!?]{0,60}\b(?:su|her|his|their|seu|"
                         r"sua|son|sa) (?:n[úu]mero|number|tel[ée]fono|celular|cell|phone|num[ée]ro|portable)\b"
                         r"[^.!?]*$")


def _phones(post, text, lower, cands) -> None:
    cp = post.policy.compiled
    found = list(P.PHONE.finditer(text))
    if "+" in text:  # "+52 899 555 0117": the whole international number, not its national part
        intl = list(ID.intl_phones(text))
        found = intl + [f for f in found if not any(m.start() < f.end() and f.start() < m.end() for m in intl)]
    for m in P.PHONE_BARE.finditer(text):  # 3122782692: a phone only after a phone word
        if P.PHONE_BARE_BEFORE.search(lower, max(0, m.start() - 40), m.start()):
            found.append(m)
    if not found:
        return
    seen = []
    for m in found:
        digits = cp.phone_digits(m.group())
        if digits in cp.org_phones:
            continue
        before = lower[max(0, m.start() - 40):m.start()]
        before = re.split(r"\d(?=[^\d]*$)", before)[-1]  # not past the previous number
        sentence = re.split(r"[.!?]\s", lower[max(0, m.start() - 120):m.start()])[-1]
        cat = "fax" if "fax" in sentence else "phone"
        ours = bool(_OURS_BEFORE.search(before))
        seen.append((m, cat, before, ours))
    # When the post gives one number explicitly as ours ("our HIM fax is", "call us at") and is about a
    # person, the other numbers it gives are theirs ("fax to ...", "left a voicemail at ...").
    people_named = any(p.role == "person" for p in post.people)
    contrast = any(o for *_, o in seen) and (post.patient_context or
                                             any(p.role == "person" for p in post.people))
    for m, cat, before, ours in seen:
        if ours and P.ORG_PHONE_BEFORE.search(before):
            continue
        if P.PERSONAL_PHONE_BEFORE.search(before) or (contrast and not ours) or (
                people_named and not ours and _THEIR_SENTENCE.search(lower, max(0, m.start() - 80), m.start())) or (
                not ours and _KIN_NUMBER.search(lower, max(0, m.start() - 120), m.start())):
            cands.append((m.start(), m.end(), cat, "strong"))
        elif not P.ORG_PHONE_BEFORE.search(before):
            cands.append((m.start(), m.end(), cat, "weak"))


_PATIENT_WORD = re.compile(r"\b(?:patients?|pt|residents?|paciente|pasyente|mom|dad|grand\w+|husband|wife|son|"
                           r"daughter|admitted|discharged|surgery)\b")


_STAFF_WORD = re.compile(r"\b(?:volunteers?|nurses?|dr|doctors?|staff|employees?|colleagues?|co-?workers?|"
                         r"team members?|physicians?|surgeons?|chaplains?|our own|retir\w*|auxiliary|docents?|"
                         r"board members?|trustees?|donors?|benefactors?|founders?)\b")


def _dated(post, text, subject, cands) -> None:
    over = post.policy.phi_age_over
    lower = post.folded.lower
    people = [p for p in post.people if p.role == "person"]
    for s, e, value in post.ages:
        if value > over:
            if text[s - 1:s] == "(" and not any(0 <= s - p.end <= 3 for p in people):
                continue
            if any(0 <= s - p.end <= 3 and p.role != "person" for p in post.people):
                continue  # "<volunteer>, 91, who has volunteered ...": staff are not PHI  # "(97)" is an age only right after a person's name
            a, b = _sentence_bounds(text, s, e)
            if (any(a <= p.start < b and p.role != "person" for p in post.people) or _STAFF_WORD.search(lower, a, b)) \
                    and not any(a <= p.start < b for p in people) and not _PATIENT_WORD.search(lower, a, b):
                continue  # "our volunteer <name>, who turns 91 today": the age of staff, in a sentence about them
            cands.append((s, e, "age", "strong"))
    for s, e in find_dates(lower):
        before = lower[max(0, s - 45):s]
        if any(s < b and a < e for a, b, *_ in cands):
            continue
        a, b = _sentence_bounds(text, s, e)
        if any(a <= p.start < b for p in people):
            cands.append((s, e, "date", "strong"))  # a date in a sentence about a patient
        elif (PATIENT_BEFORE.search(before) or PATIENT_AFTER.match(lower, e)
              or (subject and _YOUR_BEFORE.search(before))):
            cands.append((s, e, "date", "strong" if subject or post.patient_context else "weak"))
        elif (subject or any(c[2] == "age" for c in cands)) and not EVENT_BEFORE.search(before):
            cands.append((s, e, "date", "strong"))


# A room or bed told of a patient even when no one is named: "the pt in 234A", "patient in bed A asked ...".
_PATIENT_NEAR = re.compile(r"\b(?:patient|pt|resident|paciente|pasyente|(?:her|his|their) (?:mom|dad|husband|wife|son|"
                           r"daughter|baby)|she|he|admitted|transferred)\b(?:\s+(?:is|was|now|still|who|"
                           r"that|we))?(?:\s+\w+){0,2}\s+(?:in|to|en|at|from)\s+(?:the\s+)?$")
_PATIENT_NEAR_AFTER = re.compile(r"\s*(?:'s|’s)?\s*(?:patient|pt|resident|family)\b(?!s)")


def _contextual(post, text, subject, cands) -> None:
    cp = post.policy.compiled
    lower = post.folded.lower
    for m in P.ROOM.finditer(lower):
        g = next(k for k in ("v", "v2", "v3", "v4") if m.group(k))
        if not subject and not (g == "v4" or _PATIENT_NEAR.search(lower, max(0, m.start() - 40), m.start())
                                or _PATIENT_NEAR_AFTER.match(lower, m.end())):
            continue  # no one in the post and no patient beside it: a room is a place ("flu shots in Room 4")
        if not subject and _ANY_PATIENT_BEFORE.search(lower, max(0, m.start() - 40), m.start()):
            continue  # "each patient in pod 3 gets a new recliner": a rule for the room, not one person in it
        cands.append((m.start(g), m.end(g), "other_id", "strong"))
    for m in P.ZIP.finditer(lower):
        cands.append((m.start("v"), m.end("v"), "address", "strong"))
    if subject:
        for m in P.BARE_ROOM.finditer(text):
            cands.append((m.start("v"), m.end("v"), "other_id", "strong", "rule:room number"))
        for m in P.ZIP_PAREN.finditer(text):
            cands.append((m.start("v"), m.end("v"), "address", "strong", "rule:zip after a town"))
    for m in P.PHOTO_FILE.finditer(text) if "." in text and any(k in lower for k in _PHOTO_KEYS) else ():
        cands.append((m.start(), m.end(), "photo", "strong" if subject else "weak", "rule:photo file"))
    for m in P.STREET.finditer(text):
        if any(a in m.group().lower() for a in cp.org_addresses):
            continue
        window = lower[max(0, m.start() - 60):m.start()]
        cue = _ORG_PLACE_BEFORE.search(window)
        home = _HOME_BEFORE.search(window) if cue else None
        if home and home.start() > cue.start():
            cue = None  # "mail for <name> came back; the address we have is …": the home word is nearer
        if cue and not any(max(0, m.start() - 60) + cue.start() < p.start and p.end <= m.start() and m.start() - p.end <= 5
                           for p in post.people if p.role == "person"):
            continue  # ours ("join us at 12 Main St"), unless a patient's name leads to it ("visiting <name> at ...")
        if not subject and not _HOME_BEFORE.search(lower[max(0, m.start() - 60):m.start()]):
            continue  # nobody in the post: the address is a venue ("flu shots ... in the lot at 12 Main St")
        cands.append((m.start(), m.end(), "address", "strong"))
    for m in post.personal_handles:
        cands.append((m.start(), m.end(), "other_id", "strong"))
    names = [re.sub(r"[\W_]", "", text[p.start:p.end].lower()) for p in post.people if p.role == "person"]
    for link in post.links:
        if domain_matches(link.host, cp.org_domains) or post.policy.compiled.authoritative and \
                domain_matches(link.host, cp.authoritative):
            continue
        personal_site = domain_matches(link.host, P.PERSONAL_SITES) and (
            len(link.path) > 1 or any(link.host.endswith("." + d) for d in P.PERSONAL_SITES))
        bare = re.sub(r"[\W_]", "", link.url.lower())
        named = any(len(n) > 3 and n in bare for n in names)
        if personal_site and not (subject or post.patient_context) and not named:
            continue
        if personal_site and not subject and not named and _ARTICLE_PATH.search(link.path):
            continue  # a citation: an article on a blogging site in a post that names no one
        if personal_site or named:
            cands.append((link.start, link.end, "url", "strong"))


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
EVENT_BEFORE = gated(EVENT_BEFORE)
_PATIENT_NEAR_AFTER, _DEVICE_ID, _THEIR_SENTENCE = map(gated, (_PATIENT_NEAR_AFTER, _DEVICE_ID, _THEIR_SENTENCE))
_ORG_PLACE_BEFORE, _STAFF_WORD, PATIENT_BEFORE = map(gated, (_ORG_PLACE_BEFORE, _STAFF_WORD, PATIENT_BEFORE))
