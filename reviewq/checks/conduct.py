"""Conduct check: things a clinician's employer must not post, flagged for a person to judge.

Rules (all `warn`): `conduct.solicits_phi` (asking the public to send health
details: "DM us your date of birth"), `conduct.medical_advice` (advice to one
person about their own care: "you should stop taking ..."), and
`conduct.unprofessional` (profanity or mocking patients).
"""
from __future__ import annotations

import re

from reviewq.checks.base import Finding

RULES = (
    ("solicits_phi", "conduct.solicits_phi", re.compile(
        r"\b(?:dm|message|send|email|comment|reply|tell|share with)\s+(?:us|me)?\s*(?:below\s+)?(?:with\s+)?"
        r"your\s+(?:\w+\s+)?(?:date of birth|dob|birthday|medical record|mrn|insurance|member id|ssn|"
        r"social security|diagnos\w+|symptoms|medications?|test results|lab results|health history|"
        r"condition|address|phone number)\b"), ("your",),
     "This asks people to share health or identifying details in public or by social media message, which "
     "is not a secure channel and makes us handle PHI outside our systems.",
     "Point people to the patient portal or a phone line instead."),
    ("medical_advice", "conduct.medical_advice", re.compile(
        r"\b(?:you|u) (?:should|need to|must|have to|can safely)\s+(?:stop|start|double|increase|decrease|"
        r"skip|quit|take|switch)\b(?:\s+\w+){0,3}\s+(?:your\s+)?(?:dose|medication|meds|pills|insulin|"
        r"prescription|antibiotics?|\w+(?:ol|in|ine|ide|am|ax|an)\b)"
        r"|\byou (?:don'?t|do not) need (?:to see )?(?:a |your )?(?:doctor|er|emergency)"
        r"|\b(?:sounds|looks) like you have\b"), ("you", "u "),
     "This reads as medical advice to one person. Advice needs an examination and belongs in a visit, "
     "not a public post.", "Give general information and invite the person to contact their clinician."),
    ("unprofessional", "conduct.unprofessional", re.compile(
        r"\b(?:wtf|damn|dammit|crap|hell no|shit\w*|fuck\w*|bitch\w*|ass(?:hole)?|bastard|pissed|"
        r"frequent flyers?|crazy patient|psycho|drunk(?:s)? again|gomer|retard\w*|idiot\w*|stupid)\b"), (),
     "This language is unprofessional for a hospital account or mocks patients, which harms trust.",
     "Rephrase in a respectful, professional tone."),
)


# Each pattern is written in lower case and runs on the lower-case copy; a pattern with keys runs only when
# one of them is in the post (prefilter).


def check(post) -> list[Finding]:
    lower = post.folded.lower
    out = []
    for category, rule, rx, keys, message, fix in RULES:
        if keys and not any(k in lower for k in keys):
            continue
        m = rx.search(lower)
        if m:
            out.append(post.finding("conduct", category, "warn", m.start(), m.end(), message, rule, fix))
    return out
