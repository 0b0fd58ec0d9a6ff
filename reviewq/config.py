"""Configuration: the only module that reads os.environ.

Every variable of shared/CONTRACT.md is optional; the defaults give the
embedded setup (SQLite and files under ./instance).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    """A setting is present but unusable (the CLI prints it and exits 2)."""


@dataclass
class Settings:
    instance_dir: Path
    database_url: str
    secret_key: str
    upload_dir: Path
    base_url: str = "http://127.0.0.1:5000"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    publish_webhook_url: str | None = None
    publish_webhook_secret: str | None = None
    timezone: str = "UTC"
    outbox_dir: Path | None = None
    policy_file: Path | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    # Images with more pixels are refused at upload, before anything decodes them.
    max_image_megapixels: int = 40
    # Argon2id cost: argon2-cffi's defaults. Only the test suite lowers them, to keep it fast.
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536
    # Sessions end after this long without a request, and at the latest this long after sign-in.
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    # Failed sign-ins / bad API tokens per account, token prefix or address within the window;
    # beyond it failures are answered 429. Valid credentials always pass.
    throttle_max_failures: int = 5
    throttle_window_minutes: int = 15
    # REVIEWQ_STORAGE_URL=s3://bucket/prefix: the bucket holds attachments, upload_dir is the cache.
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    # How many reverse proxies in front set X-Forwarded-For/-Proto (0: those headers are ignored).
    trusted_proxies: int = 0
    log_format: str = "text"
    # The audit chain's HMAC key and checkpoints (docs/security.md). The signing key
    # is read (or generated) when the first checkpoint is signed, not here.
    audit_key: str = ""
    audit_checkpoint_dir: Path | None = None
    audit_checkpoint_every: int = 100
    audit_checkpoint_minutes: float = 60.0
    audit_signing_key: str | None = None
    # E-mail notifications (off without an SMTP URL) and the sender address.
    smtp_url: str | None = None
    mail_from: str = "reviewq@localhost"
    smtp_timeout: float = 20.0  # seconds per SMTP network operation
    # GET /metrics answers only with this bearer token (404 when unset).
    metrics_token: str | None = None
    # Single sign-on (OpenID Connect); on when issuer, client id and secret are all set.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_role_map: dict = field(default_factory=dict)
    testing: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def flask_config(self) -> dict:
        return {
            "SECRET_KEY": self.secret_key,
            "MAX_CONTENT_LENGTH": self.max_upload_bytes + 1024 * 1024,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.base_url.startswith("https://"),
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "WTF_CSRF_TIME_LIMIT": None,
            "TESTING": self.testing,
            "REVIEWQ": self,
        }


def _secret_key(instance_dir: Path, name: str = "secret_key") -> str:
    path = instance_dir / name
    if path.exists():
        return path.read_text().strip()
    from reviewq.filemodes import private_dir
    private_dir(instance_dir)
    key = secrets.token_hex(32)
    # Written with 0600 so the key is readable by the service account only, and linked into
    # place whole: processes starting together all end up with the first one's key.
    tmp = instance_dir / f".{name}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key


def environment() -> dict:
    """The process environment, for `reviewq check-config` (which reports instead of raising)."""
    return dict(os.environ)


def _storage_and_ops(env, settings: Settings) -> None:
    storage = (env.get("REVIEWQ_STORAGE_URL") or "").strip()
    if storage.startswith("s3://"):
        if not storage[len("s3://"):].strip("/"):
            raise ConfigError("REVIEWQ_STORAGE_URL: an s3:// URL needs a bucket, e.g. s3://reviewq-media/prod")
        settings.storage_url = storage
        settings.s3_endpoint_url = env.get("AWS_ENDPOINT_URL") or None
    elif "://" in storage:
        raise ConfigError("REVIEWQ_STORAGE_URL: use a folder path or s3://bucket/prefix")
    elif storage:
        settings.upload_dir = Path(storage).resolve()
    proxies = (env.get("REVIEWQ_TRUSTED_PROXIES") or "0").strip()
    if not (proxies.isascii() and proxies.isdigit()) or int(proxies) > 10:
        raise ConfigError("REVIEWQ_TRUSTED_PROXIES: a whole number of proxies from 0 to 10")
    settings.trusted_proxies = int(proxies)
    fmt = (env.get("REVIEWQ_LOG_FORMAT") or "text").strip().lower()
    if fmt not in ("text", "json"):
        raise ConfigError("REVIEWQ_LOG_FORMAT: text or json")
    settings.log_format = fmt
    _mail_metrics_sso(env, settings)


def _mail_metrics_sso(env, settings: Settings) -> None:
    from reviewq.opsconfig import RoleMapError, parse_role_map, smtp_url_problem
    smtp = (env.get("REVIEWQ_SMTP_URL") or "").strip()
    if smtp:
        if problem := smtp_url_problem(smtp):
            raise ConfigError(problem)
        settings.smtp_url = smtp
    settings.mail_from = (env.get("REVIEWQ_MAIL_FROM") or "reviewq@localhost").strip()
    settings.metrics_token = env.get("REVIEWQ_METRICS_TOKEN") or None
    settings.oidc_issuer = (env.get("REVIEWQ_OIDC_ISSUER") or "").strip().rstrip("/") or None
    settings.oidc_client_id = env.get("REVIEWQ_OIDC_CLIENT_ID") or None
    settings.oidc_client_secret = env.get("REVIEWQ_OIDC_CLIENT_SECRET") or None
    try:
        settings.oidc_role_map = parse_role_map(env.get("REVIEWQ_OIDC_ROLE_MAP") or "")
    except RoleMapError as e:
        raise ConfigError(str(e)) from None


def load_settings(env: dict | None = None, **overrides) -> Settings:
    """Read settings from `env` (default os.environ); raise ConfigError on bad values."""
    env = os.environ if env is None else env
    instance_dir = Path(env.get("REVIEWQ_INSTANCE_DIR") or Path.cwd() / "instance").resolve()
    tz = env.get("REVIEWQ_TIMEZONE") or "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"REVIEWQ_TIMEZONE: unknown time zone {tz!r} (use an IANA name like Europe/Berlin)")
    url = env.get("REVIEWQ_DATABASE_URL") or f"sqlite:///{instance_dir / 'reviewq.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    max_upload = env.get("REVIEWQ_MAX_UPLOAD_MB")
    settings = Settings(
        instance_dir=instance_dir,
        database_url=url,
        secret_key=env.get("REVIEWQ_SECRET_KEY") or "",
        upload_dir=Path(env.get("REVIEWQ_UPLOAD_DIR") or instance_dir / "uploads").resolve(),
        base_url=(env.get("REVIEWQ_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
        slack_api_url=env.get("SLACK_API_URL") or "https://slack.com/api/",
        publish_webhook_url=env.get("REVIEWQ_PUBLISH_WEBHOOK_URL") or None,
        publish_webhook_secret=env.get("REVIEWQ_PUBLISH_WEBHOOK_SECRET") or None,
        timezone=tz,
        outbox_dir=Path(env.get("REVIEWQ_OUTBOX_DIR") or instance_dir / "outbox").resolve(),
        policy_file=Path(env["REVIEWQ_POLICY_FILE"]) if env.get("REVIEWQ_POLICY_FILE") else None,
        audit_key=env.get("REVIEWQ_AUDIT_KEY") or "",
        audit_checkpoint_dir=(Path(env["REVIEWQ_AUDIT_CHECKPOINT_DIR"]).resolve()
                              if env.get("REVIEWQ_AUDIT_CHECKPOINT_DIR") else None),
        audit_checkpoint_every=_number(env, "REVIEWQ_AUDIT_CHECKPOINT_EVERY", 100, int, 1, 1_000_000),
        audit_checkpoint_minutes=_number(env, "REVIEWQ_AUDIT_CHECKPOINT_MINUTES", 60.0, float, 0.1, 7 * 24 * 60),
        audit_signing_key=env.get("REVIEWQ_AUDIT_SIGNING_KEY") or None,
        max_image_megapixels=_number(env, "REVIEWQ_MAX_IMAGE_MEGAPIXELS", 40, int, 1, 10_000),
        session_idle_minutes=_number(env, "REVIEWQ_SESSION_IDLE_MINUTES", 60, int, 1, 7 * 24 * 60),
        session_max_hours=_number(env, "REVIEWQ_SESSION_MAX_HOURS", 12, int, 1, 24 * 366),
        throttle_max_failures=_number(env, "REVIEWQ_THROTTLE_MAX_FAILURES", 5, int, 1, 1_000_000),
        throttle_window_minutes=_number(env, "REVIEWQ_THROTTLE_WINDOW_MINUTES", 15, int, 1, 7 * 24 * 60),
    )
    if max_upload:
        try:
            settings.max_upload_bytes = int(float(max_upload) * 1024 * 1024)
        except ValueError:
            raise ConfigError(f"REVIEWQ_MAX_UPLOAD_MB: not a number: {max_upload!r}")
    _storage_and_ops(env, settings)
    for key, value in overrides.items():
        setattr(settings, key, value)
    if not settings.secret_key:
        settings.secret_key = _secret_key(settings.instance_dir)
    if settings.audit_checkpoint_dir is None:
        settings.audit_checkpoint_dir = settings.instance_dir / "audit-checkpoints"
    if not settings.audit_key:
        settings.audit_key = _secret_key(settings.instance_dir, "audit_key")
    if len(settings.audit_key) < 16:
        raise ConfigError("REVIEWQ_AUDIT_KEY: too short (use at least 32 random characters)")
    return settings


def _number(env, name: str, default, kind, low, high):
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ConfigError(f"{name}: not a number: {raw!r}") from None
    if not low <= value <= high:  # also refuses NaN
        raise ConfigError(f"{name}: must be between {low} and {high}")
    return value
