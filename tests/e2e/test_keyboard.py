"""The main journeys by keyboard alone: Tab, Shift+Tab, Enter and Space, never a click.

Also checks what axe cannot: the skip link, the phone menu, that every focus ring
is at least 3:1 against what is behind it, and how many Tab presses the author's
main journey takes.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.world import build_world, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.commits]  # the live server runs in other threads
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

FOCUSED = """() => { const el = document.activeElement; if (!el || el === document.body) return '';
  const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
  return (el.getAttribute('aria-label') || label || el.innerText || el.value || el.name || el.id || el.tagName).trim(); }"""

# Contrast of the focus outline against the first opaque background behind the element's box.
RING_CONTRAST = """() => {
  const el = document.activeElement, cs = getComputedStyle(el);
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255).map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
      .reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
  let bg = el.parentElement, col = null;
  while (bg) { const c = rgb(getComputedStyle(bg).backgroundColor); if (c.length === 3 || c[3] > 0.9) { col = c; break; } bg = bg.parentElement; }
  col = col || [255, 255, 255];
  const ring = rgb(cs.outlineColor), width = parseFloat(cs.outlineWidth) || 0;
  if (cs.outlineStyle === 'none' || width < 2) return {width, ratio: 0};
  const [a, b] = [lum(ring), lum(col)].sort((x, y) => y - x);
  return {width, ratio: (a + 0.05) / (b + 0.05)};
}"""


def tab_until(page, name: str, limit: int = 60, key: str = "Tab") -> int:
    """Press Tab until the focused element's name starts with `name`; return how many presses.

    Waits for the page (and any redirect) to finish loading first: a Tab pressed while a navigation is
    still under way lands on the old document and is lost."""
    page.wait_for_load_state("load")
    for n in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED).startswith(name):
            return n
    raise AssertionError(f"{name!r} not reached in {limit} {key} presses (last: {page.evaluate(FOCUSED)!r})")


def keyboard_sign_in(page, base, user) -> None:
    page.goto(f"{base}/login")
    while page.evaluate("() => document.activeElement.id") != "email":
        page.keyboard.press("Tab")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


@pytest.fixture
def world(factory, session):
    return build_world(factory, session)


def test_author_signs_in_writes_and_submits_by_keyboard(live_server, new_page, world):
    page = new_page(viewport=DESKTOP)
    keyboard_sign_in(page, live_server, world.users["staff"])
    page.goto(f"{live_server}/")
    presses = tab_until(page, "New draft")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/drafts/new$"))
    presses += tab_until(page, "Skip to content")
    page.keyboard.press("Enter")
    presses += tab_until(page, "Post text")
    page.keyboard.type("Our Elm Street clinic now opens at 7 am on weekdays.")
    presses += tab_until(page, "Facebook")
    page.keyboard.press("Space")
    presses += tab_until(page, "Check and submit")
    # Home to the submit button, skip link used: 20 (straight through the header it is 25; the
    # folded release time saves 6, the eight channel boxes are eight stops).
    assert presses <= 20, presses
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/drafts/\d+(#main)?$"))   # the redirect keeps the skip link's #main
    assert "Waiting for review" in page.inner_text("h1")


def test_skip_link_moves_focus_to_the_content(live_server, new_page, world):
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users["staff"])
    page.goto(f"{live_server}/drafts/new")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED) == "Skip to content"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0        # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('header')") is None


def test_reviewer_approves_from_the_queue_by_keyboard(live_server, new_page, world):
    page = new_page(viewport=DESKTOP)
    keyboard_sign_in(page, live_server, world.users["reviewer"])
    page.goto(f"{live_server}/")
    page.wait_for_url(re.compile(r".*/review$"))   # reviewers land on their queue
    page.wait_for_load_state()
    tab_until(page, world.pending.body[:30])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/drafts/{world.pending.id}$"))
    while page.evaluate("() => document.activeElement.id") != "comment":
        page.keyboard.press("Tab")
    page.keyboard.type("Sourcing is fine.")
    tab_until(page, "Approve")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-success")
    assert "Waiting for legal" in page.inner_text("h1")


def test_reject_asks_once_and_works_by_keyboard(live_server, new_page, world):
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users["reviewer"])
    page.goto(f"{live_server}/drafts/{world.pending.id}")
    page.focus("#comment")
    page.keyboard.type("We cannot claim a cure.")
    tab_until(page, "Reject")
    assert not page.locator("button[value=reject]").is_visible()
    page.keyboard.press("Enter")                       # opens the confirm step, decides nothing
    assert page.locator("button[value=reject]").is_visible()
    assert "Waiting for review" in page.inner_text("h1")
    tab_until(page, "Yes, reject it")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-success")
    assert "Rejected" in page.inner_text("h1")


def test_phone_menu_opens_and_its_links_are_reachable_by_keyboard(live_server, new_page, world):
    page = new_page(viewport=PHONE, is_mobile=True)
    sign_in(page, live_server, world.users["comms"])
    page.goto(f"{live_server}/")
    assert not page.locator("nav.mainnav").is_visible()
    assert page.get_attribute("#nav-toggle", "tabindex") is None
    assert page.get_attribute("#nav-toggle", "aria-hidden") is None
    tab_until(page, "Menu")
    assert page.evaluate(RING_CONTRAST.replace("document.activeElement, cs",
                                               "document.querySelector('.nav-toggle-label'), cs"))["ratio"] >= 3
    page.keyboard.press("Enter")
    assert page.locator("nav.mainnav").is_visible()
    tab_until(page, "Calendar")
    # Phones are sent on to the agenda (already the current URL, so wait_for_url would not wait): wait
    # for that answer, or the next goto races the calendar's request on the test's shared connection.
    with page.expect_response(lambda r: "/calendar?view=agenda" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    page.goto(f"{live_server}/")
    tab_until(page, "Menu")
    page.keyboard.press("Space")
    assert page.locator("nav.mainnav").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("nav.mainnav").is_visible()


@pytest.mark.parametrize("role,path_of", [("staff", "/"), ("staff", "/drafts/new"), ("comms", "/calendar/freeze"),
                                          ("reviewer", "/drafts/{pending}"), ("comms", "/calendar?date={day}")])
def test_every_focus_ring_is_at_least_3_to_1(live_server, new_page, world, role, path_of):
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users[role])
    page.goto(live_server + path_of.format(pending=world.pending.id,
                                           day=world.scheduled.release_at.date().isoformat()))
    weak, seen = [], 0
    for _ in range(40):
        page.keyboard.press("Tab")
        name = page.evaluate(FOCUSED)
        if not name:
            break
        ring = page.evaluate(RING_CONTRAST)
        seen += 1
        if ring["width"] < 2 or ring["ratio"] < 3:
            weak.append(f"{name[:40]!r}: {ring}")
    assert seen >= 5
    assert not weak, "\n".join(weak)


def test_refused_form_starts_at_an_error_summary_tied_to_its_fields(live_server, new_page, world):
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, world.users["staff"])
    page.goto(f"{live_server}/drafts/new")
    page.focus("#body")
    tab_until(page, "Check and submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    assert page.get_attribute("#error-summary", "role") == "alert"
    links = page.locator("#error-summary a")
    assert links.count() == 2
    for i in range(2):
        target = links.nth(i).get_attribute("href")[1:]
        assert page.locator(f"[id='{target}']").count() == 1
    body_described = page.get_attribute("#body", "aria-describedby").split()
    assert page.get_attribute("#body", "aria-invalid") == "true"
    assert "Write the post text" in page.inner_text(f"#{body_described[0]}")
    assert "at least one channel" in page.inner_text(
        "#" + page.get_attribute("#channels-group", "aria-describedby"))
    tab_until(page, "Post text")                           # the first link...
    page.keyboard.press("Enter")                           # ...takes focus to its field
    assert page.evaluate("() => document.activeElement.id") == "body"
