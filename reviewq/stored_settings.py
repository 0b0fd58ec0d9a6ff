"""Stored settings: the organisation's choices kept in the `settings` table, one JSON value per key.

Owns reading and writing a row and the `setting_changed` signal (audited by the
receivers in the same transaction). Every stored setting is written through
put_setting: the crisis freeze, the release rules, the check policy, PHI
masking, Slack's channels and reminders. Refuses to decide who may write:
the domain operation that calls put_setting checks permission and validates
the value first.

Every put_setting (and record_review) adds an immutable SettingVersion row:
the full value, who, when, why. Its id is the version number, one integer
increasing across every key; current_version(session[, key]) reads the newest
with one indexed MAX, cheap enough to validate a per-process cache on every request. A reason is
required for every version (put_setting and record_review refuse an empty one). Not to be confused
with reviewq.config.Settings, the
environment-derived configuration of one process.

Reads are cached per process (issue 15): get_setting asks the database for
the newest version number once per transaction and reuses every value read
at that version, so a page that reads the freeze, the masking switch and the
policy costs one small statement. Another process's change shows at its next
transaction. A transaction that wrote a setting reads its own rows directly
(the cache only ever holds committed values).
"""
from __future__ import annotations

import copy
import threading
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from reviewq import signals
from reviewq.core.errors import ValidationError
from reviewq.models import Setting, SettingVersion

MAX_REASON = 2000


_lock = threading.Lock()
_cache: dict[str, tuple[tuple, dict]] = {}  # database URL -> (version, {key: value}) of committed values
_generation = 0
_PROBE = "reviewq_settings_probe"
_WROTE = "reviewq_settings_written"


def get_setting(session: Session, key: str, *, lock: bool = False) -> dict | None:
    """The stored value of `key`, or None when it was never set; `lock` holds the row until commit.

    Unlocked reads come from the per-process cache (a copy: callers may change it).
    """
    if lock or wrote_settings_here(session):
        row = session.get(Setting, key, with_for_update=True) if lock else session.get(Setting, key)
        return None if row is None else row.value
    value = cached_settings(session)[1].get(key)
    return copy.deepcopy(value)


def cached_settings(session: Session) -> tuple[tuple, dict]:
    """(version, every stored value by key), probed once per transaction; the dict must not be changed."""
    version = settings_version(session)
    where = str(session.get_bind().engine.url)
    with _lock:
        hit = _cache.get(where)
    if hit is not None and hit[0] == version:
        return hit
    values = {row.key: row.value for row in session.scalars(select(Setting))}
    if not wrote_settings_here(session):
        with _lock:
            _cache[where] = (version, values)
    return version, values


# Built once and run as Core on the session's connection: every request asks it, and building the
# statement and the ORM execution path cost more than SQLite answering it.
_VERSION_PROBE = select(select(func.max(SettingVersion.id)).scalar_subquery(),
                        select(func.count()).select_from(Setting).scalar_subquery(),
                        select(func.max(Setting.updated_at)).scalar_subquery())


def settings_version(session: Session) -> tuple:
    """What the cache is keyed by, asked once per transaction of `session` in one small statement: the newest
    version number, and the settings rows' count and newest updated_at (so a row written without put_setting,
    by hand or by an old script, is seen too)."""
    session = _real(session)
    tx = session.get_transaction()
    memo = session.info.get(_PROBE)
    if tx is not None and memo is not None and memo[0] is tx:
        return memo[1]
    version = tuple(session.connection().execute(_VERSION_PROBE).one())
    session.info[_PROBE] = (session.get_transaction(), version)
    return version


def forget_cached_settings() -> None:
    """Drop every cached value (create_app calls it: tests roll back versions the cache may hold)."""
    global _generation
    with _lock:
        _cache.clear()
        _generation += 1


def cache_generation() -> int:
    """Changes whenever forget_cached_settings ran: caches built from settings add it to their key."""
    return _generation


def _real(session) -> Session:
    return session() if isinstance(session, scoped_session) else session


def wrote_settings_here(session: Session) -> bool:
    """Whether this transaction of `session` wrote a setting (its reads then bypass every cache)."""
    session = _real(session)
    tx = session.get_transaction()
    return tx is not None and session.info.get(_WROTE) is tx


def _mark_written(session: Session) -> None:
    session = _real(session)
    session.info[_WROTE] = session.get_transaction()
    session.info.pop(_PROBE, None)


def put_setting(session: Session, key: str, value: dict, actor, now: datetime, *,
                audited_value: dict | None = None, announce: bool = True, reason: str = "") -> Setting:
    """Store `value` under `key` and send setting_changed (audited). Callers check permission.

    `audited_value` is what the audit row records instead of the value itself
    (the policy is large: its keys are enough there). `announce=False` is for
    a caller that sends its own, more telling signal (the crisis freeze sends
    freeze_changed). `actor` None is the server's command line.

    Every write is a version, so every write needs a `reason` (why the change was
    made): an empty one raises ValidationError before anything is written.
    """
    reason = clean_reason(reason, required=True)
    by = getattr(actor, "id", None)
    row = session.get(Setting, key, with_for_update=True)
    if row is None:
        row = Setting(key=key, value=value, updated_at=now, updated_by_id=by)
        session.add(row)
    else:
        row.value, row.updated_at, row.updated_by_id = value, now, by
    version = SettingVersion(key=key, value=value, kind="change", reason=reason, created_by_id=by, created_at=now)
    session.add(version)
    session.flush()
    _mark_written(session)
    if announce:
        audited = value if audited_value is None else audited_value
        signals.setting_changed.send(None, session=session, actor=actor, now=now, key=key,
                                     value={**audited, "version": version.id} if isinstance(audited, dict)
                                     else audited)
    return row


def record_review(session: Session, key: str, actor, now: datetime, *, reason: str) -> SettingVersion:
    """Record that `key` was reviewed and kept as it is ("reviewed, no change"): a version of its own."""
    reason = clean_reason(reason, required=True)
    value = get_setting(session, key, lock=True)
    version = SettingVersion(key=key, value=value if value is not None else {}, kind="review", reason=reason,
                             created_by_id=getattr(actor, "id", None), created_at=now)
    session.add(version)
    session.flush()
    _mark_written(session)
    signals.setting_changed.send(None, session=session, actor=actor, now=now, key=key,
                                 value={"reviewed": True, "version": version.id})
    return version


def current_version(session: Session, key: str | None = None) -> int:
    """The newest version number of `key` (of any setting when None); 0 when there is none."""
    q = select(func.max(SettingVersion.id))
    if key is not None:
        q = q.where(SettingVersion.key == key)
    return session.execute(q).scalar() or 0


def clean_reason(reason, *, required: bool) -> str:
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if required and not reason:
        raise ValidationError("Say why: a reason is required for every settings change.", {"reason": "required"})
    if len(reason) > MAX_REASON:
        raise ValidationError(f"The reason is too long (at most {MAX_REASON} characters).", {"reason": "too long"})
    return reason
