"""Pure scheduling rules: time zones and DST, refusals, clashes, holds, backoff."""
from datetime import datetime, timedelta, timezone

import pytest

from reviewq.core import schedule as S
from reviewq.core.errors import ConflictError, ValidationError

UTC = timezone.utc
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NY = "America/New_York"


def test_local_time_is_read_in_the_org_zone():
    assert S.parse_release_time("2026-07-01T09:30", NY) == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)
    assert S.parse_release_time("2026-01-15T09:30", NY) == datetime(2026, 1, 15, 14, 30, tzinfo=UTC)


def test_explicit_offset_wins_over_the_zone():
    assert S.parse_release_time("2026-07-01T09:30+02:00", NY) == datetime(2026, 7, 1, 7, 30, tzinfo=UTC)
    assert S.parse_release_time("2026-07-01T09:30Z", NY) == datetime(2026, 7, 1, 9, 30, tzinfo=UTC)


def test_spring_forward_gap_is_refused():
    with pytest.raises(ValidationError) as e:
        S.parse_release_time("2026-03-08T02:30", NY)
    assert "does not exist" in e.value.message
    assert e.value.fields["release_at"].startswith("nonexistent")


def test_fall_back_ambiguous_time_is_refused_unless_offset_given():
    with pytest.raises(ValidationError) as e:
        S.parse_release_time("2026-11-01T01:30", NY)
    assert "happens twice" in e.value.message and "-04:00" in e.value.message and "-05:00" in e.value.message
    assert S.parse_release_time("2026-11-01T01:30-04:00", NY) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert S.parse_release_time("2026-11-01T01:30-05:00", NY) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_times_next_to_the_dst_change_are_fine():
    assert S.parse_release_time("2026-03-08T03:00", NY) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert S.parse_release_time("2026-11-01T02:00", NY) == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["", "tomorrow", "2026-13-01T10:00", "2026-02-30T10:00", None, 12])
def test_malformed_times_are_refused(bad):
    with pytest.raises(ValidationError) as e:
        S.parse_release_time(bad, "UTC")
    assert "release_at" in e.value.fields


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "/etc/localtime"])
def test_unknown_time_zone_is_refused(name):
    with pytest.raises(ValidationError) as e:
        S.parse_release_time("2026-07-01T09:30", name)
    assert e.value.fields == {"timezone": "unknown time zone"}


def test_past_and_now_are_refused_future_is_fine():
    for at in (NOW - timedelta(minutes=1), NOW):
        with pytest.raises(ValidationError, match="past"):
            S.check_release_time(at, NOW, channels=["x"])
    S.check_release_time(NOW + timedelta(minutes=1), NOW, channels=["x"])


def test_too_far_ahead_is_refused():
    with pytest.raises(ValidationError, match="two years"):
        S.check_release_time(NOW + timedelta(days=800), NOW, channels=["x"])


def test_freeze_refuses_scheduling():
    with pytest.raises(ConflictError, match="frozen"):
        S.check_release_time(NOW + timedelta(hours=1), NOW, channels=["x"], frozen=True)


def test_blackout_window_applies_to_its_channels_only():
    w = S.Window(NOW + timedelta(hours=1), NOW + timedelta(hours=3), frozenset({"facebook"}), "Vigil")
    inside = NOW + timedelta(hours=2)
    with pytest.raises(ValidationError, match="blackout window \\(Vigil\\)"):
        S.check_release_time(inside, NOW, channels=["x", "facebook"], windows=[w])
    S.check_release_time(inside, NOW, channels=["x"], windows=[w])
    S.check_release_time(NOW + timedelta(hours=3), NOW, channels=["facebook"], windows=[w])  # end exclusive


def test_blackout_without_channels_covers_every_channel():
    w = S.Window(NOW, NOW + timedelta(hours=1))
    assert w.covers(NOW + timedelta(minutes=5), ["linkedin"])


def test_clashes_are_posts_sharing_a_channel_within_the_window():
    at = NOW + timedelta(hours=5)
    others = [S.Slot(1, at + timedelta(minutes=10), frozenset({"x", "facebook"})),
              S.Slot(2, at + timedelta(minutes=45), frozenset({"x"})),
              S.Slot(3, at - timedelta(minutes=5), frozenset({"linkedin"})),
              S.Slot(9, at, frozenset({"x"}))]
    clashes = S.find_clashes(at, ["x"], others, minutes=30, exclude_id=9)
    assert [(c.draft_id, c.channel, c.minutes_apart) for c in clashes] == [(1, "x", 10)]
    assert "10 minutes apart" in clashes[0].message()
    assert len(S.find_clashes(at, ["x"], others, minutes=60, exclude_id=9)) == 2


def test_hold_rules_match_channel_tag_and_term():
    text = "Join our #Maternity open day. Maternity ward tours at 10."
    assert S.HoldRule(1, "channel", "x").matches(text, ["x"])
    assert not S.HoldRule(1, "channel", "x").matches(text, ["facebook"])
    assert S.HoldRule(2, "tag", "maternity").matches(text, ["x"])
    assert not S.HoldRule(2, "tag", "ward").matches(text, ["x"])
    assert S.HoldRule(3, "term", "maternity ward").matches(text, ["x"])
    assert not S.HoldRule(3, "term", "ternity").matches(text, ["x"])


def test_validate_hold():
    assert S.validate_hold("tag", "#Maternity") == ("tag", "maternity")
    for kind, value in (("colour", "red"), ("tag", "two words"), ("term", "a"), ("term", None)):
        with pytest.raises(ValidationError):
            S.validate_hold(kind, value)


def test_backoff_doubles_and_caps():
    assert [S.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert S.backoff(30) == timedelta(hours=1)


def test_idempotency_key_is_stable_and_changes_with_reschedule():
    at = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    assert S.idempotency_key(7, 2, at) == S.idempotency_key(7, 2, at.astimezone(S.zone(NY)))
    assert S.idempotency_key(7, 2, at) != S.idempotency_key(7, 2, at + timedelta(minutes=1))


def test_approval_age():
    assert S.approvals_expired(NOW - timedelta(days=31), NOW, 30)
    assert not S.approvals_expired(NOW - timedelta(days=29), NOW, 30)
    assert not S.approvals_expired(NOW - timedelta(days=999), NOW, 0)


def test_core_schedule_is_pure():
    import reviewq.core.schedule as mod
    import ast
    tree = ast.parse(open(mod.__file__).read())
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m.split(".")[0] for m in imported if m} & {"flask", "sqlalchemy", "reviewq.models"}
    assert all(not m.startswith(("reviewq.models", "reviewq.services")) for m in imported if m)


def test_release_retries_are_quick_at_first_then_back_off():
    from reviewq.releases.record import release_backoff
    waits = [release_backoff(n).total_seconds() for n in range(1, 9)]
    assert waits == [1, 2, 10, 30, 60, 120, 240, 480]
    # Two failures in a row are retried within 3 s of the first: inside the 5 s release-lag target.
    assert sum(waits[:2]) <= 3
    assert release_backoff(40).total_seconds() == 3600
