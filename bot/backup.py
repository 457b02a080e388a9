"""`telecentre backup DIR` / `telecentre restore DIR` for the default SQLite files.

The backup uses SQLite's online backup API, so it is consistent while the bot runs (copying a
WAL database file alone can miss recent rows). It copies `gaps.sqlite`, `conversations.sqlite`
and the chat-key salt beside them (without it the saved conversation and language rows cannot
be matched to chats again). PostgreSQL is backed up with `pg_dump` instead (docs/operations.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.database import SQLITE_BUSY_SECONDS, STATE, TREES

SALT_FILE = Path(STATE.sqlite_file).with_suffix(".salt").name


def backup_sqlite(data_dir: Path, target: Path) -> list[Path]:
    """Copy each existing database (and the salt) from `data_dir` into the folder `target`."""
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for tree in TREES:
        source = data_dir / tree.sqlite_file
        if not source.exists():
            continue
        destination = target / tree.sqlite_file
        destination.unlink(missing_ok=True)
        with closing(sqlite3.connect(source, timeout=SQLITE_BUSY_SECONDS)) as live, closing(sqlite3.connect(destination)) as copy:
            live.backup(copy)
        written.append(destination)
    salt = data_dir / SALT_FILE
    if salt.exists():
        shutil.copy2(salt, target / SALT_FILE)
        os.chmod(target / SALT_FILE, 0o600)
        written.append(target / SALT_FILE)
    return written


def restore_sqlite(source: Path, data_dir: Path) -> list[Path]:
    """Put a backup made by `backup_sqlite` back in `data_dir`; the bot must be stopped.

    Each database is written through the backup API too, so the target's WAL is reset with it."""
    names = [tree.sqlite_file for tree in TREES if (source / tree.sqlite_file).exists()]
    if not names:
        raise FileNotFoundError(f"no {' or '.join(tree.sqlite_file for tree in TREES)} in {source}")
    data_dir.mkdir(parents=True, exist_ok=True)
    restored: list[Path] = []
    for name in names:
        with (
            closing(sqlite3.connect(source / name)) as saved,
            closing(sqlite3.connect(data_dir / name, timeout=SQLITE_BUSY_SECONDS)) as live,
        ):
            saved.backup(live)
        restored.append(data_dir / name)
    if (source / SALT_FILE).exists():
        shutil.copy2(source / SALT_FILE, data_dir / SALT_FILE)
        os.chmod(data_dir / SALT_FILE, 0o600)
        restored.append(data_dir / SALT_FILE)
    return restored
