"""The one place that opens the bot's databases and keeps their schema current.

Unset `TELECENTRE_DATABASE_URL` means two SQLite files under TELECENTRE_DATA_DIR, named as in
earlier versions so existing installs keep their data: `gaps.sqlite` (the "gaps" migration tree:
unsure questions and 👍/👎) and `conversations.sqlite` (the "state" tree: eligibility checks, last answers,
language choices, /stats counters, handled update ids). A `postgresql://` URL puts both trees in
one PostgreSQL database shared by every replica, each tree with its own Alembic version table.

Migrations (Alembic, in `bot/migrations/`) run on the first use of a tree, under a lock that
makes concurrent starts safe (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock). Files made
by earlier versions (PRAGMA user_version bookkeeping, no Alembic table) are adopted in place.

Stores call `Database.run`: a database that is down, locked or damaged turns into a warning that
names only the error's type (never SQL parameters, which can hold learners' words) and a default
value, so nothing raises into the bot; the next call tries again (pre-ping, reconnect).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_SECONDS = 5.0
"""How long a SQLite writer waits for another one before giving up (the write is then skipped)."""
DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, sqlite3.Error, OSError, CommandError)
"""What a database that is down, locked, damaged or unwritable raises; stores turn these into warnings."""


@dataclass(frozen=True)
class Tree:
    """A line of migrations: its folder, its version table, and how to recognise a pre-Alembic file."""

    name: str
    sqlite_file: str
    legacy_table: str
    baseline: str

    @property
    def version_table(self) -> str:
        return f"alembic_version_{self.name}"

    @property
    def folder(self) -> Path:
        return MIGRATIONS_DIR / self.name


GAPS = Tree("gaps", "gaps.sqlite", legacy_table="gaps", baseline="g0001")
STATE = Tree("state", "conversations.sqlite", legacy_table="conversations", baseline="s0001")
TREES = (GAPS, STATE)


class StorageError(Exception):
    """A read that a person asked for (e.g. `telecentre gaps`) failed; the message names the cause's type."""


def sqlalchemy_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (SQLAlchemy's default driver would be psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_engine(path: Path) -> Engine:
    """WAL (readers beside a writer), deleted rows overwritten, a busy timeout, and real
    transactions (the pysqlite recipe from SQLAlchemy's documentation): a writing transaction
    starts with BEGIN IMMEDIATE so concurrent writers queue instead of failing on a lock upgrade;
    one on a connection with the `read_only` execution option takes no lock at all.
    synchronous=NORMAL, SQLite's advice for WAL: a commit no longer waits for the disk, so queued
    writers do not run out of their busy timeout on a slow disk (seen on a busy CI machine); the
    file stays consistent, and only the last commits before a power cut could be lost."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _setup(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        dbapi_connection.execute("PRAGMA secure_delete=ON")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")

    return engine


def _postgresql_engine(url: str) -> Engine:
    """A small pool whose connections are checked before use, so a restarted server is found again."""
    return create_engine(
        sqlalchemy_url(url),
        pool_pre_ping=True,
        pool_size=4,
        max_overflow=4,
        pool_timeout=5,
        pool_recycle=1800,
        connect_args={"connect_timeout": 3},
    )


def _alembic_config(tree: Tree, connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("version_locations", str(tree.folder))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    config.attributes["version_table"] = tree.version_table
    return config


_heads: dict[str, tuple[str, ...]] = {}
_heads_lock = threading.Lock()


def _script_heads(tree: Tree) -> tuple[str, ...]:
    """The newest revision(s) of a tree, read from its files once per process."""
    with _heads_lock:
        if tree.name not in _heads:
            _heads[tree.name] = tuple(ScriptDirectory.from_config(_alembic_config(tree, None)).get_heads())
        return _heads[tree.name]


def migrate(connection: Connection, tree: Tree) -> None:
    """Bring `tree` to its newest revision on `connection`, adopting a pre-Alembic SQLite file."""
    heads = set(_script_heads(tree))  # read the files before holding any lock
    with connection.begin():  # SQLite: BEGIN IMMEDIATE holds off other starters until we commit
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"telecentre-{tree.name}"})
        context = MigrationContext.configure(connection, opts={"version_table": tree.version_table})
        current = context.get_current_heads()
        if set(current) == heads:
            return
        config = _alembic_config(tree, connection)
        if not current and inspect(connection).has_table(tree.legacy_table):
            command.stamp(config, tree.baseline)  # made by a version before Alembic: same baseline schema
        command.upgrade(config, "head")


class Database:
    """One SQLAlchemy engine, created on first use, with each tree migrated before its first query."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._ready: set[str] = set()
        self._lock = threading.Lock()
        self._migrating = threading.Lock()  # threads of one process wait here, not on SQLite's busy timeout

    @classmethod
    def sqlite(cls, path: Path) -> Database:
        return cls(f"sqlite:///{path}")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        """The file of a SQLite database, else None."""
        return Path(make_url(self.url).database or "") if self.is_sqlite else None

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                path = self.sqlite_path
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    self._engine = _sqlite_engine(path)
                else:
                    self._engine = _postgresql_engine(self.url)
            return self._engine

    def connect(self, tree: Tree) -> Connection:
        """A connection on which `tree`'s tables exist (migrating them on first use)."""
        connection = self.engine.connect()
        try:
            if tree.name not in self._ready:
                with self._migrating:
                    if tree.name not in self._ready:
                        migrate(connection, tree)
                        self._ready.add(tree.name)
        except BaseException:
            connection.close()
            raise
        return connection

    def transaction(self, tree: Tree, work: Callable[[Connection], T], read_only: bool = False) -> T:
        """Run `work` in one transaction; errors propagate (for callers that report them).

        `read_only` work takes no write lock on SQLite, so it never waits for writers."""
        with self.connect(tree) as connection:
            if read_only:
                connection.execution_options(read_only=True)
            with connection.begin():
                return work(connection)

    def run(self, tree: Tree, work: Callable[[Connection], T], default: T, what: str, read_only: bool = False) -> T:
        """`work` in one transaction, or `default` with a warning naming only the error's type."""
        try:
            return self.transaction(tree, work, read_only)
        except DATABASE_ERRORS as error:
            log.warning("%s: %s", what, type(error).__name__)
            return default

    def dispose(self) -> None:
        """Close pooled connections (before a restore replaces the files, or at shutdown)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()


def upsert(connection: Connection, table: Any) -> Any:
    """`INSERT … ON CONFLICT` for the connection's dialect (both SQLite and PostgreSQL have it)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def databases(url: str | None, data_dir: Path) -> dict[str, Database]:
    """The database holding each tree: one per SQLite file, or one PostgreSQL database for both."""
    if url:
        shared = Database(url)
        return {tree.name: shared for tree in TREES}
    return {tree.name: Database.sqlite(data_dir / tree.sqlite_file) for tree in TREES}
