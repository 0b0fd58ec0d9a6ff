"""Calendar pages, the draft page's release panel, freeze and holds pages, the iCal feed, signed media."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

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


# --- Planning on the calendar: the tray, markers, hour slots, undo, API paging and ETags -------------------

def _future_day(days=3):
    return (now_utc() + timedelta(days=days)).date()


def test_tray_lists_approved_posts_and_a_drop_schedules_through_the_service(client, login, factory, session, team):
    d = factory.approved_draft(approvers=team, body="Flu clinic moves to the east wing " + "x" * 80)
    login(team["comms"])
    page = client.get("/calendar")
    html = page.get_data(as_text=True)
    tray = html[html.index('class="cal-tray"'):html.index("</section>", html.index('class="cal-tray"'))]
    assert f'data-draft-id="{d.id}"' in tray and "Approved, not scheduled" in html
    assert f'href="/drafts/{d.id}#release">Schedule…' in tray       # the no-drag way: the release form
    assert "x" * 80 in tray                                         # full text, no 60-character cut
    day = _future_day().isoformat()
    resp = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": csrf_from(page), "date": day,
                                                               "time": "11:30"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["undo"]["release_at"] == ""             # undo = back to the tray
    session.expire_all()
    got = session.get(Draft, d.id)
    assert got.state == "scheduled" and got.release_at.strftime("%Y-%m-%d %H:%M") == f"{day} 11:30"
    assert got.scheduled_by_id == team["comms"].id
    html = client.get("/calendar").get_data(as_text=True)
    assert f'data-draft-id="{d.id}"' not in html.split('class="cal-tray"')[1].split("</section>")[0]


def test_tray_drop_obeys_blackouts_and_the_freeze(client, login, factory, session, team):
    from reviewq.releases.blackouts import add_blackout
    from reviewq.releases.freeze import freeze_releases
    d = factory.approved_draft(approvers=team)
    day = _future_day()
    start = datetime.combine(day, datetime.min.time(), timezone.utc)
    add_blackout(session, team["comms"], starts_at=start + timedelta(hours=9), ends_at=start + timedelta(hours=12),
                 reason="Vigil", now=now_utc())
    session.commit()
    login(team["comms"])
    token = csrf_from(client.get("/calendar"))
    refused = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": token, "date": day.isoformat(),
                                                                  "time": "10:00"})
    assert refused.status_code == 422 and "blackout" in refused.get_json()["error"].lower()
    freeze_releases(session, team["comms"], reason="Major incident", now=now_utc())
    session.commit()
    frozen = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": token, "date": day.isoformat(),
                                                                 "time": "15:00"})
    assert frozen.status_code >= 400 and "freeze" in frozen.get_json()["error"].lower()
    html = client.get("/calendar").get_data(as_text=True)
    assert 'class="cal-freeze"' in html and "Dragging is off" in html
    session.expire_all()
    assert session.get(Draft, d.id).state == "approved"


@pytest.mark.parametrize("role", ["staff", "reviewer", "legal", "auditor"])
def test_only_comms_see_the_tray_and_others_cannot_schedule_from_it(client, login, factory, session, team, role):
    d = factory.approved_draft(approvers=team)
    user = team.get(role) or factory.user(role)
    login(user)
    page = client.get("/calendar")
    assert b"Approved, not scheduled" not in page.data
    resp = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": csrf_from(page),
                                                               "date": _future_day().isoformat(), "time": "10:00"})
    assert resp.status_code in (403, 404) and "error" in resp.get_json()
    undo = client.post(f"/calendar/drafts/{d.id}/undo", data={"csrf_token": csrf_from(page)})
    assert undo.status_code in (403, 404, 409)
    session.expire_all()
    assert session.get(Draft, d.id).state == "approved"


def test_undo_moves_the_post_back_and_is_audited_as_a_reschedule(client, login, factory, session, team):
    from reviewq.models import AuditEvent
    d = _scheduled(factory, session, team, hours=50)
    before = d.release_at
    login(team["comms"])
    token = csrf_from(client.get("/calendar"))
    day = (before + timedelta(days=2)).date().isoformat()
    moved = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": token, "date": day, "time": "08:05"})
    undo = moved.get_json()["undo"]
    assert undo["url"] == f"/calendar/drafts/{d.id}/undo" and undo["release_at"]
    back = client.post(undo["url"], data={"csrf_token": token, "release_at": undo["release_at"]})
    assert back.status_code == 200 and back.get_json()["ok"]
    session.expire_all()
    assert session.get(Draft, d.id).release_at == before
    events = session.scalars(select(AuditEvent).where(AuditEvent.draft_id == d.id).order_by(AuditEvent.seq)).all()
    assert [e.action for e in events[-2:]] == ["release.schedule", "release.schedule"]


def test_undo_of_a_tray_drop_returns_the_post_to_the_tray(client, login, factory, session, team):
    d = factory.approved_draft(approvers=team)
    login(team["comms"])
    token = csrf_from(client.get("/calendar"))
    moved = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": token,
                                                                "date": _future_day().isoformat(), "time": "10:00"})
    back = client.post(moved.get_json()["undo"]["url"], data={"csrf_token": token, "release_at": ""})
    assert back.status_code == 200
    session.expire_all()
    assert session.get(Draft, d.id).state == "approved" and session.get(Draft, d.id).release_at is None
    bad = client.post(f"/calendar/drafts/{d.id}/undo", data={"csrf_token": token, "release_at": "yesterday"})
    assert bad.status_code == 422 and "error" in bad.get_json()


def test_held_posts_and_blackout_slots_are_marked_in_words(client, login, factory, session, team):
    from reviewq.releases.blackouts import add_blackout
    from reviewq.releases.holds import hold_draft, place_hold
    held = _scheduled(factory, session, team, hours=48)
    matching = _scheduled(factory, session, team, hours=49, body="Our maternity ward opens a new family room.")
    hold_draft(session, held, reason="A linked consent was revoked", now=now_utc())
    place_hold(session, team["comms"], "term", "maternity", reason="pause", now=now_utc())
    day = held.release_at.date()
    start = datetime.combine(day, datetime.min.time(), timezone.utc)
    add_blackout(session, team["comms"], starts_at=start + timedelta(hours=14), ends_at=start + timedelta(hours=16),
                 channels=["x"], reason="Vigil", now=now_utc())
    session.commit()
    login(team["comms"])
    for view in ("month", "week", "agenda"):
        html = client.get(f"/calendar?view={view}&date={day.isoformat()}").get_data(as_text=True)
        i = html.index(f'href="/drafts/{held.id}"')
        assert "On hold" in html[i:i + 2000].split("</a>")[0], view
        j = html.index(f'href="/drafts/{matching.id}"')
        assert "Will be held (term “maternity”)" in html[j:j + 2000].split("</a>")[0], view
        assert "blackout: x" in html, view
    week = client.get(f"/calendar?view=week&date={day.isoformat()}").get_data(as_text=True)
    assert re.search(rf'class="cal-slot blackout" data-date="{day.isoformat()}" data-hour="14"', week)
    assert not re.search(rf'class="cal-slot blackout" data-date="{day.isoformat()}" data-hour="13"', week)


def test_week_view_has_hour_slots_and_a_drop_on_a_slot_keeps_that_hour(client, login, factory, session, team):
    d = _scheduled(factory, session, team, hours=72)
    login(team["comms"])
    day = d.release_at.date().isoformat()
    html = client.get(f"/calendar?view=week&date={day}").get_data(as_text=True)
    assert html.count(f'data-date="{day}" data-hour=') == 24
    slot = html[html.index(f'data-date="{day}" data-hour="{d.release_at.hour:02d}"'):]
    assert slot.index(f'href="/drafts/{d.id}"') < slot.index("</li>")
    minute = d.release_at.strftime("%M")
    resp = client.post(f"/calendar/drafts/{d.id}/move", data={"csrf_token": csrf_from(client.get("/calendar")),
                                                               "date": day, "time": f"17:{minute}"})
    assert resp.status_code == 200
    session.expire_all()
    assert session.get(Draft, d.id).release_at.strftime("%H:%M") == f"17:{minute}"


def test_thumbnail_of_the_first_image_is_shown(client, login, factory, session, team):
    from reviewq.models import Attachment
    d = _scheduled(factory, session, team, attachments=[("photo.jpg", _jpeg_with_gps(), "A red square")])
    att = session.scalars(select(Attachment).where(Attachment.draft_id == d.id)).one()
    login(team["comms"])
    html = client.get(f"/calendar?view=agenda&date={d.release_at.date().isoformat()}").get_data(as_text=True)
    assert att.thumb_key                       # made when the submission scanned the file
    src = f"/drafts/{d.id}/attachments/{att.id}/thumbnail"
    assert f'src="{src}"' in html and client.get(src).status_code == 200
    plain = _scheduled(factory, session, team, hours=31)       # no picture: no image, no broken link
    html = client.get(f"/calendar?view=agenda&date={d.release_at.date().isoformat()}").get_data(as_text=True)
    assert "/thumbnail" not in html.split(f'href="/drafts/{plain.id}"')[1].split("</a>")[0]


def test_calendar_page_etag_answers_304_until_something_changes(app, client, login, factory, session, team):
    d = _scheduled(factory, session, team)
    login(team["comms"])
    url = f"/calendar?date={d.release_at.date().isoformat()}"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    other = factory.approved_draft(approvers=team)          # a new post in the tray changes the page
    session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    etag = client.get(url).headers["ETag"]
    schedule_release(session, team["comms"], other.id, release_at=d.release_at + timedelta(hours=2), now=now_utc())
    session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    from tests.factories import PASSWORD
    legal = app.test_client()                                # another person never gets comms' page
    legal.post("/login", data={"email": team["legal"].email, "password": PASSWORD,
                               "csrf_token": csrf_from(legal.get("/login"))})
    assert legal.get(url, headers={"If-None-Match": etag}).status_code == 200


def _api_cal(api, start, end, **params):
    return api.get("/calendar", query_string={"from": start.isoformat().replace("+00:00", "Z"),
                                              "to": end.isoformat().replace("+00:00", "Z"), **params})


def test_calendar_api_pages_with_a_stable_cursor(client, factory, session, team):
    from tests.integration.api_helpers import api_for
    posts = [_scheduled(factory, session, team, hours=30 + i) for i in range(5)]
    api = api_for(client, factory, team["comms"])
    start, end = now_utc(), now_utc() + timedelta(days=10)
    everything = _api_cal(api, start, end).get_json()
    assert [e["id"] for e in everything["entries"]] == [p.id for p in posts] and everything["next_cursor"] is None
    assert everything["entries"][0]["author"]["name"] and everything["entries"][0]["body"]
    page1 = _api_cal(api, start, end, limit=2).get_json()
    assert [e["id"] for e in page1["entries"]] == [posts[0].id, posts[1].id] and page1["next_cursor"]
    # A post added before the cursor does not shift the next page.
    _scheduled(factory, session, team, hours=29)
    page2 = _api_cal(api, start, end, limit=2, cursor=page1["next_cursor"]).get_json()
    assert [e["id"] for e in page2["entries"]] == [posts[2].id, posts[3].id]
    page3 = _api_cal(api, start, end, limit=2, cursor=page2["next_cursor"]).get_json()
    assert [e["id"] for e in page3["entries"]] == [posts[4].id] and page3["next_cursor"] is None


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "1001"}, {"limit": "ten"}, {"limit": "²"},
                                    {"cursor": "abc"}, {"cursor": "20261301T000000000000_5"},
                                    {"cursor": "20261101T000000000000_0"}])
def test_calendar_api_bad_limit_or_cursor_is_a_400(client, factory, team, params):
    from tests.integration.api_helpers import api_for
    api = api_for(client, factory, team["comms"])
    resp = _api_cal(api, now_utc(), now_utc() + timedelta(days=3), **params)
    assert resp.status_code == 400 and resp.is_json and resp.get_json()["error"]
    assert set(resp.get_json()["fields"]) & {"limit", "cursor"}


def test_calendar_api_etag_and_304(client, factory, session, team):
    from tests.integration.api_helpers import api_for
    d = _scheduled(factory, session, team)
    api = api_for(client, factory, team["comms"])
    start, end = now_utc(), now_utc() + timedelta(days=5)
    first = _api_cal(api, start, end)
    etag = first.headers["ETag"]
    again = api.get("/calendar", query_string={"from": start.isoformat(), "to": end.isoformat()},
                    headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    schedule_release(session, team["comms"], d.id, release_at=d.release_at + timedelta(hours=1), now=now_utc())
    session.commit()
    changed = api.get("/calendar", query_string={"from": start.isoformat(), "to": end.isoformat()},
                      headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    staff = api_for(client, factory, factory.user("staff"))    # the user's visibility is part of the tag
    mine = staff.get("/calendar", query_string={"from": start.isoformat(), "to": end.isoformat()},
                     headers={"If-None-Match": changed.headers["ETag"]})
    assert mine.status_code == 200 and mine.get_json()["entries"] == []


def test_calendar_api_is_one_query_for_the_range(app, client, factory, session, team):
    from sqlalchemy import event
    from tests.integration.api_helpers import api_for
    for i in range(6):
        _scheduled(factory, session, team, hours=30 + i)
    api = api_for(client, factory, team["comms"])
    start, end = now_utc(), now_utc() + timedelta(days=5)
    _api_cal(api, start - timedelta(hours=1), end)  # the token's last use is written at most once a minute
    engine = session.get_bind().engine if hasattr(session.get_bind(), "engine") else session.get_bind()

    def reads():
        seen = []
        listener = lambda *a: seen.append(a[2])    # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert len(_api_cal(api, start, end).get_json()["entries"]) == 6
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return [s for s in seen if "FROM drafts" in s and "api_tokens" not in s]
    first = reads()
    assert len(first) == 2, first              # the ETag's aggregate and the rows, nothing per post
    again = reads()
    assert len(again) == 1, again              # unchanged marker: the body built for this ETag is reused


def test_calendar_api_answer_follows_an_edit(app, client, factory, session, team):
    from tests.integration.api_helpers import api_for
    d = _scheduled(factory, session, team, hours=30)
    api = api_for(client, factory, team["comms"])
    start, end = now_utc(), now_utc() + timedelta(days=5)
    before = _api_cal(api, start, end)
    d.title = "A new title"
    session.commit()
    after = _api_cal(api, start, end)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert [e["title"] for e in after.get_json()["entries"]] == ["A new title"]


def test_calendar_api_answer_follows_an_authors_rename(app, client, factory, session, team):
    from reviewq.accounts.operations import update_user
    from tests.integration.api_helpers import api_for
    d = _scheduled(factory, session, team, hours=30)
    author = d.author
    api = api_for(client, factory, team["comms"])
    start, end = now_utc(), now_utc() + timedelta(days=5)
    before = _api_cal(api, start, end)
    assert [e["author"]["name"] for e in before.get_json()["entries"]] == [author.name]
    admin = factory.user("admin")
    update_user(session, admin, author.id, name="Renamed Author", roles=sorted(author.roles),
                slack_user_id=author.slack_user_id, now=now_utc())
    session.commit()
    stale = api.get("/calendar", query_string={"from": start.isoformat(), "to": end.isoformat()},
                    headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200 and stale.headers["ETag"] != before.headers["ETag"]
    assert [e["author"]["name"] for e in stale.get_json()["entries"]] == ["Renamed Author"]


def test_calendar_page_reads_the_range_in_one_query_whatever_its_size(client, login, factory, session, team):
    from sqlalchemy import event
    engine = session.get_bind().engine if hasattr(session.get_bind(), "engine") else session.get_bind()
    login(team["comms"])
    day = (now_utc() + timedelta(days=2)).date().isoformat()

    def statements(tag):
        # A query string of its own: its own ETag, so the page is rendered, not answered from the page cache.
        seen = []
        listener = lambda *a: seen.append(a[2])    # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/calendar?view=week&date={day}&n={tag}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return seen

    _scheduled(factory, session, team, hours=48)
    factory.approved_draft(approvers=team)
    statements(0)                               # the first request also touches the session, caches settings
    few = statements(1)
    for i in range(6):
        _scheduled(factory, session, team, hours=49 + i)
        factory.approved_draft(approvers=team)
    many = statements(2)
    assert len(many) == len(few), "\n".join(s[:70] for s in few + ["----"] + many)
    assert len(many) <= 12
    assert sum("JOIN revisions" in s or "OUTER JOIN revisions" in s for s in many) == 2   # the range, the tray
    again = statements(2)                       # nothing changed: the page rendered for this ETag is answered
    assert len(again) < len(many) and not any("JOIN revisions" in s for s in again), again


def test_calendar_page_follows_a_change_after_being_kept(client, login, factory, session, team):
    login(team["comms"])
    day = (now_utc() + timedelta(days=2)).date().isoformat()
    d = _scheduled(factory, session, team, hours=48)
    first = client.get(f"/calendar?view=week&date={day}")
    assert client.get(f"/calendar?view=week&date={day}").data == first.data
    d.title = "Renamed"
    schedule_release(session, team["comms"], d.id, release_at=now_utc() + timedelta(hours=50), now=now_utc())
    session.commit()
    moved = client.get(f"/calendar?view=week&date={day}")
    assert moved.headers["ETag"] != first.headers["ETag"] and moved.data != first.data


_OLD_ENTRY_MACRO = '''{% macro thumb(d) %}{% if d.thumb %}<img class="cal-thumb" src="{{ d.thumb }}" alt="" width="32" height="32" loading="lazy">{% endif %}{% endmacro %}
{% macro entry(d, full=False) %}
{# comment #}
<a class="cal-entry ch-{{ d.channels[0] if d.channels else 'none' }} st-{{ d.state }}{% if d.held or d.will_hold %} is-held{% endif %}" href="{{ d.href }}"
   {% if can_move and d.state == 'scheduled' %}draggable="true" data-draft-id="{{ d.id }}" data-move-url="{{ d.move_url }}" data-time="{{ d.hhmm }}"{% endif %}>
  {% if d.thumb %}{{ thumb(d) }}{% endif %}
  <time class="rq-dual" datetime="{{ d.iso }}">{{ d.hhmm }}</time>
  <span class="cal-chans">{% for c in d.channels %}<span class="chip ch-{{ c }}">{{ CHANNEL_LABELS.get(c, c) }}</span>{% endfor %}</span>
  {% if d.held %}<span class="cal-held"><span aria-hidden="true">⏸</span> On hold</span>
  {% elif d.will_hold %}<span class="cal-held"><span aria-hidden="true">⏸</span> Will be held ({{ d.will_hold }})</span>{% endif %}
  <span class="cal-title{% if full %} cal-title-full{% endif %}">#{{ d.id }} {{ d.body }}</span>
  {% if d.state == 'published' %}<span class="pill pill-approved">Published</span>{% elif d.retrying %}<span class="pill pill-rejected">Retrying</span>{% endif %}
</a>
{% endmacro %}{{ entry(d, full=full) }}'''


@pytest.mark.parametrize("state", ["scheduled", "published"])
@pytest.mark.parametrize("held,will_hold,thumb,retrying", [(False, "", "", False), (True, "", "/t/1/2", False),
                                                          (False, "blackout <b>", "", True), (True, "x", "", True)])
@pytest.mark.parametrize("can_move,full", [(True, False), (False, True), (True, True)])
def test_calendar_entry_markup_is_the_macro_it_replaced(app, state, held, will_hold, thumb, retrying, can_move, full):
    from datetime import datetime, timezone
    from reviewq.core.roles import CHANNEL_LABELS
    from reviewq.web.calendar.views import Entry, entry_html
    at = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)
    d = Entry(7, state, 'Say "hi" & <wave>', ("facebook", "x"), "Ann", at, None, at.isoformat(), "/drafts/7",
              "/calendar/drafts/7/move", thumb, held, will_hold, retrying)
    with app.test_request_context():
        old = app.jinja_env.from_string(_OLD_ENTRY_MACRO).render(d=d, full=full, can_move=can_move,
                                                                CHANNEL_LABELS=CHANNEL_LABELS)
    assert str(entry_html(d, can_move, full)) == old[1:]   # the template's leading newline is the macro line's
