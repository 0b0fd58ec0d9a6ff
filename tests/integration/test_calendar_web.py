"""Calendar pages, the draft page's release panel, freeze and holds pages, the iCal feed, signed media."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from PIL import Image
from sqlalchemy import select

from reviewq.models import Draft
from reviewq.releases import queries
from reviewq.clock import now_utc
from reviewq.releases.operations import schedule_release
from tests.factories import csrf_from


@pytest.fixture
def team(factory):
    return factory.approvers()


def _scheduled(factory, session, team, hours=30, **kw):
    d = factory.approved_draft(approvers=team, **kw)
    schedule_release(session, team["comms"], d.id, release_at=now_utc() + timedelta(hours=hours), now=now_utc())
    session.commit()
    return d


@pytest.mark.parametrize("role", ["comms", "reviewer", "legal", "admin", "auditor", "staff"])
@pytest.mark.parametrize("view", ["month", "week", "agenda"])
def test_calendar_views_render_for_each_role(client, login, factory, session, team, role, view):
    d = _scheduled(factory, session, team)
    user = team.get(role) or factory.user(role)
    login(user)
    day = d.release_at.date().isoformat()
    resp = client.get(f"/calendar?view={view}&date={day}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html
    sees = role != "staff"
    assert (f'/drafts/{d.id}"' in html) == sees
    assert ('draggable="true"' in html) == (role == "comms")


def test_calendar_filters_and_bad_input(client, login, factory, session, team):
    a = _scheduled(factory, session, team, channels=("x",))
    b = _scheduled(factory, session, team, channels=("linkedin",))
    login(team["comms"])
    day = a.release_at.date().isoformat()
    html = client.get(f"/calendar?view=agenda&date={day}&channel=linkedin").get_data(as_text=True)
    assert f"/drafts/{b.id}\"" in html and f"/drafts/{a.id}\"" not in html
    assert client.get("/calendar?view=year").status_code == 422
    assert client.get("/calendar?date=2026-02-31").status_code == 422
    assert client.get("/calendar?channel=myspace").status_code == 422


def test_schedule_form_on_the_draft_page(client, login, factory, session, team):
    d = factory.approved_draft(approvers=team)
    login(team["comms"])
    page = client.get(f"/drafts/{d.id}")
    assert b'id="release"' in page.data and b"Schedule</button>" in page.data
    when = (now_utc() + timedelta(days=2)).strftime("%Y-%m-%d 09:30")
    resp = client.post(f"/calendar/drafts/{d.id}/schedule", data={"csrf_token": csrf_from(page), "release_at": when})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Draft, d.id).state == "scheduled"
    page = client.get(f"/drafts/{d.id}")
    assert b"Reschedule</button>" in page.data and b"Unschedule" in page.data


@pytest.mark.parametrize("value, message", [("2020-01-01 10:00", b"in the past"), ("soon", b"date and time")])
def test_schedule_form_refusals_change_nothing(client, login, factory, session, team, value, message):
    d = factory.approved_draft(approvers=team)
    login(team["comms"])
    page = client.get(f"/drafts/{d.id}")
    resp = client.post(f"/calendar/drafts/{d.id}/schedule", data={"csrf_token": csrf_from(page), "release_at": value},
                       follow_redirects=True)
    assert resp.status_code == 200 and message in resp.data
    session.expire_all()
    assert session.get(Draft, d.id).state == "approved"


def test_non_comms_cannot_schedule_through_the_web(client, login, factory, session, team):
    d = factory.approved_draft(approvers=team)
    login(team["legal"])
    page = client.get(f"/drafts/{d.id}")
    assert b"Schedule</button>" not in page.data
    resp = client.post(f"/calendar/drafts/{d.id}/schedule", follow_redirects=True,
                       data={"csrf_token": csrf_from(page), "release_at": "2030-01-01 10:00"})
    assert b"Only comms leads" in resp.data
    session.expire_all()
    assert session.get(Draft, d.id).state == "approved"


def test_drag_move_endpoint(client, login, factory, session, team):
    d = _scheduled(factory, session, team)
    login(team["comms"])
    page = client.get("/calendar")
    token = csrf_from(page)
    new_day = (d.release_at + timedelta(days=3)).date().isoformat()
    resp = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": token, "date": new_day, "time": "10:15"})
    assert resp.status_code == 200 and resp.get_json()["ok"]
    session.expire_all()
    assert session.get(Draft, d.id).release_at.strftime("%Y-%m-%d %H:%M") == f"{new_day} 10:15"
    bad = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": token, "date": "2001-01-01",
                                                               "time": "10:00"})
    assert bad.status_code == 422 and "past" in bad.get_json()["error"]
    assert client.post(f"/calendar/drafts/{d.id}/move", data={"date": new_day, "time": "10:00"}).status_code == 400


def test_freeze_page_on_and_off_with_confirmation(client, login, factory, session, team):
    login(team["comms"])
    page = client.get("/calendar/freeze")
    token = csrf_from(page)
    client.post("/calendar/freeze/on", data={"csrf_token": token, "reason": "Major incident"})
    home = client.get("/calendar")
    assert b"Crisis freeze is on" in home.data and b"Major incident" in home.data
    resp = client.post("/calendar/freeze/off", data={"csrf_token": token}, follow_redirects=True)
    assert b"Tick the confirmation" in resp.data and b"Crisis freeze is on" in resp.data
    resp = client.post("/calendar/freeze/off", data={"csrf_token": token, "confirm": "yes"}, follow_redirects=True)
    assert b"Say why" in resp.data and b"Crisis freeze is on" in resp.data   # lifting is a version: a reason
    client.post("/calendar/freeze/off", data={"csrf_token": token, "confirm": "yes", "reason": "All clear"})
    assert b"Crisis freeze is on" not in client.get("/calendar").data


def test_reviewer_cannot_freeze(client, login, factory, team):
    login(team["reviewer"])
    page = client.get("/calendar/freeze")
    assert b"Freeze all releases now" not in page.data
    resp = client.post("/calendar/freeze/on", data={"csrf_token": csrf_from(page), "reason": "x"},
                       follow_redirects=True)
    assert b"Only comms leads and admins" in resp.data


def test_holds_and_blackouts_pages(client, login, factory, session, team):
    login(team["comms"])
    token = csrf_from(client.get("/calendar/freeze"))
    client.post("/calendar/holds", data={"csrf_token": token, "kind": "tag", "value": "#maternity",
                                         "reason": "pause"})
    [h] = queries.active_holds(session)
    assert (h.kind, h.value) == ("tag", "maternity")
    assert b"Lift the hold" in client.get(f"/calendar/holds/{h.id}/lift").data
    client.post(f"/calendar/holds/{h.id}/lift", data={"csrf_token": token})
    session.expire_all()
    assert queries.active_holds(session) == []
    resp = client.post("/calendar/blackouts", follow_redirects=True, data={
        "csrf_token": token, "starts_at": "2099-01-01 10:00", "ends_at": "2099-01-01 09:00"})
    assert b"must end after it starts" in resp.data
    client.post("/calendar/blackouts", data={"csrf_token": token, "starts_at": "2099-01-01 10:00",
                                             "ends_at": "2099-01-01 12:00", "reason": "Vigil"})
    assert len(queries.blackout_windows(session, now_utc(), now_utc() + timedelta(days=40000))) == 1


def test_ical_feed_is_secret_valid_and_revocable(app, client, login, factory, session, team):
    d = _scheduled(factory, session, team)
    login(team["comms"])
    page = client.get("/calendar/feed")
    resp = client.post("/calendar/feed", data={"csrf_token": csrf_from(page), "action": "new"})
    url = re.search(rb'value="(http[^"]+\.ics)"', resp.data).group(1).decode()
    path = url.split("127.0.0.1:5000", 1)[1]
    anonymous = app.test_client()
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    cal = Calendar.from_ical(feed.data)
    [ev] = [c for c in cal.walk("VEVENT")]
    assert str(ev["uid"]) == f"draft-{d.id}@reviewq" and ev.decoded("dtstart") == d.release_at
    assert anonymous.get(path.replace("cal_", "cal_x")).status_code == 404
    page = client.get("/calendar/feed")
    client.post("/calendar/feed", data={"csrf_token": csrf_from(page), "action": "revoke"})
    assert anonymous.get(path).status_code == 404


def _jpeg_with_gps() -> bytes:
    im = Image.new("RGB", (4, 3), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"                    # Make
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 54.0)}  # GPSInfo
    buf = io.BytesIO()
    im.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def test_signed_media_link_serves_the_image_without_exif(app, client, factory, session, team):
    from reviewq.publishers.payload import build_payload
    data = _jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif()
    d = _scheduled(factory, session, team, attachments=[("photo.jpg", data, "A red square")])
    payload = build_payload(d, d.revision, channels=d.channels, approvals=d.standing_approvals(),
                            base_url="http://127.0.0.1:5000", secret=app.config["REVIEWQ"].secret_key, now=now_utc())
    [att] = payload["attachments"]
    assert att["alt_text"] == "A red square" and att["content_type"] == "image/jpeg"
    path = att["url"].split("127.0.0.1:5000", 1)[1]
    resp = client.get(path)
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    served = Image.open(io.BytesIO(resp.data))
    assert served.size == (4, 3) and not served.getexif() and b"PhoneMaker" not in resp.data
    assert client.get(path.replace("sig=", "sig=0")).status_code == 404
    assert client.get(re.sub(r"exp=\d+", "exp=1", path)).status_code == 404


def test_stripped_image_applies_orientation_and_drops_metadata(tmp_path):
    from reviewq.storage import stripped_image
    im = Image.new("RGB", (4, 2), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6                                 # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 54.0)}
    path = tmp_path / "p.jpg"
    im.save(path, format="JPEG", exif=exif)
    out = Image.open(io.BytesIO(stripped_image(path, "image/jpeg")))
    assert out.size == (2, 4) and not out.getexif()
    png = tmp_path / "t.png"
    pal = Image.new("P", (2, 1))
    pal.putpalette([255, 0, 0, 0, 255, 0])
    pal.putdata([0, 1])
    pal.save(png, format="PNG", transparency=1)
    out = Image.open(io.BytesIO(stripped_image(png, "image/png"))).convert("RGBA")
    assert out.getpixel((0, 0)) == (255, 0, 0, 255) and out.getpixel((1, 0))[3] == 0


def test_comms_release_field_is_the_authors_picker_and_hint_matches_the_parser(client, login, factory, session,
                                                                                team):
    d = factory.approved_draft(approvers=team)
    login(team["comms"])
    page = client.get(f"/drafts/{d.id}")
    html = page.get_data(as_text=True)
    assert 'id="release_at" name="release_at" type="datetime-local"' in html
    assert "e.g. 2026-11-03T09:30" in html
    when = (now_utc() + timedelta(days=3)).strftime("%Y-%m-%dT10:15")  # what the picker submits
    resp = client.post(f"/calendar/drafts/{d.id}/schedule", data={"csrf_token": csrf_from(page), "release_at": when})
    assert resp.status_code == 302
    page = client.get(f"/drafts/{d.id}")
    assert f'value="{when}"' in page.get_data(as_text=True)  # the picker shows the stored time back
    bad = client.post(f"/calendar/drafts/{d.id}/schedule", follow_redirects=True,
                      data={"csrf_token": csrf_from(page), "release_at": "3rd of May"})
    assert b"e.g. 2026-11-03T09:30" in bad.data  # the error quotes the hint's format
