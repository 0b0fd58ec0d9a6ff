"""Consent check: a post that features a patient needs that patient's written consent on file.

Rule `consent.patient_story`: a patient's story, testimonial, photo or video,
or a named patient or relative in a celebratory or personal post. "Shared with
permission" in the text is not consent: only a linked ConsentInfo is. It must
be not revoked, in date, cover every channel of the post and every kind the
post uses (name, story, photo, video, audio), and its subject_name must match
the person named (when a name is detected). With one: an `info` finding naming
the consent; without: `block`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

from reviewq.checks import agreement
from reviewq.checks.base import Finding
from reviewq.checks.fastre import gated

RULE = "consent.patient_story"
# The story classifier (models/story.json) alone makes a post a patient feature at or above STORY_MODEL_MIN;
# below STORY_MODEL_VETO it overrules the rules' cues. Chosen on a tuning corpus (docs/checks.md).
STORY_MODEL_MIN = 0.4
STORY_MODEL_VETO = 0.0
STORY_MODEL_SURE = 0.9  # alone, with no person the rules recognise
_NOT_PERSON = (r"(?!['’]?s? (?:portal|transport\w*|experience|safety|education|services?|advocates?|access|"
               r"financial|billing|relations|navigators?|rights|satisfaction|parking|information|registration|"
               r"liaisons?|lift|day|week|month|care team|resources?|advisory|council|(?:&|and) family)\b)")
SUBJECT = re.compile(
    r"\b(?:our|a|this|former|proud|the) (?:(?!(?:per|for|of|in|at|to|by|and|or|with|from|on)\b)\w+ ){0,2}?"
    r"(?:\w+(?:-\w+)+ )?patient(?!s)" + _NOT_PERSON +
    r"|\b(?:patient|video|audio|written) (?:testimonials?|story|stories|spotlight)\b|^\W*testimonial\b"
    r"|\bthis (?:[\w-]+ ){0,2}(?:man|woman|boy|girl|guy|gentleman|lady|mom|mother|dad|father|grandma|grandpa|"
    r"grandmother|grandfather|survivor|warrior|fighter|champ|champion|hero|kiddo|kid|little one|baby|toddler|"
    r"teen|teenager|veteran|family|couple|newborn|preemie|twins|sweet pea|superstar)\b"
    r"|\bpatient(?:'s|’s) (?:journey|story|recovery|words)\b|\bone of our (?:[\w-]+ ){0,2}(?:patients|survivors|"
    r"moms|mothers|dads|fathers|families|babies|kids|graduates|grads|warriors|veterans|heroes|fighters)\b"
    r"|\b(?:a|an|one|this|our) (?:\d{1,3}|[a-z]+(?:-[a-z]+)*)-(?:year|month|week|day)-(?:old|young)\b"
    r"|\b(?:a|an) (?:local|young|retired|former|proud) [\w-]+ (?:talks|shares|tells|describes|recalls|explains)\b"
    r"|\b(?:a|an|one) (?:[\w-]+ ){0,2}(?:dad|mom|father|mother|grandmother|grandfather|teacher|veteran|farmer|"
    r"nurse's (?:mom|dad)|son|daughter|wife|husband|patient|survivor|couple|family) (?:talks|shares|tells|"
    r"describes|recalls|explains|remembers)\b"
    r"|(?:'s|’s) (?:[\w-]+ ){0,2}(?:recovery|survival|cancer|stroke|transplant|heart|birth) (?:story|journey)\b"
    r"|\bfeatured in our [\w ]{0,30}: [A-Z]"
    # Spanish, French, Tagalog: "nuestra paciente", "la historia de", "son parcours", "kwento ni"
    r"|\b(?:nuestr|noss)[oa] (?:[\w-]+ )?paciente\b|\bnasz\w* (?:[\w-]+ )?pacjent(?:k[aię]|a|ce|em)?\b"
    r"|\bla historia de\b|\bel testimonio de\b|\bsu historia\b"
    r"|\bun[ao]? (?:[\w-]+ )?paciente\b(?! (?:portal|de la semana)\b)"
    r"|\best[ea] (?:[\w-]+ )?(?:guerrer[oa]|niñ[oa]|beb[ée]|paciente|campe[oó]na?|"
    r"sobreviviente|luchador[a]?|mam[áa]|pap[áa]|abuel[oa]|señora|señor|joven|muchach[oa])\b"
    r"|\b(?:một|các|những)? ?bệnh nhân (?:của chúng tôi|nhỏ)"
    r"|\bun[ao]? (?:[\w-]+ ){0,3}?(?:que|quien) (?:sufri[óo]|lleg[óo]|venci[óo]|super[óo]|recibi[óo]|naci[óo]|"
    r"luch[óo]|fue (?:operad|diagnosticad|trasplantad|atendid|hospitalizad)[oa])\b"
    r"|\bson parcours\b|\bsa gu[ée]rison\b|\bnotre (?:[\w-]+ )?patiente?\b"
    r"|\bkwento ni\b|\b(?:ating|aming|ang aming) pasyente\b"

    r"|\b(?:nicu|picu|icu|rehab|cardiac rehab|pulmonary rehab|burn unit|trauma) (?:grads?|graduates?|alumni|babies|"
    r"warriors?|survivors?)\b"
    r"|\b(?:a|one|this) (?:[\w-]+ )?patient(?:'s|’s)\b"
    r"|\bgrateful (?:mom|mother|dad|father|parent|parents|family|patient|daughter|son|wife|husband)\b"
    r"|\bnicu bab(?:y|ies)\b|\b(?:meet|welcome) the \w+ family\b|\bpatient(?:'s|’s) family\b"
    r"|\bin (?:his|her|their) own words\b|\b(?:his|her|their) (?:story|journey|recovery)\b"
    r"|\b(?:patient|survivor|mom|mother|dad|father|son|daughter|baby|kid|teen|grandmother|grandfather|veteran|"
    r"warrior|paciente|pacjent\w*|patiente?|mam[áa]|pap[áa]|sobreviviente|guy|girl|boy|man|woman|lady|one) "
    r"\((?:[\w ]{0,12})?(?:pictured|photo|in photo|right|left|center|centre|en la foto|na foto|sa larawan|na zdj\w+|zdj\w+|sur la photo)\b"
    r"|[—–] [^.!?]{0,40}\b(?:patient|paciente|pacjent\w*)\b(?!s)" + _NOT_PERSON +
    r"|\bgave me my life back\b"
    r"|\bour (?:favorite|favourite|oldest|youngest|littlest|tiniest) \w+(?<!s)\b(?! (?!(?:and|who|is|was|has|turned|just|"
    r"celebrates|finally)\b)[a-z]+\b)")
STORY = re.compile(
    r"\b(?:story|stories|testimonial|own words|pictured|photo|photos of|picture|video|watch|swipe|selfie|"
    r"vid[ée]o|v[íi]deo|regardez|mira|panoorin|historia|testimonio|felicidades|cumplea[ñn]os|gracias|orgullo|"
    r"merci|bravo|salamat|maligayang|kaarawan|foto|"
    r"shared with permission|courtesy of|celebrat\w*|birthday|congrat\w*|shout-?out|sending love|get well|"
    r"prayers|thank you|thanks|meet|welcome|graduated|went home|beat (?:her|his|their)|fundraiser|"
    r"recovery fund|support our|sweetest|photos|hearts? (?:is|are) full|vows|wedding|married|winner|proudly|"
    r"good vibes|favorite|favourite|says|rock star|hero|fighter|miracle|journey|"
    r"inspir\w+|milestone|first steps|back on|back to|wanted to share|happy|proud|love|arrived|welcomes|"
    r"remember|wishing|oldest|youngest|kind words|lovely card|framed|before and after|transformation|"
    r"before & after|how far|has come|spotlight|cheer\w*|legend|thinking of|feeling better|so glad|"
    r"can't wait|cannot wait|blogging|fighting|battling|rang the bell|walked|finished|(?:his|her|their) "
    r"first|first day|look who|came to visit|anniversary|secret|review|sweet|swears|asked for|never change|"
    r"airlifted|passed|lost a|service is|go get|cheering|every share|help with costs|loves?|follow|recovery|"
    r"discharged|(?:going|heading|headed|coming|came|is|back) home|honou?r\w*|brave|alert|decorated|"
    r"graduat\w+|got (?:her|his|their) [\w-]+ (?:out|off|removed)|(?:his|her|their) (?:smile|advice)|"
    r"talks about|shares how|opens up|tells|smile|rest in peace|rip|in memory|memorial|"
    r"condolences|heartbroken|miss (?:you|your|her|him|them)|marked|marks|"
    r"bòn fèt|bon fèt|conozcan|con[oó]zcanl[oa]|conoce a|obrigad[oa]|hist[óo]ria|compartilh\w+|"
    r"كل عام وأنت بخير|عيد ميلاد|thank-?you (?:note |card |letter )?from|handwritten|mailbag|(?:note|card|letter) from|tears|"
    r"last (?:visit|session|treatment|day|round)|final (?:visit|session|treatment|round)|cracking jokes|jokes|"
    r"antes y despu[ée]s|nos cuenta|recuperaci[óo]n|cảm ơn|trở lại|câu chuyện|"
    r"chúc mừng|sinh nhật|joyeux anniversaire|생일|生日快乐|生日快樂|feliz aniversário)\b|!!|생일|生日快乐"
    r"|['\"“‘][^'\"“”‘’]{8,}['\"”’]"
    r"|[📸🎥📹🎬🎉🥳🎈🎊🎂]|#\w*(?:monday|tuesday|wednesday|thursday|friday|story|journey|warrior|survivor|strong)\b")
OPERATIONAL = re.compile(
    r"\b(?:please (?:bring|call|contact|fax|send(?! (?:good|positive|healing|love|prayers|vibes|cards|wishes))|return|note|double check|whitelist|come|visit|move|add|verify)|"
    r"reminder for|refund|can someone|anyone from|it ticket|ticket|lockout|locked|timing out|session from|"
    r"login|log in|payment posted|(?:your|a|the|account|remaining|outstanding) balance|balance (?:due|owed|of \$)|denied|appeal\w*|hold-up|found (?:at|in|a|an)|lost (?:&|and) found|"
    r"valet|headlights|towed|blocking|transfer:|intake form|specimen|redraw|lab:|bed board|meal delivery|"
    r"home health visit|has been moved|confirming|mix-up|voicemail|call (?:us )?back|call them back|"
    r"we received your message|sort out|dm us|records request|add it to the chart|per (?:her|his|their) request|"
    r"returned by|needs cleaning|left behind|is at the|it's at|waiting for you at|on file|undeliverable|"
    r"billing|records request|lost:|found a|is this your|could the owner|can it|draft:|wrong window|outage|"
    r"registration note|is confirmed|is ready|locked out|follow-up call|needs a follow-up|is this yours|"
    r"if found|who's missing|is missing|front desk has|bounced|still right|verification|who has this)\b")
_YOUR_CARE = re.compile(r"\byour (?:[\w-]+ ){0,2}(?:surgery|replacement|transplant|recovery|treatment|chemo|rehab|"
                        r"therapy|procedure|stay|delivery|diagnosis)\b|\bfeeling better\b")
BABY_NAME = re.compile(r"\b[Bb]aby [A-Z]")
# The author saying the patient agreed is itself a sign of a patient feature (and not consent: see MESSAGE).
PERMISSION = re.compile(
    r"\b(?:shared|posted|used|published|shown|shared here|reposted) with (?:[\w'’]+ ){0,2}?(?:permission|consent|blessing)\b"
    r"(?! (?:from|of|by) (?:the |our )?(?:artists?|authors?|photographers?|illustrators?|creators?|designers?|"
    r"publishers?|owners?|museum|band|musicians?|journal|copyright))"
    r"|\b(?:compartid[oa]s?|publicad[oa]s?|usad[oa]s?) con (?:el )?(?:permiso|consentimiento|autorizaci[óo]n)\b"
    r"|(?:với|được) sự (?:đồng ý|cho phép)"
    r"|\bza (?:\w+ )?zgod[ąa]\b|\bavec (?:l'|l’)?(?:accord|autorisation|permission|consentement)\b"
    r"|허락을 받고|허락을 받아|허락하에|동의를 받고|동의하에"
    r"|con (?:su|el) (?:permiso|consentimiento)|com (?:a )?(?:permiss[ãa]o|autoriza[çc][ãa]o)"
    r"|\bwith (?:his|her|their|the family's|family's|mom's|dad's|parents'|their parents'|(?:his|her) (?:mom|dad|family)'s) (?:permission|consent|blessing)\b"
    r"|\b(?:gave|given) (?:us )?(?:the )?(?:ok|okay|go-ahead|green light|permission|consent)\b"
    r"|\b(?:ok|okay|permission|blessing|consent(?:ed)?) to (?:post|share|feature)\b")
# SUBJECT, STORY, OPERATIONAL and KINDS run on the lower-case copy.
KINDS = (("photo", re.compile(r"\b(?:photo|pictured|picture|selfie|swipe|image)\b|📸")),
         ("video", re.compile(r"\b(?:video|watch|reel|clip|footage)\b|[🎥📹🎬]")),
         ("audio", re.compile(r"\b(?:listen|podcast|audio|voice)\b|🎧")))
MESSAGE = ("This post features a patient (their story, name, photo or video). HIPAA requires the patient's "
           "written authorization before we publish it, and \"shared with permission\" in the text is not proof.")
FIX = "Link the patient's signed consent record to this draft (covering these channels), or remove what identifies them."


# ---- the scored decision ------------------------------------------------------------------------------
# Is this post a story about one identifiable person receiving care, meant for the public? No single cue
# decides: each kind of evidence adds to a score, and internal or operational wording takes away.
# Who (at least one is needed): a named person who is not staff/donor, an anonymous patient ("this
# 5-year-old", "one of our survivors"), a permission assertion, a personal handle, a narrative about one
# individual ("He came in with ...", "This little superhero ...", "Twin girls born at 26 weeks ..."), a
# first-person quote about care, an age over the policy's limit.
# What makes it a feature (at least one): story/celebration/gratitude words, media (photo, video), a care
# event told about the person, celebratory emoji and exclamations, hashtags about patients.
# What makes it internal: requests to colleagues, records/billing/IT words, "wrong chart", "do not post".
NARRATIVE = re.compile(
    r"(?:^|[.!?…]\s+|[—–]\s*|\n)\W*(?:he|she)\s+(?:just\s+|also\s+|finally\s+)?(?:came|comes|was|is|has|had|finished|beat|"
    r"walked|rang|went|survived|got|turned|arrived|left|brought|drove|showed|told|says|said|took|made|started|"
    r"learned|spent|fought|completed|graduated|celebrated|returned|visited|wanted|asked)\b"
    r"|\bthis (?:little|brave|sweet|tiny|young|amazing|strong|courageous|incredible|fierce|mighty) [a-z-]+"
    r"|\b(?:twin|triplet) (?:girls|boys|sisters|brothers|babies)\b|\btwins\b|\bborn (?:at|weighing) \d+"
    r"|\b(?:girl|boy|baby|little one) (?:who|born)\b")
# An apostrophe inside a word ("you're", "I've") opens or closes no quote.
FIRST_PERSON_QUOTE = re.compile(r"(?<![a-z])['\"“‘][^'\"“”‘’]{0,120}\b(?:i|me|my|i'm|i've|i was)\b[^'\"“”‘’]{0,120}"
                                r"['\"”’](?![a-z])")
CARE_EVENT = re.compile(
    r"\b(?:radiation|chemo\w*|transplant|surgery|discharged|admitted|diagnos\w+|gunshot|stroke|heart attack|"
    r"cancer|tumou?r|came in with|treated|recover\w*|rang the bell|dialysis|fracture|sepsis|trach|hospice|"
    r"post-op|rounds? of|cared for|bypass|discharge|outlived|amputation|delivered|preemie|weeks early|"
    r"trasplante|cirug[ií]a|sali[oó] del hospital|dad[oa] de alta|operaci[oó]n|rétablissement)\b")
EXTRA_STORY = re.compile(
    r"\b(?:beat (?:our|the|everyone|every)|challenge (?:him|her|them)|(?:also|now) (?:a|an) (?:retired|former|proud)|"
    r"still in (?:his|her|their)|after \d+ years|drove|brought|look at|felicidades|feliz|enhorabuena|gracias|"
    r"f[ée]licitations|bravo|parab[ée]ns|mabuhay|salamat)\b|#\w*(?:patient|love|proud|grateful|thankful|hero|"
    r"miracle|fighter|strong|brave)\w*")
CELEBRATE = re.compile(r"[!💙💚💛💜❤💕💖🥹😭😂🥰🦸🙏👏💪🎉🥳🏆]")
INTERNAL = re.compile(
    r"\b(?:legit|not sure who|who to ask|please (?:fix|log|wipe|resend|update|correct|flag|check|confirm|"
    r"verify|advise|help|remove|delete|reach out)|wrong (?:chart|chat|account|window|thread|patient|file)|"
    r"scanned|deleting|delete|audit|password|reset|do not post|don't post|note to self|pls|thx|fyi|asap|"
    r"prior auth|pre-?auth|case mgmt|paperwork|refurb|intake form|visible in|needs (?:his|her|their) "
    r"(?:ssn|mrn|dob|insurance|signature)|can (?:someone|anyone|it|you|we|pharmacy|security)|"
    r"(?:him|her|team|it|hr) flag|anyone (?:recogni[sz]e|know|seen)|for the group|who took|wants an update|with (?:any )?info|"
    r"call (?:security|the front desk|the desk|billing|admitting|us)|tow(?:ed| truck)|pick(?: |-)?up|"
    r"ring the|side door|fax (?:the|it|them|his|her|their)|\w+ summary|handoff|hand-off|report given|"
    r"(?:elopement|ip|infection control|security|safety|wandering|missing|silver|fall risk) alert|\w+ alert:|whoever(?:'s| has| is| took| got)|logged|registry|precautions|needs the|last seen|triage put|fix it|"
    r"por favor no|no compartan|no publiquen|huwag i-?post|"
    r"refusing (?:meds|medications|care)|npo after|charting|it note|flagged from|if that wasn't you|"
    r"(?:post-?op|neuro|vitals?|wound|pain|skin|safety) check)\b"
    r"|^\W*(?:[\w&/-]+ ){0,2}(?:team|desk|crew|dept|staff|unit)\s*:")
# A first-person post by a staff member about their own work, or an event recap for the public: the
# people and anecdotes in it are the author's colleagues and the crowd, not a patient featured.
STAFF_SELF = re.compile(
    r"\b(?:as an? (?:[\w-]+ ){0,2}(?:nurse|doctor|physician|medic|paramedic|therapist|tech|technician|pharmacist|"
    r"chaplain|surgeon|np|pa|cna|rn)\b|i'?ve precepted|precepting|hanging up my|my (?:co-?workers|colleagues|"
    r"preceptor|unit|team|badge|shift)\b|(?:years|months) as an? \w+|i need to vent|(?:came|come) out to our|"
    r"(?:came|stopped) by (?:our|the) (?:booth|table|tent)|(?:health|community|wellness) fair\b|"
    r"tag yourselves?\b|(?:\d+|hundreds of) people (?:came|showed|joined)|we screened)")
_ORG_PATIENT = re.compile(r"\s*(?:&|and)?\s*[A-Z]")  # "Patient & Family Advisory Council", "Patient Relations"


# Prefilters: SUBJECT and NARRATIVE cannot match unless one of these is in the lower-case text.
_SUBJECT_KEYS = ("patient", "testimonial", "this ", "one of our", "-old", "-young", "talks", "shares", "tells",
                 "describes", "recalls", "explains", "grad", "alumni", "babies", "warrior", "survivor", "grateful",
                 "nicu bab", "family", "own words", "story", "journey", "recovery", "gave me", "our favo",
                 "our old", "our young", "our little", "our tini", "remembers", "featured in", "paciente",
                 "historia", "testimonio", "parcours", "guérison", "guerison", "notre patient", "kwento",
                 "pasyente", "este ", "esta ", "bệnh nhân", " que ", " quien ", "pacjent", "notre ",
                 "pictured", "photo",
                 "foto", "zdj", "(right", "(left", "(cent")
_NARRATIVE_KEYS = ("he ", "she ", "this ", "twin", "triplet", "born ", "girl ", "boy ", "baby ", "little one")


# Bedside shorthand for one patient ("97m in rm 646-a", "100yo f"), the newest graduate of a programme, an
# anonymous person in a video, "our resident (pictured)", kin titles: behind its own prefilter.
SUBJECT_EXTRA = re.compile(
    r"\b\d{2,3}\s?(?:y/?o\s?)?[fm]\b(?=\s+(?:in|with|w/|from|s/p|pt|patient|came|admitted|on)\b)"
    r"|\b(?:newest|latest|first|youngest|oldest|proudest) (?:[\w-]+ ){0,2}?(?:graduates?|grads?) of (?:our|the)\b"
    r"|\b(?:watch|video|listen|hear)\b[^.!?]{0,30}\b(?:a|an|one|this) (?:[\w-]+ ){0,2}?(?:survivor|mother|father|mom|"
    r"dad|patient|veteran|woman|man|girl|boy|teen|grandmother|grandfather|family|couple|runner|athlete)\b"
    r"|\bour (?:resident|patient|keiki|little one)s? \((?:pictured|photo|left|right|center)\)"
    r"|\bthis keiki\b|\bgrann \w+|\bhajj?a \w+|\bيا حاج")
_EXTRA_SUBJECT_KEYS = ("watch", "video", "listen", "hear ", "keiki", "our resident", "grann", "haj", "يا حاج", "grad")
_AGE_SEX = re.compile(r"\d(?:\s?y/?o)?\s?[fm]\b")  # prefilter for "97m in rm 646-a"


# A quoted testimonial signed by a patient or their family ("..." ⭐⭐⭐⭐⭐ — a parent; "..." —— 一位病人;
# "..." — anak ng isang pasyente), not by a staff member ("..." — Dr. Ruiz, our CMO; "..." — a nurse).
TESTIMONIAL = re.compile(
    r"['\"”’»」][^\w\n]{0,16}(?:[—–―]{1,2}|--?)\s*"
    r"(?![^\n]{0,60}(?:\b(?:dr|md|do|rn|np|pa|lpn|cna|ceo|cmo|cno|coo|president|director|manager|chief|volunteer|"
    r"nurse|physician|surgeon|specialist|therapist|chaplain|staff|doctor|provider|resident|fellow|student|"
    r"pharmacist|tech|coordinator|educator|enfermer[oa]|doctor[a]?|m[ée]dic[oa])\b))"
    r"[^\n.!?]{0,50}?(?:\b(?:mom|mother|dad|father|parents?|family|patient|pt|caregiver|daughter|son|wife|husband|"
    r"grandma|grandpa|grandmother|grandfather|survivor|participant|madre|padre|mam[áa]|pap[áa]|hij[oa]|familia|"
    r"paciente|pasyente|pasyan|anak|nanay|tatay|patiente?|bệnh nhân|bukaan)\b|病人|患者|환자|مريض)")


# Someone anonymous telling their own care in a video ("🎥 A mom thanks our transport team ...", "Video: una
# madre cuenta cómo nuestro equipo ..."); not staff explaining their work ("Watch: a nurse shares tips").
VIDEO_TELLER = re.compile(
    r"(?:[🎥📹🎬]|\b(?:video|watch|vid[ée]o|v[íi]deo|mira|panoorin)\b)[^.!?\n]{0,20}?"
    r"\b(?:a|an|one|this|una?|isang)\s+"
    r"(?!(?:[\w-]+\s+){0,3}?(?:staff|nurse|nurses|doctor|physician|surgeon|provider|dietitian|pharmacist|"
    r"therapist|specialist|tech|chaplain|volunteer|resident|student|expert|educator|coordinator|member of|"
    r"enfermer[oa]|m[ée]dic[oa]|doctora?|nutri|voluntari[oa]|especialista)\w*\b)"
    r"(?:[\w-]+\s+){0,3}?(?:shares|tells|thanks|talks|describes|recalls|explains|remembers|cuenta|comparte|"
    r"agradece|relata|narra|nos cuenta|recuerda|ibinahagi|nagkukuwento)\b")


_VIDEO_KEYS = ("🎥", "📹", "🎬", "video", "watch", "vídeo", "mira", "panoorin")


def _anonymous_subject(text: str, lower: str):
    m = _subject(text, lower)
    if m is None and (any(k in lower for k in _EXTRA_SUBJECT_KEYS) or _AGE_SEX.search(lower)):
        m = SUBJECT_EXTRA.search(lower)
    if m is None and ("—" in lower or "–" in lower or "-" in lower or "―" in lower):
        m = TESTIMONIAL.search(lower)
    if m is None and any(k in lower for k in _VIDEO_KEYS):
        m = VIDEO_TELLER.search(lower)
    return m


_GENERIC_WHO = re.compile(r"\b(?:every|each|any|all (?:the|our)) [\w-]+ (?:who|by)\b[^.!?]{0,40}$")


def _subject(text: str, lower: str):
    if not any(k in lower for k in _SUBJECT_KEYS):
        return None
    for m in SUBJECT.finditer(lower):
        if _GENERIC_WHO.search(lower, max(0, m.start() - 60), m.start()):
            continue  # "thank you to every mom who let us be part of her story": everyone, no one featured
        if _NOT_A.search(lower, max(0, m.start() - 8), m.start()):
            continue  # "This is not a patient. This is Rocky, our therapy dog"
        i = lower.find("patient", m.start(), m.end())
        if i >= 0 and text[i] == "P" and _ORG_PATIENT.match(text, i + 7):
            continue  # a department named after patients, not a patient
        return m
    return None


# The post is about many people or credits a non-patient: the classifier alone must not make it one
# patient's story ("to every dad who let us share his story", "shared with permission from the artist").
NOT_ONE_PATIENT = re.compile(
    r"\b(?:every|each) (?:\w+ )?(?:dad|mom|mother|father|parent|patient|family|veteran|survivor|nurse|one of you)\b"
    r"|\ball (?:the |our )?(?:\w+ )?(?:dads|moms|mothers|fathers|parents|patients|families|veterans|survivors)\b"
    r"|\b(?:permission|consent|blessing) (?:from|of|by) (?:the |our )?(?:artists?|authors?|photographers?|"
    r"illustrators?|creators?|designers?|publishers?|owners?|museum|band|musicians?|journal)\b")


# The person the post features is a volunteer, a staff member honoured or a public figure, said in so many
# words: their story is theirs to tell, not a patient's ("Volunteer spotlight: <name>, 78 ...", "nuestra
# voluntaria <name>", "our Daisy Award winner", "on her retirement", "Grammy-winning singer").
NON_PATIENT_FEATURE = re.compile(
    r"^\W*(?:volunteer|staff|employee|nurse|team|colleague|caregiver|donor)s? (?:spotlight|story|stories|"
    r"of the (?:month|year|week|quarter))\b"
    r"|\bvoluntari[oa] (?:del mes|desde|de (?:la|el|los))\b|\bha(?:s|ve) volunteered\b"
    r"|\b(?:daisy|bee|sunflower) award\b|\b(?:employee|nurse|volunteer|staff member) of the (?:month|year|quarter)\b"
    r"|\bon (?:her|his|their) retirement\b|\bretir(?:es|ing|ement) after\b|\b(?:is|are) not (?:a |our )?patients?\b"
    r"|\b(?:grammy|oscar|emmy|tony|olympic)(?:-| )(?:winning|award-winning|medalist)\b")
# "Our volunteer Walter ...", "nuestra voluntaria Consuelo", "nuestro voluntario más veterano, Don Aurelio" (the
# volunteer is the person named; not "our volunteer knitters made a shawl for <patient>").
_OUR_VOLUNTEER = re.compile(r"\b(?i:our|nuestr[oa]|notre|nossa|nosso) (?:[\w-]+ ){0,2}?(?i:volunteer|voluntari[oa]|"
                            r"b[ée]n[ée]vole)(?:,? (?:[A-Z]|(?i:del mes|de \d|m[áa]s \w+,? [A-Z])))")
# A staff honour names its own patient ("a patient's family nominated her"): that patient is not featured.
_STAFF_HONOUR = re.compile(r"\b(?:daisy|bee|sunflower) award\b|\bon (?:her|his|their) retirement\b|"
                           r"\bretir(?:es|ing|ement) after\b|\bnominated (?:her|him|them)\b")
# Prefilter: NON_PATIENT_FEATURE and _OUR_VOLUNTEER cannot match unless one of these is in the lower-case text.
_NON_PATIENT_KEYS = ("volunt", "bénévole", "benevole", "spotlight", "story", "stories", "of the", "award", "retir",
                     "winning", "medalist", "not a patient", "not our patient", "not patient")
_NOT_A = re.compile(r"\b(?:not|no|isn't|never) $")


def permission_like(lower: str) -> bool:
    return "permission" in lower or "permiso" in lower or "pahintulot" in lower


def _decide(post, text, lower, people, subject):
    """(score, is_feature): the weighed evidence that the post features a patient."""
    who = 2 if people else 0
    if subject is not None:
        who += 2
    narrative = NARRATIVE.search(lower) if any(k in lower for k in _NARRATIVE_KEYS) else None
    quote = FIRST_PERSON_QUOTE.search(lower)
    if not people and any(p.role != "person" for p in post.people):
        # "'I became a nurse because ...' Meet Ana Ruiz, charge nurse", "Meet Dr. Ruiz! She started here in
        # 2005 ...": the words and the story are the staff member's
        quote = narrative = None
    if narrative:
        who += 2
    if quote:
        who += 2
    if any(v > post.policy.phi_age_over for *_, v in post.ages):
        who += 1
    if who < 2:
        return 0, False
    feature = 0.0
    if STORY.search(lower):
        feature += 1
    if CARE_EVENT.search(lower):
        feature += 1
    if EXTRA_STORY.search(lower):
        feature += 1
    if narrative or quote:
        feature += 1
    if CELEBRATE.search(text):
        feature += 0.5
    internal = 0
    if OPERATIONAL.search(lower):
        internal += 1
    if INTERNAL.search(lower):
        internal += 1
    if not permission_like(lower) and STAFF_SELF.search(lower):
        internal += 1
    # Public-facing: the feature cues outweigh the internal ones (a request to colleagues that happens to
    # say "thanks" or tell what the patient did is still an internal note).
    public = min(feature, 2.0) - 1.5 * internal
    score = min(who, 4) + public
    return score, public >= 1 and score >= 3


def check(post) -> list[Finding]:
    text, lower = post.folded.text, post.folded.lower
    personal = post.patient_context or _YOUR_CARE.search(post.folded.lower) is not None
    people = [p for p in post.people if p.role == "person" and (p.strong or personal)]
    subject = _anonymous_subject(text, lower) or BABY_NAME.search(text)
    permission = PERMISSION.search(lower)
    handles = post.personal_handles
    if subject is None and handles:
        subject = handles[0]
    if permission is None and any(k in lower for k in _NON_PATIENT_KEYS) and \
            (NON_PATIENT_FEATURE.search(lower) or _OUR_VOLUNTEER.search(text)) and \
            (subject is None or _STAFF_HONOUR.search(lower)):
        return []  # the post features a volunteer, an honoured colleague or a public figure, said so
    source = "rule:consent.score"
    if permission is not None:
        subject = subject or permission  # the author says the patient agreed: a patient feature, whatever else
        source = "rule:consent.permission_assertion"
    else:
        score, feature = _decide(post, text, lower, people, subject)
        if feature:
            if post.story_p < STORY_MODEL_VETO:
                return []  # the rules' cues are there, but the classifier reads staff news, an event or a note
            source = f"rule:consent.score, model:story p={post.story_p:.2f}"
        elif not (post.story_p >= STORY_MODEL_SURE or (score >= 2 and post.story_p >= STORY_MODEL_MIN
                                                        and not INTERNAL.search(lower))):
            return []  # the classifier decides when the rules see someone (who) but weigh the story cues low
        elif not people and NOT_ONE_PATIENT.search(lower):
            return []  # the classifier alone, on a post about many people or a non-patient's work
        else:
            source = f"model:story p={post.story_p:.2f}"  # no rule fired; the classifier reads a patient story
    if subject is None and not people:
        subject = (NARRATIVE.search(lower) or FIRST_PERSON_QUOTE.search(lower) or CARE_EVENT.search(lower)
                   or re.search(r"\S", lower))
    if subject is None and not people:
        return []
    kinds = {"story"} | ({"name"} if people else set())
    kinds |= {k for k, rx in KINDS if rx.search(lower)}
    anchor = people[0] if people else None
    s, e = (anchor.start, anchor.end) if anchor else subject.span()
    names = [text[p.start:p.end] for p in people]
    matched = [_matching_consent(post, kinds, [n]) for n in names] if names else [_matching_consent(post, kinds, [])]
    if all(c is not None for c in matched):
        used = list({c.id: c for c in matched}.values())
        which = "; ".join(f"#{c.id} ({c.subject_name})" for c in used)
        msg = f"Patient consent {which} covers this post ({', '.join(sorted(kinds))})."
        return [post.finding("consent", "patient_story", "info", s, e, msg, RULE, "", source=source)]
    need = ", ".join(sorted(kinds))
    missing = [p for p, c in zip(people, matched) if c is None]
    if missing:  # point at the first person still without a consent, naming who needs one
        s, e = missing[0].start, missing[0].end
    msg = f"{MESSAGE} Needed: {need}."
    if source.startswith("model:"):  # the classifier alone decided: nothing to agree with
        return [post.finding("consent", "patient_story", "block", s, e, msg, RULE, FIX, source=source)]
    rule_source = source.partition(", model:")[0]
    verdict = agreement.consent(post, "block")
    return [post.finding("consent", "patient_story", verdict.severity, s, e,
                         msg + agreement.explain(rule_source, verdict), RULE, FIX,
                         source=agreement.source(rule_source, verdict))]


def _fold_name(name: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", name.lower()).split()


def _name_matches(subject_name: str, names: list[str]) -> bool:
    if not names:
        return True  # nobody named in the text: the linked record is the reviewer's statement of who it is
    full = _fold_name(subject_name)
    for n in names:
        toks = _fold_name(n)
        if toks and all(any(f == t or (len(t) == 1 and f.startswith(t)) for f in full) for t in toks):
            return True
    return False


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _matching_consent(post, kinds, names):
    now = _aware(post.now or datetime.now(timezone.utc))
    for c in post.consents:
        if not kinds <= set(c.covers) or not _in_force(c, post.channels, now):
            continue
        if _name_matches(c.subject_name, names):
            return c
    return None


# ---- what a valid consent changes in the other checks' findings --------------------------------------
# The person who agreed may be named, and the story details they agreed to (their age, what they were
# treated for) may be told; nothing else. MRN, room, date of birth, phone … stay `block` unless the
# organisation's policy lists their category in `consented_categories`.
STORY_CATEGORIES = frozenset({"age"})


def apply_consents(post, findings: list[Finding]) -> list[Finding]:
    """`findings` with the consented person's PHI name, age and story findings turned into `info`.

    A name is relaxed by a valid consent that names that person and covers what the post uses; story
    details (ages, the policy's consented categories) only when the consent check found the whole post
    covered (an `info` consent finding: every person it features has a valid, in-scope consent).
    """
    if not post.consents:
        return findings
    covered = any(f.check == "consent" and f.severity == "info" for f in findings)
    lower = post.folded.lower
    kinds = {"story", "name"} | {k for k, rx in KINDS if rx.search(lower)}
    extra = frozenset(post.policy.consented_categories)
    out = []
    for f in findings:
        if f.check != "phi" or f.severity == "info":
            out.append(f)
            continue
        c = None
        if f.category == "name":
            c = _matching_consent(post, kinds, [f.text])
        elif covered and (f.category in STORY_CATEGORIES or f.category in extra):
            c = _matching_consent(post, kinds - {"name"}, [])
        if c is None:
            out.append(f)
            continue
        out.append(replace(f, severity="info", fix="", message=(
            f"{f.message} Covered by patient consent #{c.id} ({c.subject_name}): "
            f"{'their name' if f.category == 'name' else 'a detail of their story'} may be published.")))
    return out


def faces_under_consent(findings: list[dict], consents, face_links: dict, channels, now: datetime) -> list[dict]:
    """Stored attachment findings with each consented face turned into `info` naming the consent.

    `face_links` maps (attachment_id, (x, y, w, h)) to the consent id the author linked to that face. An
    attachment with exactly one face and no face linked on the draft takes the one valid photo consent
    when exactly one is linked (a single portrait of the consented patient).
    """
    now = _aware(now)
    valid = {c.id: c for c in consents if "photo" in c.covers and _in_force(c, channels, now)}
    faces = [f for f in findings if f.get("policy") == "attachment.face"]
    per_attachment: dict = {}
    for f in faces:
        per_attachment.setdefault(f.get("attachment_id"), []).append(f)
    out = []
    for f in findings:
        if f.get("policy") != "attachment.face":
            out.append(f)
            continue
        aid, box = f.get("attachment_id"), tuple(f.get("box") or ())
        cid = face_links.get((aid, box))
        if cid is None and not any(k[0] == aid for k in face_links) and len(per_attachment[aid]) == 1 \
                and len(valid) == 1:
            cid = next(iter(valid))
        c = valid.get(cid)
        if c is None:
            out.append(f)
            continue
        out.append({**f, "severity": "info", "consent_id": c.id,
                    "message": f"{f['message']} Covered by photo consent #{c.id} ({c.subject_name})."})
    return out


def _in_force(c, channels, now: datetime) -> bool:
    if c.revoked or c.valid_from and _aware(c.valid_from) > now or c.valid_until and _aware(c.valid_until) < now:
        return False
    return not c.channels or set(channels) <= set(c.channels)


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
SUBJECT, PERMISSION, _ORG_PATIENT = map(gated, (SUBJECT, PERMISSION, _ORG_PATIENT))
STORY, NARRATIVE, OPERATIONAL = map(gated, (STORY, NARRATIVE, OPERATIONAL))
NON_PATIENT_FEATURE, STAFF_SELF, _STAFF_HONOUR, CARE_EVENT, FIRST_PERSON_QUOTE = \
    map(gated, (NON_PATIENT_FEATURE, STAFF_SELF, _STAFF_HONOUR, CARE_EVENT, FIRST_PERSON_QUOTE))
