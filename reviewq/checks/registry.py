"""Runs every registered check (placeholder: platform length only until the engine lands)."""
from __future__ import annotations

from collections.abc import Sequence

from reviewq.checks.base import AttachmentInfo, ConsentInfo, Finding
from reviewq.checks.policy import Policy, default_policy


def run_all(text: str, channels: Sequence[str], attachments: Sequence[AttachmentInfo] = (),
            consents: Sequence[ConsentInfo] = (), policy: Policy | None = None,
            now=None) -> list[Finding]:
    policy = policy or default_policy()
    findings = []
    for ch in channels:
        limit = policy.channel_limits.get(ch)
        if limit is not None and len(text) > limit:
            findings.append(Finding("platform", f"length.{ch}", "block", limit, len(text), text[limit:],
                                    f"Too long for {ch}: {len(text)} characters, the limit is {limit}.",
                                    "platform.length", fix="Shorten the post or drop this channel."))
    return findings
