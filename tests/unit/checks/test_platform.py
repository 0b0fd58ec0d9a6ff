from reviewq.checks import AttachmentInfo, run_all
from reviewq.checks.platform import x_length


def platform(text, channels, **kw):
    return [f for f in run_all(text, channels, **kw) if f.check == "platform"]


def test_x_counts_links_as_23_and_emoji_as_2():
    assert x_length("hi 😀", [], 23) == 5
    assert x_length("👨‍👩‍👧 ok", [], 23) == 5
    assert x_length("a" * 10, [(0, 10)], 23) == 23


def test_long_tracking_link_is_within_the_x_limit():
    text = "Run with us! " + "https://example.org/5k?" + "utm_source=x&" * 30 + " See you there."
    assert len(text) > 280
    assert not platform(text, ["x"])


def test_emoji_heavy_post_is_over_x_but_fine_elsewhere():
    text = "Thank you nurses! " + "💙" * 140
    found = platform(text, ["x", "facebook"])
    assert [f.category for f in found] == ["length.x"]
    f = found[0]
    assert f.severity == "block" and f.policy == "platform.length" and text[f.start:f.end] == f.text


def test_instagram_hashtag_limit():
    text = "Nurses week! " + " ".join(f"#tag{i}" for i in range(31))
    found = platform(text, ["instagram"])
    assert [f.category for f in found] == ["hashtags.instagram"]


def test_image_without_alt_text():
    atts = [AttachmentInfo(id=3, content_type="image/png"), AttachmentInfo(id=4, content_type="image/jpeg",
                                                                           alt_text="Nurses at the gala"),
            AttachmentInfo(id=5, content_type="application/pdf")]
    found = platform("Gala photos!", ["facebook"], attachments=atts)
    assert [(f.category, f.attachment_id) for f in found] == [("alt_text", 3)]
    d = found[0].to_dict()
    assert "start" not in d and d["attachment_id"] == 3
