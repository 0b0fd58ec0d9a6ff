"""The registry of checks and run_all(), the one entry point every caller uses.

Each check is a function Post -> list[Finding]; CHECKS maps its stable id to
it. run_all builds the Post once, runs every check the policy has not
disabled, and returns the findings sorted by position (attachment findings
last). It never raises on odd text: a post is only ever text.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reviewq.checks import agreement, conduct, consent, disclosure, phi, platform, sourcing
from reviewq.checks.base import AttachmentInfo, ConsentInfo, Finding
from reviewq.checks.context import Post
from reviewq.checks.policy import Policy, default_policy

CHECKS = {
    "phi": phi.check,
    "sourcing": sourcing.check,
    "consent": consent.check,
    "disclosure": disclosure.check,
    "platform": platform.check,
    "conduct": conduct.check,
}


def run_all(text: str, channels: Sequence[str], attachments: Sequence[AttachmentInfo] = (),
            consents: Sequence[ConsentInfo] = (), policy: Policy | None = None,
            now: datetime | None = None) -> list[Finding]:
    """Every finding for one post, in the contract's format (see shared/CONTRACT.md, "Findings").

    `now` decides whether linked consents are in date; when None, consent
    dates are checked against the current UTC time.
    """
    post = Post(text or "", tuple(channels or ()), tuple(attachments or ()), tuple(consents or ()),
                policy or default_policy(), now)
    findings: list[Finding] = []
    for name, fn in CHECKS.items():
        if name not in post.policy.disabled_checks:
            findings.extend(fn(post))
    if "consent" not in post.policy.disabled_checks:
        findings = agreement.settle_consent(post, consent.apply_consents(post, findings))
    findings.sort(key=lambda f: (f.start is None, f.start or 0, f.end or 0, f.check))
    return findings
