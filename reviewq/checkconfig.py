"""`reviewq check-config`: every problem in the environment, one line each.

load_settings() stops at the first unusable value; this reads the same variables
(shared/CONTRACT.md) and reports them all, plus what only breaks later: folders
the service cannot write, half-configured Slack, webhook, S3, e-mail or SSO.
Lines name the variable and the problem, never its value: values hold passwords.
It neither connects to the database nor to S3 (`/readyz` does that).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from reviewq.config import environment

# A sender address: one @, no spaces or control characters.
EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.?[^@\s\x00-\x1f\x7f]*$")

PAIRS = [  # set one, set both
    ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "Slack"),
    ("REVIEWQ_PUBLISH_WEBHOOK_URL", "REVIEWQ_PUBLISH_WEBHOOK_SECRET", "the publisher webhook"),
    ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "S3 access"),
    ("REVIEWQ_OIDC_ISSUER", "REVIEWQ_OIDC_CLIENT_ID", "single sign-on"),
    ("REVIEWQ_OIDC_ISSUER", "REVIEWQ_OIDC_CLIENT_SECRET", "single sign-on"),
]
HTTP_URLS = ("REVIEWQ_BASE_URL", "SLACK_API_URL", "REVIEWQ_PUBLISH_WEBHOOK_URL", "AWS_ENDPOINT_URL",
             "REVIEWQ_OIDC_ISSUER")


def problems(env: dict) -> list[str]:
    found = []
    for name in HTTP_URLS:
        if env.get(name) and not _http_url(env[name]):
            found.append(f"{name}: not an http:// or https:// URL with a host")
    found += _database(env.get("REVIEWQ_DATABASE_URL"))
    tz = env.get("REVIEWQ_TIMEZONE")
    if tz:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            found.append("REVIEWQ_TIMEZONE: unknown time zone (use an IANA name like Europe/Berlin)")
    for a, b, what in PAIRS:
        if bool(env.get(a)) != bool(env.get(b)):
            have, missing = (a, b) if env.get(a) else (b, a)
            found.append(f"{missing}: {what} is half-configured ({have} is set, {missing} is not)")
    found += _storage(env) + _numbers(env) + _mail(env) + _folders(env)
    if env.get("REVIEWQ_LOG_FORMAT") and env["REVIEWQ_LOG_FORMAT"].strip().lower() not in ("text", "json"):
        found.append("REVIEWQ_LOG_FORMAT: text or json")
    if env.get("REVIEWQ_POLICY_FILE") and not Path(env["REVIEWQ_POLICY_FILE"]).is_file():
        found.append("REVIEWQ_POLICY_FILE: no such file")
    return list(dict.fromkeys(found))


def _http_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
        return parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # a bad port or an unbalanced [ in the host
        return False


def _database(url: str | None) -> list[str]:
    if not url:
        return []
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return ["REVIEWQ_DATABASE_URL: not a database URL (e.g. postgresql://user@host/db)"]
    if u.get_backend_name() not in ("sqlite", "postgresql"):
        return ["REVIEWQ_DATABASE_URL: only sqlite:// and postgresql:// databases are supported"]
    if u.get_backend_name() == "postgresql" and not u.database:
        return ["REVIEWQ_DATABASE_URL: names no database"]
    return []


def _storage(env) -> list[str]:
    url = (env.get("REVIEWQ_STORAGE_URL") or "").strip()
    if url.startswith("s3://"):
        if not urlsplit(url).netloc:
            return ["REVIEWQ_STORAGE_URL: an s3:// URL needs a bucket, e.g. s3://reviewq-media/prod"]
    elif "://" in url:
        return ["REVIEWQ_STORAGE_URL: use a folder path or s3://bucket/prefix"]
    elif env.get("AWS_ENDPOINT_URL"):
        return ["AWS_ENDPOINT_URL: set, but REVIEWQ_STORAGE_URL is not an s3:// URL, so it is unused"]
    return []


def _numbers(env) -> list[str]:
    found = []
    proxies = (env.get("REVIEWQ_TRUSTED_PROXIES") or "0").strip()
    if not (proxies.isascii() and proxies.isdigit()) or int(proxies) > 10:
        found.append("REVIEWQ_TRUSTED_PROXIES: a whole number of proxies from 0 to 10")
    mb = env.get("REVIEWQ_MAX_UPLOAD_MB")
    if mb:
        try:
            ok = 0 < float(mb) < 10_000
        except ValueError:
            ok = False
        if not ok:
            found.append("REVIEWQ_MAX_UPLOAD_MB: a number of megabytes above 0")
    # Sessions, throttling and the image pixel limit (docs/security.md): whole numbers in a range.
    from reviewq.config import ConfigError, _number
    for name, high in (("REVIEWQ_MAX_IMAGE_MEGAPIXELS", 10_000), ("REVIEWQ_SESSION_IDLE_MINUTES", 7 * 24 * 60),
                       ("REVIEWQ_SESSION_MAX_HOURS", 24 * 366), ("REVIEWQ_THROTTLE_MAX_FAILURES", 1_000_000),
                       ("REVIEWQ_THROTTLE_WINDOW_MINUTES", 7 * 24 * 60)):
        try:
            _number(env, name, 1, int, 1, high)
        except ConfigError as e:
            found.append(str(e))
    return found


def _mail(env) -> list[str]:
    from reviewq.opsconfig import RoleMapError, parse_role_map, smtp_url_problem
    found = []
    if env.get("REVIEWQ_SMTP_URL") and (problem := smtp_url_problem(env["REVIEWQ_SMTP_URL"])):
        found.append(problem)
    sender = (env.get("REVIEWQ_MAIL_FROM") or "").strip()
    if sender and not EMAIL_RE.match(sender):
        found.append("REVIEWQ_MAIL_FROM: not an e-mail address (e.g. reviewq@hospital.example)")
    token = env.get("REVIEWQ_METRICS_TOKEN")
    if token is not None and token != "" and len(token) < 16:
        found.append("REVIEWQ_METRICS_TOKEN: too short (use at least 16 random characters)")
    try:
        parse_role_map(env.get("REVIEWQ_OIDC_ROLE_MAP") or "")
    except RoleMapError as e:
        found.append(str(e))
    if env.get("REVIEWQ_OIDC_ROLE_MAP") and not env.get("REVIEWQ_OIDC_ISSUER"):
        found.append("REVIEWQ_OIDC_ROLE_MAP: set, but REVIEWQ_OIDC_ISSUER is not, so it is unused")
    return found


def _folders(env) -> list[str]:
    instance = Path(env.get("REVIEWQ_INSTANCE_DIR") or Path.cwd() / "instance")
    storage = (env.get("REVIEWQ_STORAGE_URL") or "").strip()
    folders = {
        "REVIEWQ_INSTANCE_DIR": instance,
        "REVIEWQ_UPLOAD_DIR": Path(env.get("REVIEWQ_UPLOAD_DIR") or instance / "uploads"),
        "REVIEWQ_OUTBOX_DIR": Path(env.get("REVIEWQ_OUTBOX_DIR") or instance / "outbox"),
        "REVIEWQ_AUDIT_CHECKPOINT_DIR": Path(env.get("REVIEWQ_AUDIT_CHECKPOINT_DIR")
                                             or instance / "audit-checkpoints"),
    }
    if storage and "://" not in storage:
        folders["REVIEWQ_STORAGE_URL"] = Path(storage)
    db = env.get("REVIEWQ_DATABASE_URL") or ""
    if db.startswith("sqlite:///") and len(db) > len("sqlite:///"):
        folders["REVIEWQ_DATABASE_URL"] = Path(db[len("sqlite:///"):]).parent
    return [f"{name}: {why}" for name, path in folders.items() if (why := _unwritable(path))]


def _unwritable(path: Path) -> str | None:
    """Why the service could not create files in `path` (None if it can); missing folders get created."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return "no existing parent folder"
        probe = probe.parent
    if not probe.is_dir():
        return "is a file, not a folder" if probe == path else "a parent of it is a file, not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return "folder is not writable by this user" if probe == path else "cannot be created (parent not writable)"
    return None


@click.command("check-config", help="Validate the environment: exit 0, or 2 with one line per problem.")
def check_config():
    found = problems(environment())
    for line in found:
        click.echo(line, err=True)
    if found:
        sys.exit(2)  # as `audit verify` does: click returns, not raises, an Exit here
    click.echo("configuration OK")
