"""The `reviewq` command line (shared/CONTRACT.md). Exit 0 on success, 2 with a one-line reason on bad input."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from reviewq.config import ConfigError, load_settings
from reviewq.core.errors import ReviewqError


class BadInput(click.ClickException):
    exit_code = 2


def _settings():
    return load_settings()


def _db(settings=None):
    """The database of this process, schema checked, receivers connected; no Flask application."""
    from reviewq.accounts.operations import configure_password_hashing
    from reviewq.migrate import is_current
    from reviewq.worker import open_database
    settings = settings or _settings()
    db = open_database(settings)
    if not is_current(db.engine):
        raise BadInput("the database schema is missing or old: run `reviewq init-db` first")
    configure_password_hashing(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    return db


def _user(s, email):
    from reviewq.accounts.queries import user_by_email
    u = user_by_email(s, email)
    if u is None:
        raise BadInput(f"no user with e-mail {email}")
    return u


@click.group(help="reviewq: pre-publication approval of social media posts.")
def cli():
    pass


@cli.command("init-db", help="Create or upgrade the schema to the newest migration (idempotent).")
def init_db():
    from reviewq.migrate import upgrade
    from reviewq.worker import open_database
    upgrade(open_database(_settings()).engine)
    click.echo("database is at the newest schema")


@cli.group(help="Manage users.")
def user():
    pass


@user.command("add", help="Create a user.")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", "roles", multiple=True, required=True,
              help="staff, reviewer, legal, comms, admin or auditor; repeat for several")
@click.option("--slack-id", default=None, help="Slack member id, e.g. U012ABCDEF")
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
def user_add(email, name, roles, slack_id, password_stdin):
    from reviewq.accounts.operations import create_user
    from reviewq.clock import now_utc
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    with _db().transaction() as s:
        u = create_user(s, email=email, name=name, roles=list(roles), password=password,
                        slack_user_id=slack_id, now=now_utc())
        click.echo(f"created user {u.id} {u.email} ({', '.join(sorted(u.roles))})")


@cli.group(help="Manage API tokens.")
def token():
    pass


@token.command("create", help="Print a new API token for EMAIL on stdout.")
@click.argument("email")
@click.option("--name", default="cli", help="a label for the token")
def token_create(email, name):
    from reviewq.accounts.operations import create_token
    from reviewq.clock import now_utc
    with _db().transaction() as s:
        _, clear = create_token(s, _user(s, email), name=name, now=now_utc())
    click.echo(clear)


@cli.command(help="Run the web app with a production WSGI server (gunicorn, N processes; waitress on Windows).")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 256), help="processes (default: number of cores)")
@click.option("--threads", default=8, type=click.IntRange(1, 256), help="threads per process")
def serve(host, port, workers, threads):
    from reviewq import create_app
    from reviewq.server import default_workers, serve as run_server
    settings = _settings()
    _db(settings)
    app = create_app(settings)
    run_server(app, host, port, workers or default_workers(), threads)


@cli.command(help="Run background work: deliveries, scans and due releases.")
@click.option("--once", is_flag=True, help="one pass of everything due, then exit")
@click.option("--now", "at", default=None, metavar="ISO",
              help="with --once: run as if it were this time (ISO 8601; UTC when no offset is given)")
@click.option("--interval", default=2.0, type=click.FloatRange(0.1, 3600))
def worker(once, at, interval):
    from reviewq.clock import now_utc
    from reviewq.worker import run_forever, run_once
    if at is not None and not once:
        raise BadInput("--now needs --once (a running worker follows the real clock)")
    now = _instant(at) if at is not None else None
    settings = _settings()
    db = _db(settings)
    if once:
        done = run_once(db, settings, now or now_utc())
        click.echo(" ".join(f"{k}={v}" for k, v in done.items()))
        return
    run_forever(db, settings, interval)


def _instant(raw: str):
    from datetime import datetime, timezone
    try:
        at = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadInput(f"--now: not an ISO 8601 time: {raw[:40]!r} (e.g. 2026-11-03T09:30:00Z)")
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


@cli.command(help="Check JSON Lines posts from stdin; write findings as JSON Lines to stdout.")
def scan():
    from reviewq.checks.scan import ScanInputError, scan_stream
    settings = load_settings()
    policy = None
    if settings.policy_file:
        from reviewq.drafts.checking import load_policy
        policy = load_policy(None, settings.policy_file)
    try:
        scan_stream(sys.stdin, sys.stdout, policy=policy)
    except ScanInputError as e:
        raise BadInput(str(e))


@cli.command(help="Add N synthetic drafts over every state and the next 90 days (demos, load tests).")
@click.option("--drafts", "n", required=True, type=click.IntRange(0, 10_000_000))
@click.option("--seed", "seed_value", default=1, type=int)
def seed(n, seed_value):
    from reviewq.seed import seed_drafts
    made = seed_drafts(_db(), n, seed_value)
    click.echo(f"added {made} drafts")


@cli.command(help="Embedded demo: SQLite, demo users and drafts, web app and worker on http://127.0.0.1:5000.")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=click.IntRange(1, 65535))
def demo(host, port):
    from reviewq.demo import run_demo
    run_demo(host, port)


@cli.group(help="The tamper-evident audit log.")
def audit():
    pass


@audit.command("verify", help="Check every link and seal, and that the database extends every checkpoint.")
@click.option("--checkpoints", "folder", type=click.Path(path_type=Path), default=None,
              help="folder of published checkpoints (default: REVIEWQ_AUDIT_CHECKPOINT_DIR when it exists)")
@click.option("--pack", type=click.Path(path_type=Path), default=None,
              help="an evidence pack (ZIP): check its audit proof offline, then against the database")
def audit_verify(folder, pack):
    from reviewq.audit.checkpoints import CheckpointError
    from reviewq.audit.proof import MalformedPackError, verify_pack
    from reviewq.audit.verify import checkpoints_for, verify
    with _db().transaction() as s:
        try:
            if pack is not None:
                code, line = verify_pack(s, pack, folder)
            else:
                verdict = verify(s, checkpoints_for(folder))
                code, line = (0 if verdict.ok else 1), verdict.summary()
        except (CheckpointError, MalformedPackError) as e:
            raise BadInput(str(e))
    click.echo(line, err=code != 0)
    sys.exit(code)


@audit.command("checkpoint", help="Write a signed checkpoint of the chain's head now.")
def audit_checkpoint():
    from reviewq.audit.checkpoints import CheckpointError
    from reviewq.audit.jobs import ChainBrokenError, write_checkpoint_now
    from reviewq.clock import now_utc
    with _db().transaction() as s:
        try:
            path, new = write_checkpoint_now(s, now_utc())
        except CheckpointError as e:
            raise BadInput(str(e))
        except ChainBrokenError as e:
            click.echo(f"reviewq: not signed: {e}", err=True)
            sys.exit(1)
    click.echo(f"{'wrote' if new else 'unchanged since'} {path}")


@cli.group(help="The crisis freeze: hold every release at once.")
def freeze():
    pass


def _freeze_actor(s, email):
    return _user(s, email) if email else None


@freeze.command("on", help="Freeze all releases now.")
@click.option("--reason", required=True, help="shown on every page and sent to Slack")
@click.option("--by", "email", default=None, help="the comms lead or admin acting (default: the command line)")
def freeze_on(reason, email):
    from reviewq.clock import now_utc
    from reviewq.releases.freeze import freeze_releases
    with _db().transaction() as s:
        freeze_releases(s, _freeze_actor(s, email), reason=reason, now=now_utc(), system=not email)
    click.echo("crisis freeze is ON: nothing will be released until `reviewq freeze off`")


@freeze.command("off", help="Lift the freeze. Posts that fell due meanwhile stay held unless --release-overdue.")
@click.option("--reason", required=True, help="why it is lifted (kept with the settings version and audited)")
@click.option("--by", "email", default=None, help="the comms lead or admin acting (default: the command line)")
@click.option("--release-overdue", is_flag=True, help="release the posts that fell due during the freeze now")
def freeze_off(reason, email, release_overdue):
    from reviewq.clock import now_utc
    from reviewq.releases.freeze import lift_freeze
    from reviewq.releases.queries import overdue_posts
    with _db().transaction() as s:
        now = now_utc()
        ids = [d.id for d in overdue_posts(s, now)] if release_overdue else []
        done = lift_freeze(s, _freeze_actor(s, email), now=now, release_ids=ids, reason=reason, system=not email)
    click.echo(f"freeze lifted; {len(done.released)} overdue post(s) released now, {len(done.held)} held"
               + (f" (reschedule them: {', '.join(f'#{i}' for i in done.held)})" if done.held else ""))


@freeze.command("status", help="Say whether releases are frozen.")
def freeze_status():
    from reviewq.releases.queries import freeze_state
    with _db().transaction() as s:
        state = freeze_state(s)
    if state:
        click.echo(f"frozen since {state.since.isoformat() if state.since else '?'} by {state.by_name}: {state.reason}")
    else:
        click.echo("not frozen")


from reviewq.checkconfig import check_config  # noqa: E402  (its own module: issue 10)

cli.add_command(check_config)


def main(argv=None) -> int:
    try:
        cli.main(args=argv, prog_name="reviewq", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("reviewq: aborted", err=True)
        return 1
    except click.ClickException as e:
        click.echo(f"reviewq: {e.format_message()}", err=True)
        return 2 if isinstance(e, (click.UsageError, BadInput)) else e.exit_code
    except ReviewqError as e:
        click.echo(f"reviewq: {_one_line(e)}", err=True)
        return 2
    except ConfigError as e:
        click.echo(f"reviewq: {e}", err=True)
        return 2
    except Exception as e:
        # Imported lazily so `reviewq scan` starts without SQLAlchemy.
        if "sqlalchemy" not in sys.modules or not isinstance(e, sys.modules["sqlalchemy"].exc.SQLAlchemyError):
            raise
        # The class and the driver's first line only: statements may carry post text.
        first = (str(getattr(e, "orig", e)).splitlines() or [""])[0][:200]
        click.echo(f"reviewq: database error ({type(e).__name__}): {first}", err=True)
        return 1
    return 0


def _one_line(e: ReviewqError) -> str:
    fields = getattr(e, "fields", None) or {}
    if fields and len(fields) > 1:
        return "; ".join(f"{k}: {v}" for k, v in fields.items())
    return e.message


if __name__ == "__main__":
    sys.exit(main())
