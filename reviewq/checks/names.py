"""People named in a post, and whether each is staff (not PHI) or may be a patient.

No model: a bundled list of US first names and surnames (data/, generated at
development time from Faker's en_US lists and the 1990 US Census lists shipped
in the `names` package, both MIT licensed), plus the words around each name.
A name is staff or a public figure when a title ("Dr.", "Senator"), a
credential (", RN", ", PT"), a role ("our nurse", "event chairs") or a
staff-news phrase ("for leading", "award", "years with") says so; every other
name of a person is treated as possibly a patient or relative.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources


def _load(name: str) -> frozenset[str]:
    text = resources.files("reviewq.checks").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip())


FIRST = _load("first_names.txt")
LAST = _load("surnames.txt")
# Names that are also ordinary English words ("Grace", "Will", "Hunter"): alone they need a cue.
WORDS = _load("name_words.txt") | frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday christmas easter happy dear".split())
MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split())
PLACE_WORDS = frozenset(
    "street st road rd avenue ave boulevard blvd drive way pl place court ct parkway pkwy lane ln hospital "
    "hospitals health healthcare medical clinic clinics center centre county city campus wing building tower "
    "pavilion foundation university college school institute memorial valley creek heights springs village "
    "terrace award awards scholarship fund library office offices location highway hwy circle square "
    "plaza mall cancer heart women's children's".split())

TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*")
TITLE_BEFORE = re.compile(
    r"(?:\b(?:dr|doctor|nurse|prof|professor|senator|sen|rep|representative|congress\w*|mayor|governor|gov|"
    r"council\w*|commissioner|judge|chief|coach|rev|reverend|father|sister|pastor|rabbi|chaplain|officer|"
    r"captain|capt|sgt|sergeant|deputy|director|president|ceo|cno|cmo|cfo|coo|st|saint|secretary|"
    r"superintendent|dean|sheriff|lieutenant|lt|ambassador)\.?,?\s+|"
    r"\b(?:our|the|your|new|newest|beloved|own|and|by|with|from)\s+(?:[\w-]+\s+){0,3}?(?:nurses?|physicians?|"
    r"doctors?|surgeons?|therapists?|pharmacists?|dietitians?|nutritionists?|chaplains?|directors?|"
    r"managers?|supervisors?|coordinators?|(?:co-)?chairs?|chiefs?|officers?|volunteers?|colleagues?|"
    r"members?|educators?|specialists?|technicians?|techs?|fellows?|interns?|midwives|midwife|paramedics?|"
    r"providers?|donors?|trustees?|speakers?|hosts?|authors?|founders?|ambassadors?|champions?|"
    r"nurse practitioners?|hospitalists?|cardiologists?|oncologists?|pediatricians?|obstetricians?|"
    r"radiologists?|anesthesiologists?|team|staff|residents|benefactors?|sponsors?|philanthropists?|"
    r"partners?|leaders?|executives?|administrators?|presidents?|manager)\s*,?\s+|"
    r"\b(?:hosted|led|presented|organized|organised|taught|moderated|written|performed|sponsored|"
    r"donated|funded|given|provided|coordinated|run) by\s+(?:(?:our|the)\s+)?(?:[\w-]+\s+){0,2}?)$")
CREDENTIAL_AFTER = re.compile(
    r"^(?:,\s*|\s+|\s*\()(?:RN|LPN|LVN|CNA|BSN|MSN|DNP|NP|APRN|FNP|FNP-BC|CRNA|CNM|PA|PA-C|PT|DPT|OT|OTR|"
    r"OTR/L|SLP|CCC-SLP|RT|RRT|RD|RDN|LD|LDN|MD|M\.D\.|DO|D\.O\.|PhD|Ph\.D\.|PharmD|RPh|MBA|MPH|MHA|MSHA|"
    r"LCSW|LMSW|MSW|LPC|EMT|EMT-P|NRP|FACS|FACC|FAAP|FACP|CDE|CDCES|IBCLC|CMA|RMA|CST|ATC|DDS|DMD|OD|DC|CNS|"
    r"CCRN|CEN|CPNP|PMHNP|MSc|MS|BS|Esq|DPM|CHES|RDMS|RVT|ARRT|CPhT|CCLS|CNL|NE-BC|CPN|OCN)\b")
ROLE_AFTER = re.compile(
    r"^,?\s+(?:(?:our|the|a|an)\s+)?(?:new\s+|newest\s+)?(?:chief|director|president|manager|ceo|cno|cmo|vice|"
    r"chair|head|lead|senior|charge nurse|nurse manager|volunteer of|employee of|nurse of)\b")
STAFF_SENTENCE = re.compile(
    r"\b(?:award\w*|honou?r(?:ed|ing|s)?|retir\w+|years? (?:of service|with|at|on)|anniversary|promot\w+|"
    r"joins? (?:our|the)|joined (?:our|the)|newest member|to (?:our|the) team|employee of the|nurse of the|"
    r"daisy|for (?:leading|organizing|organising|coordinating|running|hosting|spearheading|championing|"
    r"mentoring|teaching|launching|planning|their leadership|her leadership|his leadership)|leadership|"
    r"board[- ]certified|keynote|grand rounds|published|grant|residency|fellowship|"
    r"event chairs?|co-?chairs?|our (?:own|team)|speaker|panelist|donor|donat\w+|gift of|endowed|"
    r"generous|gift to|philanthrop\w+|volunteer\w*|employee|colleague\w*|coworker\w*|"
    r"state senator|senator|mayor|governor|congress\w*|councilmember|secretary)\b")
PATIENT_SENTENCE = re.compile(
    r"\b(?:patient(?!s)|pt|resident(?!s| physician)|admitted|discharged|dob|born|birthday|turns|"
    r"passed away|get well|recover\w*|surgery|daughter|son|wife|husband|mom|dad|baby|family|your)\b")
STRONG_CUE_BEFORE = re.compile(
    r"(?:\b(?:patient|pt|baby|dad|mom|mother|father|daughter|son|wife|husband|sister|brother|grandson|"
    r"granddaughter|grandma|grandpa|meet|hi|hello|hey|dear|thanks|named|resident|mr|mrs|ms|miss|mx)\.?,?|"
    r"\b(?:thank you|sharing|congrats|congratulations|love|remember|to|for),|[—–-]|^|[.!?]\s*)\s*$")
# TITLE_BEFORE, ROLE_AFTER, STAFF_SENTENCE, PATIENT_SENTENCE and STRONG_CUE_BEFORE run on lower-case text.


@dataclass(frozen=True)
class Person:
    start: int  # folded-text offsets
    end: int
    role: str  # "staff" | "public" | "person"
    strong: bool  # a full name, or a single name right after a cue such as "patient" or "Hi"


def _shape(word: str) -> str:
    if word.islower():
        return "lower"
    if word.isupper():
        return "upper" if len(word) > 1 else "initial"
    if word[0].isupper():
        return "cap"
    return "other"


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(". ", 0, start), text.rfind("! ", 0, start), text.rfind("? ", 0, start),
            text.rfind("\n", 0, start))
    e_candidates = [i for i in (text.find(". ", end), text.find("! ", end), text.find("? ", end),
                                text.find("\n", end)) if i >= 0]
    return (s + 1 if s >= 0 else 0), (min(e_candidates) if e_candidates else len(text))


def _tokens(text: str):
    out = []
    for m in TOKEN.finditer(text):
        w = m.group()
        s, e = m.span()
        if w[-2:] in ("'s", "’s") and len(w) > 2:
            w, e = w[:-2], e - 2
        out.append((s, e, w))
    return out


FAMILY = re.compile(r"\bthe ([A-Z][a-z]+|[A-Z]+) family\b")
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.? ([A-Z][a-z]+(?:[- ][A-Z][a-z]+)?)")


def find_people(post) -> list[Person]:
    """Every person named in the post (folded-text spans), each with a role."""
    text, lower = post.folded.text, post.folded.lower
    toks = _tokens(text)
    spans: list[tuple[int, int, bool]] = []
    i, n = 0, len(toks)
    while i < n:
        w = toks[i][2]
        if len(w) > 1 and w.lower() not in FIRST:
            i += 1
            continue
        got = _match_at(text, lower, toks, i)
        if got is None:
            i += 1
            continue
        end_index, s, e, strong = got
        spans.append((s, e, strong))
        i = end_index + 1
    for rx in (FAMILY, HONORIFIC):
        for m in rx.finditer(text):
            if m.group(1).lower() in LAST and not any(a < m.end(1) and m.start(1) < b for a, b, _ in spans):
                spans.append((m.start(1), m.end(1), True))
    known = post.policy.compiled.org_names
    people = []
    for s, e, strong in sorted(spans):
        if text[s:e].lower() in known:
            continue
        people.append(Person(s, e, _role(text, lower, s, e), strong))
    return people


def _adjacent(text: str, a, b) -> bool:
    return text[a[1]:b[0]] == " "


def _is_initial(text: str, tok) -> bool:
    return len(tok[2]) == 1 and tok[2].isalpha() and text[tok[1]:tok[1] + 1] == "."


def _match_at(text: str, lower: str, toks, i):
    s, e, w = toks[i]
    shape = _shape(w)
    if shape in ("other",) or not w.isalpha():
        return None
    group = "L" if shape == "lower" else "C"
    lw = w.lower()
    nxt = toks[i + 1] if i + 1 < len(toks) and _adjacent(text, toks[i], toks[i + 1]) else None
    # "C. Gillespie"
    if shape == "initial" and text[e:e + 2] == ". " and i + 1 < len(toks):
        t = toks[i + 1]
        if t[0] == e + 2 and _shape(t[2]) in ("cap", "upper") and t[2].lower() in LAST \
                and t[2].lower() not in PLACE_WORDS:
            return i + 1, s, t[1], True
        return None
    if len(w) < 2 or lw not in FIRST:
        return None
    ambiguous = lw in WORDS
    if nxt is not None:
        ns, ne, nw = nxt
        nshape = "L" if _shape(nw) == "lower" else ("C" if _shape(nw) in ("cap", "upper") else None)
        nl = nw.lower()
        if nl in PLACE_WORDS:
            return None
        surname_like = nl in LAST or nl in FIRST or (
            group == "C" and not ambiguous and _shape(nw) == "cap" and nl not in WORDS)
        if nshape == group and nw.isalpha() and len(nw) > 1 and surname_like \
                and not (group == "L" and ambiguous) and not (group == "C" and lw in MONTHS_DAYS):
            end_i, end = i + 1, ne
            if i + 2 < len(toks) and _adjacent(text, nxt, toks[i + 2]):
                t3 = toks[i + 2]
                if _shape(t3[2]) == _shape(nw) and t3[2].lower() in LAST and t3[2].lower() not in WORDS \
                        and t3[2].lower() not in PLACE_WORDS:
                    end_i, end = i + 2, t3[1]
            return end_i, s, end, True
        if len(nw) == 1 and nw.isalpha() and _is_initial(text, nxt) and (group == "C" or not ambiguous) \
                and (group == "C" or nw.islower()) and not text[ne + 1:ne + 2].isalpha() \
                and lw not in MONTHS_DAYS:
            return i + 1, s, ne + 1, True
    window = lower[max(0, s - 30):s]
    cue = STRONG_CUE_BEFORE.search(window) is not None or _VOCATIVE.match(text, e) is not None \
        and text[max(0, s - 2):s] == ", "
    if group == "L" or ambiguous:
        strong_cue = cue and not _WEAK_CUE.search(window)
        if not strong_cue or (group == "L" and ambiguous):
            return None
    return i, s, e, cue


_VOCATIVE = re.compile(r"\s*[!]")  # "..., thank you for sharing, marisol!"
_WEAK_CUE = re.compile(r"(?:^|[.!?]\s*|[—–-]\s*|\b(?:to|for),\s*)$")


def _role(text: str, lower: str, s: int, e: int) -> str:
    if TITLE_BEFORE.search(lower[max(0, s - 80):s]) or CREDENTIAL_AFTER.match(text[e:e + 40]) \
            or ROLE_AFTER.match(lower[e:e + 40]):
        return "staff"
    a, b = _sentence_bounds(text, s, e)
    sentence = lower[a:b]
    if STAFF_SENTENCE.search(sentence) and not PATIENT_SENTENCE.search(sentence):
        return "staff"
    return "person"
