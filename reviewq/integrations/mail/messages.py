"""The e-mails reviewq sends, as standard-library EmailMessage objects. Pure: no database, no network.

A body never holds a post's text: it says what happened, carries the (already
masked) comment or reason, and links to the draft in reviewq, where the
reader signs in to see the rest. Subjects carry only ids, stage names and
decisions, never typed text.
"""
from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import formataddr

DECISION_LABELS = {"approve": "approved", "request_changes": "changes requested", "reject": "rejected"}
MAX_TEXT = 4000


def _clean(text: str, limit: int = MAX_TEXT) -> str:
    # Header injection and stray control characters stop here; bodies keep their newlines.
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32 and ord(ch) != 127)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(_clean(text, limit).split())


def build(*, sender: str, to_name: str, to_email: str, subject: str, lines: list[str], link: str | None,
          ref: str) -> EmailMessage:
    """One plain-text e-mail; `ref` (the outbox dedupe key) gives a stable Message-ID across retries."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = formataddr((_one_line(to_name, 100), to_email))
    msg["Subject"] = _one_line(subject)
    domain = sender.rpartition("@")[2] or "reviewq.invalid"
    ident = hashlib.sha256(ref.encode()).hexdigest()[:24]
    msg["Message-ID"] = f"<{ident}@{_one_line(domain, 100).strip('<>') or 'reviewq.invalid'}>"
    msg["Auto-Submitted"] = "auto-generated"
    body = "\n\n".join(_clean(line) for line in lines if line)
    if link:
        body += f"\n\nOpen in reviewq: {link}"
    body += "\n\n-- \nreviewq notification. Turn e-mail off under Account → Notifications."
    msg.set_content(body)
    return msg


def decision_lines(draft_id: int, stage_label: str, decision: str, who: str, when: str, comment: str,
                   next_step: str) -> tuple[str, list[str]]:
    label = DECISION_LABELS.get(decision, decision)
    subject = f"reviewq: draft #{draft_id} {stage_label.lower()}: {label}"
    lines = [f"Your draft #{draft_id}: {stage_label.lower()} {label} by {who} ({when})."]
    if comment:
        lines.append("Comment:\n" + _quote(comment))
    lines.append(next_step)
    return subject, lines


def request_lines(draft_id: int, stage_label: str, author: str) -> tuple[str, list[str]]:
    subject = f"reviewq: draft #{draft_id} waits for {stage_label.lower()}"
    return subject, [f"Draft #{draft_id} by {author} waits for your {stage_label.lower()}.",
                     "Open it to read the post, its findings and the author's justifications, and decide."]


def freeze_lines(on: bool, who: str, reason: str) -> tuple[str, list[str]]:
    if not on:
        return "reviewq: crisis freeze lifted", [f"The crisis freeze was lifted by {who}. "
                                                 "Scheduled releases go out again."]
    lines = [f"A crisis freeze is ON, set by {who}. Every scheduled release is held."]
    if reason:
        lines.append("Reason:\n" + _quote(reason))
    return "reviewq: crisis freeze ON", lines


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in _clean(text).splitlines())
