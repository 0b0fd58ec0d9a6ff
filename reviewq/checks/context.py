"""One post under check: its inputs and the analyses several checks share.

Each analysis (folding, links, people named) is computed at most once per
post, on first use, so a check that needs the people named in the post does
not pay for recognising them twice.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from reviewq.checks.base import AttachmentInfo, ConsentInfo, Finding
from reviewq.checks.normalize import Folded, fold
from reviewq.checks.policy import Policy
from reviewq.checks.urls import Link, find_links

# Words that make a post about a particular patient or relative (the post, not the sentence:
# "Our patient ... Dad David ..." makes David a patient's relative).
PATIENT_WORDS = re.compile(
    r"\b(?:patient(?!s)(?! (?:portal|transport\w*|experience|safety|care|education|services?|advocates?|"
    r"relations|navigators?|access|financial)\b)|(?<![,/] )(?<!,)pt(?!,)|resident(?! physicians?)(?=\W)|admitted|discharged?|"
    r"d\.?o\.?b|born|birthday|turns|passed away|prayers|get well|recover\w*|surgery|diagnos\w+|"
    r"fundraiser|bed|icu|nicu|er visit|appointment|test results|mrn|ssn|medicare|medicaid|"
    r"insurance|billing|refund|records request|medication|labs|mychart|daughter|son|wife|husband|"
    r"mom|dad|baby|grand(?:son|daughter|kids|children)|family of|her (?:rehab|stay|visit|recovery)|"
    r"went home|beat (?:her|his|their)|your (?:message|visit|appointment|account|balance|recovery|surgery))\b")


@dataclass
class Post:
    text: str
    channels: Sequence[str]
    attachments: Sequence[AttachmentInfo]
    consents: Sequence[ConsentInfo]
    policy: Policy
    now: datetime | None

    @cached_property
    def folded(self) -> Folded:
        return fold(self.text)

    @cached_property
    def links(self) -> list[Link]:
        return find_links(self.folded.text)

    @cached_property
    def patient_context(self) -> bool:
        return PATIENT_WORDS.search(self.folded.lower) is not None

    @cached_property
    def people(self):
        from reviewq.checks.names import find_people
        return find_people(self)

    def finding(self, check: str, category: str, severity: str, fstart: int, fend: int,
                message: str, policy: str, fix: str = "") -> Finding:
        """A finding for folded-text span [fstart, fend), reported in original offsets."""
        start, end = self.folded.span(fstart, fend)
        return Finding(check, category, self.policy.severity(policy, severity), start, end,
                       self.text[start:end], message, policy, fix)
