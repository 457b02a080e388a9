"""Per-chat state kept under a salted hash of the chat id: eligibility checks, language choices
and what a chat was last answered about.

Chats are keyed by an HMAC of their id, never the id itself. The salt lives beside a SQLite
database (`conversations.salt`, as in earlier versions) or, on PostgreSQL, in the database itself
so that every replica computes the same key. Every row carries its expiry time; expired rows are
deleted in SQL whenever the table is read or written and are never returned:

- an eligibility conversation expires 30 minutes after its last answer;
- what a chat was last answered about (a programme, centre or FAQ id, never the question) expires
  30 minutes after that answer: a follow-up such as "is it free?" is about it;
- a language choice expires TELECENTRE_RETENTION_DAYS (default 30) days after it was made, after
  which the bot falls back to the language Telegram reports for the learner.

A database that is down, locked or damaged reads as "nothing kept" and skips writes with a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, delete, select

from bot import tables
from bot.database import DATABASE_ERRORS, STATE, Database, upsert
from index.schema import LANGUAGES

log = logging.getLogger(__name__)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    """The stored form of an expiry time (UTC ISO 8601, as earlier versions wrote it)."""
    return moment.astimezone(dt.UTC).isoformat()


class ChatKeys:
    """HMAC-SHA256 of a chat id with a per-install salt, so stored rows never name a chat."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._salt: bytes | None = None
        self._lock = threading.Lock()

    def _load_salt(self) -> bytes:
        path = self.db.sqlite_path
        if path is not None:
            salt_path = path.with_suffix(".salt")
            path.parent.mkdir(parents=True, exist_ok=True)
            if not salt_path.exists():
                try:
                    descriptor = os.open(salt_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:  # another process made it first
                    pass
                else:
                    with os.fdopen(descriptor, "wb") as handle:
                        handle.write(secrets.token_bytes(32))
            return salt_path.read_bytes()

        def shared(connection: Connection) -> bytes:
            candidate = upsert(connection, tables.secrets).values(name="chat_salt", value=secrets.token_hex(32))
            connection.execute(candidate.on_conflict_do_nothing(index_elements=["name"]))
            value = connection.execute(select(tables.secrets.c.value).where(tables.secrets.c.name == "chat_salt")).scalar_one()
            return bytes.fromhex(value)

        return self.db.transaction(STATE, shared)

    def key(self, chat_id: int) -> str:
        """The chat's key; raises a database error when the salt cannot be read yet."""
        with self._lock:
            if self._salt is None:
                self._salt = self._load_salt()
        return hmac.new(self._salt, str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]


class _ExpiringChatTable:
    """Rows keyed by chat key that expire `lifetime` after they are written: read, write and drop,
    expired rows deleted in SQL."""

    table: Table
    value_column: str

    def __init__(self, db: Database, lifetime: dt.timedelta, keys: ChatKeys | None = None) -> None:
        self.db = db
        self.lifetime = lifetime
        self.keys = keys or ChatKeys(db)

    def _with_key(self, chat_id: int, work: Callable[[Connection, str], Any], what: str) -> Any:
        """`work(connection, key)` in one transaction, or None with a warning naming the error's type."""
        try:
            key = self.keys.key(chat_id)  # before the transaction: on PostgreSQL it may read the salt
        except DATABASE_ERRORS as error:
            log.warning("%s: %s", what, type(error).__name__)
            return None
        return self.db.run(STATE, lambda connection: work(connection, key), None, what)

    def _get(self, chat_id: int, now: dt.datetime | None, what: str) -> Any:
        """The chat's value, or None (none, expired, or the store is down: a warning); `now` defaults to the clock."""
        stamp = _stamp(now or _utcnow())

        def work(connection: Connection, key: str) -> Any:
            self._delete_expired(connection, stamp)
            return connection.execute(select(self.table.c[self.value_column]).where(self.table.c.chat == key)).scalar()

        return self._with_key(chat_id, work, what)

    def _put(self, chat_id: int, value: str, now: dt.datetime | None, what: str) -> bool:
        """Keep `value` for the chat until `lifetime` after `now` (the clock by default); False with a warning if the store is down."""
        written = now or _utcnow()

        def work(connection: Connection, key: str) -> bool:
            self._delete_expired(connection, _stamp(written))
            row = upsert(connection, self.table).values(chat=key, **{self.value_column: value}, expires_at=_stamp(written + self.lifetime))
            connection.execute(
                row.on_conflict_do_update(
                    index_elements=["chat"],
                    set_={self.value_column: row.excluded[self.value_column], "expires_at": row.excluded.expires_at},
                )
            )
            return True

        return bool(self._with_key(chat_id, work, what))

    def purge(self, now: dt.datetime | None = None) -> None:
        """Delete every expired row now (at start: reads and writes only purge while chats talk)."""
        stamp = _stamp(now or _utcnow())
        self.db.run(STATE, lambda connection: self._delete_expired(connection, stamp), None, "expired rows not purged")

    def _delete_expired(self, connection: Connection, stamp: str) -> None:
        """Delete the rows of every chat that expired before `stamp`: each read and write does, and `purge`."""
        connection.execute(delete(self.table).where(self.table.c.expires_at < stamp))

    def drop(self, chat_id: int) -> None:
        """Forget the chat's row now."""
        self._with_key(
            chat_id, lambda c, key: c.execute(delete(self.table).where(self.table.c.chat == key)), f"{self.table.name} not dropped"
        )


class ConversationStore(_ExpiringChatTable):
    """The eligibility check's answers so far, for at most `ttl_minutes` after the last one."""

    table = tables.conversations
    value_column = "state"

    def __init__(self, where: Path | Database, ttl_minutes: int = 30, keys: ChatKeys | None = None) -> None:
        db = where if isinstance(where, Database) else Database.sqlite(where)
        super().__init__(db, dt.timedelta(minutes=ttl_minutes), keys)

    def get(self, chat_id: int, now: dt.datetime | None = None) -> dict | None:
        """The chat's state, or None when there is none, it expired, or the store is unusable."""
        value = self._get(chat_id, now, "conversation state unavailable")
        return json.loads(value) if value else None

    def put(self, chat_id: int, state: dict, now: dt.datetime | None = None) -> None:
        """Keep the state until `ttl_minutes` from now (skipped with a warning if the store is down)."""
        self._put(chat_id, json.dumps(state), now, "conversation state not kept")


class LanguageStore(_ExpiringChatTable):
    """The language a chat picked with /language, for `retention_days` after it was picked."""

    table = tables.chat_languages
    value_column = "lang"

    def __init__(self, db: Database, retention_days: int = 30, keys: ChatKeys | None = None) -> None:
        super().__init__(db, dt.timedelta(days=retention_days), keys)

    def get(self, chat_id: int, now: dt.datetime | None = None) -> str | None:
        """The chosen language, or None (none chosen, expired, or the store is unusable)."""
        value = self._get(chat_id, now, "language choice unavailable")
        return value if value in LANGUAGES else None

    def set(self, chat_id: int, lang: str, now: dt.datetime | None = None) -> bool:
        """Remember the choice; False when `lang` is not one of LANGUAGES or the store is down."""
        if lang not in LANGUAGES:
            return False
        return self._put(chat_id, lang, now, "language choice not kept")


class LastAnswerStore(_ExpiringChatTable):
    """The id of what a chat was last answered about (a programme, centre or FAQ), for
    `ttl_minutes` after that answer, so that "is it free?" can be answered about it. Shared by
    replicas, as the next message may reach another one."""

    table = tables.last_answers
    value_column = "target"

    def __init__(self, db: Database, ttl_minutes: int = 30, keys: ChatKeys | None = None) -> None:
        super().__init__(db, dt.timedelta(minutes=ttl_minutes), keys)

    def get(self, chat_id: int, now: dt.datetime | None = None) -> str | None:
        """The id, or None (no answer yet, expired, or the store is unusable)."""
        value = self._get(chat_id, now, "last answer unavailable")
        return value if isinstance(value, str) else None

    def put(self, chat_id: int, target: str, now: dt.datetime | None = None) -> None:
        """Keep `target` until `ttl_minutes` from now (skipped with a warning if the store is down)."""
        self._put(chat_id, target, now, "last answer not kept")
