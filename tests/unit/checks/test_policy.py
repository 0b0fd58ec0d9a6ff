import pytest

from reviewq.checks import Policy, default_policy
from reviewq.checks.policy import domain_matches


def test_from_mapping_overrides_and_merges():
    p = Policy.from_mapping({"channel_limits": {"threads": 500, "x": 25000}, "org_domains": ["ourhospital.org"],
                             "severities": {"sourcing.authoritative_link": "block"}})
    assert p.channel_limits["x"] == 25000 and p.channel_limits["instagram"] == 2200
    assert p.org_domains == ("ourhospital.org",)
    assert p.severity("sourcing.authoritative_link", "warn") == "block"
    assert default_policy().channel_limits["x"] == 280


@pytest.mark.parametrize("data, word", [
    ({"chanel_limits": {}}, "chanel_limits"),
    ({"org_domains": "ourhospital.org"}, "org_domains"),
    ({"channel_limits": {"x": "280"}}, "channel_limits"),
    ({"severities": {"phi.identifiers": "fatal"}}, "severities"),
    ([], "object"),
])
def test_bad_settings_raise_a_clear_valueerror(data, word):
    with pytest.raises(ValueError, match=word):
        Policy.from_mapping(data)


def test_policy_is_frozen():
    with pytest.raises(Exception):
        default_policy().org_names = ("x",)


@pytest.mark.parametrize("host, ok", [
    ("cdc.gov", True), ("www.cdc.gov", True), ("pubmed.ncbi.nlm.nih.gov", True),
    ("cdc.gov.health-updates.info", False), ("nih-health.news", False), ("bit.ly", False), ("notcdc.gov", False),
])
def test_authoritative_domains_match_domain_or_subdomain_only(host, ok):
    assert domain_matches(host, default_policy().authoritative_domains) is ok


def test_severity_override_changes_findings():
    from reviewq.checks import run_all
    p = Policy.from_mapping({"severities": {"sourcing.authoritative_link": "block"}})
    found = [f for f in run_all("Garlic cures colds!", ["x"], policy=p) if f.check == "sourcing"]
    assert found and found[0].severity == "block"


def test_disabled_checks():
    from reviewq.checks import run_all
    p = Policy.from_mapping({"disabled_checks": ["sourcing"]})
    assert not [f for f in run_all("Garlic cures colds!", ["x"], policy=p) if f.check == "sourcing"]
