"""Masking of free text that leaves the app: decision comments, freeze reasons,
Slack notices and publisher errors.

Post bodies are masked from their stored findings (reviewq.services.masking).
Free text has no findings of its own, so the PHI check runs over it here and
its spans are masked, together with any PHI fragment of the post it quotes.
Every Slack DM, channel message and webhook error that carries text a person
typed goes through mask_outbound() when masking is on.
"""
from __future__ import annotations

from reviewq.checks import phi
from reviewq.checks.context import Post
from reviewq.models import Draft
from reviewq.services.masking import mask_phi, masking_on

BLOCK = "\u2588"


def _post_fragments(draft: Draft | None) -> set[str]:
    rev = draft.revision if draft is not None else None
    if rev is None:
        return set()
    return {rev.body[f["start"]:f["end"]] for f in rev.findings or []
            if f.get("check") == "phi" and isinstance(f.get("start"), int) and isinstance(f.get("end"), int)}


def mask_text(text: str, *, policy=None, fragments=()) -> str:
    """`text` with what the PHI check flags in it, and every given fragment, blacked out."""
    if not text:
        return text
    from reviewq.checks.policy import default_policy
    # The PHI check runs even where the policy disabled it for posts: masking is not a policy choice.
    found = phi.check(Post(text, (), (), (), policy or default_policy(), None))
    text = mask_phi(text, [{"check": "phi", "start": f.start, "end": f.end} for f in found])
    for frag in sorted((f for f in fragments if len(f.strip()) > 1), key=len, reverse=True):
        text = text.replace(frag, BLOCK * len(frag))
    return text


def mask_outbound(session, text: str, draft: Draft | None = None) -> str:
    """`text` as it may leave the app: masked when the organisation's masking is on."""
    if not text or not masking_on(session):
        return text
    from reviewq.services.checking import load_policy
    return mask_text(text, policy=load_policy(session), fragments=_post_fragments(draft))
