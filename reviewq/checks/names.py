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
from functools import lru_cache
from importlib import resources

from reviewq.checks.fastre import gated
from reviewq.checks.phi_patterns import STREET


def _load(name: str) -> frozenset[str]:
    text = resources.files("reviewq.checks").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip())


FIRST = _load("first_names.txt") | _load("first_names_intl.txt")
LAST = _load("surnames.txt") | _load("surnames_intl.txt")
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
    r"CCRN|CEN|CPNP|PMHNP|MSc|MS|BS|Esq|DPM|CHES|RDMS|RVT|ARRT|CPhT|CCLS|CNL|NE-BC|CPN|OCN|PTA|COTA|COTA/L|SLPA|"
    r"PCT|CCMA|LMT|CHW|AEMT)\b")
ROLE_AFTER = re.compile(
    r"^,?\s+(?:(?:our|the|a|an)\s+)?(?:new\s+|newest\s+)?(?:[\w-]+\s+){0,2}?(?:chaplain|nurse|physician|doctor|"
    r"surgeon|therapist|pharmacist|dietitian|volunteer|educator|coordinator|social worker|paramedic|"
    r"technician|tech|midwife|navigator|specialist|manager|supervisor|administrator|hospitalist|"
    r"secretary|clerk|receptionist|scheduler|registrar|housekeeper|custodian|aide|assistant|chef|cook|"
    r"engineer|analyst|officer|guard|driver|courier|interpreter|librarian|\w+ologist|\w+iatrist|\w+ician)s?\b|"
    # Spanish, Portuguese, French: "Doña Elvira Castañeda, voluntaria desde hace 20 años", ", nuestra enfermera"
    r"^,\s+(?:(?:nuestr[oa]|la|el|una?|nossa|nosso|a|o|notre|la)\s+)?(?:voluntari[oa]|enfermer[oa]|enfermeir[oa]|"
    r"m[ée]dic[oa]|b[ée]n[ée]vole|infirmi[èe]re)s?\b|"
    r"^,?\s+(?:(?:our|the|a|an)\s+)?(?:new\s+|newest\s+)?(?:chief|director|president|manager|ceo|cno|cmo|vice|"
    r"chair|head|lead|senior|charge nurse|nurse manager|volunteer of|employee of|nurse of)\b|"
    r"^,?\s+(?:from|of)\s+(?:(?:our|the)\s+)?(?:[\w-]+\s+){0,2}?(?:transport|team|services|department|dept|"
    r"unit|lab|pharmacy|radiology|imaging|housekeeping|security|nursing|kitchen|dietary|food service|"
    r"registration|billing|admissions|engineering|facilities|maintenance|it|shift|crew|desk|office|staff|"
    r"environmental services|evs|central supply|sterile processing|finance|hr|human resources|marketing|"
    r"communications|foundation|volunteer services)\b")
STAFF_SENTENCE = re.compile(
    r"\b(?:award\w*|honou?r(?:ed|ing|s)?|retir\w+|years? (?:of service|with|at|on)|anniversary|promot\w+|"
    r"joins? (?:our|the)|joined (?:our|the)|newest member|to (?:our|the) team|employee of the|nurse of the|"
    r"hang(?:s|ing)? up (?:the|her|his|their)|after \d+ years|miss you|farewell|send-?off|last shift|"
    r"daisy|for (?:leading|organizing|organising|coordinating|running|hosting|spearheading|championing|"
    r"mentoring|teaching|launching|planning|their leadership|her leadership|his leadership)|leadership|"
    r"board[- ]certified|keynote|grand rounds|published|grant|residency|fellowship|"
    r"event chairs?|co-?chairs?|our (?:own|team)|speakers?|panelists?|donors?|donat\w+|gift of|endowed|"
    r"funding|funded|underwrit\w+|sponsors?|"
    r"generous|gift to|philanthrop\w+|volunteer\w*|employee|colleague\w*|coworker\w*|"
    r"state senator|senator|(?<![\"“])mayor(?![\"”])|governor|congress\w*|councilmember|secretary)\b")
PATIENT_SENTENCE = re.compile(
    r"\b(?:patient(?!s)|pt|resident(?!s| physician)|admitted|discharged|dob|born|birthday|turns|"
    r"passed away|get well|recover\w*|surgery|transplant(?! program)\w*|received (?:a|an|her|his) new|"
    r"chemo\w*|radiation|diagnos\w+|cancer-free|year-old|"
    r"daughter|son|wife|husband|mom|dad|baby|(?<!and )(?<!& )family|"
    r"(?:brave|little|sweet|tiny|strong) (?:girl|boy|one|fighter|warrior|guy|man|lady)|fighter|warrior|"
    r"post-op|in memory of|(?:a|an) retired|years old|replacement|(?:his|her) (?:valve|knee|hip|heart|surgery|"
    r"procedure|recovery|diagnosis)|"
    r"your)\b")
STRONG_CUE_BEFORE = re.compile(
    r"(?:\b(?:patient|pt|baby|dad|mom|mother|father|daughter|son|wife|husband|sister|brother|grandson|"
    r"granddaughter|grandma|grandpa|meet|hi|hello|hey|dear|thanks|named|resident|mr|mrs|ms|miss|mx)\.?,?|"
    r"\b(?:thank you|sharing|congrats|congratulations|love|remember|to|for|yours),|\bthis is|\btwins?|\blittle|"
    r"[—–-]|^|[.!?]\s*)\s*$")
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


_SENT_END = re.compile(r"(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bdr)(?<!\bst)(?<!\bmx)(?<!\bjr)(?<!\bsr)(?<!\bvs)"
                       r"(?<!\b[a-z])[.!?]+(?=\s)|\n|[\U0001F300-\U0001FAFF\u2600-\u27BF]+(?=\s)")  # an emoji ends a sentence


@lru_cache(maxsize=8)
def _lowered(text: str) -> str:
    return text.lower()  # asked for every name, age and date of a post: lower the post once


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    low = _lowered(text)
    s = 0
    for m in _SENT_END.finditer(low, max(0, start - 300), start):
        s = m.end()
    m = _SENT_END.search(low, end)
    return s, (m.start() if m else len(text))


def _tokens(text: str):
    out = []
    for m in TOKEN.finditer(text):
        w = m.group()
        s, e = m.span()
        if w[-2:] in ("'s", "’s") and len(w) > 2:
            w, e = w[:-2], e - 2
        out.append((s, e, w))
    return out


_NOT_FAMILY_NAME = frozenset(
    "a an the and or our your my his her their its this that these those whole entire extended same other "
    "host foster military new big little happy first last next every each any".split()) | MONTHS_DAYS
FAMILY = re.compile(r"(?:\b[Tt]he |(?<=, )|(?<=^))([^\W\d_]+(?:[-'’][^\W\d_]+)*) [Ff]amily\b")
# A name in Chinese, Japanese or Korean script, with its romanisation or a cue beside it: "to 王秀英 (Wang Xiuying)".
CJK_NAME = re.compile(r"(?<![\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])"
                      r"(?:[\u4e00-\u9fff]{2,4}|[\uac00-\ud7af]{2,4}|[\u3040-\u30ff\u4e00-\u9fff]{2,6})"
                      r"(?![\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af])")
_ROMANISED_AFTER = re.compile(r"\s*\(\s*[A-Z][a-z]+(?:[- ][A-Z]?[a-z]+){0,2}\s*\)")
# Honorifics and cues beside a CJK name: "한상철 님", "赵国强婆婆", "恭喜…", "陈淑芬 (575 Elm St)".
_CJK_RIGHT_CUE = re.compile(r"\s*(?:님|씨|할머니|할아버지|婆婆|爷爷|奶奶|先生|女士|阿姨|叔叔|伯伯|さん|様|\(\s*\d)")
_CJK_LEFT_CUE = re.compile(r"(?:恭喜|病人|患者|환자|祝)\s*$")
_HAS_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
# Prefilters: a big alternation is only run when one of the words it needs is in the post.
_COMMERCIAL_KEYS = ("%", "code", "link in bio", "shop", "#ad", "sponsor", "partner", "courtesy of", "giveaway",
                    "discount", "checkout")
_BABY_LEFT = re.compile(r"\b(?:baby|patient|pt|(?i:twins?)|little|this is)\s+$|\byours,\s+$")
_CAPW = r"(?:[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)*)"
HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Mister|Master)\.? (" + _CAPW + r"(?: (?:(?:van|von|der|den|de|da|del|"
                       r"di|du|la|le|al|bin|ibn) )*" + _CAPW + r"){0,2})")


# Names an institution, a shop or a team written before its proper name (Spanish, Portuguese, French order).
_ORG_WORD_BEFORE = re.compile(r"\b(?:hospital|hôpital|h[óo]spital|cl[íi]nica|clinique|sanatorio|farmacias?|pharmacie|"
                              r"centro (?:m[ée]dico|de salud|comunitario)|colegio|escuela|preparatoria|universidad|"
                              r"parroquia|iglesia|fundaci[óo]n|funda[çc][ãa]o|equipo(?: de [\w]+)?|club)\s+$")


def find_people(post) -> list[Person]:
    """Every person named in the post (folded-text spans), each with a role."""
    text, lower = post.folded.text, post.folded.lower
    toks = _tokens(text)
    spans: list[tuple[int, int, bool]] = []
    after = 0  # the next token a name may start at (a name found ends before it)
    # a name starts at a known first name or an initial: the other tokens are passed over in one C-level pass
    for i in [i for i, w in enumerate(lower[s:e] for s, e, _ in toks) if len(w) <= 1 or w in FIRST]:
        if i < after:
            continue
        got = _match_at(text, lower, toks, i)
        if got is None:
            continue
        end_index, s, e, strong = got
        if not _not_a_name(text, lower, s, e):
            spans.append((s, e, strong))
        after = end_index + 1
    for m in FAMILY.finditer(text) if "amily" in text else ():
        w = m.group(1).lower()
        if (w in LAST or w not in ENGLISH) and w not in _NOT_FAMILY_NAME \
                and not _ORG_AFTER.match(text[m.end():m.end() + 30]):
            spans.append((m.start(1), m.end(1), True))
    for m in HONORIFIC.finditer(text):
        spans.append((m.start(1), m.end(1), True))
    if not text.isascii() and _HAS_CJK.search(text):
        for m in CJK_NAME.finditer(text):
            if _ROMANISED_AFTER.match(text, m.end()) or NAME_LEFT_CUE.search(lower, max(0, m.start() - 30), m.start()) \
                    or _CJK_RIGHT_CUE.match(text, m.end()) or _CJK_LEFT_CUE.search(text, max(0, m.start() - 4), m.start()):
                spans.append((m.start(), m.end(), True))
    commercial = any(k in lower for k in _COMMERCIAL_KEYS) and COMMERCIAL.search(lower) is not None
    spans.extend(contextual_names(text, lower, commercial))
    for m in INITIAL_SURNAME.finditer(text):
        if _last_score(_plain(m.group(1))) == 2 and not _not_a_name(text, lower, m.start(), m.end()):
            spans.append((m.start(), m.end(), True))
    for m in INITIALS.finditer(text):
        left, strong_left, right = _cues(text, lower, m.start(), m.end())
        if strong_left or right or left and not _not_a_name(text, lower, m.start(), m.end()):
            spans.append((m.start(), m.end(), True))
    if "#" in text:
        spans.extend(_hashtag_names(text))
    if not text.isascii():
        spans.extend(_vietnamese_names(text))
    has_digit = any(map(str.isdigit, text))
    if any(k in lower for k in _ROOM_KEYS) and has_digit:
        for m in _NAME_AFTER_ROOM.finditer(text):  # sign-out lists: "room 589 Nowak, 93, CHF"
            w = m.group(1).lower()
            if (w in LAST or w not in ENGLISH) and w not in STOP and w not in PLACE_WORDS:
                spans.append((m.start(1), m.end(1), True))
    streets = [m.span() for m in STREET.finditer(text)] if has_digit else []
    spans = [sp for sp in _merge(text, spans) if not _in_links(post, sp[0], sp[1])
             and not any(a <= sp[0] < b for a, b in streets)]
    known = post.policy.compiled.org_names
    people = []
    for s, e, strong in spans:
        if text[s:e].lower() in known or never_a_name(text[s:e]) or _ORG_WORD_BEFORE.search(lower, max(0, s - 30), s) \
                or _ORG_WORD_BEFORE.search(lower[s:e].split(" ", 1)[0] + " "):
            continue  # "Hospital San Rafael", "Farmacias Guadalajara", "el equipo de béisbol Los Tecolotes"
        role = _role(text, lower, s, e)
        if role == "person" and people and people[-1].role != "person" and \
                _LIST_JOIN.match(text, people[-1].end, s) and _LIST_JOIN.match(text, people[-1].end, s).end() == s:
            role = people[-1].role  # "donors Mei-Ling Castro and Ruben Adebayo", "Dr. A, B and C"
        people.append(Person(s, e, role, strong))
    if any(p.role != "person" for p in people) and any(p.role == "person" for p in people):
        people = _same_as_staff(lower, people)
    if any(p.role == "person" for p in people):
        people = _repeats(text, lower, people)
    return people


def _same_as_staff(lower: str, people: list[Person]) -> list[Person]:
    """A name whose every word is a word of a staff member's (or public figure's) name in the post, or the start
    of one, is that person again: "nuestra enfermera jefa Maribel Ortega … ¡Te queremos, Mari!"."""
    staff = {w: p.role for p in people if p.role != "person"
             for w in _WORD.findall(lower[p.start:p.end]) if len(w) >= 3}
    out = []
    for p in people:
        ws = _WORD.findall(lower[p.start:p.end])
        roles = [staff.get(w) or next((r for sw, r in staff.items() if len(w) >= 3 and sw.startswith(w)), None)
                 for w in ws]
        if p.role == "person" and ws and all(roles):
            p = Person(p.start, p.end, roles[0], p.strong)
        out.append(p)
    return out


_VI_TITLE = re.compile(r"(?<![\w])(?:[ôÔ]ng|[bB]à|[cC]ụ|[bB]ác|[cC]ô|[cC]hú) ((?:[^\W\d_]+ ?){1,4})")


_VI_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
                "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lâm", "Mai", "Đào", "Cao", "Lưu", "Tạ", "Quách")
_VI_FULL = re.compile(r"(?<![\w])(?:" + "|".join(_VI_SURNAMES) + r")(?: [A-ZÀ-ỸĐ][^\W\d_]*){1,3}")


def _vietnamese_names(text: str):
    """A Vietnamese name after its title: "ông Phạm Văn Bảy", "bà Nguyễn Thị Lan" (every word capitalised),
    or a full name led by a common Vietnamese surname written with its diacritics ("Võ Thị Hạnh")."""
    out = [(m.start(), m.end(), True) for m in _VI_FULL.finditer(text) if not m.group().isascii()]
    for m in _VI_TITLE.finditer(text):
        words = m.group(1).split()
        k = 0
        while k < len(words) and words[k][0].isupper() and not words[k].isupper():
            k += 1
        if k >= 2 or (k == 1 and not words[0].isascii()):
            start = m.start(1)
            end = start + len(" ".join(words[:k]))
            out.append((start, end, True))
    return out


_ROOM_KEYS = ("room", "rm", "bed", "icu", "bay", "chair")
_NAME_AFTER_ROOM = re.compile(r"\b(?:[Rr]oom|[Rr]m\.?|[Bb]ed|ICU|[Bb]ay|[Cc]hair)\s+[\w-]{1,5}\s+"
                              r"([A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?)(?=,)")
_HASHTAG = re.compile(r"#([^\W\d_]{4,40})(?![\w])")
_TAG_PREFIXES = ("team", "prayfor", "prayingfor", "pray4", "prayersfor", "prayers4", "hugsfor", "justicefor",
                 "support", "baby")
_TAG_SUFFIXES = ("strong", "warriors", "warrior", "army", "nation", "fights", "tough", "brave", "fighter", "crew",
                 "squad", "journey", "miracle")


def _hashtag_names(text: str):
    """A first name inside a rallying hashtag: #TeamLiam, #PrayForAmara, #LiamStrong, #ZoeysArmy (the name part)."""
    out = []
    for m in _HASHTAG.finditer(text):
        body = m.group(1)
        low = body.lower()
        for pre in _TAG_PREFIXES:
            rest = low[len(pre):]
            cased = body[len(pre):]
            # a known first name, or after "PrayFor" any capitalised word no list knows ("#PrayForNkechi")
            named = rest in FIRST or (pre.startswith(("pray", "hugs", "justice")) and cased[:1].isupper()
                                      and cased[1:].islower() )
            if low.startswith(pre) and len(rest) >= 3 and named and rest not in MONTHS_DAYS and rest not in ENGLISH:
                out.append((m.start(1) + len(pre), m.end(1), True))
                break
        else:
            for suf in _TAG_SUFFIXES:
                rest = low[:-len(suf)]
                if rest.endswith("s") and rest[:-1] in FIRST:
                    rest = rest[:-1]  # "#ZoeysArmy"
                if low.endswith(suf) and len(rest) >= 3 and rest in FIRST and rest not in MONTHS_DAYS and rest not in ENGLISH:
                    out.append((m.start(1), m.start(1) + len(rest), True))
                    break
    return out


_CONJ_LEFT = re.compile(r"(?<![\w'’-])([A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*(?: [A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*)?) (?:and|&) $")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _repeats(text: str, lower: str, people: list[Person]) -> list[Person]:
    """Once a word is a patient's name in a post, its other occurrences are too, in any case
    ("Otis Okafor ... otis died peacefully"); a capitalised pair joined to a patient's name by "and" is a
    person as well ("Rowan Fox and Ezra Lindqvist renewed their vows")."""
    taken = [(p.start, p.end) for p in people]
    names = set()
    extra = []
    for p in people:
        if p.role != "person":
            continue
        for w in _WORD.findall(lower[p.start:p.end]):
            if len(w) >= 3 and w not in ENGLISH and (w not in STOP or w in MONTHS_DAYS):
                names.add(w)
        m = _CONJ_LEFT.search(text, max(0, p.start - 40), p.start)
        if m and m.end() == p.start:
            ws = _WORD.findall(m.group(1).lower())
            if not any(w in STOP for w in ws) and (_last_score(ws[-1]) >= 1 or ws[-1] in FIRST) and \
                    not _not_a_name(text, lower, m.start(1), m.end(1)) and \
                    not any(a < m.end(1) and m.start(1) < b for a, b in taken):
                extra.append(Person(m.start(1), m.end(1), "person", True))
                taken.append((m.start(1), m.end(1)))
    if names:
        for m in _WORD.finditer(lower):
            w = m.group()
            if w not in names or any(a < m.end() and m.start() < b for a, b in taken):
                continue
            s, e = m.span()
            if text[max(0, s - 1):s] in ("@", "#", "/", ".", "_") or text[s:e].isupper() and len(w) <= 3:
                continue
            a, b = lower.rfind(" ", 0, s) + 1, lower.find(" ", e)
            chunk = lower[a:b if b >= 0 else len(lower)]
            if "@" in chunk or "/" in chunk or "_" in chunk:
                continue  # part of an e-mail address, a link or a handle
            if w in MONTHS_DAYS and (not text[s].isupper() or _not_a_name(text, lower, s, e)
                                     or re.match(r"\.?\s*\d", text[e:e + 4])):
                continue
            extra.append(Person(s, e, "person", True))
            taken.append((s, e))
    return sorted(people + extra, key=lambda p: p.start) if extra else people


_LIST_JOIN = re.compile(r"(?:,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+)")


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
        if w in ("A", "I") and t[2].isupper() and len(t[2]) > 1:
            return None  # "WHAT. A. DAY.": shouting one word at a time, not "C. Gillespie"
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
            group == "C" and not ambiguous and _shape(nw) == "cap" and nl not in WORDS) or (
            group == "C" and lw in MONTHS_DAYS and _shape(nw) == "cap" and nl not in ENGLISH and nl not in WORDS
            and nl not in MONTHS_DAYS)  # "June Okonjo": a month that is a first name, then an unknown surname
        if nshape == group and nw.isalpha() and len(nw) > 1 and surname_like \
                and not (group == "L" and ambiguous) and not (group == "C" and lw in MONTHS_DAYS and not (
                    lw in FIRST and nl not in MONTHS_DAYS and (nl in LAST or nl not in ENGLISH))):
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


STAFF_POST = re.compile(r"\b(?:night|day|evening|overnight|weekend) shift\b|\bshift (?:crew|team)\b|"
                        r"\b(?:nurses|staff|employee|volunteer) (?:week|appreciation|day)\b|"
                        r"\b(?:volunteer|staff|employee|nurse|team|colleague|caregiver) (?:spotlight|of the month|"
                        r"story)\b|\bvoluntari[oa]s? del mes\b|"
                        r"\bwe (?:honou?r|celebrate|thank|salute|recogni[sz]e|appreciate|applaud) (?:our|the|every)\b"
                        r"[^.!?]{0,40}\b(?:team|staff|crew|nurses|techs|department|unit|colleagues|employees|"
                        r"volunteers|workers|housekeepers|heroes)\b|\bwho worked\b|#\w+week\b")
# A gift or donation thanked in the post: the people thanked are donors (not patients) unless their sentence
# says otherwise ("Thank you, Ana and Lev Kirsch! Your gift of $40,000 ...").
DONOR_POST = re.compile(r"\byour (?:generous |kind )?(?:gift|donation|pledge|bequest|grant|contribution)s?\b|"
                        r"\bgift of \$|\$[\d.,]+ ?(?:million|thousand|[mk]\b)")
INITIAL_SURNAME = re.compile(r"(?<![\w.])[A-Z]\. ([A-Z][^\W\d_]+(?:[-'’][^\W\d_]+)*)")
INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,3}(?!\w)")
ROLE_NOUN_BEFORE = re.compile(
    r"\b(?:volunteers?|nurses?|paramedics?|officers?|chaplains?|therapists?|physicians?|surgeons?|doctors?|"
    # Spanish, Portuguese, French, Tagalog staff words ("nuestro paramédico", "nossa enfermeira", "notre infirmière")
    r"param[ée]dic[oa]s?|enfermer[oa]s?|enfermeir[oa]s?|m[ée]dic[oa]s?|doctor[ae]s?|voluntari[oa]s?|t[ée]cnic[oa]s?|"
    r"terapeutas?|farmac[ée]utic[oa]s?|infirmi[èe]re?s?|b[ée]n[ée]voles?|médecins?|nars|doktor|"
    r"pharmacists?|techs?|technicians?|colleagues?|coworkers?|co-workers?|staff(?:ers?)?|employees?|"
    r"interns?|residents|fellows?|midwives|midwife|dietitians?|educators?|coordinators?|managers?|"
    r"directors?|chief|cna|rn|np|lpn|emt|medic|security officer|housekeeper|custodian|receptionist|"
    r"scheduler|navigator|donors?|trustees?|sponsors?|author|speaker|artist|coach|workers?|aides?|judges?|"
    r"panelists?|hosts?|emcees?|presenters?|organi[sz]ers?|winners?|finalists?|nominees?|"
    r"assistants?|specialists?|liaisons?|counsel+ors?|advocates?|interpreters?|representatives?|"
    r"supervisors?|leads?|mentors?|\w+(?:ists?|icians?|ologists?))\s*,?\s+$"
    # "our volunteer of the month, <name>", "nuestro voluntario del mes es <name>", "voluntario más veterano, <name>"
    r"|\b(?:volunteer|voluntari[oa]|b[ée]n[ée]vole)s? (?:of the (?:month|year|week)|del (?:mes|año)|du mois|"
    r"m[áa]s \w+)(?: (?:is|es|est))?\s*,?\s+$"
    # a staff word with its rank after it: "nuestra enfermera jefa", "médico residente", "enfermeira-chefe"
    r"|\b(?:enfermer[oa]|enfermeir[oa]|m[ée]dic[oa]|doctor[a]?|infirmi[èe]re|t[ée]cnic[oa]|nurse)[- ]"
    r"(?:jef[ea]|en jefe|chefe|cheffe|residente|titular|general|supervisor[a]?|coordinador[a]?|manager|lead)\s*,?\s+$"
    r"|\b(?:judges|panelists|hosts|speakers|presenters|organi[sz]ers|emcees|volunteers|co-?chairs|chairs)\s*:\s+$")
PATIENT_SELF = re.compile(r"^[^.!?]{0,12}\b(?:was|is|became|has been) (?:a|our) (?:\w+ )?patient\b|"
                          r"^[^.!?]{0,40}turned-patient\b")


_COMMUNITY_AFTER = re.compile(r",?\s+for (?:trusting|choosing|supporting|believing in|welcoming) us\b")


@lru_cache(maxsize=32)
def _post_flags(lower: str) -> tuple[bool, bool, bool]:
    """Whole-post cues every name's role asks about (staff news, a donor post, a patient word), searched once
    per post instead of once per name."""
    return (STAFF_POST.search(lower) is not None, DONOR_POST.search(lower) is not None,
            PATIENT_SENTENCE.search(lower) is not None)


# "our oldest vaccine trial volunteer, <name>": a research participant, not a hospital volunteer.
_PARTICIPANT_BEFORE = re.compile(r"\b(?:trial|study|research|vaccine) (?:volunteer|participant|subject)s?,?\s+$")
_TITLE_IN_SPAN = frozenset("lt gov sen rep cllr officer deputy sergeant sgt trooper captain lieutenant firefighter mayor senator governor congressman congresswoman representative councilman councilwoman "
                           "councilmember commissioner judge sheriff president chancellor bishop pastor rabbi "
                           "imam reverend rev chief superintendent secretary ambassador".split())
_CREW_AFTER = re.compile(r"\s+(?:and|&)\s+(?:the\s+)?(?:crew|team|staff|co\.|colleagues|squad)\b"
                         r"|(?:\s+(?:family|foundation|fund))?,?\s+(?:for|who) (?:funding|donating|sponsoring|gifting|"
                         r"underwriting|endowing|their (?:gift|donation|generosity))\b"
                         r"|,?\s+whose (?:generous |kind )?(?:gift|donation|generosity|grant|bequest|pledge|support)\b"
                         # "Gracias, <name> y a todas las enfermeras": thanked with the team
                         r"|\s+y (?:a )?(?:tod[oa]s? )?(?:el |la |los |las |nuestr[oa]s? )?(?:equipo|personal|colegas|"
                         r"enfermer[oa]s|médic[oa]s|compañer[oa]s)\b", re.IGNORECASE)
# "<name> of <a clinic> is this year's Nurse Practitioner of the Year": an award to staff.
_AWARD_AFTER = re.compile(r"(?:\s+(?:of|from|at)\s+[^.!?]{0,60}?)?\s+(?:is|was|has been|named|wins|won)\s+"
                          r"(?:named\s+)?(?:this year['’]s|the|our|a)\s+[^.!?]{0,60}?\b(?:of the year|award|honoree|"
                          r"winner|recipient)\b", re.IGNORECASE)
# "NBA legend <name>", "country singer <name>": a public figure visiting.
_PUBLIC_BEFORE = re.compile(r"\b(?:legend|celebrity|star|icon|olympian|athlete|singer|actor|actress|musician|rapper|"
                            r"quarterback|author|astronaut|governor|mayor|senator)\s*,?\s+$")


# A list of staff or volunteers opened by a colon: "Gracias a nuestros voluntarios de la clínica rural: Lupe, …".
_STAFF_LIST_BEFORE = re.compile(r"\b(?:our|nuestr[oa]s|nossos|nossas|nos) (?:[\w-]+ )?(?:volunteers|voluntari[oa]s|"
                                r"nurses|enfermer[oa]s|enfermeir[oa]s|b[ée]n[ée]voles|infirmi[èe]res|staff|team|equipo|"
                                r"techs|doctors|m[ée]dic[oa]s)"
                                r"(?: (?:de|del|of|from|at|on|en|da|do) [^:.!?]{0,30})?\s*:\s+"
                                r"(?:[^\W\d_]+(?:[ -][^\W\d_]+)?,?\s+(?:y\s+|and\s+|e\s+|et\s+)?)*$")


def _role(text: str, lower: str, s: int, e: int) -> str:
    if _PARTICIPANT_BEFORE.search(lower, max(0, s - 40), s):
        return "person"  # "our oldest vaccine trial volunteer, <name>": a research participant
    if lower[s:e].split(" ", 1)[0] in _TITLE_IN_SPAN:
        return "public"  # "welcome Mayor Tish Abernethy-Cole": the title was read as part of the name
    if _CREW_AFTER.match(text, e) or _AWARD_AFTER.match(text, e):
        return "staff"
    if _PUBLIC_BEFORE.search(lower, max(0, s - 30), s):
        return "public"  # "Anjali Mehra and crew, thank you for everything you do"
    a, b = _sentence_bounds(text, s, e)
    sentence = lower[a:b]
    if PATIENT_SELF.search(lower[e:e + 40]):
        return "person"  # "our own paramedic Kofi Quispe was a patient here"
    if _COMMUNITY_AFTER.match(lower, e):
        return "public"  # "Thank you, Wrenfield, for trusting us with your care": a town or community addressed
    ra = ROLE_AFTER.match(lower[e:e + 40])
    if ra and lower[e:e + 1] != "," and ra.group().endswith("s") and not ra.group().endswith("ss") \
            and not ra.group().lstrip(", ").startswith(("from ", "of ")):  # "Marisol from EVS" is theirs
        ra = None  # "Tell Lan the nurses say hi": a plural role after a name without a comma is not hers
    if TITLE_BEFORE.search(lower[max(0, s - 80):s]) or CREDENTIAL_AFTER.match(text[e:e + 40]) or ra:
        return "staff"
    if ROLE_NOUN_BEFORE.search(lower[max(0, s - 30):s]) or _STAFF_LIST_BEFORE.search(lower, max(0, s - 100), s):
        return "staff"
    if (_post_flags(lower)[0] and not _post_flags(lower)[2]) or \
            (_post_flags(lower)[1] and not PATIENT_SENTENCE.search(sentence)):
        return "staff"  # "Night shift on 5 West ... Shoutout to Keiko, Ray and Will"
    if STAFF_SENTENCE.search(sentence) and not PATIENT_SENTENCE.search(sentence):
        return "staff"
    return "person"


# ---------------------------------------------------------------------------------------------------
# Names by context, not by list. A capitalised word sequence is a name when its shape says so (a known
# first name, or a word that is not English, followed by a surname-like word) or when the words
# around it do: a title ("Mrs."), a patient or relative cue ("our patient", "her husband", "baby",
# "Hi"), an age ("X, 97,"), a room ("X in Room 4B"), a record ("X / DOB"). Lower-case and
# UPPER-case names need such a cue. Words that only ever name things (Street, Clinic, months, ED)
# never start or continue a name, and "a/our/your <Capitalised>" is a thing ("a Kia Soul").
# Kinship and courtesy titles from other languages, written before a name ("Doña Refugio", "Babcia Halina").
KIN_TITLES = ("doña", "dona", "señora", "senora", "señor", "senor", "abuela", "abuelo", "abuelita", "abuelito",
              "babcia", "dziadek", "halmeoni", "harabeoji", "grandkid", "tía", "tío", "tita", "tito", "auntie",
              "oma", "opa", "nonna", "nonno", "bubbe", "zayde", "mamá", "papá", "ông", "cụ", "bác")
# Ordinary words: English, and the common words of the other languages hospitals post in ("una", "del
# carro", "kaarawan", "nou nan"), which are no more names than "the" (kinship titles stay cues).
# Unit names and clinical shorthand staff write in lower case ("on tele", "med surg", "pyxis"): words, not names.
_CLINICAL_WORDS = frozenset(
    "tele telemetry surg medsurg onc peds neuro ortho cardio psych gyn obgyn nicu picu micu sicu cvicu pacu pulm "
    "uro derm rads endo heme hemonc nephro gastro resp hospitalist intensivist periop preop postop stepdown "
    "pyxis omnicell epic cerner vocera huddle sbar prn npo qhs vitals sats abg cbc bmp cmp ekg ecg echo cxr picc "
    "foley trach bipap cpap dnr dni polst rrt tpn ivf abx lol tbh smh idk omg ngl imo fwiw "
    # function words of Tagalog, Haitian Creole, French, Spanish and Vietnamese that staff posts mix in
    "ng kami siya sa ang mga po ako ikaw kayo nila namin natin nang ito iyan dito lan nan yo li nou ou mwen "
    "pou ak se te ap kòmanse swen tèt rele fè gen sou tout bòn fèt ane jodi fils fille el los las del y "
    "seríamos nada naturales của chú chúng phép chuyện chiến bánh chưng cho và những được".split())
ENGLISH = _load("english_words.txt") | (_load("foreign_words.txt") - frozenset(KIN_TITLES)) | _CLINICAL_WORDS
UWORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’\-][^\W\d_]+)*(?!\w)")
_PARTICLES = frozenset("van von der den de da del della di du la le al el bin ibn ben st o ni nic mac ua ap "
                       "ter ten dos das".split())
STOP = frozenset(
    "a an the and or but of in on at for to with from by as is was are were be been has had have do does did "
    "not no yes our your my his her their its this that these those we you he she they it i me us them who "
    "what when where why how all any every each some many more most new old big little great happy dear "
    "mr mrs ms miss mx dr st mt jr sr ii iii iv phd md rn np pa do dds "
    "ed er or icu nicu picu ccu pacu mri ct pet ekg ecg ekgs iv ot pt slp rt ob gyn ent gi ems emt cpr aed "
    "hipaa covid flu rsv hiv aids adhd ptsd copd dme usa us uk faq fyi asap rsvp ceo cfo cno cmo coo vip "
    "am pm hrs hr min lb lbs oz ft dm pm ig fb tv ok okay lol omg btw "
    "hi hello hey thanks thank congrats congratulations welcome please reminder update note join call "
    "patient patients nurse nurses doctor team staff family baby mom dad medicaid medicare mychart "
    "insurance member plan dob mrn ssn acct fax tel cell ref ticket transfer re fwd fw "
    "bsn msn dnp aprn fnp crna cnm dpt otr ccc rrt rd rdn ld ldn pharmd rph mba mph mha lcsw lmsw msw lpc "
    "nrp facs facc faap facp cde cdces ibclc cma rma cst atc dmd od dc cns ccrn cen cpnp pmhnp msc ms bs "
    "esq dpm ches lpn lvn cna saint co inc llc ltd corp company brands "
    "instagram facebook tiktok youtube twitter linkedin snapchat pinterest threads whatsapp venmo gofundme "
    "caringbridge mychart zoom google apple amazon spotify bluesky reddit".split()) | MONTHS_DAYS | PLACE_WORDS \
    | frozenset(KIN_TITLES)
_MONTH_ABBR = frozenset("jan feb mar apr may jun jul aug sep sept oct nov dec".split())
_DETERMINER_BEFORE = re.compile(r"(?:^|\W)(?:a|an|the|your|our|my|his|her|their|this|every|each|its|"
                                r"any|some|no)\s+$")
NAME_LEFT_CUE = re.compile(
    r"(?:\b(?:obrigad[oa]|gracias|conozcan|con[oó]zcanl[oa]|conoce|felicidades|felicitaciones|agradecemos|"
    r"parab[ée]ns|bienvenid[oa]s?) a(?=\s+$)|"
    r"\b(?:mr|mrs|ms|miss|mx|master|sra|srta|sr|se[ñn]ora|se[ñn]orita|don|gng|gg|bb|mme|mlle|"
    r"paciente|pasyente|patiente?|hij[oa]|espos[oa]|nieto|nieta|"
    r"patient|pt|resident|husband|wife|daughter|son|mom|mommy|mother|"
    r"dad|daddy|father|sister|brother|grandson|granddaughter|grandma|grandmother|grandpa|grandfather|"
    r"granny|nana|papa|niece|nephew|aunt|uncle|cousin|fianc[eé]e?|widow|widower|caregiver|twins?|baby|"
    r"parents|kiddo|hi|hello|hey|dear|congrats|congratulations|thank you|thanks|prayers for|praying for|"
    r"thinking of|family of|named|welcome|welcoming|reminder for|update for|paging|for user|user|"
    r"returned by|left by|belonging to|belongs to|congrats to|congratulations to|shout-?out to|"
    r"happy birthday(?: to)?|get well soon|meet|friend|neighbou?r|this is|tell|twins?|little|yours,|shout-?outs? to|cheers to|here'?s to|"
    r"hats off to|kudos to|celebrating|remembering|in memory of|rest in peace|" + "|".join(KIN_TITLES) +
    r")\.?,?|->|→|[\"”]\s*[—–~-])\s*$")
_STRONG_LEFT = re.compile(
    r"\b(?:mr|mrs|ms|miss|mx|master|sra|srta|gng|mme|mlle|paciente|pasyente|patient|pt|husband|wife|daughter|"
    r"son|mom|mother|dad|father|sister|brother|grandson|granddaughter|grandma|grandmother|grandpa|grandfather|niece|nephew|aunt|uncle|"
    r"cousin|widow|widower|caregiver|baby|parents|hi|hello|hey|dear|friend|neighbou?r|this is|twins?|(?-i:little)|"
    r"yours,)\.?,?\s*$"
    r"|[\"”]\s*[—–~-]\s*$")
NAME_RIGHT_CUE = re.compile(
    r"^(?:['’]s?)?(?:,\s*(?:\d{1,3}|(?:age|aged)\s*\d{1,3}|dob|d\.o\.b|mrn|who\b|whose\b|ninety|eighty|seventy|"
    r"sixty|fifty|forty|thirty|twenty|one hundred|a hundred)"
    r"|\s*\(\s*(?:\d{1,3}|age|dob|mrn|ig:|@)"
    r"|\s*/\s*(?:dob|mrn|\d)|\s*\|\s*(?:dob|mrn)"
    r"|\s+(?:in|to|from)\s+(?:room|rm\.?|bed|bay|icu|nicu)\b|\s*(?:→|->)"
    r"|\s+(?:mrn|dob|d\.o\.b|ssn|ss#|medicare|medicaid|member id|acct)\b|,\s+(?:your|you|you're|we)\b"
    r"|\s+(?:of|from)\s+(?-i:[A-Z][^\W\d_]+(?:\s+[A-Z][^\W\d_]+)?)\s*(?:,|is|was|who|has|had|just|turned|\d)"
    r"|\s+(?:is|was|has been|had)\s+(?:fighting|battling|recovering|admitted|discharged|home|a patient|"
    r"\d{2,3}|ninety|one hundred|blogging)|\s+(?:went home|is going home|is heading home|was discharged|"
    r"passed away|rang the bell)\b"
    r"|\s+(?:[a-z]+ed|tore|beat|went|came|got|made|gave|told|says|said)\s+(?:[\w-]+\s+){0,3}?(?:his|her|he|she|him)\b"
    r"|['’]s\s+(?:[\w-]+\s+){1,5}(?:story|journey|recovery|fundraiser|page|surgery|transplant|diagnosis|"
    r"treatment|battle|fight|birthday|discharge|video|photo|testimonial|paperwork|forms?|ssn|mrn|dob|claim|"
    r"account|records?|chart|license|licence|card|appointment|results|prescription|medications?|pump|device)\b"
    r"|(?:['’]s?)\s+(?:plan|insulin|discharge|recovery|journey|story|family|mom|dad|wife|husband|son|"
    r"daughter|grandson|granddaughter|chart|room|bed|surgery|transplant|appointment|insurance|card|"
    r"wallet|records?|prescription|medication|results|labs?|pump|device|caringbridge|gofundme|page|"
    r"paperwork|forms?|ssn|mrn|dob|medicare|medicaid|claim|bill|account|referral|license|licence|"
    r"driver'?s|refill|chart|biopsy|scan|mri|x-ray|follow-up|visit|stay|name|belongings|glasses|keys)\b"
    r"|,\s+please\s+(?:visit|call|come|contact|see|stop)"
    r"|,\s+(?:a|an|our|one of our)\s+(?:[\w-]+\s+){0,2}?(?:patients?|residents?|survivors?)\b"
    r")", re.IGNORECASE)
_ORG_AFTER = re.compile(r"^(?:['’]s)?\s+(?:(?-i:[A-Z][\w'’-]*)\s+){0,2}?(?:" + "|".join(
    sorted((w for w in PLACE_WORDS if w.isalpha()), key=len, reverse=True))
    + r"|unit|lab|labs|apparel|linens|inc|llc|co|group|partners|pharmacy|market|cafe|bakery|team|"
      r"program|challenge|dash|run|walk|5k|10k|marathon|classic|gala|festival|fair|expo|series|cup|"
      r"league|club|church|chapel|park|lake|bay|river|island|beach|mountain|hill|hills|ridge|point|"
      r"falls|station|airport|bridge|house|hall|room|lounge|garage|lot|floor|north|south|east|west)\b",
    re.IGNORECASE)


def _plain(w: str) -> str:
    lw = w.lower()
    if lw.isascii():
        return lw
    import unicodedata
    return "".join(c for c in unicodedata.normalize("NFKD", lw) if not unicodedata.combining(c))


def _word_shape(w: str) -> str:
    letters = w.replace("-", "").replace("'", "").replace("’", "")
    if letters.islower():
        return "lower"
    if letters.isupper():
        return "upper" if len(letters) > 1 else "initial"
    if w[0].isupper():
        return "cap"
    return "other"


_STATE_AFTER = re.compile(r"^,?\s+[A-Z]{2}(?:\s+\d{5}|[,.!]|$)")


def _english_compound(lw: str) -> bool:
    """"night-shift", "t-shirts", "follow-up": every part an English word (or a letter), none a name."""
    parts = [p for p in lw.split("-") if p]
    return len(parts) > 1 and all((p in ENGLISH or len(p) == 1) and p not in FIRST and p not in LAST for p in parts)


def _first_score(lw: str) -> int:
    if lw in STOP:
        return 0
    first = lw in FIRST or lw.split("-")[0] in FIRST
    word = lw in ENGLISH or ("-" in lw and not first and _english_compound(lw))
    if first and not word:
        return 2
    if first or not word:
        return 1
    return 0


def _last_score(lw: str) -> int:
    if lw in STOP:
        return 0
    parts = [p for p in re.split(r"[-'’]", lw) if p]
    if "-" in lw and len(parts) > 1:
        return 2 if all(p in LAST or p not in ENGLISH or p in FIRST for p in parts) else 1
    last = lw in LAST or lw in FIRST
    word = lw in ENGLISH
    if not word:
        return 2
    return 1 if last else 0


@lru_cache(maxsize=65536)
def _word_info(w: str) -> tuple[int, str, str, str]:
    """(length, word, plain, shape) of a word without its possessive "'s": computed once per distinct word,
    words repeat across posts."""
    if w[-2:] in ("'s", "’s") and len(w) > 3:
        w = w[:-2]
    return len(w), w, _plain(w), _word_shape(w)


def _phrases(text: str):
    """Runs of adjacent same-case words (particles allowed inside), as lists of (start, end, word, plain)."""
    toks = []
    for m in UWORD.finditer(text):
        n, w, plain, shape = _word_info(m.group())
        s = m.start()
        toks.append((s, s + n, w, plain, shape))
    runs, cur = [], []
    for t in toks:
        if cur:
            prev = cur[-1]
            if t[0] - prev[1] == 1 and text[prev[1]] == " ":  # one space between the words
                same = t[4] == cur[0][4] or (cur[0][4] == "cap" and t[3] in _PARTICLES)
                if len(cur) < 4 and (same and prev[3] not in STOP or prev[3] in _PARTICLES and t[4] == "cap"):
                    cur.append(t)
                    continue
                runs.append(cur)
                if same and len(cur) >= 4 and t[4] == "lower" and prev[3] not in STOP:
                    cur = [prev, t]  # lower-case runs overlap by a word, so a name is never cut in two
                    continue
            else:
                runs.append(cur)
        cur = [t]
    if cur:
        runs.append(cur)
    return runs


COMMERCIAL = re.compile(r"%\s*off\b|\b(?:use|with|enter|apply|promo|discount|coupon) code\b|\blink in bio\b|\bshop\b|#ad\b|#sponsored|\bsponsored\b|"
                        r"\bpartner(?:ship|ed)\b|\bcourtesy of\b|\bgiveaway\b|\bdiscount\b|\bcheckout\b")


def contextual_names(text: str, lower: str, commercial: bool = False):
    out = []
    for run in _phrases(text):
        shape = run[0][4]
        if shape not in ("cap", "upper", "lower"):
            continue
        if shape == "lower" and all(t[3] in ENGLISH and t[3] not in FIRST for t in run):
            continue  # prefilter: a lower-case name needs a word that is a first name or not English
        # drop leading/trailing words that cannot be part of a name
        while run and (run[0][3] in STOP or run[0][3] in _PARTICLES):
            run = run[1:]
        while run and (run[-1][3] in STOP or run[-1][3] in _PARTICLES):
            run = run[:-1]
        while run:
            got = _lower_name(text, lower, run) if shape == "lower" else _cap_name(text, lower, run, shape,
                                                                                   commercial)
            if got:
                out.extend(got)
                break
            if len(run) > 1 and (shape == "lower" or _first_score(run[0][3]) == 0):
                run = run[1:]  # "Congratulations Tomasz": try without the leading word
            else:
                break
    return out


_SENT_START = re.compile(r"(?:^|[.!?:;—–\-\n\"“(]|[^\w\s,'’&])\s*$")


def _cues(text: str, lower: str, s: int, e: int):
    right = text[e:e + 60]
    a = max(0, s - 30)  # every cue is shorter; pos/endpos keep \b honest at the window's edge
    return NAME_LEFT_CUE.search(lower, a, s), _STRONG_LEFT.search(lower, a, s), NAME_RIGHT_CUE.match(right)


def _cap_name(text, lower, run, shape, commercial=False):
    s, e = run[0][0], run[-1][1]
    if len(run) > 3:
        return None
    left, strong_left, right = _cues(text, lower, s, e)
    if shape == "upper":
        if len(run) < 2 and not (strong_left or right):
            return None
        if len(run) < 2 and run[0][3] in ENGLISH and run[0][3] not in FIRST and not right:
            return None  # "this is YOURS": shouting, not a name
        if any(len(t[2]) < 3 for t in run) and not strong_left:
            return None
    if _not_a_name(text, lower, s, e):
        return None
    if len(run) >= 2:
        score = _first_score(run[0][3]) + _last_score(run[-1][3])
        if any(t[3] in STOP for t in run):
            return None
        if commercial and not (left or right):
            return None  # a brand in a promotion ("15% off Zestra Hydration socks")
        lead = run[0][3] not in _IMPERATIVE  # "Hear Eun-ji's story", "Follow Renée": a verb, then the name
        if lead and (score >= 3 or (score >= 2 and (left or right))):
            return [(s, e, True)]
        if lead and score >= 2 and not _SENT_START.search(text[max(0, s - 3):s]) \
                and not _STATE_AFTER.match(text[e:e + 12]):
            return [(s, e, True)]  # "our littlest warrior Thabo Wolf": capitalised mid-sentence
        if left or right:
            # "Happy Ifeoma" / "Welcome Baby": keep the name-like tail
            tail = run[-1]
            if _last_score(tail[3]) == 2 or _first_score(tail[3]) == 2:
                return [(tail[0], tail[1], True)]
        return None
    w = run[0][3]
    fs = _first_score(w)
    if fs == 0 and w not in STOP and _BABY_LEFT.search(text, max(0, s - 10), s):  # lower-case cue: not "Patient Relations"
        return [(s, e, True)]  # "baby Major", "our patient Will": a cue this close makes any word a name
    if fs == 0:
        return None
    if commercial and not (strong_left or right):
        return None  # "Meet Mamabloom, the meal service ...": a brand in a promotion
    if strong_left or right or (left and fs == 2) or (left and fs == 1 and w not in ENGLISH):
        return [(s, e, True)]
    if (fs == 2 or w not in ENGLISH) and _LAST_INITIAL.match(text, e):
        return [(s, e, True)]  # "Yetunde A., cardiac rehab graduate" (_merge adds the initial)
    if _vocative(text, lower, s, e) and fs >= 1 and (w not in ENGLISH or fs == 2):
        return [(s, e, fs == 2)]  # an unknown word addressed may be a town ("Thank you, Wrenfield,")
    return None


_IMPERATIVE = frozenset(
    "hear meet watch join read see listen help support follow welcome congratulate celebrate thank ask visit "
    "call text email share send give donate learn discover check find get try vote cheer wish say tell greet "
    "honor honour remember pray hug tag like subscribe".split())
_LAST_INITIAL = re.compile(r" [A-Z]\.(?![A-Za-z.])(?! [A-Z][a-z])")
_VOC_BEFORE = re.compile(r"(?:,|\b(?:congrats|congratulations|thanks|thank you|welcome|hi|hey|hello|dear))\s*$")
_VOC_AFTER = re.compile(r"^\s*[!.?](?:\s|$)|^\s*$")


def _vocative(text, lower, s, e):
    """"..., Bích." / "Congratulations, Tomasz!": a name addressed at the end of a clause."""
    return bool(_VOC_BEFORE.search(lower[max(0, s - 20):s]) and _VOC_AFTER.match(text[e:e + 3]))


_LOWER_CUE_WORDS = frozenset(
    "mr mrs ms miss mx patient pt resident husband wife daughter son mom mother dad father sister brother "
    "grandson granddaughter grandma grandpa niece nephew baby hi hello hey dear to thanks you user".split())
_PREV_WORD = re.compile(r"([a-z]+)\W{0,3}$")


def _namey_lower(w: str, known) -> bool:
    return len(w) >= 3 and w not in ENGLISH and w not in STOP and w in known


def _unmarked_lower(text, run):
    """A lower-case name with no cue: "pick up sakura nwosu-bello at ...", "— emeka h., on his ...".

    Two words that are in no English word list, at least one of them a known first name or surname
    (or a known first name and an initial). Hashtags and handles are not names.
    """
    if text[max(0, run[0][0] - 1):run[0][0]] in ("#", "@", "/", ".", "_"):
        return None
    for j in range(len(run) - 1):
        a, b = run[j][3], run[j + 1][3]
        if len(b) == 1 and text[run[j + 1][1]:run[j + 1][1] + 1] == "." and _namey_lower(a, FIRST):
            return [(run[j][0], run[j + 1][1] + 1, True)]  # "emeka h."
        if a in ENGLISH or b in ENGLISH or a in STOP or b in STOP or len(a) < 3 or len(b) < 3:
            continue
        if a in FIRST or (b in LAST and b not in FIRST) or (b.split("-")[0] in LAST):
            end = run[j + 1][1]
            if j + 2 < len(run) and _namey_lower(run[j + 2][3], LAST):
                end = run[j + 2][1]
            return [(run[j][0], end, True)]
    return None


_LOWER_VOCATIVE = re.compile(r"(?:,|\b(?:hi|hey|hello|dear|thanks|congrats))\s*$")


def _lower_name(text, lower, run):
    # lower-case names only with a strong cue, 1-3 words that look like names
    s0, e0 = run[0][0], run[-1][1]
    got = _unmarked_lower(text, run)
    if got:
        return got
    if len(run) == 1 and _namey_lower(run[0][3], FIRST) and _LOWER_VOCATIVE.search(lower, max(0, s0 - 8), s0) \
            and _VOC_AFTER.match(text[e0:e0 + 3]):
        return [(s0, e0, True)]  # "thanks for the kind words, kwabena!"
    pw = _PREV_WORD.search(lower, max(0, s0 - 14), s0)
    left = None
    if pw and pw.group(1) in _LOWER_CUE_WORDS:
        left = _STRONG_LEFT.search(lower, max(0, s0 - 25), s0) or \
            re.search(r"\b(?:congrats to|congratulations to|shout-?outs? to|cheers to|thanks|thank you|for user|"
                      r"user)\s*,?\s*$",
                      lower[max(0, s0 - 25):s0])
    right = NAME_RIGHT_CUE.match(text[e0:e0 + 60]) if text[e0:e0 + 1] in (" ", ",", "/", "(", "|", "'", "’") else None
    if not left and not right:
        # a cue right after an unknown word inside the run: "samir haddad went home today"
        for j in range(1, len(run) - 1):
            w = run[j][3]
            if w not in ENGLISH and w not in STOP and run[j - 1][3] not in STOP and \
                    NAME_RIGHT_CUE.match(text[run[j][1]:run[j][1] + 60]):
                return _lower_name(text, lower, run[:j + 1])
        return None
    best = None
    if not left and not right:
        return None
    for k in (3, 2, 1):
        if len(run) < k:
            continue
        # the words right after a cue, or right before a record cue
        for part, is_left in (((run[:k], True),) if left else ()) + (((run[-k:], False),) if right else ()):
            s, e = part[0][0], part[-1][1]
            ws = [t[3] for t in part]
            if any(w in STOP for w in ws):
                continue
            if k == 1:
                ok = _first_score(ws[0]) >= 1 and (ws[0] not in ENGLISH or ws[0] in FIRST) \
                    and not _DET_BEFORE_LOWER.search(lower, max(0, s - 30), s)
            else:
                ok = (ws[0] in FIRST or ws[0] not in ENGLISH) and (ws[-1] in LAST or ws[-1] not in ENGLISH
                                                                    or "-" in ws[-1])
                if k == 3:
                    ok = ok and (ws[1] in LAST or ws[1] in FIRST or ws[1] not in ENGLISH)
            if ok:
                best = (s, e, True)
                break
        if best:
            break
    return [best] if best else None


# "their son's journey", "one of our former nicu preemies": a lower-case word after a determiner is a noun.
_DET_BEFORE_LOWER = re.compile(r"(?:^|\W)(?:a|an|the|your|our|my|his|her|their|this|every|each|its|any|some|no)"
                               r"\s+(?:(?!is\s|was\s)[a-z]+\s+){0,2}$")
_DET_ADJ_BEFORE = re.compile(r"(?:^|\W)(?:a|an|the|your|our|my|his|her|their|this|every|each|its|any|some|no)"
                             r"\s+(?:(?!is\s|was\s)[a-z]+\s+)?$")


_PLACE_PREP_BEFORE = re.compile(r"\b(?:at|in|near|across|around|throughout|serving|visit|downtown|uptown|part of)\s+$")


_SINCE_YEAR = re.compile(r"\s+since\s+(?:19|20)\d\d\b")  # "caring for Maple Hollow since 1961": a place


# Holidays and greetings in many languages: "Ramadan Mubarak", "Eid Mubarak", "Shana Tova", "Diwali".
_GREETING_WORDS = frozenset(
    "ciid mubaarak independence independência independencia trabajador trabajadores feria salud "
    "bienvenida bienvenido bienvenidos bienvenidas años cuidando "
    "ramadan mubarak eid kareem adha fitr diwali deepavali hanukkah chanukah kwanzaa navidad nowruz norooz "
    "vesak chuseok juneteenth rosh hashanah kippur shana tova tovah sukkot purim pesach passover easter "
    "christmas xmas holi onam pongal vaisakhi baisakhi lohri navratri durga puja dussehra muertos "
    "noche buena nochebuena bendiciones saludos selamat idul hari raya tet seollal lunar pascua "
    "feliz ramadhan ramazan bayram shavuot mabrook mabrouk namaste shalom salaam olympic olympics paralympic "
    "paralympics".split())
# After a name: it is an animal, a toy or a mascot ("Sparky, our mascot", "Biscuit the therapy dog").
_ANIMALS = (r"(?:mascot|therapy (?:dog|cat|pony|horse|animal)|facility dog|comfort dog|service dog|dog|pup|puppy|"
            r"kitten|cat|pony|horse|llama|alpaca|goldendoodle|labradoodle|retriever|labrador|poodle|beagle|corgi|"
            r"teddy(?: bear)?|bear|doll|plush(?:ie)?|robot|puppet|bunny|rabbit|k-?9|moose|eagle|tiger|lion|owl|fox|"
            r"wolf|duck|beaver|bulldog|panther|hawk|penguin|giraffe|dinosaur|dragon|unicorn)s?")
_ANIMAL_AFTER = re.compile(
    r"(?:,\s*|\s*\(\s*|\s+[—–-]\s*|\s+)(?:our|the|a|an)\s+(?:(?!and\b|with\b)[\w-]+\s+){0,2}?" + _ANIMALS +
    r"(?![\w'’-])(?!\s+(?:lover|owner|walker|trainer|handler|mom|dad|parent|person|bite|attack)s?\b)", re.IGNORECASE)
_ANIMAL_BEFORE = re.compile(r"\b" + _ANIMALS + r",?\s+(?:named\s+|called\s+)?$")


_CONTRACTION = re.compile(r"[a-z]['’](?:t|re|ll|ve|m)\b|\by['’]all\b")
_AGENCIES = frozenset("cdc nih fda who cms aha acs niosh osha usda hhs ahrq samhsa hrsa nhs ama aap acog ada".split())
_DEMONYMS = frozenset(
    "american americans asian asians african africans latino latina latinos latinas latinx hispanic hispanics "
    "vietnamese korean koreans chinese japanese filipino filipina filipinos haitian haitians cuban cubans "
    "mexican mexicans dominican dominicans puerto rican ricans salvadoran guatemalan honduran brazilian "
    "brazilians portuguese spanish french english german italian polish russian ukrainian arab arabic somali "
    "ethiopian eritrean nigerian ghanaian kenyan indian pakistani bangladeshi nepali tibetan hmong cambodian "
    "laotian thai burmese indonesian malaysian samoan tongan hawaiian pacific islander islanders native "
    "natives indigenous cape verdean verdeans jamaican jamaicans caribbean creole tagalog cantonese mandarin "
    "hindi urdu punjabi bengali farsi persian turkish greek irish scottish welsh canadian canadians "
    "u.s. us usa".split())


# Words of Spanish grammar and praise that start a capitalised run ("Mira el video", "gracias a Dios",
# "este pequeño guerrero") but never name a person.
_SPANISH_NOT_NAMES = frozenset(
    "mira miren mire mirá dios español española inglés verde limpia limpio pequeño pequeña pequeñito pequeñita "
    "guerrero guerrera guerreros guerreras campeón campeona valiente".split())
# Letters only Vietnamese spells with: a lower-case run holding one is Vietnamese prose ("đã trở lại"),
# since Vietnamese names are written with capitals.
_VIETNAMESE_LOWER = re.compile(r"[ơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
# "World Prematurity Day", "Heart Month", "Nurses Week": an awareness observance, not a person.
_OBSERVANCE_LAST = frozenset("day days week month year día semana mes".split())


def never_a_name(span: str) -> bool:
    """Whatever the context, `span` is not a person: a greeting or holiday, a contraction, an age
    phrase, an agency's programme, a nationality or language, or words of another language's grammar."""
    w = span.lower()
    words = _WORD.findall(w)
    if not words:
        return False
    if any(x in _GREETING_WORDS for x in words):
        return True
    if words[0] in _SPANISH_NOT_NAMES or (len(words) > 1 and all(x in _SPANISH_NOT_NAMES for x in words[1:])):
        return True
    if span.islower() and _VIETNAMESE_LOWER.search(w):
        return True
    if len(words) >= 2 and (words[-1] in _OBSERVANCE_LAST or words[0] in ("día", "semana", "mes")) \
            and span[:1].isupper():
        return True
    if _CONTRACTION.search(w) or "year-old" in w or "-old" in w:
        return True  # "wasn't", "Y'all", "You're", "80-year-old farmer"
    if words[0] in _AGENCIES:
        return True  # "CDC STEADI", "CDC NIOSH": a programme of an agency
    if all(x in _DEMONYMS for x in words):
        return True  # "Vietnamese", "Asian Americans", "Spanish"
    return span.islower() and all(x in _CLINICAL_WORDS for x in words)  # "kami ng", "của chú", "tele"


def _not_a_name(text, lower, s, e) -> bool:
    """A thing, not a person: "a Kia Soul", "our Pellston campus", "Jan 4", "the ED"."""
    w = lower[s:e]
    if never_a_name(text[s:e]):
        return True
    if _ANIMAL_AFTER.match(text, e) or _ANIMAL_BEFORE.search(lower, max(0, s - 30), s):
        return True
    left = lower[max(0, s - 40):s]
    tail = left[-20:]
    if (_DETERMINER_BEFORE.search(tail) or _DET_ADJ_BEFORE.search(tail) or _PLACE_PREP_BEFORE.search(tail)) \
            and not (NAME_LEFT_CUE.search(lower, max(0, s - 30), s) or _STRONG_LEFT.search(lower, max(0, s - 30), s)):
        return True
    if _ORG_AFTER.match(text[e:e + 40]) or _STATE_AFTER.match(text[e:e + 12]) or _SINCE_YEAR.match(text, e):
        return True
    first = w.split()[0] if w.split() else w
    if first.rstrip(".") in _MONTH_ABBR and re.match(r"\.?\s*\d", text[s + len(first):s + len(first) + 4]):
        return True
    if text[s:e].isupper() and len(w) <= 3:
        return True
    return False


def _in_links(post, s, e) -> bool:
    return any(link.start <= s < link.end for link in post.links) or \
        bool(re.search(r"[@\w.+-]@[\w.-]*$|@[\w.]*$", post.folded.text[max(0, s - 40):s]))


def _merge(text: str, spans):
    """Union overlapping spans, widen them to whole words (Haddad-Reyes), drop a trailing possessive."""
    out = []
    for s, e, strong in spans:
        while s > 0 and (text[s - 1].isalpha() or text[s - 1] in "-'’" and s > 1 and text[s - 2].isalpha()):
            s -= 1
        while e < len(text) and (text[e].isalpha() or text[e] in "-'’" and e + 1 < len(text)
                                 and text[e + 1].isalpha()):
            e += 1
        if text[e - 2:e] in ("'s", "’s") and e - s > 3:
            e -= 2
        li = _LAST_INITIAL.match(text, e) if text[e:e + 1] == " " else None
        if li:
            e = li.end()  # "Layla H."
        out.append((s, e, strong))
    out.sort()
    merged = []
    for s, e, strong in out:
        if merged and s < merged[-1][1]:
            ps, pe, pst = merged[-1]
            merged[-1] = (ps, max(pe, e), pst or strong)
        else:
            merged.append((s, e, strong))
    return merged


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
(_SENT_END, COMMERCIAL, NAME_LEFT_CUE, _CREW_AFTER, STAFF_POST, _AWARD_AFTER, TITLE_BEFORE) = \
    map(gated, (_SENT_END, COMMERCIAL, NAME_LEFT_CUE, _CREW_AFTER, STAFF_POST, _AWARD_AFTER, TITLE_BEFORE))
(ROLE_NOUN_BEFORE, STAFF_SENTENCE, PATIENT_SENTENCE, _PLACE_PREP_BEFORE, _CJK_RIGHT_CUE) = \
    map(gated, (ROLE_NOUN_BEFORE, STAFF_SENTENCE, PATIENT_SENTENCE, _PLACE_PREP_BEFORE, _CJK_RIGHT_CUE))
STRONG_CUE_BEFORE, _ANIMAL_BEFORE = map(gated, (STRONG_CUE_BEFORE, _ANIMAL_BEFORE))
