"""One poller per token (a lock file, or a PostgreSQL advisory lock), and the send budget shared
by replicas."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiolimiter import AsyncLimiter

from bot.locks import PollingLock, SessionLocks, lock_key
from bot.settings import load_settings
from bot.telegram.app import ServeError, take_polling_lock
from bot.telegram.limiter import SAFETY, TELEGRAM_MESSAGES_PER_SECOND, overall_limit
from tests.support.helpers import ROOT

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
OTHER = "654321:OTHER-token-abcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_second_poller_with_the_same_token_is_refused(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    url = request.getfixturevalue("postgres_server").create_database() if engine == "postgresql" else None
    settings = load_settings(telegram_token=TOKEN, data_dir=tmp_path / "var", database_url=url)
    first = take_polling_lock(settings)
    assert first is not None
    try:
        with pytest.raises(ServeError) as refused:
            take_polling_lock(settings)
        message = str(refused.value)
        assert "another `telecentre serve` already polls Telegram with this token" in message
        assert "\n" not in message and TOKEN not in message and "TEST-token" not in message
        other = take_polling_lock(load_settings(telegram_token=OTHER, data_dir=tmp_path / "var", database_url=url))
        assert other is not None  # another bot is another lock
        other.release()
    finally:
        first.release()
    again = take_polling_lock(settings)  # released: the next start may poll
    assert again is not None
    again.release()
    if engine == "sqlite":
        assert all(TOKEN not in path.name and "TEST" not in path.name for path in (tmp_path / "var").iterdir())


def test_webhook_mode_takes_no_polling_lock(tmp_path: Path) -> None:
    settings = load_settings(telegram_token=TOKEN, data_dir=tmp_path, webhook_url="https://bot.example.org/h", webhook_secret="s")
    assert take_polling_lock(settings) is None


def test_a_killed_poller_frees_the_lock_file(tmp_path: Path) -> None:
    """The kernel releases an flock when its holder dies, however it dies."""
    code = (
        "import sys,time;from pathlib import Path;from bot.locks import PollingLock;"
        f"held=PollingLock.acquire({TOKEN!r}, None, Path({str(tmp_path)!r}));print('held',flush=True);time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ServeError):
            take_polling_lock(load_settings(telegram_token=TOKEN, data_dir=tmp_path))
    finally:
        holder.kill()
        holder.wait()
    PollingLock.acquire(TOKEN, None, tmp_path).release()


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(telegram_token=TOKEN, data_dir=tmp_path, database_url=f"postgresql://u:pw@127.0.0.1:{port}/db")
    with pytest.raises(ServeError) as refused:
        take_polling_lock(settings)
    assert str(refused.value).startswith("cannot take the polling lock in PostgreSQL (TELECENTRE_DATABASE_URL) (OperationalError)")
    assert "pw" not in str(refused.value)


def test_session_locks_are_released_when_the_session_ends(postgres_server) -> None:  # type: ignore[no-untyped-def]
    url = postgres_server.create_database()
    one, two = SessionLocks(url), SessionLocks(url)
    key = lock_key("update:42")
    assert one.try_lock(key) and one.try_lock(key)  # re-entrant for its holder
    assert not two.try_lock(key)
    one.close()  # the server ends the session a moment later
    deadline = time.monotonic() + 5
    while not two.try_lock(key):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    two.close()


@pytest.mark.parametrize("replicas", [1, 2, 3, 10])
def test_each_replica_takes_its_share_of_the_send_limit(replicas: int) -> None:
    capacity, period = overall_limit(replicas)
    per_second_worst = capacity + capacity / period  # a full bucket, then one second of leaking
    assert capacity >= 1  # one message must always fit
    assert replicas * per_second_worst <= TELEGRAM_MESSAGES_PER_SECOND * SAFETY + 1e-9


async def test_two_replicas_together_stay_under_the_limit() -> None:
    """Two buckets (two processes) sending as fast as they may: count sends per sliding second."""
    times: list[float] = []

    async def replica() -> None:
        bucket = AsyncLimiter(*overall_limit(2))
        for _ in range(20):
            async with bucket:
                times.append(time.monotonic())

    await asyncio.gather(replica(), replica())
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert 20 <= busiest <= TELEGRAM_MESSAGES_PER_SECOND * SAFETY


def test_an_update_abandoned_by_a_dead_replica_is_taken_over_once(postgres_server) -> None:  # type: ignore[no-untyped-def]
    from bot.stores import open_stores

    url = postgres_server.create_database()
    a, b, c = (open_stores(load_settings(database_url=url)) for _ in range(3))
    try:
        assert a.updates.claim_update(5)
        assert not b.updates.claim_update(5)  # A is alive and answering
        a.updates.finish_update(5)
        assert not b.updates.claim_update(5)  # answered: a re-delivery is dropped
        assert a.updates.claim_update(6)
        assert a.updates.locks is not None
        a.updates.locks.close()  # A dies before finishing 6: PostgreSQL drops its locks a moment later
        deadline = time.monotonic() + 5
        while not b.updates.claim_update(6):  # until then, B is told to let it come again later
            assert b.updates.held_elsewhere(6) and time.monotonic() < deadline
            time.sleep(0.02)
        assert not c.updates.claim_update(6)  # but only by one
        b.updates.finish_update(6)
        assert not c.updates.claim_update(6)
    finally:
        for stores in (a, b, c):
            stores.close()
