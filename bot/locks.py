"""Locks held for as long as a process lives, so replicas can tell a live peer from a dead one.

Two uses:

- **One poller per token.** Telegram gives each `getUpdates` caller's updates to one process and
  rejects concurrent callers, so a second `telecentre serve` in polling mode must refuse to start
  rather than fight over updates. The lock is keyed by a hash of the token (never the token):
  a PostgreSQL session advisory lock when TELECENTRE_DATABASE_URL is set (it spans machines),
  else an `fcntl` lock on a file under TELECENTRE_DATA_DIR (one machine).
- **Updates owned by a replica that died.** A replica holds a session advisory lock on every
  update it is answering (see `bot.counters.UpdateLog`). PostgreSQL drops a session's locks the
  moment its connection closes, which the kernel does for a process killed with SIGKILL, so a
  re-delivered update whose lock is free but which is not marked done was abandoned: the
  survivor takes it over instead of dropping it.

Session advisory locks live on one dedicated connection per purpose, outside SQLAlchemy's pool
(a pooled connection is shared and recycled, which would move or drop the locks).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import IO

import psycopg

log = logging.getLogger(__name__)

CONNECT_SECONDS = 3


def lock_key(name: str) -> int:
    """A signed 64-bit advisory lock key for `name` (PostgreSQL's bigint), stable across processes."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def token_digest(token: str) -> str:
    """What identifies a bot in lock names and file names: a hash of the token, never the token."""
    return hashlib.sha256(f"telecentre-polling:{token}".encode()).hexdigest()[:32]


def libpq_url(url: str) -> str:
    """The URL psycopg accepts: without SQLAlchemy's `+psycopg` driver suffix."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class SessionLocks:
    """Session advisory locks on one dedicated PostgreSQL connection, opened on first use.

    Calls are serialised (one connection, several threads). A broken connection is reopened on
    the next call; the locks it held are gone (PostgreSQL released them), which `reconnected`
    lets callers notice. Errors are PostgreSQL's (psycopg.Error); callers decide what they mean."""

    def __init__(self, url: str) -> None:
        self._url = libpq_url(url)
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None
        self._mutex = threading.Lock()
        self.reconnected = 0

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        if self._connection is not None and not self._connection.closed and not self._connection.broken:
            return self._connection
        if self._connection is not None:
            self._connection.close()
            self.reconnected += 1
        self._connection = psycopg.connect(self._url, autocommit=True, connect_timeout=CONNECT_SECONDS, application_name="telecentre-locks")
        return self._connection

    def _ask(self, sql: str, key: int) -> bool:
        with self._mutex:
            row = self._connect().execute(sql, (key,)).fetchone()
            return bool(row and row[0])

    def try_lock(self, key: int) -> bool:
        """Take the lock `key` now if it is free (True), without waiting; False if a live session holds it."""
        return self._ask("SELECT pg_try_advisory_lock(%s)", key)

    def unlock(self, key: int) -> bool:
        """Release `key` if this session holds it."""
        return self._ask("SELECT pg_advisory_unlock(%s)", key)

    def close(self) -> None:
        """Close the connection, which releases every lock it held."""
        with self._mutex:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


class AlreadyPolling(Exception):
    """Another process polls with the same token; the message says so in one line, without the token."""


class PollingLock:
    """Held from start to exit by the one process that polls Telegram with a given token."""

    def __init__(self, locks: SessionLocks | None, handle: IO[bytes] | None, key: int = 0) -> None:
        self._locks = locks
        self._handle = handle
        self._key = key

    @classmethod
    def acquire(cls, token: str, database_url: str | None, data_dir: Path) -> PollingLock:
        """Take the lock, or raise AlreadyPolling (another poller) or OSError/psycopg.Error (no database)."""
        digest = token_digest(token)
        if database_url:
            locks = SessionLocks(database_url)
            if not locks.try_lock(lock_key(digest)):
                locks.close()
                raise AlreadyPolling(
                    "another `telecentre serve` already polls Telegram with this token (PostgreSQL lock held): stop it, or use webhook mode for several replicas"
                )
            return cls(locks, None, lock_key(digest))
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / f"polling-{digest[:16]}.lock"
        handle = open(path, "ab")  # noqa: SIM115 - kept open for the process lifetime
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise AlreadyPolling(
                f"another `telecentre serve` already polls Telegram with this token (lock file {path} held): stop it first"
            ) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        return cls(None, handle)

    def release(self) -> None:
        """Let another process poll (also happens when this process exits, however it exits)."""
        if self._locks is not None:
            with contextlib.suppress(psycopg.Error):
                self._locks.unlock(self._key)  # at once: closing alone ends the session a moment later
            self._locks.close()
            self._locks = None
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
