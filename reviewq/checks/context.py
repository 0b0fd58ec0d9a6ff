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
from reviewq.checks.fastre import gated
from reviewq.checks.normalize import Folded, fold
from reviewq.checks.phi_patterns import HANDLE
from reviewq.checks.policy import Policy
from reviewq.checks.urls import Link, find_links

# Words that make a post about a particular patient or relative (the post, not the sentence:
# "Our patient ... Dad David ..." makes David a patient's relative).
PATIENT_WORDS = re.compile(
    r"\b(?:patient(?!s)(?! (?:portal|transport\w*|experience|safety|care|education|services?|advocates?|"
    r"relations|navigators?|access|financial)\b)|(?<![,/] )(?<!,)pt(?!,)|resident(?! physicians?)(?=\W)|admitted|discharged?|"
    r"d\.?o\.?b|born|birthday|turns|passed away|prayers|get well|recover\w*|surgery|diagnos\w+|"
    r"fundraiser|feeling better|chemo\w*|transplant|ventilator|dialysis|rang the bell|trach|bypass|intubat\w+|extubat\w+|bed|icu|nicu|er visit|appointment|test results|mrn|ssn|medicare|medicaid|"
    r"insurance|billing|refund|records request|medication|labs|mychart|daughter|son|wife|husband|"
    r"mom|dad|baby|grand(?:son|daughter|kids|children)|family of|her (?:rehab|stay|visit|recovery)|"
    r"went home|going home|beat (?:her|his|their)|your (?:message|visit|appointment|account|balance|recovery|surgery)|"
    r"rehab|survivor|npo|cath lab|(?:her|his|their) (?:#|bill|chart|number)|"
    # Spanish, Tagalog, French: the same words in the other languages hospitals post in
    r"paciente|pacientes?|habitaci[óo]n|cuarto|cama|hij[oa]s?|espos[oa]|mam[áa]|pap[áa]|abuel[oa]|abuelit[oa]|"
    r"cirug[íi]a|se recupere|recuperaci[óo]n|sobreviviente|cumplea[ñn]os|dad[oa] de alta|"
    r"sali[óo] del hospital|expediente|p[óo]liza|seguro|urgencias|pasyente|anak|tatay|nanay|lola|lolo|"
    r"kaarawan|ospital|chambre|anniversaire|patiente?|cumple|cumplió|"
    # clinical shorthand of bedside notes: "came in w/ a chf exacerbation", "hip fx", "s/p", "npo after midnight"
    r"bệnh nhân|sinh nhật|xuất viện|hồ sơ|bukaanka|fecha de nacimiento|data de nascimento|prescription|refills?|"
    r"diet order|line list|outbreak|interpreter|medevac|isolation (?:cart|room|sign)|came in w/|came in with|exacerbation|fx|s/p|hx of|chf|copd|npo|handoff|hand-off|post-?op|extubated|"
    r"intubated|\d{2,3}\s?y/?o|\d{2,3}[fm])(?!\w)")

# A personal handle is someone's when the post speaks to or about a person's health or life.
PERSONAL_HANDLE_CONTEXT = re.compile(
    r"\b(?:feeling better|get well|glad you|so glad|welcome home|home|recover\w*|follow (?:his|her|their)|"
    r"(?:his|her|their) (?:journey|story|page|fundraiser)|congrat\w*|happy birthday|miss you|praying|"
    r"prayers|thinking of you|proud of you|you did it|walk out|walked out|went home|going home|healing|"
    r"(?:hey|hi|hello|dear) @|your (?:post|review|comment|message|visit|stay|experience|wait|care|bill)|long wait|"
    r"make (?:it|this|things) right|sorry (?:about|for|to hear))\b")


_OUR_HANDLE_BEFORE = re.compile(r"\b(?:follow|find|tag|join) us\b[^.!?@]{0,20}$|\bour\b[^.!?@]{0,45}$")


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
    def personal_handles(self) -> list:
        """@handles that look personal (not the policy's, not a CamelCase brand) in a post about someone."""
        text = self.folded.text
        if "@" not in text:
            return []
        cp = self.policy.compiled
        out = []
        for m in HANDLE.finditer(text):
            h = m.group("h")
            if h.lower() in cp.org_handles or (any(c.isupper() for c in h[1:]) and not any(c.isdigit() for c in h)):
                continue
            if _OUR_HANDLE_BEFORE.search(self.folded.lower, max(0, m.start() - 60), m.start()):
                continue  # "Follow our stories on Instagram (@ourhospital)", "follow us @..."
            out.append(m)
        if out and not (self.patient_context or PERSONAL_HANDLE_CONTEXT.search(self.folded.lower)
                        or any(p.role == "person" for p in self.people)):
            return []
        return out

    @cached_property
    def ages(self) -> list[tuple[int, int, int]]:
        """(start, end, value) of every stated age (folded-text offsets)."""
        from reviewq.checks.dates import find_ages
        return find_ages(self.folded.lower)

    @cached_property
    def story_p(self) -> float:
        """The story classifier's probability that the post features one identifiable patient."""
        from reviewq.checks.model import story_probability
        return story_probability(self.folded.lower)

    @cached_property
    def model_spans(self) -> list[tuple[int, int, str, float]]:
        """CRF NAME/ADDR/DATE spans (folded offsets), only for posts that may be about a patient."""
        if not (self.patient_context or self.story_p >= 0.3):
            return []  # the tagger costs more than every rule together: run it where context decides
        return self.tags

    @cached_property
    def tags(self) -> list[tuple[int, int, str, float]]:
        """Every CRF NAME/ADDR/DATE span (folded offsets): asked when a rule's context finding needs it."""
        from reviewq.checks.model import tag_people
        return tag_people(self.folded.text)

    @cached_property
    def people(self):
        from reviewq.checks.names import find_people
        return find_people(self)

    def finding(self, check: str, category: str, severity: str, fstart: int, fend: int,
                message: str, policy: str, fix: str = "", source: str = "") -> Finding:
        """A finding for folded-text span [fstart, fend), reported in original offsets."""
        start, end = self.folded.span(fstart, fend)
        return Finding(check, category, self.policy.severity(policy, severity), start, end,
                       self.text[start:end], message, policy, fix, source=source)


# Searched once or more per post: gated to skip positions no match starts at (fastre.py, same matches).
PATIENT_WORDS = gated(PATIENT_WORDS)
PERSONAL_HANDLE_CONTEXT = gated(PERSONAL_HANDLE_CONTEXT)
