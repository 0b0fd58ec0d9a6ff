"""Live checks in a real browser: findings appear while the author types, go away when fixed, and a
justification typed beside a warning is posted with the submit."""
from __future__ import annotations

import re

import pytest

from tests.e2e.axe import axe_source, describe, run_axe
from tests.e2e.test_journey import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.commits]


def test_findings_follow_the_text_as_it_is_typed_and_a_live_justification_is_submitted(live_server, new_page,
                                                                                       factory, session):
    staff = factory.user("staff")
    session.commit()
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, staff)
    page.goto(f"{live_server}/drafts/new")
    assert page.locator("#live-checks").is_visible()
    page.check("input[name=channels][value=facebook]")
    page.locator("#body").press_sequentially("Get well soon John Smith, SSN 123-45-6789!", delay=5)
    page.wait_for_selector("#live-findings mark.live-sev-block")
    assert "123-45-6789" in page.inner_text("#live-findings")
    assert page.get_attribute("#live-status", "aria-live") == "polite"
    assert "to fix" in page.inner_text("#live-status")

    page.fill("#body", "Studies show our new therapy cures back pain.")
    page.wait_for_function("() => !document.querySelector('#live-findings mark.live-sev-block')")
    page.wait_for_selector("#live-findings textarea")
    assert "123-45-6789" not in page.inner_text("#live-findings")
    page.fill("#live-findings textarea", "Backed by our spine clinic's 2025 outcomes report, linked below.")
    assert run_axe(page, axe_source()) == [], describe("live checks", run_axe(page, axe_source()))

    page.click("button:has-text('Check and submit')")
    page.wait_for_url(re.compile(r".*/drafts/\d+$"))
    assert "Waiting for review" in page.inner_text("h1")
    assert "outcomes report" in page.inner_text(".findings")
