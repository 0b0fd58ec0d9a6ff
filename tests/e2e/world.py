"""A small organisation with one post in every interesting state, for the browser suite.

Built through the real services (tests/factories.py), so each page the axe and
screenshot runs visit has real content: findings with a justification, a
scheduled post on the calendar, a hold, a consent, a token, a blackout.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from reviewq.core.errors import BlockingFindingsError
from reviewq.clock import now_utc
from reviewq.consents import operations as consents
from reviewq.releases.blackouts import add_blackout
from reviewq.releases.holds import place_hold
from reviewq.releases.operations import schedule_release
from tests.factories import PASSWORD

ROLES = ("staff", "reviewer", "legal", "comms", "admin", "auditor")
WARN_BODY = "Studies show our new therapy cures back pain. Ask your clinic about it this week."
BLOCK_BODY = "Get well soon John Smith! Our maternity ward team wishes you a quick recovery."


@dataclass
class World:
    users: dict
    draft_with_block: object          # staff's draft, a blocking finding, still editable
    pending: object                   # submitted with a justified warning, waiting for review
    scheduled: object                 # approved and on the calendar
    approved: object                  # approved, not scheduled yet
    hold_id: int
    extra: dict = field(default_factory=dict)


def build_world(factory, session) -> World:
    users = {role: factory.user(role, name=f"{role.title()} {name}")
             for role, name in zip(ROLES, ("Sam", "Rae", "Lee", "Cam", "Ada", "Aud"))}
    team = {r: users[r] for r in ("reviewer", "legal", "comms")}
    staff = users["staff"]

    blocked = factory.draft(staff, body=BLOCK_BODY, channels=("facebook", "instagram"))
    try:
        factory.submit(blocked)
    except BlockingFindingsError:
        session.commit()

    pending = factory.draft(staff, body=WARN_BODY, channels=("facebook", "x"))
    try:
        factory.submit(pending)
    except BlockingFindingsError as e:
        session.commit()
        keys = {f["key"]: "Backed by our spine clinic's 2025 outcomes report." for f in e.findings}
        factory.submit(pending, justifications=keys)

    scheduled = factory.approved_draft(staff, approvers=team,
                                       body="Our Elm Street clinic opens on Saturdays from next week. #Clinics")
    schedule_release(session, users["comms"], scheduled.id, release_at=now_utc() + timedelta(days=2),
                     now=now_utc())
    approved = factory.approved_draft(staff, approvers=team, body="Visiting hours change on Monday: 9 am to 8 pm.")
    hold = place_hold(session, users["comms"], "term", "maternity", reason="Pause maternity posts",
                             now=factory.tick())
    add_blackout(session, users["comms"], starts_at=now_utc() + timedelta(days=5),
                        ends_at=now_utc() + timedelta(days=5, hours=6), reason="Board meeting",
                        now=factory.tick())
    consents.create_consent(session, users["comms"], subject_name="Maria Lopez", covers=["name", "photo"],
                            now=factory.tick())
    factory.token(staff)
    session.commit()
    return World(users, blocked, pending, scheduled, approved, hold.id)


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
