"""Short-lived conversation state (the eligibility check), kept across restarts and then expired.

Chats are keyed by a salted hash of their id, never the id itself; the salt lives beside the
database. Entries expire after a while and are deleted when read or written past their time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.sqlite_files import connect

log = logging.getLogger(__name__)


class ConversationStore:
    def __init__(self, path: Path, ttl_minutes: int = 30) -> None:
        self.path = path
        self.ttl = dt.timedelta(minutes=ttl_minutes)
        self._salt: bytes | None = None

    def _key(self, chat_id: int) -> str:
        if self._salt is None:
            salt_path = self.path.with_suffix(".salt")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not salt_path.exists():
                descriptor = os.open(salt_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as handle:
                    handle.write(secrets.token_bytes(32))
            self._salt = salt_path.read_bytes()
        return hmac.new(self._salt, str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]

    def _connect(self, now: dt.datetime) -> sqlite3.Connection:
        """A connection to the table, with every expired conversation already deleted."""

        def setup(connection: sqlite3.Connection) -> None:
            connection.execute("CREATE TABLE IF NOT EXISTS conversations (chat TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at TEXT NOT NULL)")
            connection.execute("DELETE FROM conversations WHERE expires_at < ?", (now.isoformat(),))

        return connect(self.path, setup)

    def get(self, chat_id: int, now: dt.datetime | None = None) -> dict | None:
        """The chat's state, or None when there is none, it expired, or the store is unusable."""
        now = now or dt.datetime.now(dt.timezone.utc)
        try:
            with closing(self._connect(now)) as connection:
                row = connection.execute("SELECT state FROM conversations WHERE chat = ?", (self._key(chat_id),)).fetchone()
        except (sqlite3.Error, OSError) as error:
            log.warning("conversation state unavailable: %s", type(error).__name__)
            return None
        return json.loads(row[0]) if row else None

    def put(self, chat_id: int, state: dict, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.timezone.utc)
        try:
            with closing(self._connect(now)) as connection:
                connection.execute(
                    "INSERT OR REPLACE INTO conversations VALUES (?, ?, ?)", (self._key(chat_id), json.dumps(state), (now + self.ttl).isoformat())
                )
        except (sqlite3.Error, OSError) as error:
            log.warning("conversation state not kept: %s", type(error).__name__)

    def drop(self, chat_id: int) -> None:
        try:
            with closing(self._connect(dt.datetime.now(dt.timezone.utc))) as connection:
                connection.execute("DELETE FROM conversations WHERE chat = ?", (self._key(chat_id),))
        except (sqlite3.Error, OSError) as error:
            log.warning("conversation state not dropped: %s", type(error).__name__)
