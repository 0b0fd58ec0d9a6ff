"""`reviewq serve`: the production WSGI server, N processes.

gunicorn on POSIX (a master forking N workers, each with threads); waitress in
one process where gunicorn cannot run (Windows). The trusted-proxy count
(REVIEWQ_TRUSTED_PROXIES) goes to the server too, so the scheme and client
address it reports agree with the app's ProxyFix: with 0 proxies no forwarded
header is believed from anyone, not even from 127.0.0.1.
"""
from __future__ import annotations

import logging
import os
import sys

log = logging.getLogger("reviewq.server")


def default_workers() -> int:
    return os.cpu_count() or 1


def serve(app, host: str, port: int, workers: int, threads: int) -> None:
    settings = app.config["REVIEWQ"]
    _freeze_startup_objects()
    announce = f"reviewq serving on http://{host}:{port} ({workers} processes)"
    if settings.log_format == "json":
        log.info(announce)
    else:
        print(announce, file=sys.stderr, flush=True)
    if os.name == "posix":
        try:
            import gunicorn  # noqa: F401
        except ImportError:
            log.warning("gunicorn is not installed: serving with waitress in one process")
        else:
            _gunicorn(app, host, port, workers, threads, settings)
            return
    _waitress(app, host, port, threads * max(1, workers), settings)


def _freeze_startup_objects() -> None:
    """Keep what startup built (modules, the app, the checks' models) out of every later garbage collection.

    A full collection walks every tracked object; the check models and name lists make that tens of
    milliseconds, during which no request thread runs (the p99 of every endpoint). What exists now
    lives as long as the process, so it is moved to the permanent generation; the forked workers
    inherit it untouched (fewer copy-on-write pages, too).
    """
    import gc
    gc.collect()
    gc.freeze()


def gunicorn_options(host: str, port: int, workers: int, threads: int, settings) -> dict:
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "forwarded_allow_ips": "*" if settings.trusted_proxies else "",
        "proc_name": "reviewq",
        "accesslog": None,
        "post_fork": _post_fork,
        "child_exit": _child_exit,
        "timeout": 120,  # an upload scan or an evidence pack can take a while
    }
    if settings.log_format == "json":
        handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        options["logconfig_dict"] = {
            "version": 1, "disable_existing_loggers": False,
            "formatters": {"json": {"()": "reviewq.logging_setup.JsonFormatter"}},
            "handlers": {"console": handler, "error_console": handler},
            "root": {"level": "INFO", "handlers": ["console"]},
            "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
                        # Off: its line carries the query string; reviewq.request logs the path alone.
                        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False}},
        }
    return options


def _post_fork(server, worker) -> None:
    # The master checked the schema before forking: its pooled connections must not be shared.
    from reviewq.extensions import db
    if db.engine is not None:
        db.engine.dispose(close=False)


def _child_exit(server, worker) -> None:
    # A dead process's live gauges must go; its counters stay summed (prometheus_client multiprocess mode).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)


def metrics_multiprocess(settings) -> None:
    """Before forking: let every process's request counts be summed by whichever process is scraped.

    prometheus_client reads PROMETHEUS_MULTIPROC_DIR when first imported, which
    reviewq.metrics.requests delays until the first request in a worker. The
    folder is emptied at each start (counters restart with the server, as
    Prometheus expects of a counter reset).
    """
    import shutil
    folder = settings.instance_dir / "prometheus-multiproc"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


def _gunicorn(app, host, port, workers, threads, settings) -> None:
    from gunicorn.app.base import BaseApplication
    metrics_multiprocess(settings)

    class Server(BaseApplication):
        def load_config(self):
            for key, value in gunicorn_options(host, port, workers, threads, settings).items():
                self.cfg.set(key, value)
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn 25.1+: no shared ~/.gunicorn/gunicorn.ctl, so several `serve` can run side by side.
                self.cfg.set("control_socket_disable", True)

        def load(self):
            return app

    sys.argv = sys.argv[:1]  # gunicorn parses argv: ours are click's
    Server().run()


def _waitress(app, host, port, threads, settings) -> None:
    from waitress import serve as waitress_serve
    extra = {}
    if settings.trusted_proxies:
        extra = {"trusted_proxy": "*", "trusted_proxy_count": settings.trusted_proxies,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
                 "clear_untrusted_proxy_headers": True}
    waitress_serve(app, host=host, port=port, threads=threads, ident="reviewq", **extra)
