"""Platform check: what each network would refuse or degrade.

Rules: `platform.length` (over the channel's limit, counted as the network
counts: X weighs characters the twitter-text way, every link 23, emoji and
other wide characters 2), `platform.hashtags` (more hashtags than the
network allows, e.g. Instagram 30) and `platform.alt_text` (an image without
alt text: screen-reader users get nothing; attachment findings carry
attachment_id instead of offsets).
"""
from __future__ import annotations

import re

from reviewq.checks.base import Finding

HASHTAG = re.compile(r"(?<![\w&#])#\w+")
# twitter-text v3: these code point ranges weigh 1, everything else 2 (of a 280 budget).
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
# Joiners, variation selectors, skin tones and tags continue the emoji before them (counted once).
_EMOJI_CONT = re.compile("[\u200d\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


def _weight(o: int) -> int:
    for lo, hi in _LIGHT:
        if lo <= o <= hi:
            return 1
    return 2


def x_weights(text: str, url_spans, url_length: int) -> list[int]:
    """Weight of each character of `text` as X counts it (a link's weight sits on its first character)."""
    w = [0] * len(text)
    in_url = {}
    for s, e in url_spans:
        in_url[s] = e
    i, n = 0, len(text)
    while i < n:
        if i in in_url:
            w[i] = url_length
            i = in_url[i]
            continue
        c = text[i]
        if _EMOJI_CONT.match(c) and i > 0 and ord(text[i - 1]) > 4351:
            i += 1  # part of the emoji before it
            continue
        if c == "\u200d" or _EMOJI_CONT.match(c):
            i += 1
            continue
        w[i] = _weight(ord(c))
        i += 1
    return w


def check(post) -> list[Finding]:
    findings = []
    text = post.text
    for ch in dict.fromkeys(post.channels):
        limit = post.policy.channel_limits.get(ch)
        if limit is not None:
            f = _length(post, ch, limit)
            if f:
                findings.append(f)
        tag_limit = post.policy.hashtag_limits.get(ch)
        if tag_limit is not None:
            tags = list(HASHTAG.finditer(text))
            if len(tags) > tag_limit:
                s, e = tags[tag_limit].start(), tags[-1].end()
                findings.append(Finding(
                    "platform", f"hashtags.{ch}", post.policy.severity("platform.hashtags", "block"), s, e,
                    text[s:e], f"{ch} allows at most {tag_limit} hashtags; this post has {len(tags)}, "
                    f"so it would be rejected or the extra tags ignored.", "platform.hashtags",
                    "Remove hashtags from the highlighted part."))
    for a in post.attachments:
        if (a.content_type or "").startswith("image/") and not (a.alt_text or "").strip():
            findings.append(Finding(
                "platform", "alt_text", post.policy.severity("platform.alt_text", "warn"), None, None, "",
                "This image has no alt text, so people using screen readers cannot tell what it shows.",
                "platform.alt_text", "Add a short description of the image as alt text.", attachment_id=a.id))
    return findings


def _length(post, ch: str, limit: int) -> Finding | None:
    text = post.text
    if ch == "x":
        spans = [post.folded.span(link.start, link.end) for link in post.links]
        weights = x_weights(text, spans, post.policy.x_url_length)
    else:
        weights = [1] * len(text)
    total = sum(weights)
    if total <= limit:
        return None
    run, cut = 0, len(text)
    for i, w in enumerate(weights):
        run += w
        if run > limit:
            cut = i
            break
    how = " (as X counts: links 23, emoji and wide characters 2)" if ch == "x" else ""
    return Finding("platform", f"length.{ch}", post.policy.severity("platform.length", "block"), cut, len(text),
                   text[cut:], f"Too long for {ch}: {total} characters{how}, the limit is {limit}. "
                   f"The network would refuse or cut the post.", "platform.length",
                   "Shorten the post (the highlighted part is over the limit) or drop this channel.")
