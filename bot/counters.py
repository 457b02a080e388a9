"""Numbers that replicas share: anonymous /stats counters and the update ids already handled.

Both are single SQL statements that are atomic on SQLite and PostgreSQL alike
(`INSERT … ON CONFLICT`), so several processes can count and claim at once without losing or
doubling anything. A database that is down skips the write with a warning; see each method for
what it then returns.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Connection, delete, select

from bot import tables
from bot.database import STATE, Database, upsert

UPDATE_MEMORY = dt.timedelta(days=1)
"""Handled update ids older than this are purged (Telegram does not redeliver updates that old)."""
PURGE_EVERY = dt.timedelta(minutes=10)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _seconds(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


class StatsStore:
    """Anonymous counters by name (questions, answers per kind and language, 👍/👎…), never per learner."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def increment(self, name: str, by: int = 1) -> bool:
        """Add `by` to the counter `name` atomically; False (and a warning) when the store is down."""

        def work(connection: Connection) -> bool:
            row = upsert(connection, tables.stats).values(name=name, count=by)
            connection.execute(row.on_conflict_do_update(index_elements=["name"], set_={"count": tables.stats.c["count"] + row.excluded["count"]}))
            return True

        return self.db.run(STATE, work, False, "counter not incremented")

    def counts(self) -> dict[str, int]:
        """Every counter by name; empty when the store is down."""
        query = select(tables.stats.c.name, tables.stats.c["count"]).order_by(tables.stats.c.name)
        return self.db.run(STATE, lambda c: {name: int(count) for name, count in c.execute(query)}, {}, "counters unavailable", read_only=True)


class UpdateLog:
    """Which Telegram update ids, and which once-only actions, were already taken by some process
    (webhook retries, replicas)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._purged_at: dt.datetime | None = None
        self._lock = threading.Lock()

    def claim_update(self, update_id: int, now: dt.datetime | None = None) -> bool:
        """True for the first caller across all processes, False for every later one.

        When the store is down it answers True (with a warning): answering an update twice is
        better than never answering it."""
        now = now or _utcnow()

        def work(connection: Connection) -> bool:
            self._purge_if_due(connection, now)
            row = upsert(connection, tables.handled_updates).values(update_id=update_id, claimed_at=_seconds(now))
            claim = row.on_conflict_do_nothing(index_elements=["update_id"]).returning(tables.handled_updates.c.update_id)
            return connection.execute(claim).first() is not None  # no row back: someone claimed it first

        return self.db.run(STATE, work, True, "update not claimed")

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
