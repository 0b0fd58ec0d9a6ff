"""Links in a post: where they are and which host they point at.

Shared by sourcing (is the citation authoritative?), disclosure (shop links),
platform (X counts every link as 23 characters) and PHI (personal pages).
Works on folded text; callers map spans back with Folded.span.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TLDS = ("com|org|net|gov|edu|mil|int|info|news|blog|io|co|us|uk|ca|au|ly|ee|me|gl|gd|to|tv|app|site|online|"
         "link|health|care|clinic|page|xyz|biz|ai|do|fm|be|ws|cc|is|it|de")
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+"
    r"|(?<![\w@.\-/])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + _TLDS + r")\b(?![\-@])(?:/[^\s<>\"'()\[\]{}]*)?",
    re.IGNORECASE)
_TRAILING = ".,!?;:'\"’”)]…"
SHORTENERS = ("bit.ly", "tinyurl.com", "t.co", "ow.ly", "goo.gl", "buff.ly", "is.gd", "lnkd.in", "rebrand.ly",
              "linktr.ee", "shorturl.at", "cutt.ly", "tiny.cc", "rb.gy")


@dataclass(frozen=True)
class Link:
    start: int  # folded-text offsets
    end: int
    url: str
    host: str
    path: str


_MAYBE_LINK = re.compile(r"[A-Za-z0-9]\.[A-Za-z]{2}|://")  # every link has a dot before its TLD


def find_links(text: str) -> list[Link]:
    links = []
    if not _MAYBE_LINK.search(text):
        return links
    for m in URL.finditer(text):
        s, e = m.span()
        while e > s and text[e - 1] in _TRAILING:
            e -= 1
        url = text[s:e]
        bare = re.sub(r"^(?:https?://)", "", url, flags=re.IGNORECASE)
        host, _, path = bare.partition("/")
        host = host.split(":")[0].split("?")[0].split("#")[0].lower()
        if host.startswith("www."):
            host = host[4:]
        if "." not in host or host.replace(".", "").isdigit():
            continue
        links.append(Link(s, e, url, host, "/" + path if path else ""))
    return links


_EXTRACT = None


def _extractor():
    # The Public Suffix List snapshot bundled with tldextract: no download at run time
    # (suffix_list_urls=()) and no cache directory written (cache_dir=None).
    # Imported on first use: tldextract pulls in requests, which costs more start-up than all the rules.
    global _EXTRACT
    if _EXTRACT is None:
        import tldextract
        _EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    return _EXTRACT


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The registrable domain of `host` ("pubmed.ncbi.nlm.nih.gov" -> "nih.gov"), "" for a bare suffix."""
    r = _extractor()(host.lower().rstrip("."))
    return f"{r.domain}.{r.suffix}" if r.domain and r.suffix else ""


def is_redirector(host: str) -> bool:
    """A link shortener or redirect service: where it leads is unknown, so it is never a citation."""
    return registrable_domain(host) in _REDIRECTORS or host in _REDIRECTORS


_REDIRECTORS = frozenset(SHORTENERS + ("bitly.com", "t.ly", "tiny.one", "s.id", "v.gd", "qrco.de", "l.ead.me",
                                       "go.gl", "shorte.st", "adf.ly", "lnk.to", "smarturl.it", "trib.al",
                                       "dlvr.it", "ift.tt", "fb.me", "youtu.be", "amzn.to", "l.facebook.com",
                                       "lm.facebook.com", "href.li", "linkin.bio", "bio.link", "beacons.ai"))
