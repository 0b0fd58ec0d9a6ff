"""Template globals and filters: labels, nav links and badge, highlighted post text, word diffs.

Everything here turns stored values into safe HTML or display strings; it
never changes data (views call the domain packages' operations for that).
Post text is escaped here before any markup is added, so templates may emit
the results with |safe-free Markup.
"""
from __future__ import annotations

import difflib
import re
from datetime import timezone

from flask import current_app, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from reviewq.consents.permissions import can_read_consents
from reviewq.core.roles import CHANNEL_LABELS, CHANNELS, ROLE_LABELS
from reviewq.drafts.checking import load_policy
from reviewq.extensions import db
from reviewq.policy.queries import review_stale
from reviewq.releases.queries import freeze_state
from reviewq.review.permissions import can_review
from reviewq.review.queries import STAGES, count_waiting
from reviewq.web.local_time import local, local_input

STATE_LABELS = {
    "draft": "Draft", "pending_review": "Waiting for review", "pending_legal": "Waiting for legal",
    "pending_comms": "Waiting for comms", "approved": "Approved", "scheduled": "Scheduled",
    "published": "Published", "changes_requested": "Changes requested", "rejected": "Rejected",
    "withdrawn": "Withdrawn",
}
DECISION_LABELS = {"approve": "Approved", "request_changes": "Requested changes", "reject": "Rejected"}
SEVERITY_RANK = {"block": 3, "warn": 2, "info": 1}
SEVERITY_LABELS = {"block": "Must fix", "warn": "Needs justification", "info": "Note"}


def nav_url(endpoint: str, **values) -> str | None:
    """URL of `endpoint`, or None while the blueprint providing it is not registered."""
    if endpoint not in current_app.view_functions:
        return None
    return cached_url_for(endpoint, **values)  # the nav asks six of these on every page


def queue_count() -> int:
    """How many drafts wait for a decision the signed-in user can make (the nav badge)."""
    if not current_user.is_authenticated or not can_review(current_user):
        return 0
    if "queue_count" not in g:
        g.queue_count = count_waiting(db.session, current_user)
    return g.queue_count


def remember_queue_count(n: int) -> None:
    """The nav badge's count when the view has it already (the queue page counts it with its header)."""
    g.queue_count = n


def template_globals() -> dict:
    return {"STATE_LABELS": STATE_LABELS, "CHANNEL_LABELS": CHANNEL_LABELS, "CHANNELS": CHANNELS,
            "ROLE_LABELS": ROLE_LABELS, "STAGES": STAGES,
            # The user itself, not the proxy: a page reads it a few dozen times, each through flask_login.
            "current_user": current_user._get_current_object(),
            "DECISION_LABELS": DECISION_LABELS, "SEVERITY_LABELS": SEVERITY_LABELS,
            "org_timezone": current_app.config["REVIEWQ"].timezone, "freeze": _freeze_state(),
            "nav_url": nav_url, "queue_count": queue_count, "channel_limits": channel_limits,
            "can_read_consents": lambda u: u.is_authenticated and can_read_consents(u),
            "policy_review_stale": policy_review_stale}


_urls: dict[tuple, str] = {}


def cached_url_for(endpoint: str, **values) -> str:
    """url_for for templates, remembered per process: the nav alone builds about twenty URLs a page.

    Only relative URLs without options (no `_external`, `_anchor`…) are kept; they depend on the
    endpoint, its values and the script root alone (reviewq has no url_defaults). Anything else is
    built each time.
    """
    if any(k.startswith("_") for k in values) or endpoint.startswith(".") or not has_request_context():
        return url_for(endpoint, **values)
    try:
        key = (request.script_root, endpoint, *sorted(values.items()))
        hit = _urls.get(key)
    except TypeError:  # an unhashable value
        return url_for(endpoint, **values)
    if hit is None:
        hit = url_for(endpoint, **values)
        if len(_urls) > 4096:
            _urls.clear()
        _urls[key] = hit
    return hit


def policy_review_stale() -> bool:
    """The banner admins and comms leads see when the policy was last changed or reviewed over 12 months ago."""
    if not current_user.is_authenticated or not ({"admin", "comms"} & set(current_user.roles)):
        return False
    from reviewq.clock import now_utc
    return review_stale(db.session, now_utc())


def channel_limits() -> dict[str, int]:
    """Per-channel length limits of the current policy (for the live counter)."""
    return dict(load_policy(db.session, current_app.config["REVIEWQ"].policy_file).channel_limits)


def _freeze_state():
    return freeze_state(db.session)


def text_findings(findings: list[dict], text: str) -> list[dict]:
    """Findings that point at a valid span of `text` (attachment findings have no span)."""
    return [f for f in findings or () if isinstance(f.get("start"), int) and isinstance(f.get("end"), int)
            and 0 <= f["start"] < f["end"] <= len(text)]


def highlight(text: str, findings: list[dict]) -> Markup:
    """`text` escaped, each finding's span wrapped in <mark>.

    Overlapping spans are cut at every boundary into flat segments, so marks
    never nest or cross; a segment covered by several findings takes the most
    severe colour and refers to all of them.
    """
    valid = {id(f) for f in text_findings(findings, text)}
    spans = [(f["start"], f["end"], i, f) for i, f in enumerate(findings or ()) if id(f) in valid]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [(i, f) for s, e, i, f in spans if s <= a and b <= e]
        piece = escape(text[a:b])
        if not covering:
            out.append(piece)
            continue
        worst = max((f.get("severity", "info") for _, f in covering), key=lambda s: SEVERITY_RANK.get(s, 0))
        refs = " ".join(f"finding-{i}" for i, _ in covering)
        label = "; ".join(f"{SEVERITY_LABELS.get(f.get('severity'), '')}: {f.get('check')} "
                          f"{f.get('category')}" for _, f in covering)
        out.append(Markup('<mark class="sev-{}" aria-describedby="{}" title="{}">{}</mark>').format(
            worst, refs, label, piece))
    return Markup("").join(out)


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def diff_words(old: str, new: str) -> Markup:
    """A word-level diff of two texts: removed words in <del>, added in <ins>, all escaped."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Markup("<del>{}</del>").format("".join(a[i1:i2])))
        if j2 > j1:
            out.append(Markup("<ins>{}</ins>").format("".join(b[j1:j2])))
    return Markup("").join(out)


def register_filters(app) -> None:
    app.jinja_env.globals["url_for"] = cached_url_for
    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["local_input"] = local_input
    app.jinja_env.filters["state_label"] = lambda s: STATE_LABELS.get(s, s)
    app.jinja_env.filters["channel_label"] = lambda c: CHANNEL_LABELS.get(c, c)
    app.jinja_env.filters["isoutc"] = lambda dt: dt.astimezone(timezone.utc).isoformat() if dt else ""
    app.jinja_env.filters["highlight"] = highlight
    from reviewq.drafts.masking import mask_image_text
    app.jinja_env.filters["mask_image_text"] = mask_image_text
    # Constants as real globals too: imported macros do not see context processors.
    app.jinja_env.globals.update(SEVERITY_LABELS=SEVERITY_LABELS, DECISION_LABELS=DECISION_LABELS,
                                 STATE_LABELS=STATE_LABELS, ROLE_LABELS=ROLE_LABELS, STAGES=STAGES)
