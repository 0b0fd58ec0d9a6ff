"""How a post will look on each network: where the text is cut and folded, link card, hashtags, image crop.

Pure: no Flask or database. build() takes the text, the channels and the check policy
(the hard limits) and returns one Preview per channel; templates/drafts/_previews.html draws
them, on the editor (live, through POST /drafts/preview) and on the draft page. X is counted
exactly as the platform check counts it (reviewq.checks.platform.x_units), so the preview cuts
where the check refuses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from reviewq.checks.context import Post
from reviewq.checks.platform import HASHTAG, x_units
from reviewq.core.roles import CHANNEL_LABELS
from reviewq.previews.networks import NETWORKS, Network, network

MENTION = re.compile(r"(?<![\w@])@\w{1,30}")
WORD_BACKOFF = 15   # a fold inside a word moves back to the space before it, when one is this close


@dataclass(frozen=True)
class Segment:
    kind: str   # text | tag | mention | link
    text: str


@dataclass
class Preview:
    channel: str
    label: str
    net: Network
    count: int                     # as the network counts (X weighted)
    limit: int | None
    shown: list[Segment]           # visible in the feed
    folded: list[Segment]          # behind "see more"
    over: list[Segment]            # past the hard limit: refused or cut
    fold_at: int | None            # character offset of the fold, None when it all shows
    cut_at: int | None             # character offset of the hard cut, None when it fits
    link: dict | None = None       # {"url", "host"} of the first link, when the network shows a card
    hashtags: int = 0
    mentions: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def generic(self) -> bool:
        return self.channel not in NETWORKS


def build(text: str, channels, policy, *, has_image: bool = False) -> list[Preview]:
    post = Post(text, tuple(channels), (), (), policy, None)
    links = [post.folded.span(link.start, link.end) + (link,) for link in post.links]
    return [_one(text, ch, policy, links, has_image) for ch in dict.fromkeys(channels)]


def _one(text: str, ch: str, policy, links, has_image: bool) -> Preview:
    net = network(ch)
    limit = policy.channel_limits.get(ch)
    spans = [(s, e) for s, e, _ in links]
    if ch == "x":
        count, cut = _weighted_cut(text, spans, policy.x_url_length, limit)
    else:
        count = len(text)
        cut = limit if limit is not None and count > limit else None
    end = cut if cut is not None else len(text)
    fold = _fold(text, net, end)
    marks = _marks(text, spans)
    p = Preview(ch, CHANNEL_LABELS.get(ch, ch), net, count, limit,
                _segments(text, 0, fold if fold is not None else end, marks),
                _segments(text, fold, end, marks) if fold is not None else [],
                _segments(text, end, len(text), marks) if cut is not None else [], fold, cut,
                hashtags=len(HASHTAG.findall(text)), mentions=len(MENTION.findall(text)))
    if links and net.link_card and not has_image:
        s, e, link = links[0]
        p.link = {"url": text[s:e], "host": link.host}
    elif links and net.link_card:
        p.notes.append("An attached image takes the place of the link card.")
    if links and not net.links_clickable:
        p.notes.append(f"Links in {p.label} captions are not clickable.")
    return p


def _weighted_cut(text: str, spans, url_length: int, limit: int | None) -> tuple[int, int | None]:
    run, cut = 0, None
    for s, _e, w in x_units(text, spans, url_length):
        run += w
        if cut is None and limit is not None and run > limit:
            cut = s
    return run, cut


def _fold(text: str, net: Network, end: int) -> int | None:
    """Where "see more" falls: after fold_chars characters or fold_lines lines, whichever comes first."""
    candidates = []
    if net.fold_chars is not None and end > net.fold_chars:
        at = net.fold_chars
        space = text.rfind(" ", at - WORD_BACKOFF, at + 1)
        candidates.append(space if space > 0 and not text[at - 1:at + 1].isspace() else at)
    if net.fold_lines is not None:
        pos = -1
        for _ in range(net.fold_lines):
            pos = text.find("\n", pos + 1, end)
            if pos < 0:
                break
        if pos >= 0 and text[pos + 1:end].strip():
            candidates.append(pos)
    return min(candidates) if candidates else None


def _marks(text: str, link_spans) -> list[tuple[int, int, str]]:
    marks = [(s, e, "link") for s, e in link_spans]
    taken = lambda s, e: any(a < e and s < b for a, b, _ in marks)  # noqa: E731
    for kind, rx in (("tag", HASHTAG), ("mention", MENTION)):
        for m in rx.finditer(text):
            if not taken(*m.span()):
                marks.append((m.start(), m.end(), kind))
    return sorted(marks)


def _segments(text: str, start: int, end: int, marks) -> list[Segment]:
    out, pos = [], start
    for s, e, kind in marks:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > pos:
            out.append(Segment("text", text[pos:s]))
        out.append(Segment(kind, text[s:e]))
        pos = e
    if pos < end:
        out.append(Segment("text", text[pos:end]))
    return out
