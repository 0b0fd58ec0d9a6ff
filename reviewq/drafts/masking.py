"""Masking of text flagged as PHI wherever it leaves the app (Slack, webhook errors).

Post bodies are masked from their stored findings (mask_phi). Free text that
leaves the app (decision comments, freeze reasons, Slack notices, publisher
errors) has no findings of its own, so the PHI check runs over it
(mask_text) and its spans are masked, together with any PHI fragment of the
post it quotes. Every Slack DM, channel message and webhook error that
carries text a person typed goes through mask_outbound() when masking is on.

On by default; an admin may turn it off (Setting "mask_phi" = {"on": false}),
for example where Slack is covered by a BAA.
"""
from __future__ import annotations

import re

from sqlalchemy.orm import Session

from reviewq.checks import phi
from reviewq.checks.context import Post
from reviewq.models import Draft, Setting

MASK_KEY = "mask_phi"
BLOCK = "\u2588"


def masking_on(session: Session | None) -> bool:
    if session is None:
        return True
    row = session.get(Setting, MASK_KEY)
    return True if row is None else bool(row.value.get("on", True))


def mask_phi(text: str, findings: list[dict], *, on: bool = True) -> str:
    """`text` with every span of a phi finding replaced by block characters of the same length."""
    if not on or not text:
        return text
    spans = sorted((f["start"], f["end"]) for f in findings
                   if f.get("check") == "phi" and isinstance(f.get("start"), int) and isinstance(f.get("end"), int)
                   and 0 <= f["start"] < f["end"] <= len(text))
    out, pos = [], 0
    for start, end in spans:
        start = max(start, pos)
        if start >= end:
            continue
        out.append(text[pos:start])
        out.append("█" * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


_LABEL = re.compile(r"^\W*(?:mrn|m\.?r\.?n\.?|dob|d\.?o\.?b\.?|pt|patient|name|rm|room|bed|acct|account|fin|ssn|"
                    r"member\s*id|admit(?:ted)?|dos)\b\W*", re.I)


def mask_image_text(text: str) -> str:
    """Text read in an image, for people who need to know what kind of detail is there but not the detail:
    a leading label stays ("MRN:"), every letter and digit after it is blacked out."""
    head = m.group(0) if (m := _LABEL.match(text or "")) else ""
    return head + re.sub(r"\w", BLOCK, (text or "")[len(head):])


def may_read_image_text(user, draft) -> bool:
    """Who sees the text the scan read in a draft's images unmasked: its author (who must fix it) and
    administrators (who act for them). Approvers and auditors see the picture, the kind of detail and
    where it is, and the text masked."""
    return user.id == draft.author_id or "admin" in (user.roles or ())


def set_masking(session: Session, actor, on: bool, *, now, reason: str = "") -> bool:
    """Turn PHI masking on or off (admins only) for `reason` (required for a change; keeping the value needs none).

    Stored, versioned and audited by stored_settings.put_setting.
    """
    from reviewq.core.errors import PermissionDeniedError
    from reviewq.core.permissions import can_manage_users
    from reviewq.stored_settings import get_setting, put_setting
    if actor is None or not can_manage_users(actor.actor()):
        raise PermissionDeniedError("Only administrators change settings.")
    current = get_setting(session, MASK_KEY)
    if current is not None and bool(current.get("on", True)) == bool(on):
        return bool(on)
    put_setting(session, MASK_KEY, {"on": bool(on)}, actor, now, reason=reason)
    return bool(on)


def post_fragments(draft: Draft | None) -> set[str]:
    """The PHI fragments of a draft's current text, from its stored findings."""
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
    from reviewq.drafts.checking import load_policy
    return mask_text(text, policy=load_policy(session), fragments=post_fragments(draft))
