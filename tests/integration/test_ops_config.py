"""`reviewq check-config` and load_settings for e-mail, /metrics and single sign-on."""
import pytest

from reviewq.config import ConfigError, load_settings
from tests.integration.test_ops import _check_config


def test_check_config_accepts_mail_metrics_and_sso(tmp_path):
    r = _check_config(tmp_path, REVIEWQ_SMTP_URL="smtp://u:p%40ss@mail.example:587",
                      REVIEWQ_MAIL_FROM="reviewq@hospital.example", REVIEWQ_METRICS_TOKEN="x" * 32,
                      REVIEWQ_OIDC_ISSUER="https://idp.example", REVIEWQ_OIDC_CLIENT_ID="reviewq",
                      REVIEWQ_OIDC_CLIENT_SECRET="s", REVIEWQ_OIDC_ROLE_MAP="comms-team=comms,web=staff+reviewer")
    assert r.returncode == 0, r.stderr


def test_a_bad_role_map_is_exit_2_with_one_line(tmp_path):
    r = _check_config(tmp_path, REVIEWQ_OIDC_ISSUER="https://idp.example", REVIEWQ_OIDC_CLIENT_ID="reviewq",
                      REVIEWQ_OIDC_CLIENT_SECRET="s", REVIEWQ_OIDC_ROLE_MAP="comms-team=overlord")
    assert r.returncode == 2 and r.stderr.splitlines() == [
        "REVIEWQ_OIDC_ROLE_MAP: a group maps to an unknown role (roles: staff, reviewer, legal, comms, admin, "
        "auditor)"]


def test_every_new_problem_one_line_and_no_secret_values(tmp_path):
    r = _check_config(tmp_path, REVIEWQ_SMTP_URL="mail://u:hunter2@x", REVIEWQ_MAIL_FROM="not an address",
                      REVIEWQ_METRICS_TOKEN="qz9x7", REVIEWQ_OIDC_ISSUER="idp.example",
                      REVIEWQ_OIDC_CLIENT_SECRET="topsecret", REVIEWQ_OIDC_ROLE_MAP="nogroup")
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    for prefix in ("REVIEWQ_SMTP_URL:", "REVIEWQ_MAIL_FROM:", "REVIEWQ_METRICS_TOKEN:", "REVIEWQ_OIDC_ISSUER:",
                   "REVIEWQ_OIDC_CLIENT_ID:", "REVIEWQ_OIDC_ROLE_MAP:"):
        assert sum(ln.startswith(prefix) for ln in lines) == 1, (prefix, r.stderr)
    assert "hunter2" not in r.stderr and "topsecret" not in r.stderr and "qz9x7" not in r.stderr


@pytest.mark.parametrize("env,needle", [({"REVIEWQ_SMTP_URL": "http://x"}, "REVIEWQ_SMTP_URL"),
                                        ({"REVIEWQ_OIDC_ROLE_MAP": "a=b"}, "REVIEWQ_OIDC_ROLE_MAP")])
def test_settings_refuse_bad_mail_and_role_map(tmp_path, env, needle):
    with pytest.raises(ConfigError, match=needle):
        load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), **env})


def test_settings_read_the_new_variables(tmp_path):
    s = load_settings(env={"REVIEWQ_INSTANCE_DIR": str(tmp_path), "REVIEWQ_SMTP_URL": "smtps://m.example",
                           "REVIEWQ_MAIL_FROM": "rq@h.example", "REVIEWQ_METRICS_TOKEN": "t" * 20,
                           "REVIEWQ_OIDC_ISSUER": "https://idp.example/", "REVIEWQ_OIDC_ROLE_MAP": "g=comms"})
    assert (s.smtp_url, s.mail_from, s.metrics_token) == ("smtps://m.example", "rq@h.example", "t" * 20)
    assert s.oidc_issuer == "https://idp.example" and s.oidc_role_map == {"g": ("comms",)}
