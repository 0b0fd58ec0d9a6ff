"""The walking skeleton in a real browser: staff submits with an image, three approvers approve."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from reviewq.models import Draft
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.commits]  # the live server runs in another thread
BODY = "Flu shots are available at every clinic this week. Walk-ins welcome from 8 am."


def sign_in(page, base, user) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def sign_out(page) -> None:
    page.click(".usermenu summary")
    page.click("button:has-text('Sign out')")
    page.wait_for_url(re.compile(r".*/login$"))


def png_file(tmp_path):
    path = tmp_path / "clinic.png"
    Image.new("RGB", (320, 200), (40, 110, 170)).save(path, "PNG")
    return path


def test_staff_submits_with_image_and_three_stages_approve(live_server, new_page, factory, session, tmp_path, shots):
    staff = factory.user("staff", name="Sam Staff")
    approvers = {role: factory.user(role, name=f"{role.title()} Person") for role in ("reviewer", "legal", "comms")}
    session.commit()

    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, staff)
    page.click("nav >> text=New draft")
    page.fill("#body", BODY)
    page.check("input[name=channels][value=facebook]")
    page.check("input[name=channels][value=x]")
    assert page.inner_text("li.count[data-channel=x] .count-num") == str(len(BODY))
    page.set_input_files("input[name='attachments-0-file']", str(png_file(tmp_path)))
    page.fill("textarea[name='attachments-0-alt_text']", "Nurse giving a flu shot at the Elm Street clinic")
    page.screenshot(path=str(shots / "new-draft.png"), full_page=True)
    page.click("button:has-text('Check and submit')")
    page.wait_for_url(re.compile(r".*/drafts/\d+$"))
    assert "Waiting for review" in page.inner_text("h1")
    draft_url = page.url
    assert page.locator(".gallery img").first.evaluate("img => img.naturalWidth") == 320
    page.screenshot(path=str(shots / "submitted.png"), full_page=True)
    sign_out(page)

    for role, next_label in (("reviewer", "Waiting for legal"), ("legal", "Waiting for comms"),
                             ("comms", "Approved")):
        sign_in(page, live_server, approvers[role])
        if role == "reviewer":
            page.click("nav >> text=Review queue")
            page.click(f"a[href='{draft_url[len(live_server):]}']")
        else:
            page.goto(draft_url)
        page.fill("#comment", f"Fine from {role}.")
        if role == "legal":
            page.screenshot(path=str(shots / "decide.png"), full_page=True)
        page.click("button[value=approve]")
        page.wait_for_selector(".flash-success")
        assert next_label in page.inner_text("h1")
        sign_out(page)

    draft_id = int(draft_url.rsplit("/", 1)[1])
    session.expire_all()
    draft = session.get(Draft, draft_id)
    assert draft.state == "approved" and draft.attachments[0].alt_text.startswith("Nurse giving")
    assert [d.decision for d in draft.decisions] == ["approve"] * 3
    session.commit()


def test_new_draft_form_fits_a_phone_screen(live_server, new_page, factory, session, shots):
    staff = factory.user("staff")
    session.commit()
    page = new_page(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    sign_in(page, live_server, staff)
    page.goto(f"{live_server}/drafts/new")
    page.fill("#body", "A long unbroken word " + "x" * 300)
    page.check("input[name=channels][value=x]")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(shots / "new-draft-mobile.png"), full_page=True)
    assert overflow <= 0
    assert page.locator("li.count[data-channel=x]").get_attribute("class").split() == ["count", "over"]
    page.click("label.nav-toggle-label")
    assert page.locator("nav.mainnav").is_visible()


def test_findings_are_highlighted_and_a_justification_gets_it_submitted(live_server, new_page, factory, session,
                                                                         shots):
    staff = factory.user("staff")
    session.commit()
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    sign_in(page, live_server, staff)
    page.goto(f"{live_server}/drafts/new")
    page.fill("#body", "Get well soon John Smith! Studies show our new therapy cures back pain.")
    page.check("input[name=channels][value=facebook]")
    page.click("button:has-text('Check and submit')")
    page.wait_for_selector("mark.sev-block")
    assert page.inner_text("mark.sev-block") == "John Smith"
    page.screenshot(path=str(shots / "findings-mobile.png"), full_page=True)
    page.fill("#body", "Get well soon to all our patients! Studies show our new therapy cures back pain.")
    page.click("button:has-text('Save and submit')")
    page.wait_for_selector("textarea[name^='justification-']")
    for box in page.locator("textarea[name^='justification-']").all():
        box.fill("Backed by our spine clinic's 2025 outcomes report, linked in the comments.")
    page.click("button:has-text('Save and submit')")
    page.wait_for_url(re.compile(r".*/drafts/\d+$"))
    assert "Waiting for review" in page.inner_text("h1")
    assert "outcomes report" in page.inner_text(".findings")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(shots / "submitted-mobile.png"), full_page=True)
    assert overflow <= 0
