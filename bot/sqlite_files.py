"""Opening the bot's small SQLite databases the same way: WAL for a concurrent reader, deleted
rows overwritten, and the connection closed again if setting it up fails."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable


def connect(path: Path, setup: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """An autocommit connection to `path` (created with its folder), after `setup` ran on it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA secure_delete=ON")
        setup(connection)
    except BaseException:
        connection.close()
        raise
    return connection
