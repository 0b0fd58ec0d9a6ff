"""Text folding for the checks, with a map back to the original offsets.

Posts arrive with tricks that defeat naive patterns: full-width digits
("４６２５"), zero-width characters inside numbers and names, odd case. Checks
match on a folded copy of the text and report spans in the ORIGINAL text, so
every folded character remembers the original index it came from.

Folding: zero-width characters (U+200B/C/D, U+2060, U+FEFF, soft hyphen) are
dropped, full-width ASCII (U+FF01-FF5E) and the ideographic space become ASCII,
and `lower` is a one-to-one lower-case copy (characters whose lower case is
longer than one character are kept as they are, so both copies line up).
Nothing else is rewritten: emoji and other astral characters stay single
Python characters, which is what the contract's offsets count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_NEEDS_FOLDING = re.compile("[" + ZERO_WIDTH + "\uff01-\uff5e\u3000]")


@dataclass(frozen=True)
class Folded:
    """The folded text, its lower-case twin, and the map back to the original."""

    original: str
    text: str
    lower: str
    _index: tuple[int, ...] | None  # None: identical to the original

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of folded text[start:end] (end exclusive, start < end)."""
        if self._index is None:
            return start, end
        return self._index[start], self._index[end - 1] + 1


def _lower_1to1(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def fold(original: str) -> Folded:
    """Fold `original` for matching (see the module docstring)."""
    if not _NEEDS_FOLDING.search(original):
        return Folded(original, original, _lower_1to1(original), None)
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(original):
        if c in ZERO_WIDTH:
            continue
        o = ord(c)
        if 0xFF01 <= o <= 0xFF5E:
            c = chr(o - 0xFEE0)
        elif o == 0x3000:
            c = " "
        chars.append(c)
        index.append(i)
    text = "".join(chars)
    return Folded(original, text, _lower_1to1(text), tuple(index))
