"""`reviewq demo`: the embedded default in one process (web app + worker), with demo data.

Demo accounts are created once, with the one demo password printed at start;
never run the demo against a production database.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import click
from sqlalchemy import func, select

DEMO_PASSWORD = "reviewq-demo-2026"
DEMO_USERS = [
    ("staff@demo.reviewq.test", "Sam Staff (nurse educator)", ["staff"]),
    ("reviewer@demo.reviewq.test", "Riley Reviewer", ["reviewer"]),
    ("legal@demo.reviewq.test", "Lee Legal", ["legal"]),
    ("comms@demo.reviewq.test", "Casey Comms", ["comms"]),
    ("admin@demo.reviewq.test", "Alex Admin", ["admin"]),
    ("auditor@demo.reviewq.test", "Ari Auditor", ["auditor"]),
]
PHI_EXAMPLE = ("So proud of Mrs. Alvarez in room 412, who walked the whole ward today after her hip surgery "
               "on March 3! 💪 Studies show early walking cuts recovery time in half.")
DEMO_POSTS = [
    "Flu shots are available at all our clinics this week, no appointment needed. Bring your insurance card! 💉",
    "Congratulations to our night-shift nurses on the new Magnet recognition! 🎉 #NursesWeek",
    "Join our free diabetes education class next Tuesday at the Main Street campus. Register on our website.",
    "Our new MRI suite opens Monday: quieter, faster scans with a wider bore for comfort.",
    "Reminder: visiting hours change on Saturday. Check our website for the new times before you come.",
]


def ensure_demo_data(session, now, upload_dir) -> list:
    from reviewq.accounts.operations import create_user
    from reviewq.drafts import operations as drafts
    from reviewq.drafts.checking import load_policy
    from reviewq.models import Draft, User
    from reviewq.releases.operations import schedule_release
    from reviewq.review import operations as decisions
    users = {}
    for email, name, roles in DEMO_USERS:
        u = session.scalar(select(User).where(User.email == email))
        if u is None:
            u = create_user(session, email=email, name=name, roles=roles, password=DEMO_PASSWORD, now=now)
        users[roles[0]] = u
    if session.scalar(select(func.count()).select_from(Draft)):
        return list(users.values())
    policy = load_policy(session)
    made = [drafts.create_draft(session, users["staff"], body=body, channels=["facebook", "x"],
                                requested_release_at=now + timedelta(days=i + 1), now=now) for i, body in
            enumerate(DEMO_POSTS)]
    made += [drafts.create_draft(session, users["staff"], body=body, channels=["instagram", "facebook"],
                                 requested_release_at=now + timedelta(days=3 + i, hours=2), now=now)
             for i, body in enumerate(DEMO_POSTS[:2])]
    # Leave one as a draft; walk the others part-way through the chain; schedule the last two (one soon).
    for d, steps in zip(made[1:], (0, 1, 2, 3, 3, 3)):
        drafts.submit_draft(session, users["staff"], d.id, now=now, policy=policy, upload_dir=upload_dir)
        for role in ("reviewer", "legal", "comms")[:steps]:
            decisions.decide(session, users[role], d.id, "approve", revision=d.current_revision, now=now)
    schedule_release(session, users["comms"], made[-2].id, release_at=made[-2].requested_release_at, now=now)
    # Due a minute after the demo starts, so its worker publishes it (to the outbox folder): the auditor
    # of the README's first ten minutes finds a published post and its evidence pack.
    schedule_release(session, users["comms"], made[-1].id, release_at=now + timedelta(minutes=1), now=now)
    # A draft that shows what the checks catch when its author presses "Check and submit".
    drafts.create_draft(session, users["staff"], body=PHI_EXAMPLE, channels=["facebook"],
                        requested_release_at=None, now=now)
    return list(users.values())


def run_demo(host: str, port: int) -> None:
    from waitress import serve

    from reviewq import create_app
    from reviewq.config import load_settings
    from reviewq.extensions import db
    from reviewq.migrate import upgrade
    from reviewq.clock import now_utc
    from reviewq.worker import open_database, run_forever

    settings = load_settings()
    app = create_app(settings)
    upgrade(db.engine)
    with db.transaction() as s:
        users = ensure_demo_data(s, now_utc(), settings.upload_dir)
    click.echo(f"reviewq demo on http://{host}:{port}  (database: {app.config['REVIEWQ'].database_url})")
    click.echo(f"demo accounts, password {DEMO_PASSWORD!r}:")
    for u in users:
        click.echo(f"  {u.email:<28} {', '.join(sorted(u.roles))}")
    threading.Thread(target=run_forever, args=(open_database(settings), settings), name="reviewq-worker",
                     daemon=True).start()
    serve(app, host=host, port=port, threads=8, ident="reviewq")
