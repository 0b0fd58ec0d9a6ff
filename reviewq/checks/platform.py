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
# twitter-text v3: code points in these ranges weigh 1, all others 2 (of a 280 budget); an emoji
# sequence (joiners, variation selectors, skin tones, keycaps, tags) counts once.
_LIGHT = "\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037"
_CONT = "\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
HEAVY_CLUSTER = re.compile("[^%s](?:[%s]|\u200d[^%s])*" % (_LIGHT, _CONT, _LIGHT))


def x_units(text: str, url_spans, url_length: int):
    """(start, end, weight) units of `text` as X counts them: links, emoji clusters, single characters."""
    marks = sorted([(s, e, url_length) for s, e in url_spans]
                   + [(m.start(), m.end(), 2) for m in HEAVY_CLUSTER.finditer(text)])
    pos = 0
    for s, e, w in marks:
        if s < pos:
            continue
        for i in range(pos, s):
            yield i, i + 1, 1
        yield s, e, w
        pos = e
    for i in range(pos, len(text)):
        yield i, i + 1, 1


def x_length(text: str, url_spans, url_length: int) -> int:
    """The post's length as X counts it (twitter-text v3 weighting, links 23)."""
    total, pos = len(text), 0
    for s, e, w in sorted([(s, e, url_length) for s, e in url_spans]
                          + [(m.start(), m.end(), 2) for m in HEAVY_CLUSTER.finditer(text)]):
        if s >= pos:
            total += w - (e - s)
            pos = e
    return total


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
        total = x_length(text, spans, post.policy.x_url_length)
        units = x_units(text, spans, post.policy.x_url_length) if total > limit else ()
    else:
        total = len(text)
        units = ((i, i + 1, 1) for i in range(len(text))) if total > limit else ()
    if total <= limit:
        return None
    run, cut = 0, len(text)
    for s, _e, w in units:
        run += w
        if run > limit:
            cut = s
            break
    how = " (as X counts: links 23, emoji and wide characters 2)" if ch == "x" else ""
    return Finding("platform", f"length.{ch}", post.policy.severity("platform.length", "block"), cut, len(text),
                   text[cut:], f"Too long for {ch}: {total} characters{how}, the limit is {limit}. "
                   f"The network would refuse or cut the post.", "platform.length",
                   "Shorten the post (the highlighted part is over the limit) or drop this channel.")
