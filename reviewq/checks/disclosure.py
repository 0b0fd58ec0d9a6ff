"""Disclosure check: endorsements and sponsored content must say so.

Rule `disclosure.sponsored`: a post that promotes a product or brand (promo
code, "% off", shop or affiliate link, "link in bio", giveaway, "our nurses
swear by ...", "buy 2 get 1 free", "$30 off at brand.com", affiliate links,
a sponsor thanked beside an offer) needs one of the policy's disclosures
(#ad, #sponsored, "(Sponsored)", "Paid partnership with ..."); the FTC
requires it. The organisation's own perks (parking, cafeteria, gift shop)
and its own events' "link in bio" are not endorsements. Tags match
whole hashtags only, so #ADHDAwareness is not #ad. Default severity `block`:
the fix is one tag.
"""
from __future__ import annotations

import re

from reviewq.checks.base import Finding
from reviewq.checks.fastre import gated
from reviewq.checks.policy import domain_matches

RULE = "disclosure.sponsored"
# ENDORSEMENT runs on the lower-case copy; CASED needs the original case (codes are upper case).
ENDORSEMENT = re.compile(
    r"\b\d{1,2}\s?%\s*off\b|\blink in (?:bio|profile)\b|\bgiveaway\b|\bgiving away\b|\benter to win\b"
    r"|\b(?:shop|buy|order|get yours|grab yours|available|on sale)\b[^.!?]{0,40}?(?:https?://|www\.|\b\w+\.com\b)"
    r"|\bshop (?:the|our|their|now|here|link)\b|\b(?:swipe up|tap|click|link) (?:to|and) (?:shop|buy|order)\b"
    r"|\bswipe up\b|\bget yours\b|\bbuy now\b|\baffiliate\b|[?&](?:ref|aff|affiliate|tag)="
    r"|\bswears? by\b|\b(?:dietitian|doctor|nurse|pharmacist|therapist)[- ]approved\b|\bpartnered with(?! us\b)"
    r"|\bthanks to @\w+ for\b|\b(?:promo|discount|coupon|referral|affiliate) codes?\b"
    r"|\b(?:dm|message) us for (?:a |the |your )?(?:discount|deal|code|coupon|promo)"
    r"|\b(?:\d-for-\d|bogo)\b[^.!?]{0,40}?(?:https?://|www\.)"
    # Spanish, Chinese: "10% de descuento", "código X", "link en la bio", "sorteo", "优惠码", "链接在简介"
    r"|\d{1,2}\s?%\s*de\s+descuento|\b(?:usa|use|usando|con) (?:el )?c[óo]digo\b|\bc[óo]digo de descuento\b"
    r"|\b(?:link|enlace) en (?:la |mi |nuestra )?bio\b|\bsorteo\b|\bparticipa para ganar\b|优惠码|折扣码|链接在简介"
    r"|\btry it free\b[^.!?]{0,40}?(?:https?://|www\.|\blink\b)|\bthrilled to partner with\b"
    r"|\b(?:they'?re|is|are) sending a free\b|\bfirst \d+ (?:people|followers) who comment\b"
    # giveaways and contests: "Win a ... ! Share and tag a friend", raffles, other languages' "win"/"code"/"buy"
    r"|\b(?:share|like|follow)(?: (?:this|the) post)?,? (?:and|&) tag\b|\btag (?:a|your|\d+) (?:\w+ )?(?:friends?|bestie|"
    r"roommates?|family members?|survivors?|coworkers?|co-workers?|nurses?|mom|mum|dad)\b|\braffle\b"
    r"|\breferral link\b|\b(?:all )?linked in (?:my |our |the )?bio\b|\bsorteio\b|\bganhe\b|\bconcours\b"
    r"|\bdùng mã\b|\bmã giảm\b|\bkòd\b|\bcupom\b|\bcupón\b|\bcup[oó]n\b|코드|할인|쿠폰|الرمز|كود|خصم|クーポン|割引"
    r"|\b(?:compra|compre|achte|acheter|achetez|mua)\b[^.!?]{0,60}?(?:https?://|www\.)"
    # commerce without the usual words: deals ("buy 2 get 1 free", "BOGO", "2 for $5", "$30 off"), "on sale at
    # <store>", contests ("comment 'WORD' to win"), affiliate links and their tell-tales, an influencer's code,
    # a free quote or sample at a brand's site, a share of a business's sales given to a cause
    r"|\bbuy (?:one|two|three|\d+),? get (?:one|two|\d+)\b|\bbogo\b|\b\d+ for \$\d+(?:\.\d\d)?(?!\d)"
    r"|\$\d[\d,]*(?:\.\d\d)?(?:-| )?off\b|\bon sale (?:at|in)\b|\bcomment\b[^.!?]{0,60}?\bto (?:win|enter)\b"
    r"|\bamzn\.to\b|\bwe (?:may )?earn\b[^.!?]{0,30}?\b(?:back|commission)\b|\b(?:earn|get) a (?:small )?commission\b"
    r"|\bcodes?\b[^.!?]{0,15}?\bin (?:her|his|their|my) (?:bio|profile)\b|\binfluencers?\b[^.!?]{0,40}?@\w"
    r"|@\w+[^.!?]{0,20}?\binfluencer\b"
    r"|\b(?:get|grab|claim|snag|request|score|pick up)\s+(?:a|an|your)\s+free\b[^.!?]{0,40}?\bat\s+(?:https?://)?"
    r"(?:www\.)?[\w-]+\.(?:com|co|shop|store|net)\b"
    r"|\b(?:donat\w+|give|gives|giving)\b[^.!?]{0,30}?(?:\d+\s?%|\$\d+)\s+of\s+(?:\w+\s+){0,2}?"
    r"(?:sales|orders?|purchases?|profits)\b|\bshow this (?:post|tweet|ad|screen)\b"
    # the same in Spanish and Tagalog: "2x1", "compra 2 y llévate 3", "en oferta en", "comenta ... para ganar",
    # "buy 1 take 1"
    r"|\b2x1\b|\bcompra (?:uno|una|dos|\d) (?:y )?ll[ée]v(?:ate|a) \w+|\ben oferta en\b|"
    r"\bcomenta\b[^.!?]{0,60}?\bpara (?:ganar|participar)\b|\bbuy (?:one|1) take (?:one|1)\b")
CASED = re.compile(
    r"\b(?:[Cc]ode|CODE):?\s+[A-Z][A-Z0-9]{2,}\b|\b(?:[Uu]se|[Ee]nter|[Aa]pply)\s+[A-Z][A-Z0-9]{3,}\b|\b[A-Z]{2,}\d{1,3}\b(?=[^.!?]{0,30}\b(?:off|save|discount))"
    r"|\b(?:[Oo]ur|[Mm]y)\s+(?:\w+\s+){0,3}?(?:love|loves|recommend|recommends|swear by)\s+[A-Z]")
# Prefilter: ENDORSEMENT cannot match unless one of these is in the lower-case text.
_KEYS = ("%", "-for-", "bogo", "link in", "giv", "enter to win", "shop", "buy", "order", "get yours", "grab yours", "available",
         "on sale", "affiliate", "=", "swear", "approved", "partnered", "thanks to @", "code", "us for", "swipe",
         "tap ", "click ", "link to", "link and", "descuento", "digo", " bio", "sorteo", "ganar", "优惠码",
         "折扣码", "链接", "try it free", "partner with", "sending a free", "who comment", "and tag", "& tag", "tag a", "tag your", "tag 2",
         "tag 3", "raffle", "referral", "linked in", "sorteio", "ganhe", "concours", "mã", "kòd", "cupom", "cupón",
         "cupon", "compra", "compre", "achte", "achet", "mua ", "free", "$", "comment", "amzn", "we earn",
         "we may earn", "commission", "influencer", "donat", "show this", "2x1", "oferta", "comenta", "take 1",
         "take one",
         "코드", "할인", "쿠폰", "الرمز", "كود", "خصم", "クーポン", "割引")
# Prefilter: CASED cannot match unless one of these is in the lower-case text.
_CASED_KEYS = ("code", "use", "enter", "apply", "off", "save", "discount", "love", "recommend", "swear")
MESSAGE = ("This reads as an endorsement or sponsored post but has no disclosure. The FTC requires paid or "
           "gifted promotions to be clearly labelled, and undisclosed endorsements by clinicians erode trust.")
FIX = "Add a clear disclosure such as #ad, #sponsored or \"Paid partnership with <brand>\" (or remove the promotion)."


# A brand (a CamelCase name or a link to a shop page of a brand named in the post) with a promotional verb.
_CAMEL = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b|\b[A-Z][a-z]{2,}[A-Z]{1,3}\b")  # "FreshRoots", "GlowRx"
_NOT_BRANDS = frozenset(
    "mychart youtube linkedin tiktok gofundme caringbridge facetime whatsapp paypal powerpoint webmd medlineplus "
    "pubmed clinicaltrials healthcare iphone ipad facebook instagram snapchat telehealth myhealth covid mrsa "
    "mcdonald mcdonalds macdonald mckenzie mcallister mcbride mccarthy mcgee mcintyre mckay mclean mcneil "
    "healthstream epiccare uptodate carefirst bluecross blueshield uhc".split())
_BRAND_PROMO = re.compile(
    r"\b(?:win|wins|won't want to miss|partner(?:s|ed|ing)? with|teamed up with|team(?:s|ed)? up with|"
    r"courtesy of|brought to you by|powered by|free|game ?changer|essentials?|obsessed|favou?rites?|"
    r"love|loves|loving|swear|recommend\w*|renmen|thích|encanta\w*|adoran?|amam|aiment|adorent|"
    r"get started|learn more|check out|grab|try|stock up|must-have|special)\b")
_PLACE_AFTER = re.compile(
    r"\s+(?:[A-Z][\w&'’-]*\s+){0,2}?(?:Audiology|Urgent|Care|Clinics?|Pharmacy|Health|Hospital|Cent(?:er|re)|Medical|"
    r"Dental|Dentistry|Optometry|Eye|Vision|Therapy|Rehab\w*|Physical|Imaging|Labs?|Foundation|Institute|"
    r"Associates|Group|Practice|Wellness|Pediatrics|Orthopa?edics|Chiropractic|Hearing|Fitness|Gym|Library|School|"
    r"Church|University|College|Market|Farms?|Cafe|Park|Arena|Stadium|Hall|Academy|Society|Council|Network)\b")
_SHOP_PATH = re.compile(r"/(?:shop|sale|store|products?|buy|deals?|offers?|collections?)\b|[?&]utm_")


def _brand_endorsement(post, text, lower):
    org = post.policy.compiled.org_name_tokens
    brands = [m for m in _CAMEL.finditer(text) if m.group().lower() not in _NOT_BRANDS
              and not _PLACE_AFTER.match(text, m.end())  # "ClearSound Audiology", "QuickCare Urgent Care": a place
              and m.group().lower() not in org and not any(k.start <= m.start() < k.end for k in post.links)
              and text[max(0, m.start() - 1):m.start()] not in ("#", "@")]
    shop_links = [k for k in post.links if _SHOP_PATH.search(k.url.lower())
                  and not domain_matches(k.host, post.policy.compiled.org_domains)]
    for k in shop_links:  # a link to the shop of a brand the post names: "ComfyStride mats ... comfystride.com/shop"
        label = k.host.lower().removeprefix("www.").split(".")[0]
        if len(label) >= 4 and (any(label == b.group().lower() for b in brands) or label in lower[:k.start]):
            return k.start, k.end
    for b in brands:
        a = max(0, b.start() - 80)
        if _BRAND_PROMO.search(lower, a, min(len(lower), b.end() + 80)):
            return b.start(), b.end()
    return None


# A sponsor or partner thanked beside a commercial offer is a sponsored post: "thanks to <bank> for sponsoring
# ... open an account and they'll match", "presented by <insurer>. Win ...", "partnering with <studio>: a free
# whitening". Thanking a sponsor alone ("thank you to our sponsors") is not.
_SPONSOR = re.compile(r"\bsponsor(?:s|ing|ed)?\b|\b(?:presented|brought to you) by\b|\bcourtesy of\b|"
                      r"\b(?:partnering|teaming up|teamed up) with\b|\bpartnered with\b")
_OFFER = re.compile(r"\$\d[\d,]*\s*off|%\s*off|\btest drive\b|\bopen an? (?:[\w-]+ ){0,3}account\b|"
                    r"\b(?:they'?ll|they will) (?:donate|match|give)\b|\bcustomers get\b|\bwin\b|\bgiveaway\b|"
                    r"\bprizes?\b|\ba chance (?:at|to win)\b|\bstop by the (?:dealership|store|showroom)\b|"
                    r"\bfree (?:[\w-]+ ){0,2}(?:quote|estimate|sample|trial|entry|whitening|wristband|peel|facial|"
                    r"consult\w*)\b")


_SPONSOR_KEYS = ("sponsor", "presented by", "brought to you", "courtesy of", "partner", "teaming up", "teamed up")


def _sponsor_offer(lower: str):
    if not any(k in lower for k in _SPONSOR_KEYS):
        return None
    s = _SPONSOR.search(lower)
    if s is not None and _OFFER.search(lower) and not _SERVICE.search(lower[s.start():s.end() + 60]):
        return s.start(), s.end()
    return None


# A link to the brand's own commercial site, named in the post: "Nuzzle socks ... nuzzlesocks.com".
_COMMERCIAL_TLD = (".com", ".co", ".shop", ".store")
_CAPWORD = re.compile(r"\b[A-Z][a-z]{3,}\b")
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")


_OURS_BEFORE = re.compile(r"\b[Oo]ur\s+$")


def _brand_like(text: str, m) -> bool:
    """Not a place ("Seaside Birth Center", "Bright Smiles Dental") and not ours ("our Glow Studio")."""
    return not _PLACE_AFTER.match(text, m.end()) and not _PLACE_AFTER.search(" " + m.group()) \
        and not _OURS_BEFORE.search(text, max(0, m.start() - 4), m.start())


def _brand_site(post, text: str, lower: str):
    if _SERVICE.search(lower):
        return None
    org = post.policy.compiled.org_name_tokens
    for k in post.links:
        reg = k.host.lower().removeprefix("www.")
        if not reg.endswith(_COMMERCIAL_TLD) or domain_matches(k.host, post.policy.compiled.org_domains):
            continue
        label = reg.split(".")[-2] if reg.count(".") >= 1 else reg
        # a capitalised word opening a sentence may be any word; one before a kind word is a place
        words = {w.group().lower() for w in _CAPWORD.finditer(text, 0, k.start)
                 if _brand_like(text, w) and text[:w.start()].rstrip()[-1:] not in ("", ".", "!", "?")}
        words |= {c.group().lower() for c in _CAMEL.finditer(text, 0, k.start) if _brand_like(text, c)}
        # a name of two or more capitalised words, wherever it stands: "Cozy Paws slippers ... cozypaws.com"
        words |= {"".join(n.group().split()).lower() for n in _NAME_RUN.finditer(text, 0, k.start)
                  if _brand_like(text, n)}
        if any(label.startswith(w) and w not in org and w not in _NOT_BRANDS for w in words):
            return k.start, k.end
    return None


def check(post) -> list[Finding]:
    text = post.folded.text
    lower = post.folded.lower
    m = _endorsement(text, lower) if any(k in lower for k in _KEYS) else None
    m = m or (CASED.search(text) if any(k in lower for k in _CASED_KEYS) else None)
    if m is not None and _only_own_links(post, m):
        m = None
    span = m.span() if m is not None else None
    if span is None and (any(c.isupper() for c in text[1:]) and post.links or _CAMEL.search(text)):
        span = _brand_endorsement(post, text, lower)
    if span is None:
        span = _sponsor_offer(lower)
    if span is None and post.links:
        span = _brand_site(post, text, lower)
    if span is None:
        return []
    if post.policy.compiled.disclosure.search(post.folded.lower):
        return []
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    return [post.finding("disclosure", "sponsored", "block", s, e, MESSAGE, RULE, FIX)]


# "Link in bio" promotes something only when the post speaks of a product, a brand or a deal; "link in bio
# for the flu clinic schedule" or "to register" is how every account points at its own pages.
_BIO = re.compile(r"\b(?:link|enlace) (?:in|en) (?:la |mi |nuestra )?(?:bio|profile)\b")
_PRODUCT = re.compile(r"\b(?:products?|brands?|shop\w*|store|deals?|discounts?|codes?|sale|buy|order|merch|"
                      r"gift cards?|giveaway|partner\w*|sponsor\w*|collab\w*|favou?rit(?:es?|[oa]s?)|obsessed|swears?|encanta\w*|"
                      r"recommends?|review|tried|try|tested|loves?|picks?|free (?:sample|trial|bottle|box|kit)|samples?|% off|percent off|"
                      r"descuento|oferta|tienda|producto|c[oó]digo)\b|@[a-z]\w*|%")


_BRAND = re.compile(r"\b[A-Z][a-z]+[A-Z][A-Za-z]+\b")  # a CamelCase brand: "TinyTots"


_SERVICE = re.compile(r"\b(?:flu shots?|shots?|vaccines?|vaccinations?|boosters?|screenings?|mammograms?|"
                      r"check-?ups?|tickets?|physicals?|jabs?)\b")


# The organisation's own perks are not endorsements: "10% off coffee with your badge at the cafeteria",
# "parking is 50% off for families", "get yours in our gift shop". A brand, a code or a link in the same
# sentence makes it a promotion again.
_OWN_PERK = re.compile(r"\b(?:parking|garage|cafeteria|canteen|food court|coffee cart|gift shop|vending|"
                       r"(?:our|the) (?:[\w-]+ )?caf[eé])\b")
_DEAL = re.compile(r"%\s*off|\$\d[\d,]*(?:\.\d\d)?[- ]?off|\d+ for \$|\bbogo\b|\bbuy (?:one|two|\d)|\bon sale\b|"
                   r"\bget yours\b|\bgrab yours\b")
_NOT_OWN = re.compile(r"\bcodes?\b|https?://|www\.|\b[\w-]+\.(?:com|co|shop|store)\b|@\w")
# "Link in bio for tickets" to the organisation's own event is how every account points at its pages.
_BIO_OWN = re.compile(r"\s*(?:for|to)\s+(?:[\w+&-]+\s+){0,2}?(?:tickets?|register|registration|rsvp|sign(?:-| )?ups?|"
                      r"schedule|details|donate|volunteer|apply)\b")
# A raffle or a pronoun "swear by it" is promotion only with a brand in sight: a staff-picnic raffle, or
# "our residents swear by it" after a health claim (a sourcing matter), endorses no company.
_BRAND_SIGNAL = re.compile(r"@\w|(?<![\w.-])(?!tinyurl\.|bitly\.|youtube\.)[\w-]+\.(?:com|co|shop|store)\b|"
                           r"\bcourtesy of\b|"
                           r"\b(?:presented|brought to you|donated) by\b|\bcodes?\b|%\s*off")
_PRONOUN = re.compile(r"\s+(?:it|them|this|these|that)\b")


_STOP = re.compile(r"[.!?](?=\s|$)|\n")
_BADGE = re.compile(r"\bbadge\b")


def _sentence(lower: str, start: int, end: int) -> tuple[int, int]:
    a = max((x.end() for x in _STOP.finditer(lower, 0, start)), default=0)
    b = _STOP.search(lower, end)
    return a, b.start() if b else len(lower)


def _own_perk(text: str, lower: str, m) -> bool:
    """A deal on the organisation's own amenity: named in the sentence, or a badge perk in a post about one."""
    if not _DEAL.search(m.group()):
        return False
    a, b = _sentence(lower, m.start(), m.end())
    if not (_OWN_PERK.search(lower, a, b) or _BADGE.search(lower, a, b) and _OWN_PERK.search(lower)):
        return False
    return not _NOT_OWN.search(lower, a, b) and not _BRAND.search(text, a, b) and not _CAMEL.search(text, a, b)


def _endorsement(text: str, lower: str):
    for m in ENDORSEMENT.finditer(lower):
        g = m.group().strip()
        if g == "get yours" and _SERVICE.search(lower):
            continue  # "Get yours!" about a flu shot or a screening is a health reminder, not a product
        if _BIO.fullmatch(g):
            rest = lower[:m.start()] + " " + lower[m.end():]
            if not _BRAND.search(text) and (not _PRODUCT.search(rest)
                                            or _BIO_OWN.match(lower, m.end()) and not _NOT_OWN.search(rest)):
                continue
        if (g == "raffle" or g.startswith("swear") and _PRONOUN.match(lower, m.end())) \
                and not _BRAND_SIGNAL.search(lower) and not _BRAND.search(text):
            continue
        if _own_perk(text, lower, m):
            continue
        return m
    return None


def _only_own_links(post, m) -> bool:
    """A "shop/available at" match whose only link is our own site is not an endorsement."""
    if not re.match(r"shop|buy|order|get yours|grab yours|available|on sale", m.group().strip().lower()):
        return False
    hosts = [link.host for link in post.links if link.start >= m.start()]
    return bool(hosts) and all(domain_matches(h, post.policy.compiled.org_domains) for h in hosts)


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
ENDORSEMENT, CASED = map(gated, (ENDORSEMENT, CASED))
_BRAND_PROMO = gated(_BRAND_PROMO)
