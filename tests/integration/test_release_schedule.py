"""Scheduling through the services: who may, which times, clashes, freeze, holds, blackouts, audit."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from reviewq.core.errors import (ConflictError, InvalidTransitionError, NotFoundError, PermissionDeniedError,
                                 ValidationError)
from reviewq.models import AuditEvent, Draft
from reviewq.releases import blackouts, freeze, holds, queries
from reviewq.releases.operations import schedule_release, unschedule_release
from reviewq.releases.queries import calendar_entries

UTC = timezone.utc


@pytest.fixture
def team(factory):
    return factory.approvers()


def _approved(factory, team, **kw):
    return factory.approved_draft(approvers=team, **kw)


def _audit(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_comms_schedules_an_approved_post(factory, session, team):
    d = _approved(factory, team)
    at = factory.now + timedelta(days=1)
    schedule_release(session, team["comms"], d.id, release_at=at, now=factory.now)
    session.commit()
    d = session.get(Draft, d.id)
    assert (d.state, d.release_at, d.scheduled_by_id) == ("scheduled", at, team["comms"].id)
    [event] = _audit(session, "release.schedule")
    assert event.actor_id == team["comms"].id and event.data["release_at"] == at.isoformat()


def test_default_time_is_the_authors_requested_time(factory, session, team):
    wanted = factory.now + timedelta(days=3)
    d = _approved(factory, team, requested_release_at=wanted)
    schedule_release(session, team["comms"], d.id, release_at=None, now=factory.now)
    assert d.release_at == wanted


def test_no_time_and_no_request_is_refused(factory, session, team):
    d = _approved(factory, team)
    with pytest.raises(ValidationError, match="Choose a release time"):
        schedule_release(session, team["comms"], d.id, release_at=None, now=factory.now)


def test_local_text_time_is_read_in_the_given_zone(factory, session, team):
    d = _approved(factory, team)
    schedule_release(session, team["comms"], d.id, release_at="2026-11-10T09:00", now=factory.now,
                     tz_name="America/New_York")
    assert d.release_at == datetime(2026, 11, 10, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("role", ["staff", "reviewer", "legal", "admin", "auditor"])
def test_only_comms_may_schedule(factory, session, team, role):
    d = _approved(factory, team)
    other = factory.user(role)
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        schedule_release(session, other, d.id, release_at=factory.now + timedelta(days=1), now=factory.now)
    session.rollback()
    assert session.get(Draft, d.id).state == "approved"


def test_not_yet_approved_is_refused(factory, session, team):
    d = factory.submit(factory.draft())
    for role in ("reviewer", "legal"):
        factory.approve(d, team[role])
    with pytest.raises(InvalidTransitionError):
        schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(days=1), now=factory.now)


@pytest.mark.parametrize("bad, field", [("yesterday", "release_at"), ("2026-11-01T10:00Z", "release_at"),
                                        ("2026-03-08T02:30", "release_at")])
def test_bad_times_are_refused_and_nothing_changes(factory, session, team, bad, field):
    d = _approved(factory, team)
    with pytest.raises(ValidationError) as e:
        schedule_release(session, team["comms"], d.id, release_at=bad, now=factory.now,
                         tz_name="America/New_York")
    assert field in e.value.fields
    session.rollback()
    assert session.get(Draft, d.id).state == "approved" and not _audit(session, "release.schedule")


def test_channels_must_be_approved_ones(factory, session, team):
    d = _approved(factory, team, channels=("facebook", "x"))
    with pytest.raises(ValidationError, match="not approved"):
        schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(hours=2),
                         now=factory.now, channels=["linkedin"])
    schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(hours=2), now=factory.now,
                     channels=["x"])
    assert d.channels == ["x"]


def test_clash_is_a_warning_not_a_refusal(factory, session, team):
    a, b = _approved(factory, team), _approved(factory, team)
    at = factory.now + timedelta(days=1)
    schedule_release(session, team["comms"], a.id, release_at=at, now=factory.now)
    b = schedule_release(session, team["comms"], b.id, release_at=at + timedelta(minutes=10), now=factory.now)
    assert b.state == "scheduled"
    assert b.release_warnings == [f"Post #{a.id} goes out on facebook 10 minutes apart from this one."]


def test_reschedule_and_unschedule(factory, session, team):
    d = _approved(factory, team)
    at = factory.now + timedelta(days=1)
    schedule_release(session, team["comms"], d.id, release_at=at, now=factory.now)
    schedule_release(session, team["comms"], d.id, release_at=at + timedelta(hours=1), now=factory.now)
    assert d.release_at == at + timedelta(hours=1)
    unschedule_release(session, team["comms"], d.id, now=factory.now, reason="wrong week")
    session.commit()
    assert (d.state, d.release_at) == ("approved", None)
    [ev] = _audit(session, "release.unschedule")
    assert ev.data["reason"] == "wrong week"
    assert _audit(session, "release.schedule")[-1].data["previous"] == at.isoformat()


def test_unschedule_refused_while_a_worker_holds_the_post(factory, session, team):
    d = _approved(factory, team)
    schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(hours=1), now=factory.now)
    d.release_claimed_until = factory.now + timedelta(minutes=5)
    session.commit()
    with pytest.raises(ConflictError, match="being released"):
        unschedule_release(session, team["comms"], d.id, now=factory.now)


def test_freeze_refuses_scheduling(factory, session, team):
    d = _approved(factory, team)
    freeze.freeze_releases(session, team["comms"], reason="Incident", now=factory.now)
    with pytest.raises(ConflictError, match="frozen"):
        schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(days=1), now=factory.now)


def test_blackout_refuses_times_inside_it(factory, session, team):
    d = _approved(factory, team)
    start = factory.now + timedelta(days=1)
    blackouts.add_blackout(session, team["comms"], starts_at=start, ends_at=start + timedelta(hours=4),
                   channels=["facebook"], reason="Memorial", now=factory.now)
    with pytest.raises(ValidationError, match="Memorial"):
        schedule_release(session, team["comms"], d.id, release_at=start + timedelta(hours=1), now=factory.now)
    schedule_release(session, team["comms"], d.id, release_at=start + timedelta(hours=4), now=factory.now)


def test_matching_hold_is_warned_at_scheduling(factory, session, team):
    d = _approved(factory, team, body="Tour our #maternity ward on Saturday.")
    holds.place_hold(session, team["comms"], "tag", "#Maternity", reason="pause maternity posts", now=factory.now)
    d = schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(days=1), now=factory.now)
    assert any("#maternity" in w for w in d.release_warnings)


def test_only_comms_or_admin_may_freeze_or_hold(factory, session):
    staff = factory.user("reviewer")
    with pytest.raises(PermissionDeniedError):
        freeze.freeze_releases(session, staff, reason="x", now=factory.now)
    with pytest.raises(PermissionDeniedError):
        holds.place_hold(session, staff, "channel", "x", now=factory.now)
    admin = factory.user("admin")
    freeze.freeze_releases(session, admin, reason="Ransomware incident", now=factory.now)
    with pytest.raises(ConflictError):
        freeze.freeze_releases(session, admin, reason="again", now=factory.now)
    with pytest.raises(ValidationError):
        freeze.lift_freeze(session, admin, now=factory.now) if False else freeze.freeze_releases(
            session, factory.user("comms"), reason="  ", now=factory.now)


def test_calendar_entries_respect_visibility_and_filters(factory, session, team):
    a = _approved(factory, team, channels=("x",))
    b = _approved(factory, team, channels=("linkedin",))
    for d, h in ((a, 1), (b, 2)):
        schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(hours=h), now=factory.now)
    session.commit()
    start, end = factory.now, factory.now + timedelta(days=1)
    assert [d.id for d in calendar_entries(session, team["comms"], start, end)] == [a.id, b.id]
    assert [d.id for d in calendar_entries(session, team["comms"], start, end, channels=["linkedin"])] == [b.id]
    assert calendar_entries(session, factory.user("staff"), start, end) == []
    assert len(calendar_entries(session, factory.user("auditor"), start, end)) == 2
    with pytest.raises(ValidationError):
        calendar_entries(session, team["comms"], end, start)
    with pytest.raises(ValidationError):
        calendar_entries(session, team["comms"], start, end, channels=["myspace"])
    assert session.scalar(select(func.count()).select_from(Draft)) == 2


def test_release_now_lifts_a_held_posts_holds_for_comms_only(factory, session, team):
    d = _approved(factory, team)
    schedule_release(session, team["comms"], d.id, release_at=factory.now + timedelta(hours=2), now=factory.now)
    holds.hold_draft(session, d, reason="re-check failed", now=factory.now)
    session.commit()
    with pytest.raises(PermissionDeniedError):
        holds.release_held_post(session, team["reviewer"], d.id, now=factory.tick())
    session.rollback()
    assert queries.draft_holds(session, d.id)
    assert holds.release_held_post(session, team["comms"], d.id, now=factory.tick()) == 1
    session.commit()
    assert queries.draft_holds(session, d.id) == []


def test_release_now_refuses_a_post_that_is_not_scheduled(factory, session, team):
    d = _approved(factory, team)
    with pytest.raises(ConflictError):
        holds.release_held_post(session, team["comms"], d.id, now=factory.tick())
