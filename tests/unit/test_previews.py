"""Previews per network (reviewq.previews): the cut, the fold, link cards, tags and crops, as numbers."""
from __future__ import annotations

from reviewq.checks.platform import check as platform_check
from reviewq.checks.context import Post
from reviewq.checks.policy import Policy
from reviewq.previews import build
from reviewq.previews.networks import GENERIC, NETWORKS

P = Policy()


def one(text, ch, **kw):
    return build(text, [ch], P, **kw)[0]


def joined(segments):
    return "".join(s.text for s in segments)


def test_the_numbers_and_their_sources():
    assert (NETWORKS["x"].fold_chars, P.channel_limits["x"]) == (None, 280)
    assert (NETWORKS["facebook"].fold_chars, NETWORKS["facebook"].fold_lines) == (477, 5)
    assert (NETWORKS["instagram"].fold_chars, NETWORKS["instagram"].fold_lines) == (125, 2)
    assert (NETWORKS["linkedin"].fold_chars, NETWORKS["linkedin"].fold_lines) == (210, 3)
    assert [c.css for c in NETWORKS["x"].crops] == ["16x9"]
    assert [c.css for c in NETWORKS["instagram"].crops] == ["1x1", "4x5"]
    assert [c.css for c in NETWORKS["facebook"].crops] == [c.css for c in NETWORKS["linkedin"].crops] == ["191x1"]
    for net in NETWORKS.values():
        assert net.sources and all(s.startswith(("documented:", "observed:")) for s in net.sources)


def test_x_cuts_where_the_platform_check_refuses():
    text = "🎉 Flu shots https://example.org/a/very/long/path/indeed " + "x" * 300
    p = one(text, "x")
    post = Post(text, ("x",), (), (), P, None)
    refused = [f for f in platform_check(post) if f.category == "length.x"][0]
    assert p.cut_at == refused.start and joined(p.over) == text[refused.start:]
    assert p.count == 2 + len(" Flu shots ") + 23 + 1 + 300   # emoji 2, the link 23
    assert joined(p.shown) == text[:p.cut_at] and p.fold_at is None


def test_x_fits_exactly_at_280():
    p = one("a" * 280, "x")
    assert p.cut_at is None and not p.over and p.count == 280
    assert one("a" * 281, "x").cut_at == 280


def test_facebook_folds_at_477_characters_on_a_word_boundary():
    text = ("word " * 200).strip()
    p = one(text, "facebook")
    assert p.fold_at == 474 and text[p.fold_at] == " "   # 477 is inside "word": back to the space before
    assert joined(p.shown) + joined(p.folded) == text and p.cut_at is None
    assert one("a" * 477, "facebook").fold_at is None and one("a" * 478, "facebook").fold_at == 477


def test_instagram_folds_after_two_lines_or_125_characters():
    assert one("Line one\nLine two\nLine three", "instagram").fold_at == len("Line one\nLine two")
    assert one("Line one\nLine two", "instagram").fold_at is None
    assert one("b" * 200, "instagram").fold_at == 125


def test_linkedin_folds_at_210_and_the_hard_limit_cuts_after():
    p = one("c" * 3100, "linkedin")
    assert (p.fold_at, p.cut_at, len(joined(p.folded)), len(joined(p.over))) == (210, 3000, 2790, 100)


def test_link_card_for_the_first_link_unless_an_image_takes_its_place():
    text = "Read more at https://example.org/flu and https://second.example.com"
    assert one(text, "facebook").link == {"url": "https://example.org/flu", "host": "example.org"}
    with_image = one(text, "facebook", has_image=True)
    assert with_image.link is None and "image takes the place" in with_image.notes[0]
    ig = one(text, "instagram")
    assert ig.link is None and "not clickable" in ig.notes[0]


def test_hashtags_mentions_and_links_are_segments():
    p = one("Thanks @cityhealth! #FluShots at example.org today", "linkedin")
    kinds = [(s.kind, s.text) for s in p.shown if s.kind != "text"]
    assert kinds == [("mention", "@cityhealth"), ("tag", "#FluShots"), ("link", "example.org")]
    assert (p.hashtags, p.mentions) == (1, 1)


def test_other_channels_get_the_generic_card_with_the_policy_limit():
    p = one("d" * 520, "threads")
    assert p.generic and p.net is GENERIC and (p.limit, p.cut_at, p.fold_at) == (500, 500, None)
