"""The review queue page's rows are built in Python (review.views.queue_rows), not by a Jinja loop.

These tests pin that markup to the template loop it replaced, byte for byte, with text that needs
escaping, and the header counts and nav badge (one statement now) to the counts they replaced.
"""
from __future__ import annotations

from datetime import timedelta

from flask import render_template_string

from reviewq.core import workflow as wf
from reviewq.extensions import db
from reviewq.review.queries import QueueRow, count_waiting, queue_counts, stage_counts
from reviewq.web.review.views import queue_rows
from reviewq.web.local_time import waited
from reviewq.web.templating import CHANNEL_LABELS, STATE_LABELS

# templates/review/queue.html's rows before the change, over the same fields.
OLD_LOOP = """{% for d in items %}
    <tr>
      <td class="num" data-label="#">{{ d.id }}</td>
      <td data-label="Post"><div><a class="row-link" href="{{ d.href }}">{{ d.body|truncate(90) }}</a>
        <div class="small">{{ d.chips }}</div></div></td>
      <td data-label="Author">{{ d.author_name }}</td>
      <td data-label="Stage"><span class="pill pill-{{ d.state }}">{{ d.state_label }}</span></td>
      <td data-label="Waiting" class="nowrap">{{ d.wait }}</td>
    </tr>
  {% endfor %}"""
CHIPS = """{% for c in d.channels %}<span class="chip">{{ CHANNEL_LABELS.get(c, c) }}</span>{% endfor %}"""


def _old(rows, now) -> str:
    chip = lambda channels: render_template_string(CHIPS, d={"channels": channels},  # noqa: E731
                                                   CHANNEL_LABELS=CHANNEL_LABELS)
    items = [{"id": r.id, "href": f"/drafts/{r.id}", "body": r.body, "author_name": r.author_name,
              "chips": chip(r.channels or []), "state": r.state, "state_label": STATE_LABELS.get(r.state, r.state),
              "wait": waited(r.stage_entered_at, now)} for r in rows]
    from markupsafe import Markup
    for it in items:
        it["chips"] = Markup(it["chips"])
    return render_template_string(OLD_LOOP, items=items)


def test_queue_rows_are_the_template_loop_they_replaced(app):
    from reviewq.clock import now_utc
    now = now_utc()
    texts = ['<script>alert("x")</script> & \'quotes\' ' * 5, "short", "word " * 30, "x" * 95, "y" * 96, "",
             "Ünïcödé — 😀 " * 10]
    rows = [QueueRow(i + 1, state, channels, now - timedelta(minutes=7 * i) if i else None,
                     name, text)
            for i, (text, state, channels, name) in enumerate(
                (t, s, c, n) for t, s, c, n in zip(
                    texts, ["pending_review", "pending_legal", "pending_comms", "odd<state>", "pending_review",
                            "pending_review", "pending_comms"],
                    [["x"], [], None, ["facebook", "instagram", "linkedin"], ["new<chan>"], ["x", "x"], ["linkedin"]],
                    ["Ann <b>O'Neil</b> & co", "Bo", "Ann <b>O'Neil</b> & co", '"quoted"', "Cy", "Di", "Ed"]))]
    with app.test_request_context("/review"):
        new = str(queue_rows(rows, now))
        old = _old(rows, now)
    assert new == old
    assert "<script>" not in new and "&lt;script&gt;" in new and "&lt;b&gt;O&#39;Neil" in new


def test_queue_counts_are_the_stage_counts_and_badge_they_replaced(app, factory, session):
    author, other = factory.user("staff"), factory.user("staff")
    approvers = factory.approvers()
    legal, comms = approvers["legal"], approvers["comms"]
    both = factory.user("reviewer", "legal")
    for who in (author, other, both):
        factory.submit(factory.draft(who))
    d = factory.submit(factory.draft(other))
    factory.approve(d, both)                 # now waits for legal: `both` approved its earlier stage
    d2 = factory.submit(factory.draft(author))
    factory.approve(d2, approvers["reviewer"])
    factory.approve(d2, legal)               # waits for comms
    lc = factory.user("legal", "comms")
    d3 = factory.submit(factory.draft(other))
    factory.approve(d3, approvers["reviewer"])
    factory.approve(d3, lc)                  # waits for comms: `lc` approved its legal stage
    session.commit()
    from reviewq.models import Draft
    expected = {s.name: session.query(Draft).filter_by(state=s.state.value).count() for s in wf.STAGES}
    assert expected == {"review": 3, "legal": 1, "comms": 2}
    assert stage_counts(db.session) == expected
    for user in (approvers["reviewer"], legal, comms, both, author, lc):
        counts, waiting = queue_counts(db.session, user)
        assert counts == expected
        assert waiting == count_waiting(db.session, user), user.roles
    assert queue_counts(db.session, both)[1] == 2 + 1 - 1  # two in review by others, one at legal it approved
    assert queue_counts(db.session, lc)[1] == 1 + 2 - 1    # legal: d; comms: d2 and d3, d3 approved at legal
    assert queue_counts(db.session, author)[1] == 0
    assert {s.name for s in wf.STAGES} == set(queue_counts(db.session, legal)[0])
