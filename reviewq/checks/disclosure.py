"""Disclosure check: endorsements and sponsored content must say so.

Rule `disclosure.sponsored`: a post that promotes a product or brand (promo
code, "% off", shop or affiliate link, "link in bio", giveaway, "our nurses
swear by ...") needs one of the policy's disclosures (#ad, #sponsored,
"(Sponsored)", "Paid partnership with ..."); the FTC requires it. Tags match
whole hashtags only, so #ADHDAwareness is not #ad. Default severity `block`:
the fix is one tag.
"""
from __future__ import annotations

import re

from reviewq.checks.base import Finding
from reviewq.checks.policy import domain_matches

RULE = "disclosure.sponsored"
# ENDORSEMENT runs on the lower-case copy; CASED needs the original case (codes are upper case).
ENDORSEMENT = re.compile(
    r"\b\d{1,2}\s?%\s*off\b|\blink in (?:bio|profile)\b|\bgiveaway\b|\bgiving away\b|\benter to win\b"
    r"|\b(?:shop|buy|order|get yours|grab yours|available|on sale)\b[^.!?]{0,40}?(?:https?://|www\.|\b\w+\.com\b)"
    r"|\bshop (?:the|our|their|now|here|link)\b|\b(?:swipe up|tap|click|link) (?:to|and) (?:shop|buy|order)\b"
    r"|\bswipe up\b|\bget yours\b|\bbuy now\b|\baffiliate\b|[?&](?:ref|aff|affiliate|tag)="
    r"|\bswears? by\b|\b(?:dietitian|doctor|nurse|pharmacist|therapist)[- ]approved\b|\bpartnered with\b"
    r"|\bthanks to @\w+ for\b|\b(?:promo|discount|coupon|referral|affiliate) codes?\b"
    r"|\b(?:dm|message) us for (?:a |the |your )?(?:discount|deal|code|coupon|promo)"
    r"|\b(?:\d-for-\d|bogo)\b[^.!?]{0,40}?(?:https?://|www\.)"
    # Spanish, Chinese: "10% de descuento", "código X", "link en la bio", "sorteo", "优惠码", "链接在简介"
    r"|\d{1,2}\s?%\s*de\s+descuento|\b(?:usa|use|usando|con) (?:el )?c[óo]digo\b|\bc[óo]digo de descuento\b"
    r"|\b(?:link|enlace) en (?:la |mi |nuestra )?bio\b|\bsorteo\b|\bparticipa para ganar\b|优惠码|折扣码|链接在简介"
    r"|\btry it free\b[^.!?]{0,40}?(?:https?://|www\.|\blink\b)|\bthrilled to partner with\b"
    r"|\b(?:they'?re|is|are) sending a free\b|\bfirst \d+ (?:people|followers) who comment\b")
CASED = re.compile(
    r"\b(?:[Cc]ode|CODE):?\s+[A-Z][A-Z0-9]{2,}\b|\b(?:[Uu]se|[Ee]nter|[Aa]pply)\s+[A-Z][A-Z0-9]{3,}\b|\b[A-Z]{2,}\d{1,3}\b(?=[^.!?]{0,30}\b(?:off|save|discount))"
    r"|\b(?:[Oo]ur|[Mm]y)\s+(?:\w+\s+){0,3}?(?:love|loves|recommend|recommends|swear by)\s+[A-Z]")
# Prefilter: ENDORSEMENT cannot match unless one of these is in the lower-case text.
_KEYS = ("%", "-for-", "bogo", "link in", "giv", "enter to win", "shop", "buy", "order", "get yours", "grab yours", "available",
         "on sale", "affiliate", "=", "swear", "approved", "partnered", "thanks to @", "code", "us for", "swipe",
         "tap ", "click ", "link to", "link and", "descuento", "digo", " bio", "sorteo", "ganar", "优惠码",
         "折扣码", "链接", "try it free", "partner with", "sending a free", "who comment")
# Prefilter: CASED cannot match unless one of these is in the lower-case text.
_CASED_KEYS = ("code", "use", "enter", "apply", "off", "save", "discount", "love", "recommend", "swear")
MESSAGE = ("This reads as an endorsement or sponsored post but has no disclosure. The FTC requires paid or "
           "gifted promotions to be clearly labelled, and undisclosed endorsements by clinicians erode trust.")
FIX = "Add a clear disclosure such as #ad, #sponsored or \"Paid partnership with <brand>\" (or remove the promotion)."


def check(post) -> list[Finding]:
    text = post.folded.text
    lower = post.folded.lower
    m = _endorsement(text, lower) if any(k in lower for k in _KEYS) else None
    m = m or (CASED.search(text) if any(k in lower for k in _CASED_KEYS) else None)
    if m is None:
        return []
    if post.policy.compiled.disclosure.search(post.folded.lower):
        return []
    if _only_own_links(post, m):
        return []
    s, e = m.span()
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


def _endorsement(text: str, lower: str):
    for m in ENDORSEMENT.finditer(lower):
        if _BIO.fullmatch(m.group().strip()) and not _PRODUCT.search(lower[:m.start()] + " " + lower[m.end():]) \
                and not _BRAND.search(text):
            continue
        return m
    return None


def _only_own_links(post, m) -> bool:
    """A "shop/available at" match whose only link is our own site is not an endorsement."""
    if not re.match(r"shop|buy|order|get yours|grab yours|available|on sale", m.group().strip().lower()):
        return False
    hosts = [link.host for link in post.links if link.start >= m.start()]
    return bool(hosts) and all(domain_matches(h, post.policy.compiled.org_domains) for h in hosts)
