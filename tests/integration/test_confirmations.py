"""Decisions that cannot be undone ask once: reject and withdraw, and a freeze lists what it will hold.

The confirm steps are plain HTML (a <details> revealing the second button, or a
confirmation page), so they work without JavaScript; the server-side operations
are unchanged.
"""
from __future__ import annotations

import re
from datetime import timedelta

from reviewq.models import Draft
from reviewq.clock import now_utc
from reviewq.releases.operations import schedule_release
from tests.factories import csrf_from


def test_reject_button_sits_behind_a_confirm_step(client, login, factory):
    team = factory.approvers()
    d = factory.submit(factory.draft())
    login(team["reviewer"])
    html = client.get(f"/drafts/{d.id}").get_data(as_text=True)
    confirm = re.search(r'<details class="confirm">(.*?)</details>', html, re.S)
    assert confirm, "no confirm step on the decision form"
    assert 'value="reject"' in confirm.group(1) and "Reject…" in confirm.group(1)
    assert html.count('value="reject"') == 1          # the only reject button is the confirming one
    assert 'value="approve"' not in confirm.group(1)  # approving stays one click


def test_withdraw_asks_on_its_own_page_before_posting(client, login, factory, session):
    d = factory.submit(factory.draft())
    login(d.author)
    view = client.get(f"/drafts/{d.id}").get_data(as_text=True)
    assert f'href="/drafts/{d.id}/withdraw"' in view and f'action="/drafts/{d.id}/withdraw"' not in view
    page = client.get(f"/drafts/{d.id}/withdraw")
    assert page.status_code == 200 and b"Withdraw draft" in page.data and b"Keep it" in page.data
    session.expire_all()
    assert session.get(Draft, d.id).state == "pending_review"


def test_freeze_page_lists_the_posts_a_freeze_would_hold(client, login, factory, session):
    team = factory.approvers()
    posts = []
    for hours, body in ((30, "Flu clinic opens on Saturday."), (60, "Our new parking garage opens Monday.")):
        d = factory.approved_draft(approvers=team, body=body)
        schedule_release(session, team["comms"], d.id, release_at=now_utc() + timedelta(hours=hours), now=now_utc())
        posts.append(d)
    factory.approved_draft(approvers=team, body="Approved but never scheduled.")
    session.commit()
    login(team["comms"])
    html = client.get("/calendar/freeze").get_data(as_text=True)
    assert "2 scheduled posts</strong> would wait" in html
    panel = re.search(r'<details class="confirm">(.*?)</details>', html, re.S).group(1)
    assert "Flu clinic opens on Saturday." in panel and "parking garage" in panel
    assert "never scheduled" not in panel
    assert "Yes, freeze now and hold 2" in panel
    client.post("/calendar/freeze/on", data={"csrf_token": csrf_from(client.get("/calendar/freeze")),
                                             "reason": "Major incident"})
    frozen = client.get("/calendar/freeze").get_data(as_text=True)
    assert "Crisis freeze is on" in frozen and "would wait" not in frozen


def test_freeze_page_says_when_nothing_would_be_held(client, login, factory):
    login(factory.user("comms"))
    html = client.get("/calendar/freeze").get_data(as_text=True)
    assert "0 scheduled posts</strong> would wait, so nothing is held right now" in html
    assert "Yes, freeze now</button>" in html
