"""Block Kit builders: limits, masking of PHI quotes, truncation on whole characters. No Flask."""
from __future__ import annotations

import json
import sys

import pytest

from reviewq.integrations.slack import blocks as b

FLAG, FAMILY, THUMB = "🇩🇪", "👩‍👩‍👧‍👦", "👍🏽"


def card(**kw) -> b.DraftCard:
    base = dict(draft_id=7, revision=2, stage="legal", stage_label="Legal", author="Ann Author",
                body="Flu shots this week.", link="https://rq.example/drafts/7", channels=("Facebook", "X"),
                requested="Mon 03 Nov 2026, 09:00 CET")
    return b.DraftCard(**{**base, **kw})


def sections_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_builders_do_not_import_flask_or_sqlalchemy():
    import subprocess
    code = ("import sys; import reviewq.integrations.slack.blocks; "
            "print(any(m.split('.')[0] in ('flask', 'sqlalchemy') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_request_has_buttons_carrying_draft_revision_stage():
    text, blocks = b.request_message(card())
    assert text == "Legal needed: draft #7 (revision 2)"
    actions = [x for x in blocks if x["type"] == "actions"][0]
    assert [e["action_id"] for e in actions["elements"]] == ["approve", "request_changes", "reject"]
    assert {json.dumps(json.loads(e["value"]), sort_keys=True) for e in actions["elements"]} == {
        json.dumps({"d": 7, "r": 2, "s": "legal"}, sort_keys=True)}
    assert "https://rq.example/drafts/7" in sections_text(blocks)
    assert "Mon 03 Nov 2026, 09:00 CET" in sections_text(blocks)


def test_fallback_text_never_carries_the_post():
    text, _ = b.request_message(card(body="Secret patient story"))
    assert "Secret" not in text


def test_phi_finding_quote_masked_unless_masking_off():
    f = {"check": "phi", "category": "ssn", "severity": "block", "start": 0, "end": 11, "text": "123-45-6789",
         "message": "An SSN.", "key": "phi:ssn:0-11"}
    other = {"check": "sourcing", "category": "claim", "severity": "warn", "start": 0, "end": 4, "text": "cure",
             "message": "Cite a source.", "key": "sourcing:claim:0-4"}
    _, masked = b.request_message(card(findings=(f, other), justifications={"sourcing:claim:0-4": "CDC 2024"}))
    assert "123-45-6789" not in sections_text(masked) and "███████████" in sections_text(masked)
    assert "“cure”" in sections_text(masked) and "CDC 2024" in sections_text(masked)
    assert "*BLOCK*" in sections_text(masked) and "*WARN*" in sections_text(masked)
    _, plain = b.request_message(card(findings=(f,), mask=False))
    assert "123-45-6789" in sections_text(plain)


def test_outcome_replaces_buttons():
    text, blocks = b.request_message(card(), b.Outcome("reject", who="Lee Legal", when="today",
                                                       comment="Not <b>ok</b> & off-brand"))
    assert not any(x["type"] == "actions" for x in blocks)
    assert "Rejected by Lee Legal" in text
    assert "Not &lt;b&gt;ok&lt;/b&gt; &amp; off-brand" in sections_text(blocks)


@pytest.mark.parametrize("unit", [FLAG, FAMILY, THUMB, "é", "e\u0301", "漢"])
def test_long_body_truncated_within_limits_on_whole_characters(unit):
    body = unit * 5000
    _, blocks = b.request_message(card(body=body))
    shown = blocks[1]["text"]["text"]
    assert b.utf16_len(shown) <= b.SECTION_LIMIT
    assert shown.endswith("… (shortened: read it all in reviewq)")
    kept = shown[: -len("… (shortened: read it all in reviewq)")]
    assert kept and kept == unit * (len(kept) // len(unit))   # only whole copies of the unit


def test_truncate_escapes_without_cutting_an_entity():
    out = b.truncate("a&b" * 10, 12, mrkdwn=True)
    assert b.utf16_len(out) <= 12 and not out.rstrip("…").endswith(("&", "&a", "&am", "&amp"))
    assert b.truncate("short", 10) == "short"


def test_clusters_keep_emoji_sequences_together():
    assert b.clusters(f"a{FAMILY}{FLAG}{FLAG}{THUMB}e\u0301") == ["a", FAMILY, FLAG, FLAG, THUMB, "e\u0301"]


def test_many_findings_stay_within_block_limits():
    findings = tuple({"check": "sourcing", "category": "claim", "severity": "warn", "start": i, "end": i + 1,
                      "text": "x" * 200, "message": "m" * 400, "key": f"k{i}"} for i in range(300))
    _, blocks = b.request_message(card(findings=findings, attachments=tuple(("a" * 300, "https://x") for _ in range(40))))
    assert len(blocks) <= 50
    assert all(b.utf16_len(x["text"]["text"]) <= 3000 for x in blocks if x["type"] == "section")
    assert "more: see reviewq" in sections_text(blocks)


def test_reason_modal_metadata_and_limits():
    view = b.reason_modal("request_changes", 7, 2, "legal", "C1")
    assert json.loads(view["private_metadata"]) == {"d": 7, "r": 2, "s": "legal", "a": "request_changes", "c": "C1"}
    assert view["blocks"][1]["block_id"] == "reason" and view["blocks"][1]["element"]["action_id"] == "reason"
    assert len(view["title"]["text"]) <= 24


def test_author_reminder_and_freeze_notices():
    text, blocks = b.author_message(7, "Legal", b.Outcome("request_changes", "Lee", "today", "Cite it"),
                                    "Edit the draft and submit it again.", "https://rq.example/drafts/7")
    assert text == "Draft #7: legal changes requested" and "Cite it" in sections_text(blocks)
    text, _ = b.reminder_message(7, "Review", 25, "https://x", escalation=True)
    assert text.startswith("Overdue: draft #7 has waited 25 h")
    text, blocks = b.freeze_message(True, "Cam Comms", "Incident at the ER", "https://x")
    assert "ON" in text and "Incident at the ER" in sections_text(blocks)
