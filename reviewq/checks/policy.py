"""The organisation's policy as data: defaults in code, overridable per organisation.

`Policy.from_mapping` takes a JSON-like dict (e.g. a parsed policy file),
starts from the defaults, merges dict settings key by key and replaces list
settings; an unknown key or a wrong type raises ValueError naming it. Checks
read only the derived `compiled` view, built once per Policy object.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import cached_property

from reviewq.checks.base import SEVERITIES

DEFAULT_LIMITS = {"x": 280, "instagram": 2200, "linkedin": 3000, "facebook": 63206,
                  "threads": 500, "bluesky": 300, "tiktok": 4000, "youtube": 5000}
DEFAULT_MEDIA = {"keep_original_days": 30}
DEFAULT_HASHTAG_LIMITS = {"instagram": 30, "tiktok": 30, "youtube": 60}
# Only these count unless an organisation adds more: the review board's list.
AUTHORITATIVE = ("cdc.gov", "nih.gov", "who.int", "fda.gov", "cancer.gov", "medlineplus.gov",
                 "nejm.org", "jamanetwork.com")
DISCLOSURE_HASHTAGS = ("ad", "ads", "advert", "advertisement", "sponsored", "sponsoredpost", "sponsoredcontent",
                       "paidpartnership", "paidpartner", "paidpost", "partner", "brandpartner", "affiliate",
                       "gifted")
DISCLOSURE_PHRASES = ("(sponsored)", "[sponsored]", "sponsored:", "sponsored by", "sponsored post",
                      "paid partnership", "paid promotion", "advertisement", "ad —", "ad -", "ad –", "ad:", "ad |",
                      "affiliate link")


@dataclass(frozen=True)
class Policy:
    """Every setting the checks read. Lists are tuples so a Policy never changes."""

    channel_limits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    hashtag_limits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_HASHTAG_LIMITS))
    # X counts every link as this many characters (twitter-text "transformedURLLength").
    x_url_length: int = 23
    org_names: tuple[str, ...] = ()
    org_handles: tuple[str, ...] = ()
    org_phones: tuple[str, ...] = ()
    org_addresses: tuple[str, ...] = ()
    org_domains: tuple[str, ...] = ()
    staff_names: tuple[str, ...] = ()
    authoritative_domains: tuple[str, ...] = AUTHORITATIVE
    disclosure_hashtags: tuple[str, ...] = DISCLOSURE_HASHTAGS
    disclosure_phrases: tuple[str, ...] = DISCLOSURE_PHRASES
    # Ages above this are PHI under HIPAA Safe Harbor.
    phi_age_over: int = 89
    # rule id (e.g. "sourcing.authoritative_link") -> "block" | "warn" | "info"
    severities: dict[str, str] = field(default_factory=dict)
    disabled_checks: tuple[str, ...] = ()
    # PHI options. mode "context" (default): an identifier shape counts when its context ties it to a
    # person; "strict": every identifier shape is flagged whatever the context (teams that prefer to see all).
    phi: dict[str, str] = field(default_factory=lambda: {"mode": "context"})
    # PHI categories besides name and age that a valid consent covering the story may let through
    # (e.g. "date" for a birthday, "address" for a home town); none by default: MRN, room, DOB stay blocked.
    consented_categories: tuple[str, ...] = ()
    # Media handling: how many days the original of a redacted image is kept (0: deleted at once).
    media: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_MEDIA))

    @classmethod
    def from_mapping(cls, data: dict) -> "Policy":
        """Build a policy from defaults overridden by `data` (unknown keys raise ValueError)."""
        if not isinstance(data, dict):
            raise ValueError("a policy must be a JSON object (mapping of setting -> value)")
        known = {f.name: f for f in fields(cls)}
        unknown = set(data) - set(known)
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(sorted(known))})")
        base = cls()
        changes = {}
        for key, value in data.items():
            current = getattr(base, key)
            if isinstance(current, dict):
                if not isinstance(value, dict):
                    raise ValueError(f"policy setting {key} must be an object, got {type(value).__name__}")
                changes[key] = {**current, **_check_dict(key, value)}
            elif isinstance(current, tuple):
                if isinstance(value, str) or not isinstance(value, (list, tuple)) \
                        or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"policy setting {key} must be a list of strings")
                changes[key] = tuple(value)
            elif isinstance(current, int):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"policy setting {key} must be a whole number >= 0")
                changes[key] = value
        return replace(base, **changes)

    def severity(self, rule: str, default: str) -> str:
        """The severity for rule id `rule`: the policy's override or the check's default."""
        return self.severities.get(rule, default)

    @cached_property
    def compiled(self) -> "CompiledPolicy":
        return CompiledPolicy(self)


PHI_OPTIONS = {"mode": ("context", "strict")}


def _check_dict(key: str, value: dict) -> dict:
    for k, v in value.items():
        if key == "phi":
            if k not in PHI_OPTIONS:
                raise ValueError(f"unknown policy setting phi.{k} (known: {', '.join(PHI_OPTIONS)})")
            if v not in PHI_OPTIONS[k]:
                raise ValueError(f"policy setting phi.{k} must be one of {', '.join(PHI_OPTIONS[k])}, got {v!r}")
        elif key == "media":
            if k not in DEFAULT_MEDIA:
                raise ValueError(f"unknown policy setting media.{k} (known: {', '.join(DEFAULT_MEDIA)})")
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 3650:
                raise ValueError(f"policy setting media.{k} must be a whole number of days from 0 to 3650")
        elif key == "severities":
            if v not in SEVERITIES:
                raise ValueError(f"policy severities[{k!r}] must be one of {', '.join(SEVERITIES)}, got {v!r}")
        elif isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            raise ValueError(f"policy setting {key}[{k!r}] must be a whole number > 0")
    return dict(value)


def _digits(s: str) -> str:
    d = re.sub(r"\D", "", s)
    return d[1:] if len(d) == 11 and d.startswith("1") else d


class CompiledPolicy:
    """Lookup-ready forms of a policy's lists (lower-cased sets, one regex)."""

    def __init__(self, p: Policy):
        self.org_names = {n.lower() for n in p.org_names} | {n.lower() for n in p.staff_names}
        self.org_name_tokens = {t for n in self.org_names for t in n.split()}
        self.org_handles = {h.lower().lstrip("@") for h in p.org_handles}
        self.org_phones = {_digits(x) for x in p.org_phones}
        self.org_addresses = tuple(a.lower() for a in p.org_addresses)
        self.org_domains = tuple(d.lower().lstrip(".") for d in p.org_domains)
        self.strict = p.phi.get("mode") == "strict"
        self.authoritative = tuple(d.lower().lstrip(".") for d in p.authoritative_domains)
        tags = "|".join(sorted((re.escape(t.lower().lstrip("#")) for t in p.disclosure_hashtags), key=len, reverse=True))
        phrases = "|".join(sorted((re.escape(x.lower()) for x in p.disclosure_phrases), key=len, reverse=True))
        parts = []
        if tags:
            parts.append(r"(?<![\w#])#(?:%s)(?![\w])" % tags)
        if phrases:
            parts.append(r"(?<![\w#])(?:%s)" % phrases)
        self.disclosure = re.compile("|".join(parts) if parts else r"(?!x)x")

    @staticmethod
    def phone_digits(s: str) -> str:
        return _digits(s)


def domain_matches(host: str, domains) -> bool:
    """True when `host` is one of `domains` or a subdomain of one (never a lookalike).

    The registrable domain decides (Public Suffix List, see urls.registrable_domain): a
    listed domain matches only hosts under the same registrable domain, so
    `cdc.gov.health-updates.info` (registrable `health-updates.info`) never matches `cdc.gov`.
    """
    host = host.lower().rstrip(".")
    if not host or not domains:
        return False
    for d in domains:
        if host == d:
            return True
        if host.endswith("." + d):
            from reviewq.checks.urls import registrable_domain  # lazy: the suffix list loads on first use
            reg = registrable_domain(host)
            if reg and (d == reg or d.endswith("." + reg)):
                return True
    return False


def default_policy() -> Policy:
    return _DEFAULT


_DEFAULT = Policy()
