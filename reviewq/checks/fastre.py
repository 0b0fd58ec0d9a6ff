"""`gated(rx)`: the same regex, cheaper to search with, for the big keyword alternations of the checks.

Python's regex engine tries every alternative of a pattern like `\\b(?:shop|buy|...)|[?&]ref=|...` at
every position of the text, and a leading `\\b` or lookbehind stops it from skipping ahead by the first
character. `gated` reads the pattern's own parse tree for the characters a match can start with, and
puts a zero-width gate in front: "a word starts here with one of these letters" for the alternatives
that begin with `\\b`, "the next character is one of these" for the others. Positions where no match
can start then fail after one or two tests instead of one per alternative. The gate only ever refuses
positions where the pattern cannot match, so matches, groups and spans are the pattern's own (the
checks' tests and the byte-identical scan replay in docs/checks.md "Throughput" hold it to that).

A pattern whose first character cannot be told (it may start with any character, or match an empty
string) is returned unchanged. Pure: no I/O; patterns are gated once, at import.
"""
from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _C
    import sre_parse as _P

_CATEGORY = {_C.CATEGORY_DIGIT: r"\d", _C.CATEGORY_NOT_DIGIT: r"\D", _C.CATEGORY_SPACE: r"\s",
             _C.CATEGORY_NOT_SPACE: r"\S", _C.CATEGORY_WORD: r"\w", _C.CATEGORY_NOT_WORD: r"\W"}
_WORD = re.compile(r"\w")


class _Unknown(Exception):
    """The pattern's first character cannot be told: leave it ungated."""


def _char(c: int) -> str:
    return re.escape(chr(c))


def _is_word_range(a: int, b: int) -> bool:
    # the engine's \w is str.isalnum() or "_": one C call for the whole range
    return "".join(map(chr, range(a, b + 1))).replace("_", "a").isalnum()


def _frag(op, av) -> tuple[str, bool]:
    """(character-class fragment, whether every character it allows is a word character) of one consuming op."""
    if op is _C.LITERAL:
        return _char(av), bool(_WORD.match(chr(av)))
    if op is _C.IN:
        parts, word = [], True
        for iop, iav in av:
            if iop is _C.LITERAL:
                parts.append(_char(iav))
                word = word and bool(_WORD.match(chr(iav)))
            elif iop is _C.RANGE:
                parts.append(f"{_char(iav[0])}-{_char(iav[1])}")
                word = word and _is_word_range(*iav)
            elif iop is _C.CATEGORY and iav in _CATEGORY:
                parts.append(_CATEGORY[iav])
                word = word and iav in (_C.CATEGORY_WORD, _C.CATEGORY_DIGIT)
            else:
                raise _Unknown  # a negated class, a big charset: anything may start here
        return "".join(parts), word
    raise _Unknown


def _after_non_word(av) -> bool:
    """Whether a negative assertion `av` is a one-character lookbehind refusing every word character,
    like `(?<![\\w-])`: where it holds and a word character follows, \\b holds too."""
    direction, sub = av
    if direction != -1 or len(sub) != 1 or sub[0][0] is not _C.IN:
        return False
    items = sub[0][1]
    return (_C.CATEGORY, _C.CATEGORY_WORD) in items and not any(iop is _C.NEGATE for iop, _ in items)


def _first(seq, led: bool, ignorecase: bool, word: list, other: list, begin: list) -> bool:
    """Add the first characters of `seq` to `word` (after a leading \\b) or `other`, or "^" to `begin` for an
    alternative anchored at the start; True if seq may match empty."""
    for op, av in seq:
        if op is _C.AT:
            if av in (_C.AT_BEGINNING, _C.AT_BEGINNING_STRING):
                begin.append(r"^" if av is _C.AT_BEGINNING else r"\A")
                return False  # it can only start where the anchor holds: the gate asks the anchor itself
            led = led or av is _C.AT_BOUNDARY
            continue
        if op is _C.ASSERT_NOT and _after_non_word(av):
            led = True  # "(?<![\\w-])room": a word character after a non-word one starts at a \\b
            continue
        if op in (_C.ASSERT, _C.ASSERT_NOT):
            continue  # zero-width: the first character is still the next op's
        if op is _C.SUBPATTERN:
            _, add_flags, _, sub = av
            if add_flags & re.IGNORECASE and not ignorecase:
                raise _Unknown
            nullable = _first(sub, led, ignorecase, word, other, begin)
        elif op is getattr(_C, "ATOMIC_GROUP", None):
            nullable = _first(av, led, ignorecase, word, other, begin)
        elif op is _C.BRANCH:
            nullable = False
            for alt in av[1]:
                nullable = _first(alt, led, ignorecase, word, other, begin) or nullable
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or op is getattr(_C, "POSSESSIVE_REPEAT", None):
            lo, _, item = av
            nullable = _first(item, led, ignorecase, word, other, begin) or lo == 0
        else:
            frag, is_word = _frag(op, av)
            (word if led and is_word else other).append(frag)
            return False
        if not nullable:
            return False
    return True


def gated(rx: re.Pattern) -> re.Pattern:
    """`rx` with a zero-width gate in front that refuses positions where no match can start (see the module)."""
    if not isinstance(rx.pattern, str):
        return rx
    ignorecase = bool(rx.flags & re.IGNORECASE)
    word: list[str] = []
    other: list[str] = []
    begin: list[str] = []
    try:
        if _first(_P.parse(rx.pattern, rx.flags), False, ignorecase, word, other, begin):
            return rx  # may match an empty string
        gate = "|".join(([r"\b(?=[%s])" % "".join(word)] if word else []) +
                        ([r"(?=[%s])" % "".join(other)] if other else []) + sorted(set(begin)))
        return re.compile(f"(?:{gate})(?:{rx.pattern})", rx.flags)
    except (_Unknown, re.error, RecursionError):
        return rx
