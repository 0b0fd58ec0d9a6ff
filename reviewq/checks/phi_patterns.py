"""Patterns for the HIPAA Safe Harbor identifiers other than names, dates and ages.

Only regexes and tiny helpers live here; phi.py decides severity from context.
All patterns run on folded text (zero-width characters removed, full-width
digits made ASCII).
"""
from __future__ import annotations

import re

from reviewq.checks.fastre import gated

# An identifier value after a keyword: letters/digits in groups joined by single - . / or space.
_VALUE = r"(?P<v>[A-Z0-9](?:[A-Z0-9]|[-./: ](?=[A-Z0-9])){3,30})"
_SEP = (r",?\s*\(?\s*(?:[:#]|no\.?|number|num\.?|id|is)?\s*(?:(?:on file|on record|we have|listed|used|"
        r"ending in|that ends in|ends in)\s*)?(?:[:#]\s*)?")
KEYWORDS = [
    ("vehicle", r"licen[cs]e plate|plate(?: number| no\.?| #)?|tag number|vin|vehicle identification number|"
                # Spanish, Portuguese, French: "placas EXX-4921", "matrícula 4821-KLM", "plaque AB-123-CD"
                r"placas?(?: de (?:circulaci[óo]n|matr[íi]cula))?|matr[íi]cula|tablilla|plaque d'immatriculation"),
    ("mrn", r"mrns|mrn|mr ?#|mr no\.|medical record(?: number| no\.?| #)?|med rec|chart(?: number| no\.?| #)|"
            r"chart(?= ?[#:]? ?\d)|(?:n[úu]mero|no\.?|n[°º]) de expediente|expediente(?: m[ée]dico| cl[íi]nico)?|historia cl[íi]nica|"
            r"num[ée]ro de dossier|dossier(?: m[ée]dical)?|record #"),
    ("ssn", r"ssns|ssn|ss#|social security(?: number| no\.?| #)?|soc\.? sec\.?"),
    ("health_plan", r"member(?: id| #| number| no\.?)?|mbi|ins\.?(?= ?[#:]? ?[a-z0-9]*\d)|medicare(?: id| number| #| no\.?)?|medicaid(?: id| number| #)?|"
                    r"insurance(?: id| number| #| no\.?)|policy(?: #| number| no\.?)|subscriber(?: id| #| number)|"
                    r"group(?: #| number)|health plan(?: id| #| number)?|beneficiary(?: id| number)|plan(?: id| no\.?| number| #)"),
    ("account", r"account|acct\.?|a/c|card(?: number| no\.?| #)|full number is|routing(?: number| #)|"
                r"invoice(?: #| number)|iban|bank account"),
    ("license", r"(?:driver'?s? |emt |nursing |medical |professional |pilot'?s? )?licen[cs]e(?! plate)|dl ?#|"
                r"permit(?: #| number)|dea(?: #| number)?|npi|passport(?: #| number| no\.?)?|dl(?= ?[#:]? ?[a-z]*\d)|"
                r"licencia(?: de (?:conducir|manejo))?|carteira de motorista|permis de conduire"),
    # a biometric template or enrolment id: "template PV-240216", "fingerprint id 7731-A"
    ("biometric", r"biometric(?: id| template| #| number)?|(?:palm[- ]?vein|fingerprint|finger ?print|iris|retina|"
                  r"face|facial|voice) (?:template|scan|print|id|enrol?lment)(?: id| #| number)?|template(?: id| #)?|"
                  r"voiceprint|faceprint"),
    ("device", r"serial(?: number| no\.?| #)?|s/n|sn|device(?: id| sn| serial| #| number)?|implant(?: id| #)|"
               r"udi|imei|mac address"),
    # a named medical device followed by its unit id: "CPAP unit LDPEE1S18V", "insulin pump 44-XT-2093"
    ("device2", r"(?:cpap|bipap|apap|concentrator|insulin pump|pump|glucose monitor|cgm|monitor|receiver|"
                r"hearing aid|pacemaker|defibrillator|icd|nebuli[sz]er|ventilator|wheelchair|walker|"
                r"scooter|tens unit|sensor|transmitter)(?: unit| machine| device)?"),
    ("other_id", r"(?:her|his|their|pt'?s|patient'?s) #|patient id|case(?: #| number)|claim(?: #| number)|employee id|student id|"
                 r"rx ?(?:#|number|no\.?)|prescription(?: #| number| no\.?)|order(?: #| number)"),
]
# Run KEYWORD on the lower-case copy (fast), then VALUE at its end on the folded text (case matters).
KEYWORD = re.compile("(?<![a-z0-9])(?:" + "|".join(r"(?P<%s>%s)" % (cat, kw) for cat, kw in KEYWORDS) + ")"
                     + _SEP)
VALUE = re.compile(_VALUE + "(?![A-Za-z0-9])")
# A further value of the same kind in a list after the first: "MRNs: 00482913, 00482914 and 00482915".
NEXT_VALUE = re.compile(r"\s*(?:,|;|/|&|\band\b|,\s*and\b)\s*(?:#\s*)?" + _VALUE + "(?![A-Za-z0-9])")
SSN = re.compile(r"(?<![\d\w-])\d{3}([-. ])\d{2}\1\d{4}(?![\d-])")
CARD = re.compile(r"(?<![\d-])(?:\d{4}[- ]){3}\d{4}(?![\d-])|(?<![\d-])\d{15,16}(?![\d-])")
IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\d|\.\d)")
# IPV6, MAC, ZIP and ROOM run on the lower-case copy.
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}:"
                  r"(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}(?![\w:])")
MAC = re.compile(r"(?<![\w:])(?:[0-9a-f]{2}[:-]){5}[0-9a-f]{2}(?![\w:])")
VIN = re.compile(r"(?<![A-Z0-9])(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])[A-HJ-NPR-Z0-9]{17}(?![A-Z0-9])")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
HANDLE = re.compile(r"(?<![\w@./])@(?P<h>[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)")
PHONE = re.compile(
    r"(?<![\w+$#.\-/])(?:\+\s?1[-. ]?\s?|1[-. ])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-]|\.\d)"
    r"|(?<![\w+$#.\-/])\+\s?1\s?\d{10}(?!\d)")
PHONE_BARE = re.compile(r"(?<![\w+$#.\-/])(?:1)?[2-9]\d{9}(?![\w-])")
PHONE_BARE_BEFORE = re.compile(r"\b(?:call|calls|called|calling|text|texts|texted|voicemail|phone|cell|mobile|tried|"
                               r"number|reach|reached|dial|tel|contact)\b(?:[^.!?\d]|(?<=\b(?:mr|ms|dr|st))\.|"
                               r"(?<=\bmrs)\.){0,30}$")
ZIP = re.compile(r"\bzip(?: ?code)?:?\s*(?P<v>\d{5}(?:-\d{4})?)\b")
STREET = re.compile(
    r"\b\d{1,6}(?:\s+[NSEW]\.?)?\s+(?:[A-Z0-9][A-Za-z0-9]*\.?\s+){1,3}"
    r"(?:St|Street|Rd|Road|Ave|Avenue|Blvd|Boulevard|Dr|Drive|Ln|Lane|Way|Pl|Place|Ct|Court|Pkwy|Parkway|"
    r"Cir|Circle|Ter|Terrace|Hwy|Highway|Trl|Trail|Loop|Sq|Square|Row|Pike|Run)\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*#?[\w-]+)?"
    r"(?:,\s+[A-Z][a-z]+(?:['’-][a-z]+)?(?:\s[A-Z][a-z]+)?(?:,\s+[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?)?")
# After a number read as a room: not a duration, a time of day or an amount ("my mom in 20 minutes", "in 3 hrs").
_NOT_AN_AMOUNT = (r"(?!\s*(?:min|mins|minutes|hours?|hrs?|days?|weeks?|months?|years?|yrs?|am|pm|a\.m|p\.m|%|mg|lbs?|"
                  r"kg|times|percent|degrees|feet|miles|x)\b)")
ROOM = re.compile(r"(?<![\w-])(?<!class)(?<!conference )(?<!meeting )(?<!community )(?<!board )(?<!waiting )"
                  r"(?<!ambulance )(?<!loading )(?<!sick )(?<!large )(?<!small )(?<!private )"
                  r"(?:room|rm\.?|bed|bay|icu|nicu|picu|cicu|ccu|pacu|suite|habitaci[óo]n|cuarto|cama|chambre|lit|"
                  r"er|chair|stretcher|pod|recliner|cubicle|"
                  r"kuwarto|silid|ph[òo]ng|quarto|leito)(?:\s+(?:number|no\.?|n[úu]mero|n[°º]|#))?\s*[#(-]?\s*"
                  r"(?P<v>(?:[a-z]{1,5}-)?[a-z]?\d{1,4}[a-z]?(?:-\d{1,3}|-[a-z](?![a-z]))?)(?![\w-])"
                  r"|(?<![\w-])bed (?P<v3>[a-f])(?![\w'’-])"
                  r"|\b(?:pt|patient|paciente|resident|guy|lady|gentleman|woman|man|kid|baby|mom|dad) (?:in|en) "
                  r"(?:room |rm )?(?P<v4>\d{2,4}[a-z]?)(?![\w-])" + _NOT_AN_AMOUNT +
                  r"|(?:→|->)\s*(?P<v2>[a-z]?\d{1,4}[a-z]?)(?![\w-])")
VEHICLE_PAREN = re.compile(r"\b(?:car|vehicle|truck|van|suv|sedan|minivan|pickup|motorcycle|toyota|honda|ford|"
                           r"chevy|chevrolet|nissan|subaru|kia|hyundai|jeep|tesla|bmw|mercedes|audi|volkswagen|"
                           r"vw|mazda|dodge|ram|gmc|buick|cadillac|lexus|acura|volvo|mini|mitsubishi|prius|"
                           r"civic|corolla|camry|leaf|soul|outback|malibu|f-150)\b[^.!?()]{0,25}\(\s*"
                           r"(?P<v>(?=[a-z0-9-]*\d)(?=[a-z0-9-]*[a-z])[a-z0-9]{1,4}-?[a-z0-9]{2,5})\s*\)")
# "#72397531 still waiting on transport": a bare number of 6+ digits used as a hashtag is a record number.
HASH_NUMBER = re.compile(r"(?<![\w#&])#\s?(?P<v>\d[\d-]{4,14}\d)(?![\w-])")
# A photo's file name: "IMG_9439.HEIC", "PXL_20260418_191134.jpg" (the file itself identifies a patient's photo).
PHOTO_FILE = re.compile(r"(?<![\w.-])(?:IMG|DSC|DSCN|PXL|DCIM|PHOTO|VID|MVIMG|Screenshot|Snapchat|signal|WhatsApp Image)"
                        r"[_ -]?[\w-]*\.(?:heic|heif|jpe?g|png|dng|mov|mp4|gif|webp)\b", re.IGNORECASE)
# A zip code in brackets after a town: "of Fitzwilliam (03452)".
ZIP_PAREN = re.compile(r"(?<=[A-Za-z]) \((?P<v>\d{5}(?:-\d{4})?)\)")
# A room right after a patient's name (or name and age): "mr vandermeer in 342b", "stroud, 91, 257b".
ROOM_AFTER_NAME = re.compile(r"(?:\s+(?:in|en)\s+(?:room\s+|rm\.?\s+|bed\s+)?(?P<r>\d{2,4}[a-z]?)"
                             r"|,\s*(?:\d{2,3},\s*)?(?P<v>\d{2,4}[a-z]|\d{1,4}-[a-z]))(?![\w-])", re.IGNORECASE)
# A room, bay or bed told of one person, named or not: "the gentleman in 602B", "the kid in bay 3", "the 102 yo in
# 417", "bay 5 just asked if ..." (the bed stands for the patient in it). Lower-case text; not "a man in 20 minutes".
PERSON_IN_ROOM = re.compile(
    r"\b(?:pt|patient|paciente|resident|guy|lady|gentleman|gent|woman|man|kid|kiddo|baby|toddler|teen|girl|boy|mom|dad|"
    r"grandma|grandpa|abuel[oa]|señora|señor|\d{2,3}\s?(?:yo|y/o|y\.o\.)(?:\s?[fm])?)\s+(?:in|en)\s+(?:the\s+|el\s+|la\s+)?"
    r"(?:(?:trauma|hallway|hall|isolation|corner|er|ed)\s+)?"
    r"(?:(?:room|rm\.?|bed|bay|pod|chair|hall|cuarto|cama|stretcher)\s*#?\s*(?P<a>\d{1,4}[a-z]?)|(?P<b>\d{1,4}[a-z]|\d{1,4}))"
    r"(?![\w-])" + _NOT_AN_AMOUNT + r"(?![.,]\d)"
    r"|\b(?:bay|bed|rm|room)\s+(?P<c>\d{1,4}[a-z]?)\s+(?:just\s+|now\s+|also\s+|literally\s+|still\s+)?(?:asked|asks|wants|"
    r"wanted|says|said|told|tells|yelled|pulled|refused|called|is asking|is yelling|keeps asking|keeps calling)\b")
# An age in bedside shorthand right after the number ("103yo", "91 y/o", "99F"): one patient's age, never a statistic.
BEDSIDE_AGE_AFTER = re.compile(r"\s?(?:yo|y/o|y\.o\.?|yr old|yrs old)(?![a-z])|[fm]\b")
# A record number in brackets right after a name: "Aurelio McBride (00242527)".
ID_AFTER_NAME = re.compile(r"\s*\((?P<v>\d{6,12})\)")
# A bare room number with a letter in a post about someone: "delivered mail to 452A".
BARE_ROOM = re.compile(r"(?<![\w#$/.-])(?P<v>\d{3,4}[A-F])(?![\w-])")
MRN_GLUED = re.compile(r"(?<![\w-])mr\d{5,10}(?![\w-])")
SSN_BARE = re.compile(r"(?<![\w-])\d{9}(?![\w-])")
# "the crash near Elk Hollow", "drop them off in Fairhaven Glen", "works as an EMT in West Tillman": a place
# tied to what happened to someone or where they live or work (phi.py keeps it only in a post about someone).
TOWN_AFTER_EVENT = re.compile(
    r"\b(?:(?:crash|accident|collision|wreck|fire|fall|incident|rollover|flood|storm|tornado|shooting|drowning)"
    r"\s+(?:near|in|outside(?: of)?|on the way to|just outside)"
    r"|(?:drop|bring|deliver|take|mail|send|ship)\w*\s+(?:(?:it|them|him|her|these|those|the \w+)\s+)?(?:off\s+)?(?:in|to)"
    r"|works?\s+(?:as\s+(?:an?\s+)?(?:[\w-]+\s+){1,3}?)?in|farms?\s+(?:near|in|outside))"
    r"\s+(?P<v>[A-Z][^\W\d_]+(?:\s[A-Z][^\W\d_]+){0,2})(?![\w])(?!\s*[#-]?\s*\d)")
TOWN_AFTER_NAME = re.compile(r"^(?:,\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?from|\s+(?:from|of))\s+(?P<v>[A-Z][^\W\d_]+(?:\s[A-Z][^\W\d_]+)?(?![\w])(?!\s*[#-]?\s*\d)|\d{5}(?![\w-]))")
# "she lives in Ozark", "heading home to Clinton": a town after a word about where someone lives.
TOWN_AFTER_HOME = re.compile(
    r"\b(?:lives?|living|lived|resides?|residing|resident|moved|moving|hometown|native|grew up|raised|"
    r"home|back home|heading home|headed home|went home|going home|returns? home|returned home|back|"
    r"drove in|drives in|drove up|drove down|drove|flew in|travell?ed|commuted?|commutes)"
    r"\s+(?:(?:is|was)\s+)?[\"“]?(?:in|to|of|from|near)\s+(?P<v>[A-Z][^\W\d_]+(?:\s[A-Z][^\W\d_]+)?(?:,\s[A-Z]{2}(?:\s\d{5}(?:-\d{4})?)?(?!\d))?)(?![\w])"
    r"(?!\s*[#-]?\s*\d)")
PERSONAL_SITES = ("caringbridge.org", "gofundme.com", "instagram.com", "facebook.com", "fb.com", "tiktok.com",
                  "twitter.com", "x.com", "linkedin.com", "youtube.com", "blogspot.com", "wordpress.com",
                  "medium.com", "venmo.com", "cash.app", "givesendgo.com", "spotfund.com", "mealtrain.com",
                  "lotsahelpinghands.com", "threads.net", "snapchat.com", "pinterest.com", "substack.com")
FREE_MAIL = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "aol.com", "icloud.com",
             "me.com", "msn.com", "comcast.net", "att.net", "verizon.net", "protonmail.com", "proton.me",
             "ymail.com", "sbcglobal.net", "mail.com", "gmx.com", "cox.net", "charter.net", "earthlink.net")
GENERIC_MAILBOX = re.compile(r"^(?:info|contact|hello|media|press|news|careers|jobs|hr|volunteer\w*|foundation|"
                             r"giving|donate|events?|marketing|communications|comms|pr|support|help|billing|"
                             r"records|privacy|compliance|admin|webmaster|office|frontdesk|appointments|"
                             r"scheduling|feedback|patientexperience|noreply|no-reply)$", re.IGNORECASE)
# (Patterns from here on run on the lower-case copy.)
# Words just before a phone number that make it the organisation's (an invitation to call us).
ORG_PHONE_BEFORE = re.compile(
    r"(?:\b(?:fax referrals|referrals|by fax|fax us|fax line|fax number|our fax|fax|calling|dial|text|contact|reach us|reach|phone|tel|line|hotline|number|desk|office|"
    r"security|billing|scheduling|appointments?|us|center|centre|clinic|team|department|dept)\b[^.!?]{0,25}?"
    r"|\b(?:call|text|dial)\s*)[:\-–—]?\s*(?:at|on|is)?\s*[:\-–—]?\s*$")
PERSONAL_PHONE_BEFORE = re.compile(
    r"\b(?:her|his|him|their|you|your|my|cell|mobile|home|personal|pharmacy|wife|husband|daughter|son|"
    r"on file|on record|poa|attorney|lawyer|guardian|caregiver|next of kin|emergency contact|[a-z]+'s office|"
    r"tried you|tried (?:her|him|them)|"
    r"mom|dad|family|call back|tried you|voicemail|left a message|reach (?:her|him|them)|"
    r"fax (?:the|it|them|her|his|their))\b[^.!?]{0,20}$|\bback at\s*$|\bcb\s*:?\s*$"
    r"|\b(?:will|would|can|to|found|he'll|she'll|they'll)(?: (?:please|then|also))? call\s*(?:at|on)?\s*$"
    r"|\b(?:her|his|their)\b[^.!?\d]{0,30}$")


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
(IPV4, CARD, PHONE, PHOTO_FILE, IPV6, VIN, ROOM, KEYWORD, SSN) = \
    map(gated, (IPV4, CARD, PHONE, PHOTO_FILE, IPV6, VIN, ROOM, KEYWORD, SSN))
PERSON_IN_ROOM = gated(PERSON_IN_ROOM)
(VEHICLE_PAREN, PERSONAL_PHONE_BEFORE, ORG_PHONE_BEFORE, PHONE_BARE_BEFORE, MAC) = \
    map(gated, (VEHICLE_PAREN, PERSONAL_PHONE_BEFORE, ORG_PHONE_BEFORE, PHONE_BARE_BEFORE, MAC))
HANDLE, HASH_NUMBER, TOWN_AFTER_HOME, ZIP_PAREN = map(gated, (HANDLE, HASH_NUMBER, TOWN_AFTER_HOME, ZIP_PAREN))
