from reviewq.checks.normalize import fold


def test_plain_text_is_unchanged_and_maps_to_itself():
    f = fold("Call 555-123-4567 😀")
    assert f.text == "Call 555-123-4567 😀"
    assert f.span(5, 17) == (5, 17)


def test_zero_width_characters_are_dropped_and_spans_map_back():
    original = "ssn 12\u200b3-4\u20605-6789 ok"
    f = fold(original)
    assert f.text == "ssn 123-45-6789 ok"
    s, e = f.span(4, 15)
    assert original[s:e] == "12\u200b3-4\u20605-6789"


def test_full_width_digits_become_ascii():
    original = "📞 ＋１ （７１３） ３８２－７５１５"
    f = fold(original)
    assert f.text == "📞 +1 (713) 382-7515"
    s, e = f.span(2, len(f.text))
    assert original[s:e] == original[2:]


def test_lower_copy_lines_up_with_text_even_for_expanding_characters():
    f = fold("İstanbul ß ẞ ǅ")
    assert len(f.lower) == len(f.text)
