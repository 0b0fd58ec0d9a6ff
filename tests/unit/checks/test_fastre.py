"""fastre.gated: the same matches as the pattern it gates, wherever and however it is searched."""
import random
import re

from reviewq.checks import consent, dates, disclosure, names
from reviewq.checks.fastre import gated

SAMPLES = ["Use code NURSE10 for 10% off! Shop now: www.example.com", "Our patient Ella Moss turns 93 today.",
           "Dr. Ivan Petrov, RN. Mr. Smith in Room 4B... DOB 01/02/1950!", "shop?ref=abc&tag=x 链接在简介 ok",
           "", "a", "x.y. z!? \n 🎉 end", "Call (555) 201-8876 or +1 555 201 8876 today"]


def _same(a, b, text, rnd):
    assert [(m.span(), m.groups()) for m in a.finditer(text)] == [(m.span(), m.groups()) for m in b.finditer(text)]
    for _ in range(20):
        i = rnd.randrange(len(text) + 1)
        j = rnd.randrange(i, len(text) + 1)
        for meth in ("search", "match", "fullmatch"):
            ma, mb = getattr(a, meth)(text, i, j), getattr(b, meth)(text, i, j)
            assert (ma and (ma.span(), ma.groups())) == (mb and (mb.span(), mb.groups()))


def test_gated_patterns_match_like_the_originals():
    rnd = random.Random(5)
    originals = [r"\b(?:shop|buy)\b[^.!?]{0,40}?(?:https?://|www\.)|[?&](?:ref|tag)=|\d{1,2}\s?%\s*off\b",
                 r"(?<!\bmr)(?<!\b[a-z])[.!?]+(?=\s)|\n|[\U0001F300-\U0001FAFF]+(?=\s)",
                 r"(?i)\b(?:mr|dr)\.?\s+[A-Z]\w+", r"\b(?:room|bed)\s*(?P<v>\d{1,4}[a-z]?)\b",
                 disclosure.ENDORSEMENT.pattern, dates.AGE.pattern, names._SENT_END.pattern, consent.SUBJECT.pattern]
    for pat in originals:
        rx = re.compile(pat)
        g = gated(rx)
        for text in SAMPLES + [s.lower() for s in SAMPLES] + [s.upper() for s in SAMPLES]:
            _same(rx, g, text, rnd)


def test_patterns_that_may_start_anywhere_are_left_alone():
    for pat in (r"[^.!?]{0,40}$", r"x?", r".foo", r"[^a]b"):
        rx = re.compile(pat)
        assert gated(rx) is rx


def test_anchored_and_lookbehind_led_alternatives_are_gated_by_the_anchor_and_a_word_start():
    rnd = random.Random(11)
    from reviewq.checks import phi_patterns
    originals = [r"^\W*testimonial\b|\bpatient story\b", r"(?m)^\s*x|\by\b", r"\A ?foo|bar",
                 r"(?<![\w-])(?:room|bed)\s*\d+|(?:→|->)\s*\d+", r"(?<![a-z0-9])mrn\s*\d+",
                 r"(?<![\w.])(?:\d{2,3}|ninety)\s*(?:years|yo)\b", phi_patterns.ROOM.pattern, consent.NARRATIVE.pattern]
    texts = ["  Testimonial: patient story here", "testimonial", "x\n  x y\nyy y", " foo bar foo", "foobar",
             "pt in room 12, bed-4 -> 7, xroom 3, _bed 5, é-room 6 →9", "ÉMRN 123 mrn 44 _mrn 5", "",
             "aged 93 years, x.95 yo, ninety yo, 100yo", "Our patient in Rm 4B. She was born here.\nhe said"]
    for pat in originals:
        rx = re.compile(pat)
        g = gated(rx)
        for text in texts + [t.lower() for t in texts] + [t.upper() for t in texts]:
            _same(rx, g, text, rnd)
    # the gates themselves: the anchor, not "any non-word character"; a word start, not any letter
    assert gated(re.compile(r"^\W*testimonial")).pattern.startswith("(?:^)")
    assert gated(re.compile(r"(?<![\w-])room\d")).pattern.startswith(r"(?:\b(?=[r][o]))")
    # a lookbehind that lets some word characters through ("_", "é") says nothing about \b
    assert gated(re.compile(r"(?<![a-z0-9])mrn")).pattern.startswith(r"(?:(?=[m][r]))")


def test_the_gate_reads_two_characters_through_groups_repeats_and_optional_parts():
    rnd = random.Random(3)
    originals = [r"\b(?:một|các)? ?bệnh nhân", r"\b(?:ab|a|cd)\b", r"x{0,2}yz", r"(?:\w+ ){0,2}?patient",
                 r"\b(?:a(?:b|c)|d)e", r"(?:x?)*y", r"q.r|s[^t]u", r"(?i:ab)c|de", r"(?i)\bAb|cD", r"(?:ab)+c",
                 r"\d{2,3}(?:st|nd)|#\w", r"(?=ab)a|c(?!d)", r"(\w)\1x"]
    texts = ["các bệnh nhân x bệnh nhân  bệnh nhân", "ab a cd abc ae ace de", "yz xyz xxyz xxxyz", "two patient",
             "AB aB Ab cD cd de DE abc ABC", "ababc abc c", "22nd 113st #x #", "ab ac cd ce", "aax bbx abx",
             "qxr q\nr sxu stu", "y xy xxy", ""]
    for pat in originals:
        rx = re.compile(pat)
        g = gated(rx)
        for text in texts + [t.upper() for t in texts]:
            _same(rx, g, text, rnd)
    # "x bệnh nhân": the gate lets " b" through, not every space
    assert r"[\ ][b]" in gated(re.compile(originals[0])).pattern
