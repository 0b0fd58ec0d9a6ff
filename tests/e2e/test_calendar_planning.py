"""A comms lead plans from the calendar in Chromium: tray → day, Undo, again; hour slots; axe at two widths.

The drag is a real HTML5 drag and drop (Playwright's mouse), the drop goes to
the server's move endpoint (schedule_release), the toast's Undo to the undo
endpoint (unschedule_release back to the tray), and the page reloads from the
database each time, so what is asserted is what was stored.
"""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from reviewq.clock import now_utc
from tests.e2e.axe import axe_source, describe, run_axe
from tests.e2e.world import build_world, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.commits]  # the live server runs in another thread
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _state(session, draft_id):
    from reviewq.models import Draft
    session.expire_all()
    d = session.get(Draft, draft_id)
    session.commit()  # end the read so SQLite's lock does not wait on the server
    return d.state, d.release_at


def _drag_from_tray(page, draft_id, day):
    page.drag_and_drop(f".cal-tray-item[data-draft-id='{draft_id}']", f".cal-day[data-date='{day}']")
    page.wait_for_selector("#cal-toast:not([hidden]) .cal-undo:not([hidden])")


def test_plan_a_post_from_the_tray_undo_and_again(live_server, new_page, factory, session):
    w = build_world(factory, session)
    post, scheduled, comms = w.approved.id, w.scheduled.id, SimpleNamespace(email=w.users["comms"].email)
    session.commit()  # reading those opened a transaction: SQLite writers in the server would wait on it
    target = (now_utc() + timedelta(days=3)).date()   # the blackout is on day 5
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, comms)
    page.goto(f"{live_server}/calendar?view=month&date={target.isoformat()}")
    assert page.locator(f".cal-tray-item[data-draft-id='{post}']").is_visible()
    assert page.locator(f".cal-tray-item[data-draft-id='{post}'] a:has-text('Schedule…')").get_attribute("href") \
        == f"/drafts/{post}#release"

    _drag_from_tray(page, post, target.isoformat())
    toast = page.locator("#cal-toast")
    assert f"#{post} scheduled for" in toast.inner_text()
    assert page.locator(f".cal-day[data-date='{target.isoformat()}'] a[href='/drafts/{post}']").count() == 1
    assert page.locator(f".cal-tray-item[data-draft-id='{post}']").count() == 0
    state, at = _state(session, post)
    assert state == "scheduled" and at.date() == target

    page.click("#cal-toast .cal-undo")
    page.wait_for_selector("#cal-toast:has-text('Back in')")
    assert page.locator(f".cal-tray-item[data-draft-id='{post}']").count() == 1
    assert page.locator(f".cal-day a[href='/drafts/{post}']").count() == 0
    assert _state(session, post) == ("approved", None)

    _drag_from_tray(page, post, target.isoformat())
    assert page.locator(f".cal-day[data-date='{target.isoformat()}'] a[href='/drafts/{post}']").count() == 1
    assert _state(session, post)[0] == "scheduled"

    # The whole text is there on keyboard focus, not cut at 60 characters.
    entry = page.locator(f".cal-day a[href='/drafts/{scheduled}']").first
    entry.focus()
    assert "opens on Saturdays from next week" in entry.locator(".cal-title").inner_text()

    source = axe_source()
    problems = []
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        problems += describe(f"month with the toast ({name})", run_axe(page, source))
    # Phones: the month view keeps a weekday name on each day.
    assert page.locator(f".cal-day[data-date='{target.isoformat()}'] .cal-wd").is_visible()
    for view in ("week", "month", "agenda"):
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server}/calendar?view={view}&date={target.isoformat()}")
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            problems += describe(f"{view} ({name})", run_axe(page, source))
    assert not problems, "\n".join(problems)


def test_week_view_drop_on_an_hour_keeps_that_hour(live_server, new_page, factory, session):
    w = build_world(factory, session)
    post, before, comms = w.scheduled.id, w.scheduled.release_at, SimpleNamespace(email=w.users["comms"].email)
    session.commit()
    day = before.date().isoformat()
    # The next hour (the one before at 23:00), so source and slot share the viewport: a drag that has to
    # scroll the page half a day away failed when the post fell in the small hours (the run at 01:14 UTC).
    hour = "%02d" % (before.hour + 1 if before.hour < 23 else 22)
    page = new_page(viewport=DESKTOP)
    sign_in(page, live_server, comms)
    page.goto(f"{live_server}/calendar?view=week&date={day}")
    page.drag_and_drop(f".cal-entry[data-draft-id='{post}']", f".cal-slot[data-date='{day}'][data-hour='{hour}']")
    page.wait_for_selector("#cal-toast:not([hidden]) .cal-undo:not([hidden])")
    assert page.locator(f".cal-slot[data-date='{day}'][data-hour='{hour}'] a[href='/drafts/{post}']").count() == 1
    _, at = _state(session, post)
    assert at.strftime("%Y-%m-%d %H") == f"{day} {hour}" and at.minute == before.minute
    page.click("#cal-toast .cal-undo")
    page.wait_for_selector("#cal-toast:has-text('Moved back')")
    assert _state(session, post)[1] == before.replace(microsecond=0)
