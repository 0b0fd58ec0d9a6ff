"""`gated(rx)`: the same regex, cheaper to search with, for the big keyword alternations of the checks.

Python's regex engine tries every alternative of a pattern like `\\b(?:shop|buy|...)|[?&]ref=|...` at
every position of the text, and a leading `\\b` or lookbehind stops it from skipping ahead by the first
character. `gated` reads the pattern's own parse tree for the first two characters a match can start
with, and puts a zero-width gate in front: "a word starts here with one of these letter pairs" for the
alternatives that begin with `\\b` (or a lookbehind refusing word characters, like `(?<![\\w-])`), "the
next two characters are one of these pairs" for the others, the anchor itself for alternatives anchored
with `^`. A pair ends early where the second character cannot be told (the first alone then gates).
Positions where no match can start then fail after a few tests instead of one per alternative. The
gate only ever refuses positions where the pattern cannot match, so matches, groups and spans are the
pattern's own (the checks' tests and the byte-identical scan replay in docs/checks.md "Throughput" and
docs/performance.md "Text checks, third pass" hold it to that).

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


_AHEAD = 2  # characters a gate looks at


def _walk(ops, i: int, k: int, led: bool, cont, ignorecase: bool) -> set:
    """What `ops[i:]` then `cont` can start with: a set of (lead, fragments), fragments the character classes of
    the first k (or fewer: anything may follow) characters, lead "\\b" when a word boundary leads to a word
    character, "^"/"\\A" for an anchored start, else "". Raises _Unknown when the first character cannot be told."""
    if k == 0:
        return {("", ())}
    if i == len(ops):
        return cont(k, led)
    op, av = ops[i]
    first = k == _AHEAD
    nxt = lambda kk, ll: _walk(ops, i + 1, kk, ll, cont, ignorecase)  # noqa: E731
    if op is _C.AT:
        if first and av in (_C.AT_BEGINNING, _C.AT_BEGINNING_STRING):
            return {("^" if av is _C.AT_BEGINNING else r"\A", ())}  # it can only start where the anchor holds
        return nxt(k, led or (first and av is _C.AT_BOUNDARY))
    if op in (_C.ASSERT, _C.ASSERT_NOT):  # zero-width; "(?<![\\w-])room": a word start, like \\b
        return nxt(k, led or (first and op is _C.ASSERT_NOT and _after_non_word(av)))
    if op is _C.SUBPATTERN:
        if av[1] & re.IGNORECASE and not ignorecase:
            return _unknown(first)
        return _walk(av[3], 0, k, led, nxt, ignorecase)
    if op is getattr(_C, "ATOMIC_GROUP", None):
        return _walk(av, 0, k, led, nxt, ignorecase)
    if op is _C.BRANCH:
        return set().union(*(_walk(alt, 0, k, led, nxt, ignorecase) for alt in av[1]))
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) or op is getattr(_C, "POSSESSIVE_REPEAT", None):
        return _repeat(av, k, led, nxt, ignorecase)
    try:
        frag, is_word = _frag(op, av)
    except _Unknown:
        return _unknown(first)
    lead = "\\b" if first and led and is_word else ""
    return {(lead, (frag,) + tail) for _, tail in nxt(k - 1, False)}


def _unknown(first: bool) -> set:
    if first:
        raise _Unknown
    return {("", ())}  # past the first character: stop looking, anything may follow


def _repeat(av, k: int, led: bool, nxt, ignorecase: bool) -> set:
    """`item{lo,hi}` then the rest: n items matched so far, each further one optional once n >= lo."""
    lo, hi, item = av

    def rep(kk, ll, n):
        out = nxt(kk, ll) if n >= lo else set()
        if n < hi:
            def after(k2, l2):
                if k2 == kk and n >= lo:
                    return nxt(k2, l2)  # an empty iteration starts nothing new
                return rep(k2, l2, n + 1)
            out |= _walk(item, 0, kk, ll, after, ignorecase)
        return out

    return rep(k, led, 0)


def _gate(prefixes: set) -> str | None:
    """The gate's pattern for these prefixes, or None when a match may start anywhere (it may be empty)."""
    anchors, groups = set(), {}
    for lead, frags in prefixes:
        if lead in ("^", r"\A"):
            anchors.add(lead)
        elif not frags:
            return None
        else:
            groups.setdefault(lead, {}).setdefault(frags[0], set()).add(frags[1] if len(frags) > 1 else None)
    parts = []
    for lead in sorted(groups):
        alts = []
        for f1, seconds in sorted(groups[lead].items()):
            alts.append(f"[{f1}]" if None in seconds else f"[{f1}][{''.join(sorted(seconds))}]")
        parts.append(lead + "(?=" + "|".join(alts) + ")")
    return "|".join(parts + sorted(anchors))


def gated(rx: re.Pattern) -> re.Pattern:
    """`rx` with a zero-width gate in front that refuses positions where no match can start (see the module)."""
    if not isinstance(rx.pattern, str):
        return rx
    ignorecase = bool(rx.flags & re.IGNORECASE)
    try:
        gate = _gate(_walk(list(_P.parse(rx.pattern, rx.flags)), 0, _AHEAD, False, lambda k, led: {("", ())},
                           ignorecase))
        if gate is None:
            return rx  # may match an empty string
        return re.compile(f"(?:{gate})(?:{rx.pattern})", rx.flags)
    except (_Unknown, re.error, RecursionError):
        return rx
