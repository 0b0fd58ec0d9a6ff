"""Where each network cuts a post, folds it behind "see more", and crops its image: the numbers and their sources.

Data only. Hard limits come from the check policy (Policy.channel_limits, the same numbers the
platform check refuses over); the fold and the crops are display habits the networks do not
all document, so each says whether it is documented or observed, and where it was read
(checked 2026-12). Change a number here and tests/unit/test_previews.py says what moved.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Crop:
    css: str       # class suffix in app.css: .crop-16x9 draws aspect-ratio 16/9 with object-fit: cover
    label: str


@dataclass(frozen=True)
class Network:
    name: str
    fold_chars: int | None     # characters shown before "see more" (None: no fold)
    fold_lines: int | None     # lines shown before "see more" (None: no line fold)
    fold_label: str
    link_card: bool            # shows a card for the first link (when no image is attached)
    links_clickable: bool
    crops: tuple[Crop, ...]
    card_crop: Crop | None     # the link card's image shape
    sources: tuple[str, ...]


WIDE = Crop("191x1", "1.91:1 landscape")
NETWORKS: dict[str, Network] = {
    # X: a hard 280 (weighted: twitter-text v3, links 23, emoji 2), no fold for standard accounts; a single
    # image is shown 16:9 in the timeline; the summary_large_image card is 2:1.
    "x": Network("x", None, None, "", True, True, (Crop("16x9", "16:9 timeline"),), Crop("2x1", "2:1 card"), (
        "documented: https://docs.x.com/resources/fundamentals/counting-characters (280, weighting, links 23)",
        "documented: https://developer.x.com/en/docs/x-for-websites/cards/overview/summary-card-with-large-image "
        "(card image 2:1)",
        "observed: timeline crops a single image to 16:9 (X engineering blog 'Speedy Neural Networks for Smart "
        "Auto-Cropping of Images', 2018; the web timeline still shows 16:9)")),
    # Facebook: "See more" after about 477-480 characters on desktop (about 110 on phones), or 5 lines.
    "facebook": Network("facebook", 477, 5, "See more", True, True, (WIDE,), WIDE, (
        "documented: 63,206 characters (Facebook's post limit, the policy's facebook limit)",
        "observed: feed text folds behind 'See more' at ~477-480 characters on desktop, ~110 on mobile "
        "(posttruncate.com/en/platform-limits, 2026; social-media guides since 2016 quote 477)",
        "documented: link images 1.91:1, 1200x630 (Meta 'Images in link shares', developers.facebook.com/docs/"
        "sharing/webmasters/images)")),
    # Instagram: the caption folds at about 125 characters or 2 lines; links in captions are not links.
    "instagram": Network("instagram", 125, 2, "more", False, False,
                         (Crop("1x1", "1:1 square"), Crop("4x5", "4:5 portrait")), None, (
        "documented: 2,200-character captions, 30 hashtags (Instagram Help Center)",
        "observed: captions fold behind '… more' at ~125 characters / 2 lines in the feed (toolshake.xyz, "
        "posttruncate.com, 2026)",
        "documented: feed images 1:1 and 4:5 portrait, 1080x1350 (Instagram Help Center, 'image sizes')",
        "documented: links in captions are not clickable")),
    # LinkedIn: "…see more" after about 210 characters on desktop (about 140 on phones), or 3 lines.
    "linkedin": Network("linkedin", 210, 3, "…see more", True, True, (WIDE,), WIDE, (
        "documented: 3,000 characters per post (LinkedIn Help)",
        "observed: the feed folds at ~210 characters on desktop, ~140 on mobile, about 3 lines "
        "(posttruncate.com, toolsop.com, 2026)",
        "documented: link and single-image posts 1.91:1, 1200x627 (LinkedIn 'image specifications')")),
}
GENERIC = Network("generic", None, None, "", True, True, (Crop("orig", "as uploaded"),), None,
                  ("no network-specific data: the policy's hard limit only",))


def network(name: str) -> Network:
    return NETWORKS.get(name, GENERIC)
