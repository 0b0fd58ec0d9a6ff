"""Sourcing check: a health claim must cite an authoritative source.

Rule `sourcing.authoritative_link`: a claim ("studies show", "proven to",
"N% of patients", "lowers your risk"...) with no link to one of the policy's
authoritative domains (matched as the domain or a subdomain, never a
lookalike such as cdc.gov.example.info). Link shorteners and our own site do
not count as a source. Claims are also recognised by meaning, with no cue
word: a treatment, food or product with a verb of effect on health
("relieves teething pain", "starves cancer cells", "better than fluoride").
The organisation's own figures (pass rate, capacity, satisfaction, funding,
a share of sales) are not health claims. Default severity `warn`: an approver reads the
justification. Whether the cited page supports the claim is for people.
"""
from __future__ import annotations

import re

from reviewq.checks.base import Finding
from reviewq.checks.fastre import gated
from reviewq.checks.policy import domain_matches
from reviewq.checks.urls import is_redirector

RULE = "sourcing.authoritative_link"
CLAIM = re.compile(
    r"\b(?:stud(?:y|ies)|research|researchers|science|scientists|evidence|data|trials?|experts?)\s+"
    r"(?:\w+\s+){0,2}?(?:shows?|showed|shown|suggests?|finds?|found|proves?|proved|confirms?|says?|reveals?)\b"
    r"|\b(?:clinically|scientifically|medically)?\s*proven\b(?! otherwise)|\bprove[sn]? to\b"
    r"|\bcures?\b|\bcured\b|\bguaranteed? to\b|\bmiracle\b"
    r"|\b\d+(?:\.\d+)?\s?(?:%|percent)(?!\s*off\b)(?!\s*discount)"
    r"|\b(?:lowers?|lowering|reduces?|reducing|cuts?|boosts?|boosting|improves?|improving|prevents?|"
    r"preventing|reverses?|slows?|increases?|raises?|doubles?|halves?|triples?)\s+"
    r"(?:(?:your|the|their|his|her|a|one's|our)\s+)?(?:[\w-]+(?:'s|’s)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:risk|chances?|odds|blood pressure|cholesterol|blood sugar|memory|immunity|immune|metabolism|"
    r"heart health|brain|language|life ?span|longevity|weight|inflammation|symptoms|fall risk|cancer|"
    r"mortality|death|hospitali[sz]ations?)\b"
    r"|\baccording to (?:the )?(?:cdc|nih|who|fda|aha|ama|acs|usda|world health organi[sz]ation|"
    r"american (?:heart|cancer|diabetes|lung|stroke) (?:association|society)|surgeon general|"
    r"national institutes? of health|centers for disease control|mayo clinic|harvard)\b"
    r"|\bcould be prevented\b|\b(?:less|more) likely to\b|\blive longer\b|\baccording to (?:a |new )?"
    r"(?:study|studies|research|researchers|scientists|experts|data)\b|\bkills? \d"
    r"|\b(?:a|one) new (?:study|trial)\b|\bdoctors recommend\b|\b\d+x (?:more|less|lower|higher)\b"
    r"|\b(?:experts?|doctors|scientists|researchers) (?:agree|say|recommend|warn)\b|\b\d+ (?:out of|in) \d+\b"
    r"|\b(?:twice|three times|2x|3x) (?:as )?(?:fast|likely|effective)\b"
    r"|\b(?:improves?|boosts?|heals?|detox\w*|reverses?|eliminates?)\s+(?:your\s+|the\s+)?(?:sleep|skin|gut|"
    r"energy|focus|mood|joint|pain|anxiety|stress|digestion|immune system|hormones?|pressure injur\w*)")
# Claims without the usual cue words (outcome superlatives, guarantees, population statistics) and in other
# languages; a separate pattern behind a cheap prefilter, so posts without these words do not pay for it.
CLAIM_EXTRA = re.compile(
    # outcome superlatives and guarantees: "the best survival rates in the state", "lasts 20 years, guaranteed"
    r"\b(?:best|highest|lowest|top|fewest|safest) (?:[\w-]+ ){0,2}?(?:survival|outcomes?|success|infection|"
    r"complication|mortality|readmission|cure|recovery) rates?\b|,\s*guaranteed\b|\bguaranteed (?:results|cure)\b"
    # population statistics: "one in four children", "2 million brain cells die"
    r"|\b(?:one|1) in (?:two|three|four|five|six|seven|eight|nine|ten|\d{1,3})(?! million)\b"
    r"|\b\d+(?:\.\d+)? (?:million|billion) (?:[\w-]+ ){0,3}?(?:die|dies|deaths|cases|people|americans|adults|"
    r"children|kids)\b"
    # other languages: "studies prove" / "research shows" / "cures" in Arabic, Tagalog, Somali, Korean, Haitian
    r"|الدراسات تثبت|أثبتت الدراسات|يعالج|تعالج|يشفي|تشفي|napatunayan|nagpapagaling|gumagamot|daaweey\w*|"
    r"cilmi-baaris\w*|연구 결과|연구에 따르면|예방한다|치료한다|낫게|etid yo montre|syans pwouve"
    r"|研究(?:证明|表明|显示|發現|发现|證明)|可以降低|能降低|治愈|根治|estudos? (?:comprovam|mostram|provam)|"
    r"\bnghiên cứu (?:cho thấy|chứng minh)|\bnakakagaling\b|\bsabi ng (?:research|pag-aaral)\b"
    r"|доказано|излечивает|лечит|\bsaves? (?:up to )?\d+ lives\b|\b(?:cura|curan) (?:la|el|los|las|o|a|os|as) [\w-]+")
_EXTRA_KEYS = ("rates", "rate ", "guarantee", "one in ", "1 in ", "million", "billion", " lives", "cura ", "curan ", "nghiên", "nakakagaling",
               "sabi ng", "estudo", "etid", "syans", "napatunayan", "nagpapagaling", "gumagamot", "daawe", "cilmi")
_NOT_A_CURE = re.compile(r"(?:\ba|\bno|meant to|\bthe)\s+$")
# Claims by meaning: an effect verb on the body, a disease or a health measure within a few words
# ("detoxes your liver", "burns 100 extra calories", "boosts immunity", "reverses diabetes"), whatever
# the cue words around it. The verbs are stems so every inflection counts.
_EFFECT = (r"(?:detox\w*|cleans(?:e|es|ed|ing)|flush(?:es|ed|ing)?|purif\w+|burn(?:s|ed|ing)?|melt(?:s|ed|ing)?|"
           r"torch(?:es|ed|ing)?|blast(?:s|ed|ing)?|shred(?:s|ded|ding)?|strengthen\w*|heal(?:s|ed|ing)?|"
           r"cur(?:e|es|ing)|fights|kills|destroy(?:s|ing)?|"
           r"prevent\w*|revers(?:e|es|ed|ing)|reduc(?:e|es|ed|ing)|lower(?:s|ed|ing)?|boost\w*|supercharg\w+|"
           r"rejuvenat\w+|restor(?:e|es|ed|ing)|regenerat\w+|repair(?:s|ed|ing)?|balanc(?:e|es|ed|ing)|"
           r"ward(?:s|ed|ing)? off|protect(?:s|ed|ing)? (?:you )?(?:against|from)|eliminat\w+|wipe(?:s|d)? out|"
           r"shrink(?:s|ing)?|dissolv\w+|unclog\w*|speed(?:s|ed)? up|kick-?start\w*|stops?|halts?|"
           r"erase(?:s|d)?|slash(?:es|ed)?|doubles|triples|(?:double|triple)(?=\s+(?:your|the|their)\b)|adds?|extends?|"
           # effect verbs that need no cue word around them: "relieves teething pain", "fixes ear infections",
           # "cleans out your arteries", "regrows cartilage", "starves cancer cells", "causes hyperactivity"
           r"cut(?:s|ting)?|reliev(?:e|es|ed|ing)|sooth(?:e|es|ing)|fix(?:es|ing)?|clean(?:s)?|clears?|"
           r"regrow(?:s|ing)?|rebuild(?:s|ing)?|feeds|starv(?:e|es|ing)|caus(?:e|es))")
_BODY = (r"(?:liver|kidneys?|colon|gut|bowel|blood|arteries|arter(?:y|ial)|heart|lungs?|brain|skin|joints?|"
         r"bones?|cells?|body|metabolism|immun\w*|toxins?|fat|belly fat|calories|pounds|lbs|weight|cholesterol|"
         r"blood (?:sugar|pressure)|plaque|inflammation|cancer|tumou?rs?|diabetes|dementia|alzheimer'?s|arthritis|"
         r"infections?|viruse?s?|bacteria|germs|colds?|flu|covid|disease|illness|aging|ageing|wrinkles|"
         r"migraines?|headaches?|depression|anxiety|insomnia|acne|asthma|allergies|hormones?|cortisol|"
         r"testosterone|estrogen|years to your life|(?:your )?life ?span|longevity|stroke|heart attacks?|"
         r"pain|fever|coughs?|colic|nausea|tooth decay|cavities|gum disease|pneumonia|leuk[a]?emia|lymphoma|neuropathy|"
         r"cartilage|collagen|hair loss|wounds?|parasites|eczema|psoriasis|hyperactivity|adhd|autism|obesity|"
         r"osteoporosis|heart disease|type [12] diabetes|inches|waist(?:line)?|cellulite|sinus infections?|ulcers?|"
         r"constipation|bloating|eyesight|hearing loss|memory loss|sore throats?|utis?|kidney stones|gout|seizures|"
         r"hypertension|blood clots)"
         # a body word naming a service or a medicine is not what the verb acts on: "stop any blood thinners",
         # "her double lung transplant", "cut the heart surgery wait"
         r"(?![\w-]|\s+(?:thinners?|tests?|draws?|drives?|banks?|donors?|donations?|transplants?|surgery|surgeons?|"
         r"doctors?|teams?|units?|cent(?:er|re)s?|clinics?|specialists?|screenings?|scans?|management|program|"
         r"services?|support|groups?|medicines?|meds)\b)")
CLAIM_MEANING = re.compile(r"\b" + _EFFECT + r"\s+(?:(?:your|the|our|any|all|up|away|off|out|"
                           r"extra|more|up to|over|nearly|almost|stubborn|harmful|bad|\d[\d,.]*%?|a|of|those|"
                           r"these|[\w-]+(?:'s|’s))\s+){0,4}(?:(?!and\b|or\b|to\b|with\b)[\w-]+\s+)?" + _BODY + r"\b"
                           r"|\b(?:superfoods?|anti-?aging|fat-?burning|immune-?boosting|detox(?:ifying)? "
                           r"(?:tea|juice|cleanse|diet)|cancer-?fighting|miracle|100% (?:safe|natural|effective)|"
                           r"no side effects|(?:natural|herbal) (?:cure|remedy)|cures? for)\b"
                           # Spanish and Haitian Creole: "cura la diabetes", "elimina el COVID", "geri kansè"
                           r"|\b(?:cura|curan|elimina|eliminan|previene|previenen|revierte|quema|quemar|"
                           r"desintoxica|limpia|reduce|reducen|baja|bajan|fortalece|geri|touye)\s+(?:(?:el|la|los|las|"
                           r"tu|su|sus|tus|de|del|grasa|\w+mente)\s+){0,3}(?:diabetes|c[áa]ncer|covid|grasa|colesterol|"
                           r"presi[óo]n|h[íi]gado|az[úu]car|inflamaci[óo]n|artritis|defensas|kans[èe]|dyabèt|tansyon|sik|sik nan san)"
                           r"|\b(?:est[áa] |cient[íi]ficamente )?comprobado\b|\bprobado cient[íi]ficamente\b"
                           r"|\b(?:live|lives|living) \d+ (?:extra )?years longer\b|\bsaves lives\b"
                           # better than a treatment: "stops coughs faster than any medicine", "better than Botox"
                           r"|\b(?:better|faster|more effective|stronger|safer)\s+than\s+(?:any\s+|most\s+|regular\s+|"
                           r"prescription\s+|other\s+|the\s+)?(?:medicines?|meds|medications?|drugs?|antibiotics|"
                           r"pills?|fluoride|botox|surgery|chemo(?:therapy)?|dressings?|vaccines?|inhalers?|"
                           r"prescriptions?)\b"
                           r"|\bimprov(?:es|ing) (?:[\w-]+ )?outcomes\b"
                           r"|\b(?:cuts?|slash(?:es)?|halves)\b[^.!?]{0,40}?\b(?:in|by) half\b"
                           r"|\b(?:half|twice|double|triple) (?:the|their|your|as much) (?:risk|chance|odds)\b"
                           r"|\bkeeps?\s+(?:[\w-]+\s+){0,2}?" + _BODY + r"(?:\s+attacks?)?\s+(?:away|at bay)\b"
                           r"|\b(?:pull|draw|suck|sweat|leach|drain|remov|releas)\w*\s+(?:[\w-]+\s+){0,3}?toxins?\b"
                           r"|\btoxins?\s+(?:right\s+)?(?:out of|from) (?:your|the) body\b"
                           r"|\bturns? back the clock\b|\bfountain of youth\b"
                           r"|\breverses? (?:the )?(?:signs of )?ag(?:e?ing)\b"
                           r"|\b(?:tumou?rs?|cancer(?: cells)?|belly fat|plaque|wrinkles|cellulite)\s+"
                           r"(?:will\s+|start to\s+)?"
                           r"(?:shrink|shrinks|disappear|disappears|melts? away|vanish(?:es)?|dissolves?)\b"
                           # Tagalog and Spanish effect verbs: "nakakagamot ng hika", "alivia el dolor"
                           r"|\b(?:nakakagamot|nakagagamot|nakapagpapagaling|nakakapagpagaling|pampagaling|lunas sa|"
                           r"panlaban sa|pumipigil sa|nakakaiwas sa|nakakababa ng|nagpapababa ng|"
                           r"nagpapalakas ng resistensya|pampalakas ng resistensya|nakakatunaw ng taba|pampapayat|"
                           r"nakakapayat)\b"
                           r"|\bmas (?:mabisa|epektibo|mabilis) (?:pa )?(?:kaysa|kesa|sa) (?:sa )?"
                           r"(?:gamot|antibiotics?)\b"
                           r"|\bmejor que (?:cualquier |la |el |los )?(?:medicina|medicamentos?|antibi[óo]ticos|botox|"
                           r"cirug[íi]a)\b"
                           r"|\b(?:reduce|reducen|corta) a la mitad\b|\bla mitad del riesgo\b"
                           r"|\b(?:alivia|alivian|sana|sanan|regenera|regeneran|previene|previenen|cura|curan)\s+"
                           r"(?:(?:el|la|los|las|tu|su|sus|tus|de|del)\s+){0,2}(?:dolor(?:es)?|fiebre|tos|asma|"
                           r"infecci[óo]n(?:es)?|tumor(?:es)?|arrugas|caries|neumon[íi]a|sistema inmun\w+)\b")
NOT_CLAIM_AFTER_PERCENT = re.compile(r"^\s*(?:off|discount|sale|of (?:proceeds|sales|every|each|all|the price|"
                                     r"purchases?|profits?)|match|(?:of )?(?:proceeds|profits)|goes to|will go|"
                                     r"supports?|benefits?|donated|compliance|complian\w+|completion|complete|"
                                     r"participation|attendance|response rate|of (?:our )?(?:staff|employees|"
                                     r"team|goal|respondents|participants|seats|tickets|funds|units|beds)\b|할인"
                                     r"|of (?:[\w.]+ ){0,2}?(?:hospitals|health systems|medical centers|employers|organi[sz]ations)\b"
                                     # the organisation's own figures: "100% pass rate", "130% capacity",
                                     # "97% would recommend us", "60% wrote back", "5% of Saturday sales"
                                     r"|pass(?:ed|ing)?\b|pass rate|capacity|occupancy|satisfaction|would recommend|"
                                     r"(?:of (?:the |our )?\w+ )?(?:wrote back|replied|responded|would recommend)|"
                                     r"of (?:\w+ ){0,2}?(?:sales|orders|purchases|profits)\b|(?:more|fewer) "
                                     r"(?:arrivals|calls|applications|applicants|volunteers|donors|donations|"
                                     r"visitors|followers|hires)\b)")
MESSAGE = ("Health claim without a trusted source. Claims like this must link to an authoritative source "
           "(for example cdc.gov, nih.gov, medlineplus.gov, who.int, fda.gov, nejm.org); unsupported health "
           "claims can mislead patients and expose the hospital.")
FIX = "Add a link to the study or guideline on an authoritative site, or soften the claim."
BAD_LINK = ("This link is not an authoritative source for the health claim (blogs, video sites, link "
            "shorteners and look-alike domains such as cdc.gov.example.info do not count).")


def _all_claims(text: str):
    for m in CLAIM.finditer(text):
        if m.group().startswith("cure") and m.group() == "cure" and (
                _NOT_A_CURE.search(text, max(0, m.start() - 12), m.start()) or text.startswith(" is no", m.end())):
            continue  # "when a cure is no longer possible", "treatment meant to cure": not a claim
        yield m
    if not text.isascii() or any(k in text for k in _EXTRA_KEYS):
        yield from CLAIM_EXTRA.finditer(text)
    for m in CLAIM_MEANING.finditer(text):
        if not _CLINICIAN_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            yield m


# A percentage in a sentence about a price is a discount, not a health claim ("Save 15% with code X").
_PRICE_NEAR = re.compile(r"\b(?:save|saves|saving|savings|code|coupon|discount|promo|off|deal|sale|checkout|"
                         r"descuento|c[óo]digo|cup[óo]n|oferta|giảm|mã|kòd|"
                         r"price|order|shop)\b")


_TALLY_BEFORE = re.compile(r"\b(?:complian\w+|participation|attendance|response rate|completion|survey|"
                           r"goal|no more than|at most|up to|satisfaction|pass rate|capacity|occupancy|funding|grants?|"
                           r"budget|revenue|donat\w+|fundrais\w+|hired|hiring|agency|staffing|turnover|vacanc\w+|"
                           r"retention|rating|enrollment|left[- ]without[- ]being[- ]seen)\b[^.!?]{0,40}$")
# "1 in 5 nurses", "1 in 9 missed appointments": a share of the organisation's people or operations, not of
# patients' health; "a PGY-1 in 2004": a year.
_RATIO = re.compile(r"(?:\d+|one|1) (?:in|out of) (\S+)$")
_RATIO_NOT_HEALTH = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:nurses|staff|employees|workers|team members|physicians|"
                               r"hospitals|nursing homes|facilities|clinics|health systems|employers|schools|students|"
                               r"graduates|volunteers|donors|appointments|shifts|applicants)\b")
_YEAR = re.compile(r"(?:19|20)\d\d$")
_PLURAL_AFTER = re.compile(r"\s+(?:[\w-]+\s+)?(?:[a-z-]+s|people|children|adults|women|men)\b")  # "1 in 2000 births"
# What a percentage does to patients makes it a claim whatever tally word stands before it: "thanks to a new
# grant, 60% of patients in the program lowered their A1C".
_LIMIT_BEFORE = re.compile(r"\b(?:no more than|at most|up to)\b[^.!?]{0,30}$")
_OUTCOME = re.compile(r"\b(?:improv\w*|fewer|lower\w*|reduc\w*|risk|surviv\w*|remission|cur(?:e|es|ed)\b|recover\w*|"
                      r"heal\w*|symptoms?|deaths?|mortality|complications?|pain|a1c|relaps\w*|infections?)")
_END = re.compile(r"[.!?](?=\s|$)|\n")


def _sentence_end(text: str, pos: int) -> int:
    m = _END.search(text, pos)
    return m.start() if m else len(text)


_OF_THEM = re.compile(r"\s+of (?:them|us)\b")
# "Dr. Reyes fixes broken bones", "the doctor who fixed my heart": a clinician's work, not a product's effect.
_CLINICIAN_BEFORE = re.compile(r"\b(?:dr\.?\s+[\w-]+|doctors?|surgeons?|nurses?|teams?|we|staff|physicians?|"
                               r"therapists?|specialists?|clinicians?|who)\s+(?:[\w-]+ly\s+)?$")


def _claims(text: str):
    for m in _all_claims(text):
        if "%" in m.group() or "percent" in m.group():
            if NOT_CLAIM_AFTER_PERCENT.match(text[m.end():m.end() + 30]):
                continue
            if _PRICE_NEAR.search(text, max(0, m.start() - 40), min(len(text), m.end() + 25)):
                continue
            if _LIMIT_BEFORE.search(text, max(0, m.start() - 40), m.start()) or \
                    _TALLY_BEFORE.search(text, max(0, m.start() - 60), m.start()) \
                    and not _OUTCOME.search(text, m.end(), _sentence_end(text, m.end())):
                continue  # "hand hygiene compliance hit 96%", "by no more than 10%": a tally or a limit
        r = _RATIO.search(m.group())
        if r is not None:
            if _YEAR.fullmatch(r.group(1)) and not _PLURAL_AFTER.match(text, m.end()):
                continue
            if _RATIO_NOT_HEALTH.match(text, m.end()) or _OF_THEM.match(text, m.end()):
                continue
        if m.group().strip():
            yield m


def check(post) -> list[Finding]:
    text = post.folded.lower  # CLAIM is written in lower case
    claims = list(_claims(text))
    if not claims:
        return []
    cp = post.policy.compiled
    if any(domain_matches(link.host, cp.authoritative) and not is_redirector(link.host) for link in post.links):
        return []
    m = min(claims, key=lambda c: c.start())
    s, e = m.span()
    while s < e and text[s].isspace():
        s += 1
    findings = [post.finding("sourcing", "unsourced_claim", "warn", s, e, MESSAGE, RULE, FIX)]
    for link in post.links:
        if not domain_matches(link.host, cp.org_domains):
            findings.append(post.finding("sourcing", "non_authoritative_link", "warn", link.start, link.end,
                                         BAD_LINK, RULE, FIX))
    return findings


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
CLAIM_EXTRA, CLAIM_MEANING = map(gated, (CLAIM_EXTRA, CLAIM_MEANING))
_NOT_A_CURE = gated(_NOT_A_CURE)
CLAIM = gated(CLAIM)
