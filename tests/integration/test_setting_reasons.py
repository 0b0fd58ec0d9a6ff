"""Issue 13: a reason is required for every settings change that creates a version, refused by the
service itself (not only by the forms), with nothing stored; the version keeps the reason."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reviewq.core.errors import ValidationError
from reviewq.drafts.masking import set_masking
from reviewq.integrations.slack.settings import save_slack_settings
from reviewq.models import Setting, SettingVersion
from reviewq.releases import freeze
from reviewq.releases.rules import update_release_rules
from reviewq.stored_settings import put_setting


def _versions(session) -> int:
    return session.scalar(select(func.count()).select_from(SettingVersion))


def _writers(factory):
    admin = factory.user("admin")
    now = factory.now
    return {
        # the one writer every operation goes through: a caller that forgets the reason is refused here
        "put_setting": lambda r: put_setting(factory.session, "anything", {"a": 1}, admin, now, reason=r),
        "release rules": lambda r: update_release_rules(factory.session, admin, {"batch": 9}, now=now, reason=r),
        "slack settings": lambda r: save_slack_settings(factory.session, admin, channels={"review": "C0REVIEW"},
                                                        remind_after_hours=4, escalate_after_hours=8, now=now,
                                                        reason=r),
        "PHI masking": lambda r: set_masking(factory.session, admin, False, now=now, reason=r),
        "freeze on": lambda r: freeze.freeze_releases(factory.session, admin, reason=r, now=now),
    }


@pytest.mark.parametrize("writer", ["put_setting", "release rules", "slack settings", "PHI masking", "freeze on"])
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_writer_refuses_a_change_without_a_reason(session, factory, writer, reason):
    write = _writers(factory)[writer]
    before = _versions(session)
    with pytest.raises(ValidationError) as e:
        write(reason)
    assert "reason" in e.value.fields and "Say why" in e.value.message
    assert _versions(session) == before and session.scalars(select(Setting)).all() == []
    write(f"Because of the {writer} review")
    v = session.scalars(select(SettingVersion).order_by(SettingVersion.id.desc())).first()
    assert v.reason == f"Because of the {writer} review"


def test_lifting_the_freeze_needs_a_reason_too(session, factory):
    comms = factory.user("comms")
    freeze.freeze_releases(session, comms, reason="Incident", now=factory.tick())
    n = _versions(session)
    for reason in ("", " "):
        with pytest.raises(ValidationError):
            freeze.lift_freeze(session, comms, now=factory.tick(), reason=reason)
    assert _versions(session) == n
    freeze.lift_freeze(session, comms, now=factory.tick(), reason="All clear from the press office")
    v = session.scalars(select(SettingVersion).order_by(SettingVersion.id.desc())).first()
    assert (v.key, v.value["on"], v.reason) == ("freeze", False, "All clear from the press office")


def test_an_overlong_reason_is_refused(session, factory):
    with pytest.raises(ValidationError) as e:
        update_release_rules(session, factory.user("admin"), {"batch": 9}, now=factory.now, reason="x" * 2001)
    assert e.value.fields == {"reason": "too long"}
    assert session.get(Setting, "release") is None
