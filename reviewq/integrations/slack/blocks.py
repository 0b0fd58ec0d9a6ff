"""Block Kit builders: plain values in, Slack message/modal dicts out.

Pure: no Flask, database or network. Built with slack_sdk's block model
classes so Slack's size limits are checked when a dict is produced. The post
body comes in already masked; quotes of PHI findings are masked here when the
caller's `mask` flag is set. Text is escaped for mrkdwn and truncated on
whole characters (an emoji sequence is never cut in half). Notification fallback texts never carry post text.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field

from slack_sdk.models.blocks import (ActionsBlock, ButtonElement, ContextBlock, DividerBlock, HeaderBlock,
                                     InputBlock, MarkdownTextObject, PlainTextInputElement, PlainTextObject,
                                     SectionBlock)
from slack_sdk.models.views import View

SECTION_LIMIT = 3000
BODY_LIMIT = 2900
MAX_FINDING_SECTIONS = 8
DECISION_LABELS = {"approve": "Approved", "request_changes": "Changes requested", "reject": "Rejected"}
SEVERITY_LABELS = {"block": "BLOCK", "warn": "WARN", "info": "INFO"}


@dataclass(frozen=True)
class DraftCard:
    """What an approval request shows about one revision of a draft.

    `body` arrives already masked (reviewq.drafts.masking, applied by the
    dispatcher); finding quotes are masked here when `mask` is set.
    """

    draft_id: int
    revision: int
    stage: str
    stage_label: str
    author: str
    body: str
    link: str
    channels: tuple[str, ...] = ()
    requested: str | None = None
    findings: tuple[dict, ...] = ()
    justifications: dict = field(default_factory=dict)
    attachments: tuple[tuple[str, str], ...] = ()   # (label, url)
    mask: bool = True


@dataclass(frozen=True)
class Outcome:
    """A decision (or the reason a request closed) shown in place of the buttons."""

    decision: str | None
    who: str = ""
    when: str = ""
    comment: str = ""
    note: str = ""


# ---- text helpers -------------------------------------------------------------------------------

def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _extends(ch: str, prev: str) -> bool:
    """Whether `ch` belongs to the same user-perceived character as the one before it."""
    cp = ord(ch)
    return (prev == "\u200d" or ch == "\u200d" or unicodedata.category(ch) in ("Mn", "Me", "Mc")
            or 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F
            or 0xDC00 <= cp <= 0xDFFF)


def clusters(text: str):
    """Split text into user-perceived characters (close enough to UAX 29 for emoji and accents)."""
    out: list[str] = []
    for ch in text:
        if out and (_extends(ch, out[-1][-1]) or _pairs_flag(out[-1], ch)):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _pairs_flag(prev: str, ch: str) -> bool:
    ri = lambda c: 0x1F1E6 <= ord(c) <= 0x1F1FF  # noqa: E731
    return ri(ch) and len(prev) == 1 and ri(prev)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, *, mrkdwn: bool = False, ellipsis: str = "…") -> str:
    """At most `limit` UTF-16 units (Slack's stricter count), cut between whole characters."""
    render = escape if mrkdwn else (lambda s: s)
    whole = render(text)
    if utf16_len(whole) <= limit:
        return whole
    budget, used, parts = limit - utf16_len(ellipsis), 0, []
    for cluster in clusters(text):
        piece = render(cluster)
        size = utf16_len(piece)
        if used + size > budget:
            break
        parts.append(piece)
        used += size
    return "".join(parts) + ellipsis


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def _plain(text: str, limit: int = SECTION_LIMIT) -> PlainTextObject:
    return PlainTextObject(text=truncate(text, limit) or " ", emoji=False)


# ---- approval request ----------------------------------------------------------------------------

def button_value(card: DraftCard) -> str:
    return json.dumps({"d": card.draft_id, "r": card.revision, "s": card.stage}, separators=(",", ":"))


def request_message(card: DraftCard, outcome: Outcome | None = None) -> tuple[str, list[dict]]:
    """(fallback text, blocks) for a stage's approval request; with `outcome` the buttons are gone."""
    text = f"{card.stage_label} needed: draft #{card.draft_id} (revision {card.revision})"
    blocks = [HeaderBlock(text=_plain(f"{card.stage_label} needed · draft #{card.draft_id}", 150)),
              SectionBlock(text=_plain(_body(card), BODY_LIMIT + 100)),
              ContextBlock(elements=[_mrkdwn(_context_line(card))])]
    blocks += _finding_sections(card)
    if card.attachments:
        lines = [f"• <{a_url}|{truncate(label, 200, mrkdwn=True)}>" for label, a_url in card.attachments[:20]]
        blocks.append(SectionBlock(text=_mrkdwn(truncate("*Attachments*\n" + "\n".join(lines), SECTION_LIMIT))))
    blocks.append(DividerBlock())
    if outcome is None:
        blocks.append(_buttons(card))
    else:
        text = f"{text}: {outcome_line(outcome, plain=True)}"
        blocks.append(SectionBlock(text=_mrkdwn(truncate(outcome_line(outcome), SECTION_LIMIT))))
    return text, [b.to_dict() for b in blocks]


def _body(card: DraftCard) -> str:
    body = card.body
    if utf16_len(body) <= BODY_LIMIT:
        return body
    return truncate(body, BODY_LIMIT, ellipsis="… (shortened: read it all in reviewq)")


def _context_line(card: DraftCard) -> str:
    parts = [f"by {escape(card.author)}", f"revision {card.revision}"]
    if card.channels:
        parts.append(escape(", ".join(card.channels)))
    parts.append(f"requested {escape(card.requested)}" if card.requested else "no requested time")
    parts.append(f"<{card.link}|Open in reviewq>")
    return truncate(" · ".join(parts), SECTION_LIMIT)


def finding_line(f: dict, justification: str | None, mask: bool) -> str:
    sev = SEVERITY_LABELS.get(f.get("severity"), str(f.get("severity", "")).upper())
    quoted = f.get("text") or ""
    if mask and f.get("check") == "phi":
        quoted = "█" * min(len(quoted), 20) if quoted else ""
    line = f"• *{sev}* {escape(str(f.get('check', '')))}/{escape(str(f.get('category', '')))}: " \
           f"{escape(str(f.get('message', '')))}"
    if quoted:
        line += f" — “{truncate(quoted, 120, mrkdwn=True)}”"
    if justification:
        line += f"\n    _Author’s justification:_ {truncate(justification, 600, mrkdwn=True)}"
    return line


def _finding_sections(card: DraftCard) -> list:
    if not card.findings:
        return [SectionBlock(text=_mrkdwn("*Checks:* no findings."))]
    lines = [finding_line(f, card.justifications.get(f.get("key", "")), card.mask) for f in card.findings]
    sections, current = [], f"*Checks:* {len(lines)} finding{'s' if len(lines) != 1 else ''}"
    for i, line in enumerate(lines):
        if utf16_len(current) + 1 + utf16_len(line) > SECTION_LIMIT:
            if len(sections) + 1 == MAX_FINDING_SECTIONS:
                current += f"\n…and {len(lines) - i} more: see reviewq."
                break
            sections.append(current)
            current = ""
        current = f"{current}\n{line}" if current else truncate(line, SECTION_LIMIT)
    sections.append(current)
    return [SectionBlock(text=_mrkdwn(s)) for s in sections]


def _buttons(card: DraftCard) -> ActionsBlock:
    value = button_value(card)
    return ActionsBlock(block_id=f"decide:{card.draft_id}:{card.revision}:{card.stage}", elements=[
        ButtonElement(text="Approve", action_id="approve", value=value, style="primary"),
        ButtonElement(text="Request changes", action_id="request_changes", value=value),
        ButtonElement(text="Reject", action_id="reject", value=value, style="danger"),
    ])


def outcome_line(outcome: Outcome, *, plain: bool = False) -> str:
    if outcome.decision is None:
        return outcome.note if plain else f"_{escape(outcome.note)}_"
    label = DECISION_LABELS.get(outcome.decision, outcome.decision)
    if plain:
        return f"{label} by {outcome.who} ({outcome.when})"
    line = f"*{label}* by {escape(outcome.who)} ({escape(outcome.when)})"
    if outcome.comment:
        line += f"\n>{truncate(outcome.comment, 1500, mrkdwn=True)}"
    return line


# ---- short notices ---------------------------------------------------------------------------------

def _notice(text: str, detail: str, link: str | None = None) -> tuple[str, list[dict]]:
    line = detail + (f"\n<{link}|Open in reviewq>" if link else "")
    return text, [SectionBlock(text=_mrkdwn(truncate(line, SECTION_LIMIT))).to_dict()]


def author_message(draft_id: int, stage_label: str, outcome: Outcome, next_step: str, link: str):
    """The DM to the author after a decision on their draft."""
    label = DECISION_LABELS.get(outcome.decision or "", "Decided")
    text = f"Draft #{draft_id}: {stage_label.lower()} {label.lower()}"
    detail = f"*{escape(text)}* by {escape(outcome.who)} ({escape(outcome.when)})."
    if outcome.comment:
        detail += f"\n>{truncate(outcome.comment, 2000, mrkdwn=True)}"
    if next_step:
        detail += f"\n{escape(next_step)}"
    return _notice(text, detail, link)


def notice_message(subject: str, text: str, link: str | None):
    """A DM from receivers.notify.notify_user: a bold subject, the (masked) text, a link."""
    return _notice(subject, f"*{escape(subject)}*\n{truncate(text, 2500, mrkdwn=True)}", link)


def reminder_message(draft_id: int, stage_label: str, waited_hours: int, link: str, *, escalation: bool):
    if escalation:
        text = f"Overdue: draft #{draft_id} has waited {waited_hours} h for {stage_label.lower()}"
        detail = f"*{escape(text)}*\nThe approvers were reminded and have not decided yet."
    else:
        text = f"Reminder: draft #{draft_id} has waited {waited_hours} h for {stage_label.lower()}"
        detail = f"*{escape(text)}*"
    return _notice(text, detail, link)


def freeze_message(on: bool, who: str, reason: str, link: str):
    if on:
        text = f"Crisis freeze ON ({who}): every release is held"
        detail = f":rotating_light: *Crisis freeze is ON*, set by {escape(who)}. Every release is held."
        if reason:
            detail += f"\n>{truncate(reason, 1500, mrkdwn=True)}"
    else:
        text = f"Crisis freeze lifted ({who})"
        detail = f"*Crisis freeze lifted* by {escape(who)}. Scheduled releases go out again."
    return _notice(text, detail, link)


CONSENT_NOTICES = {
    # event: (for the author, for comms). No names: the person a consent is about is PHI.
    "pulled_back": ("Draft #{d} is back with you: consent no. {c}, which it relies on, was revoked or has ended. "
                    "Remove what needs that consent, or link a valid one, and submit it again.",
                    "Draft #{d} was pulled back to its author: consent no. {c} was revoked or has ended."),
    "takedown": ("", "Take down published post #{d}: consent no. {c} was revoked. Mark the takedown task done "
                     "once it is removed from every channel."),
    "requested": ("", "The author of draft #{d} asks for a patient consent. Record it on the Consents page; "
                      "the draft unblocks when it is linked."),
    "answered": ("The consent you asked for on draft #{d} is recorded and linked (no. {c}). Check and submit "
                 "the draft again.", ""),
}


# What the privacy office hears (reviewq.consents.privacy_office): requests and their answers, both ways.
PRIVACY_NOTICES = {
    "requested": CONSENT_NOTICES["requested"][1],
    "answered": "The consent asked for on draft #{d} was recorded and linked (no. {c}); its author was told.",
}


def consent_message(event: str, audience: str, draft_id: int, consent_id, link: str):
    """A notice about a consent event, for the draft's author, comms or the privacy office (no patient names)."""
    for_author, for_comms = CONSENT_NOTICES[event]
    wording = PRIVACY_NOTICES[event] if audience == "privacy" else for_author if audience == "author" else for_comms
    detail = wording.format(d=draft_id, c=consent_id or "?")
    return _notice(detail.split(":")[0], escape(detail), link)


# ---- the reason modal ---------------------------------------------------------------------------------

REASON_BLOCK = REASON_ACTION = "reason"
MODAL_CALLBACK = "reviewq_reason"


def reason_modal(decision: str, draft_id: int, revision: int, stage: str, channel: str | None) -> dict:
    """The modal asking why; draft, revision, stage and the origin channel ride in private_metadata."""
    meta = json.dumps({"d": draft_id, "r": revision, "s": stage, "a": decision, "c": channel},
                      separators=(",", ":"))
    title = "Request changes" if decision == "request_changes" else "Reject draft"
    view = View(type="modal", callback_id=MODAL_CALLBACK, private_metadata=meta,
                title=PlainTextObject(text=title), submit=PlainTextObject(text="Send"),
                close=PlainTextObject(text="Cancel"), blocks=[
                    SectionBlock(text=_mrkdwn(f"Draft #{draft_id}, revision {revision}: tell the author "
                                              "what to change. Your reason is shown to them.")),
                    InputBlock(block_id=REASON_BLOCK, label=PlainTextObject(text="Reason"),
                               element=PlainTextInputElement(action_id=REASON_ACTION, multiline=True,
                                                             max_length=3000)),
                ])
    return view.to_dict()
