"""reviewq: pre-publication approval of social media posts for healthcare organisations."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Flask is imported inside create_app so `reviewq scan` starts without it
    from flask import Flask

# The source checkout (kept for scripts that import it; the app uses reviewq.resources).
ROOT = Path(__file__).resolve().parent.parent


def create_app(settings=None) -> "Flask":
    """Application factory: config → extensions → blueprints → receivers."""
    from flask import Flask

    from reviewq.config import load_settings
    from reviewq.extensions import csrf, db, login_manager
    from reviewq.resources import resource_dir
    from reviewq.receivers import register_signal_handlers
    from reviewq.web import errors, limits, security, unit_of_work

    settings = settings or load_settings()
    from reviewq.stored_settings import forget_cached_settings
    forget_cached_settings()  # a new app may face a database whose versions were rolled back (tests)
    app = Flask(__name__, template_folder=str(resource_dir("templates")),
                static_folder=str(Path(__file__).parent / "static"), instance_path=str(settings.instance_dir))
    app.config.update(settings.flask_config())
    from reviewq.accounts.operations import configure_password_hashing
    configure_password_hashing(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    from reviewq import upload_checks
    upload_checks.configure(settings.max_image_megapixels * 1_000_000)

    # Packaging and operations (issue 10): request limits, shared storage, logs, /healthz and /readyz.
    from reviewq import logging_setup, storage
    from reviewq.web import health
    limits.init_app(app)
    storage.init_app(settings)
    logging_setup.init_app(app)
    health.init_app(app)
    from reviewq.audit import keys as audit_keys
    audit_keys.configure(settings)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    unit_of_work.init_app(app)

    from reviewq import api
    from reviewq.web import register_blueprints
    register_blueprints(app)
    api.init_app(app)
    from reviewq.integrations.oidc import client as oidc
    oidc.init_app(app, settings)
    register_signal_handlers(settings)
    if settings.trusted_proxies:
        # Only with proxies configured: otherwise a client could claim any address in X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=0, x_port=0, x_prefix=0)
    return app
