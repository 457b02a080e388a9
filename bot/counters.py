"""Numbers that replicas share: anonymous /stats counters and the update ids already handled.

Both are single SQL statements that are atomic on SQLite and PostgreSQL alike
(`INSERT … ON CONFLICT`), so several processes can count and claim at once without losing or
doubling anything. A database that is down skips the write with a warning; see each method for
what it then returns.

With PostgreSQL, a replica also holds a session advisory lock (bot.locks) on each update from its
claim until `finish_update`. A re-delivered update whose claim is neither finished nor locked was
abandoned by a replica that died mid-answer (its session, and so its locks, ended with it): the
next claimant takes it over rather than dropping it, so it is answered once rather than never.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import Connection, delete, select

from bot import tables
from bot.database import STATE, Database, upsert
from bot.locks import SessionLocks, lock_key

log = logging.getLogger(__name__)

UPDATE_MEMORY = dt.timedelta(days=1)
"""Handled update ids older than this are purged (Telegram does not redeliver updates that old)."""
PURGE_EVERY = dt.timedelta(minutes=10)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _seconds(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


class StatsStore:
    """Anonymous counters by name (questions, answers per kind and language, 👍/👎…), never per learner."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def increment(self, name: str, by: int = 1) -> bool:
        """Add `by` to the counter `name` atomically; False (and a warning) when the store is down."""

        def work(connection: Connection) -> bool:
            row = upsert(connection, tables.stats).values(name=name, count=by)
            connection.execute(
                row.on_conflict_do_update(index_elements=["name"], set_={"count": tables.stats.c["count"] + row.excluded["count"]})
            )
            return True

        return self.db.run(STATE, work, False, "counter not incremented")

    def counts(self) -> dict[str, int]:
        """Every counter by name; empty when the store is down."""
        query = select(tables.stats.c.name, tables.stats.c["count"]).order_by(tables.stats.c.name)
        return self.db.run(
            STATE, lambda c: {name: int(count) for name, count in c.execute(query)}, {}, "counters unavailable", read_only=True
        )


class UpdateLog:
    """Which Telegram update ids, and which once-only actions, were already taken by some process
    (webhook retries, replicas)."""

    def __init__(self, db: Database, locks: SessionLocks | None = None) -> None:
        self.db = db
        self.locks = locks
        self._purged_at: dt.datetime | None = None
        self._lock = threading.Lock()
        self._holding: set[int] = set()  # advisory locks are re-entrant within a session: track ours
        self._elsewhere: set[int] = set()

    def claim_update(self, update_id: int, now: dt.datetime | None = None) -> bool:
        """True for the first caller across all processes, False for every later one, except that
        an update claimed by a replica that died before finishing it goes to the next caller.

        When the store is down it answers True (with a warning): answering an update twice is
        better than never answering it."""
        now = now or _utcnow()
        held = self._hold(update_id)
        if held is False:  # a live process is answering it, or one that just died and is not yet gone
            with self._lock:
                self._elsewhere.add(update_id)
            return False

        def work(connection: Connection) -> bool:
            self._purge_if_due(connection, now)
            row = upsert(connection, tables.handled_updates).values(update_id=update_id, claimed_at=_seconds(now))
            claim = row.on_conflict_do_nothing(index_elements=["update_id"]).returning(tables.handled_updates.c.update_id)
            if connection.execute(claim).first() is not None:
                return True
            if not held:  # claimed before, and no lock to tell a dead claimant from a live one
                return False
            done = connection.execute(select(tables.claims.c.key).where(tables.claims.c.key == _done_key(update_id))).first()
            if done is None:
                log.warning("update %s taken over: the process that claimed it stopped before finishing", update_id)
            return done is None

        won = self.db.run(STATE, work, True, "update not claimed")
        if held and not won:
            self._release(update_id)
        return won

    def held_elsewhere(self, update_id: int) -> bool:
        """Whether the last claim of `update_id` here lost to a lock held by another session (asked
        once): a webhook then answers 503 so the update comes again later, when it is either
        finished (and dropped) or abandoned (and taken over), rather than being lost."""
        with self._lock:
            found = update_id in self._elsewhere
            self._elsewhere.discard(update_id)
            return found

    def finish_update(self, update_id: int, now: dt.datetime | None = None) -> None:
        """Mark an update answered (so no one takes it over) and release its lock; call it after the
        handlers ran, whether or not they failed. Without PostgreSQL there is nothing to do."""
        if self.locks is None:
            return
        now = now or _utcnow()

        def work(connection: Connection) -> bool:
            row = upsert(connection, tables.claims).values(key=_done_key(update_id), claimed_at=_seconds(now))
            connection.execute(row.on_conflict_do_nothing(index_elements=["key"]))
            return True

        self.db.run(STATE, work, False, "update not marked done")
        self._release(update_id)

    def _hold(self, update_id: int) -> bool | None:
        """Lock the update for this process: True, False (a live process holds it), or None
        (no locks: SQLite, or the lock connection is down)."""
        if self.locks is None:
            return None
        with self._lock:
            if update_id in self._holding:
                return False  # another thread of this process is answering it
            self._holding.add(update_id)
        try:
            held = self.locks.try_lock(lock_key(f"update:{update_id}"))
        except Exception as error:  # psycopg.Error, OSError: fall back to the plain claim
            log.warning("update lock unavailable: %s", type(error).__name__)
            held = None
        if not held:
            with self._lock:
                self._holding.discard(update_id)
        return held

    def _release(self, update_id: int) -> None:
        with self._lock:
            if update_id not in self._holding:
                return
            self._holding.discard(update_id)
        if self.locks is None:
            return
        try:
            self.locks.unlock(lock_key(f"update:{update_id}"))
        except Exception as error:  # the session is gone, and its locks with it
            log.warning("update lock not released: %s", type(error).__name__)

    def claim(self, key: str, now: dt.datetime | None = None) -> bool:
        """True for the first caller of `key` across all processes (e.g. a 👍/👎 on one answer,
        keyed by a salted chat key and the message id), False for every later one; kept a day.

        When the store is down it answers True: a rating counted twice beats one never counted."""
        now = now or _utcnow()

        def work(connection: Connection) -> bool:
            self._purge_if_due(connection, now)
            row = upsert(connection, tables.claims).values(key=key, claimed_at=_seconds(now))
            claim = row.on_conflict_do_nothing(index_elements=["key"]).returning(tables.claims.c.key)
            return connection.execute(claim).first() is not None

        return self.db.run(STATE, work, True, "claim not recorded")

    def _purge_if_due(self, connection: Connection, now: dt.datetime) -> None:
        with self._lock:
            due = self._purged_at is None or now - self._purged_at > PURGE_EVERY
            if due:
                self._purged_at = now
        if due:
            cutoff = _seconds(now - UPDATE_MEMORY)
            connection.execute(delete(tables.handled_updates).where(tables.handled_updates.c.claimed_at < cutoff))
            connection.execute(delete(tables.claims).where(tables.claims.c.claimed_at < cutoff))


def _done_key(update_id: int) -> str:
    return f"update-done:{update_id}"
