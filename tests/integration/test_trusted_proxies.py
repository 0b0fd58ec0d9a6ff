"""X-Forwarded-For counts only with REVIEWQ_TRUSTED_PROXIES set (issue 16)."""
from __future__ import annotations

from reviewq import create_app
from reviewq.config import load_settings
from reviewq.models import LoginAttempt


def _bad_token(client, forwarded):
    return client.get("/api/v1/me", headers={"Authorization": "Bearer rq_guess", "X-Forwarded-For": forwarded},
                      environ_base={"REMOTE_ADDR": "10.0.0.1"})


def test_forwarded_for_is_ignored_without_trusted_proxies(client, session):
    _bad_token(client, "203.0.113.7")
    assert {a.key for a in session.query(LoginAttempt)} == {"api:10.0.0.1"}


def test_forwarded_for_names_the_client_behind_one_trusted_proxy(settings, session):
    settings.trusted_proxies = 1
    app = create_app(settings)
    _bad_token(app.test_client(), "198.51.100.1, 203.0.113.7")
    with app.app_context():
        from reviewq.extensions import db
        assert {a.key for a in db.session.query(LoginAttempt)} == {"api:203.0.113.7"}


def test_trusted_proxies_setting_is_read_and_checked(tmp_path):
    assert load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path)}).trusted_proxies == 0
    assert load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), "REVIEWQ_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    import pytest
    from reviewq.config import ConfigError
    with pytest.raises(ConfigError, match="REVIEWQ_TRUSTED_PROXIES"):
        load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), "REVIEWQ_TRUSTED_PROXIES": "many"})
