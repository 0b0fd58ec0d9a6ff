"""The e-mail and single sign-on settings' parsers (pure)."""
import pytest

from reviewq.integrations.mail import messages
from reviewq.opsconfig import RoleMapError, parse_role_map, roles_for_groups, smtp_url_problem


def test_role_map_parses_groups_and_several_roles():
    m = parse_role_map(" comms-team=comms , web-editors=staff+reviewer,web-editors=legal,")
    assert m == {"comms-team": ("comms",), "web-editors": ("staff", "reviewer", "legal")}
    assert roles_for_groups(m, ["web-editors", "nobody"]) == ["staff", "reviewer", "legal"]
    assert roles_for_groups(m, "comms-team") == ["comms"]
    assert roles_for_groups(m, {"not": "a list"}) == [] and roles_for_groups(m, None) == []
    assert parse_role_map("") == {}


@pytest.mark.parametrize("raw", ["comms", "=comms", "a=", "a=comms+", "a=superuser", "a=comms+root", "a==comms"])
def test_bad_role_maps_are_one_line_without_the_value(raw):
    with pytest.raises(RoleMapError) as e:
        parse_role_map(raw)
    assert str(e.value).startswith("REVIEWQ_OIDC_ROLE_MAP: ") and "\n" not in str(e.value)
    assert "superuser" not in str(e.value) and "root" not in str(e.value)


@pytest.mark.parametrize("url,ok", [("smtp://u:p@mail.example:587", True), ("smtps://mail.example", True),
                                    ("http://mail.example", False), ("smtp://", False),
                                    ("smtp://mail.example:99999", False), ("smtp://[::1", False)])
def test_smtp_url(url, ok):
    assert (smtp_url_problem(url) is None) is ok


def test_message_headers_refuse_injection_and_bodies_carry_the_link():
    msg = messages.build(sender="rq@h.example", to_name="Ann\r\nBcc: x@y", to_email="ann@h.example",
                         subject="Hi\nBcc: evil@example.com", lines=["one", "two\x00"], link="https://r/d/1",
                         ref="email:decision:1")
    assert msg["Bcc"] is None and "\n" not in msg["Subject"] and "\x00" not in msg.get_content()
    assert "Open in reviewq: https://r/d/1" in msg.get_content()
    again = messages.build(sender="rq@h.example", to_name="A", to_email="ann@h.example", subject="s", lines=[],
                           link=None, ref="email:decision:1")
    assert again["Message-ID"] == msg["Message-ID"]  # the same on every retry
