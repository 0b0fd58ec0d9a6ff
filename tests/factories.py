"""Builders for users, drafts and decisions, going through the real operations.

A builder commits once, when the outermost builder call returns (an approved
draft is one commit, not five): inside a test's rolled-back transaction that
commit only releases a savepoint; a `commits` test gets a real one, so other
connections and processes see what was built.
"""
from __future__ import annotations

import functools
import io
import itertools
import re
from datetime import timedelta

from reviewq.accounts.operations import create_token, create_user
from reviewq.drafts import operations as drafts
from reviewq.drafts.checking import load_policy
from reviewq.review import operations as decisions

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
STAGE_ROLES = ("reviewer", "legal", "comms")
def _png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (240, 240, 240)).save(buf, "PNG")
    return buf.getvalue()


# A small plain PNG with nothing in it.
PNG = _png()


def csrf_from(resp) -> str:
    m = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', resp.data) or \
        re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', resp.data)
    assert m, "no CSRF token on the page"
    return m.group(1).decode()


def _builds(method):
    """Commit what `method` built when no other builder is running it."""
    @functools.wraps(method)
    def wrapper(self, *args, **kw):
        self._depth += 1
        try:
            out = method(self, *args, **kw)
        except BaseException:
            self._depth -= 1
            raise
        self._depth -= 1
        if self._depth == 0:
            self.session.commit()
        return out
    return wrapper


class Factory:
    def __init__(self, app, session):
        self.app, self.session = app, session
        self.now = __import__("tests.conftest", fromlist=["NOW"]).NOW
        self._depth = 0

    def tick(self, minutes: int = 1):
        self.now += timedelta(minutes=minutes)
        return self.now

    @_builds
    def user(self, *roles, name=None, email=None, slack_id=None, password=PASSWORD):
        n = next(_seq)
        u = create_user(self.session, email=email or f"user{n}@example.org", name=name or f"User {n}",
                        roles=list(roles or ("staff",)), password=password, slack_user_id=slack_id, now=self.now)
        return u

    @_builds
    def token(self, user) -> str:
        _, clear = create_token(self.session, user, name="test", now=self.now)
        return clear

    @_builds
    def approvers(self):
        return {r: self.user(r) for r in STAGE_ROLES}

    @_builds
    def draft(self, author=None, body="Flu shots are available at every clinic this week.",
              channels=("facebook",), attachments=(), **kw):
        author = author or self.user("staff")
        uploads = [drafts.Upload(io.BytesIO(data), name, alt) for name, data, alt in attachments]
        d = drafts.create_draft(self.session, author, body=body, channels=list(channels),
                                requested_release_at=kw.pop("requested_release_at", None), now=self.tick(),
                                uploads=uploads, upload_dir=self.app.config["REVIEWQ"].upload_dir,
                                max_bytes=self.app.config["REVIEWQ"].max_upload_bytes, **kw)
        return d

    @_builds
    def submit(self, d, justifications=None):
        drafts.submit_draft(self.session, d.author, d.id, now=self.tick(), policy=load_policy(self.session),
                            justifications=justifications, upload_dir=self.app.config["REVIEWQ"].upload_dir)
        return d

    @_builds
    def approve(self, d, user, decision="approve", comment=""):
        row = decisions.decide(self.session, user, d.id, decision, revision=d.current_revision,
                               comment=comment, now=self.tick())
        return row

    @_builds
    def approved_draft(self, author=None, approvers=None, justifications=None, **kw):
        """justifications: a dict, or a function of the new draft giving one (keys name attachment ids)."""
        approvers = approvers or self.approvers()
        d = self.draft(author, **kw)
        d = self.submit(d, justifications=justifications(d) if callable(justifications) else justifications)
        for role in STAGE_ROLES:
            self.approve(d, approvers[role])
        return d
