"""The data layer on both engines: SQLite files (the default) and PostgreSQL (embedded server).

Each test runs twice through the `data_settings` fixture; outage tests need a server to stop and
run on PostgreSQL only, and the in-place adoption of pre-Alembic files on SQLite only.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import subprocess
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, text

from bot import tables
from bot.cli import main
from bot.database import GAPS, STATE
from bot.settings import Settings
from bot.stores import Stores, open_stores
from tests.support.workers import count_and_claim

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
CHAT = 987654321


@pytest.fixture
def stores(data_settings: Settings):  # type: ignore[no-untyped-def]
    opened = open_stores(data_settings)
    yield opened
    opened.close()


def _count(stores: Stores, table: object, tree: object = STATE) -> int:
    db = stores.gaps.db if tree is GAPS else stores.stats.db
    return db.transaction(tree, lambda c: c.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_gaps_are_redacted_counted_and_purged_in_sql(stores: Stores) -> None:
    gaps = stores.gaps
    assert gaps.record("unsure", "old one, mail me at jan@example.be", "en", 0.2, "x#0:en", now=NOW - dt.timedelta(days=40))
    assert _count(stores, tables.gaps, GAPS) == 1
    assert gaps.record("thumbs_down", "call 0470 12 34 56", "fr", 0.3, None, now=NOW)
    assert [(g.kind, g.question) for g in gaps.gaps(now=NOW)] == [("thumbs_down", "call <phone>")]
    assert _count(stores, tables.gaps, GAPS) == 1  # the old row was deleted, not just hidden
    for up in (True, True, False):
        assert gaps.feedback("a#0:en", up, now=NOW)
    gaps.feedback("b#card:fr", False, now=NOW)
    assert gaps.feedback_counts(now=NOW) == [("b#card:fr", 0, 1), ("a#0:en", 2, 1)]


def test_conversations_expire_in_sql_and_never_store_the_chat_id(stores: Stores) -> None:
    conversations = stores.conversations
    conversations.put(CHAT, {"answers": {"age": "23"}}, now=NOW)
    assert conversations.get(CHAT, now=NOW + dt.timedelta(minutes=29)) == {"answers": {"age": "23"}}
    keys = stores.stats.db.transaction(STATE, lambda c: c.execute(select(tables.conversations.c.chat)).scalars().all())
    assert len(keys) == 1 and str(CHAT) not in keys[0]
    assert conversations.get(CHAT, now=NOW + dt.timedelta(minutes=31)) is None
    assert _count(stores, tables.conversations) == 0
    conversations.put(CHAT, {"step": 1}, now=NOW)
    conversations.drop(CHAT)
    assert conversations.get(CHAT, now=NOW) is None


def test_the_last_answer_is_kept_for_30_minutes_under_the_chat_key(stores: Stores, data_settings: Settings) -> None:
    last = stores.last_answers
    assert last.get(CHAT, now=NOW) is None
    last.put(CHAT, "becode-coding-bootcamp", now=NOW)
    last.put(CHAT, "molengeek-coding-school", now=NOW + dt.timedelta(minutes=10))  # a newer answer replaces it
    assert last.get(CHAT, now=NOW + dt.timedelta(minutes=39)) == "molengeek-coding-school"
    assert last.get(CHAT + 1, now=NOW) is None
    keys = stores.stats.db.transaction(STATE, lambda c: c.execute(select(tables.last_answers.c.chat)).scalars().all())
    assert len(keys) == 1 and str(CHAT) not in keys[0]
    again = open_stores(data_settings)  # another replica reads what this one kept
    try:
        assert again.last_answers.get(CHAT, now=NOW + dt.timedelta(minutes=39)) == "molengeek-coding-school"
    finally:
        again.close()
    assert last.get(CHAT, now=NOW + dt.timedelta(minutes=41)) is None
    assert _count(stores, tables.last_answers) == 0  # deleted, not just hidden


def test_expired_rows_of_every_chat_are_purged_at_start(stores: Stores) -> None:
    stores.last_answers.put(CHAT, "maks", now=NOW)
    stores.conversations.put(CHAT + 1, {"step": 1}, now=NOW)
    stores.languages.set(CHAT + 2, "fr", now=NOW)
    for store in (stores.conversations, stores.languages, stores.last_answers):
        store.purge(now=NOW + dt.timedelta(minutes=31))
    assert _count(stores, tables.last_answers) == 0 and _count(stores, tables.conversations) == 0
    assert _count(stores, tables.chat_languages) == 1  # a language choice is kept for days
    stores.last_answers.put(CHAT, "maks", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    stores.purge_expired()  # what the bot calls at start, with the real clock
    assert _count(stores, tables.last_answers) == 0 and _count(stores, tables.chat_languages) == 1


def test_language_choice_is_kept_for_the_retention_period(stores: Stores, data_settings: Settings) -> None:
    languages = stores.languages
    assert languages.get(CHAT, now=NOW) is None
    assert languages.set(CHAT, "fr", now=NOW) and languages.set(CHAT, "nl", now=NOW)
    assert not languages.set(CHAT, "de", now=NOW)
    assert languages.get(CHAT, now=NOW + dt.timedelta(days=data_settings.retention_days - 1)) == "nl"
    assert languages.get(CHAT + 1, now=NOW) is None
    assert languages.get(CHAT, now=NOW + dt.timedelta(days=data_settings.retention_days + 1)) is None
    assert _count(stores, tables.chat_languages) == 0
    # a second process (another replica) keys the chat the same way
    again = open_stores(data_settings)
    try:
        assert again.languages.set(CHAT, "en", now=NOW) and languages.get(CHAT, now=NOW) == "en"
    finally:
        again.close()


def test_counters_are_atomic_across_threads(stores: Stores, data_settings: Settings) -> None:
    """No increment that reported success is lost. One that waited out the busy timeout on a
    loaded machine reports False and is skipped by design (counters are best-effort), so the
    expected totals are the successes, of which there must still be many."""
    done = {"questions": 0, "lang_fr": 0}
    tally = threading.Lock()

    def work() -> None:
        mine = open_stores(data_settings)  # its own engine, as another process would have
        try:
            for name, by in [("questions", 1)] * 25 + [("lang_fr", 2)]:
                if mine.stats.increment(name, by=by):
                    with tally:
                        done[name] += by
        finally:
            mine.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert stores.stats.counts() == {name: count for name, count in done.items() if count}
    assert done["questions"] >= 50  # not vacuous: most went through


def test_exactly_one_claim_wins_across_threads(stores: Stores) -> None:
    wins: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for update_id in range(40):
            if stores.updates.claim_update(update_id):
                with lock:
                    wins.append(update_id)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == list(range(40))


def test_processes_migrate_count_and_claim_without_losing_or_doubling(data_settings: Settings) -> None:
    url = data_settings.database_url.get_secret_value() if data_settings.database_url else None
    ids = list(range(1000, 1030))
    with multiprocessing.get_context("spawn").Pool(3) as pool:  # all three start on an empty database
        results = pool.starmap(count_and_claim, [(str(data_settings.data_dir), url, 20, ids)] * 3)
    won = sorted(update_id for result in results for update_id in result)
    assert won == ids
    stores = open_stores(data_settings)
    try:
        assert stores.stats.counts() == {"questions": 60}
    finally:
        stores.close()


def test_a_once_only_action_is_claimed_once_and_forgotten_after_a_day(stores: Stores) -> None:
    assert stores.updates.claim("feedback:abc:7", now=NOW - dt.timedelta(days=2))
    assert not stores.updates.claim("feedback:abc:7", now=NOW - dt.timedelta(days=2))
    assert stores.updates.claim("feedback:abc:8", now=NOW)
    assert stores.updates.claim("feedback:abc:7", now=NOW)  # the old claim was purged
    assert not stores.updates.claim("feedback:abc:8", now=NOW)


def test_handled_update_ids_are_forgotten_after_a_day(stores: Stores) -> None:
    updates = stores.updates
    assert updates.claim_update(1, now=NOW - dt.timedelta(days=2))
    assert not updates.claim_update(1, now=NOW - dt.timedelta(days=2))
    updates.finish_update(1, now=NOW - dt.timedelta(days=2))  # answered (PostgreSQL: marked done, unlocked)
    updates._purged_at = None  # purging runs at most every few minutes per process
    assert updates.claim_update(2, now=NOW)
    assert _count(stores, tables.handled_updates) == 1
    assert updates.claim_update(1, now=NOW)


def test_backup_and_restore(
    data_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """SQLite: `telecentre backup` while in use, later writes, `telecentre restore` over them.
    PostgreSQL: pg_dump, later writes, pg_restore into a new database (docs/operations.md)."""
    stores = open_stores(data_settings)
    assert stores.gaps.record("unsure", "weekend course?", "en", 0.2, None)
    stores.conversations.put(CHAT, {"step": 2})
    assert stores.stats.increment("questions", by=7)
    backup = tmp_path / "backup"
    url = data_settings.database_url.get_secret_value() if data_settings.database_url else None
    if url is None:
        monkeypatch.setenv("TELECENTRE_DATA_DIR", str(data_settings.data_dir))
        assert main(["backup", str(backup)]) == 0  # the bot's connections are still open
        assert {p.name for p in backup.iterdir()} == {"gaps.sqlite", "conversations.sqlite", "conversations.salt"}
    else:
        server = request.getfixturevalue("postgres_server")
        backup.mkdir()
        subprocess.run([server.tool("pg_dump"), "--format=custom", "--file", str(backup / "bot.dump"), url], check=True)
    assert stores.stats.increment("questions", by=100)  # after the backup: gone once restored
    stores.close()  # the bot is stopped for a restore
    if url is None:
        assert main(["restore", str(backup)]) == 0
        restored_settings = data_settings
    else:
        target = server.create_database()
        subprocess.run([server.tool("pg_restore"), "--no-owner", "--dbname", target, str(backup / "bot.dump")], check=True)
        restored_settings = data_settings.model_copy(update={"database_url": SecretStr(target)})
    restored = open_stores(restored_settings)
    try:
        assert [g.question for g in restored.gaps.gaps()] == ["weekend course?"]
        assert restored.conversations.get(CHAT) == {"step": 2}
        assert restored.stats.counts() == {"questions": 7}
    finally:
        restored.close()


def test_schema_is_at_the_newest_revision_on_both_trees(stores: Stores) -> None:
    assert stores.prepare()
    heads = stores.stats.db.transaction(STATE, lambda c: c.execute(text("SELECT version_num FROM alembic_version_state")).scalar_one())
    assert heads == "s0004"
    gaps_head = stores.gaps.db.transaction(GAPS, lambda c: c.execute(text("SELECT version_num FROM alembic_version_gaps")).scalar_one())
    assert gaps_head == "g0003"


def test_warnings_name_the_error_never_the_text(stores: Stores, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    # a CHECK constraint violation: the write is skipped, the text (a SQL parameter) stays out of the log
    assert stores.gaps.record("not-a-kind", "secret question", "en", 0.1, None) is False
    assert "gap not recorded: IntegrityError" in caplog.text and "secret" not in caplog.text


# The schema exactly as the version before Alembic wrote it (bot/gaps.py MIGRATIONS[0] with
# PRAGMA user_version = 1, and bot/conversations.py's CREATE TABLE), to adopt in place.
LEGACY_GAPS = """
    CREATE TABLE gaps (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('unsure', 'thumbs_down')),
        question TEXT,
        lang TEXT,
        score REAL,
        passage TEXT
    );
    CREATE INDEX gaps_asked_at ON gaps (asked_at);
    CREATE TABLE feedback (
        day TEXT NOT NULL,
        passage TEXT NOT NULL,
        up INTEGER NOT NULL DEFAULT 0,
        down INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, passage)
    );
    PRAGMA user_version = 1;
"""
LEGACY_CONVERSATIONS = "CREATE TABLE IF NOT EXISTS conversations (chat TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at TEXT NOT NULL)"


def test_files_from_the_previous_version_are_adopted_in_place(tmp_path: Path) -> None:
    import hashlib
    import hmac
    import json
    import sqlite3

    from bot.settings import load_settings

    data = tmp_path / "var"
    data.mkdir()
    now = dt.datetime.now(dt.UTC)
    with sqlite3.connect(data / "gaps.sqlite") as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.executescript(LEGACY_GAPS)
        old.execute(
            "INSERT INTO gaps (asked_at, kind, question, lang, score, passage) VALUES (?, 'unsure', 'course in <email>?', 'fr', 0.25, 'a#0:fr')",
            (now.isoformat(timespec="seconds"),),
        )
        old.execute("INSERT INTO feedback (day, passage, up, down) VALUES (?, 'a#0:fr', 2, 1)", (now.date().isoformat(),))
    salt = b"s" * 32
    (data / "conversations.salt").write_bytes(salt)
    key = hmac.new(salt, str(CHAT).encode(), hashlib.sha256).hexdigest()[:32]
    with sqlite3.connect(data / "conversations.sqlite") as old:
        old.execute(LEGACY_CONVERSATIONS)
        old.execute(
            "INSERT INTO conversations VALUES (?, ?, ?)", (key, json.dumps({"step": 3}), (now + dt.timedelta(minutes=20)).isoformat())
        )

    stores = open_stores(load_settings(data_dir=data))
    try:
        assert [(g.question, g.lang, g.score, g.passage) for g in stores.gaps.gaps()] == [("course in <email>?", "fr", 0.25, "a#0:fr")]
        assert stores.gaps.feedback_counts() == [("a#0:fr", 2, 1)]
        assert stores.gaps.feedback("a#0:fr", False)
        assert stores.gaps.feedback_counts() == [("a#0:fr", 2, 2)]
        assert stores.conversations.get(CHAT) == {"step": 3}
        assert stores.languages.set(CHAT, "fr") and stores.stats.increment("questions")  # the new tables exist
    finally:
        stores.close()
    with sqlite3.connect(data / "gaps.sqlite") as migrated:
        assert migrated.execute("SELECT version_num FROM alembic_version_gaps").fetchone() == ("g0003",)
        assert migrated.execute("SELECT name FROM sqlite_master WHERE name = 'feedback_day'").fetchone() == ("feedback_day",)
        assert migrated.execute("PRAGMA user_version").fetchone() == (1,)
    with sqlite3.connect(data / "conversations.sqlite") as migrated:
        assert migrated.execute("SELECT version_num FROM alembic_version_state").fetchone() == ("s0004",)


def test_postgresql_outage_skips_writes_then_recovers_by_itself(postgres_server, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    from bot.settings import load_settings

    stores = open_stores(load_settings(data_dir=tmp_path / "var", database_url=postgres_server.create_database()))
    try:
        assert stores.stats.increment("questions") and stores.languages.set(CHAT, "fr")
        assert stores.gaps.record("unsure", "first question", "en", 0.2, None)
        postgres_server.stop()
        try:
            caplog.set_level(logging.WARNING)
            assert stores.stats.increment("questions") is False
            assert stores.gaps.record("unsure", "private words while down", "en", 0.2, None) is False
            assert stores.gaps.feedback("a#0:en", True) is False
            assert stores.stats.counts() == {} and stores.languages.get(CHAT) is None
            assert stores.conversations.get(CHAT) is None
            stores.conversations.put(CHAT, {"step": 1})
            assert stores.updates.claim_update(5) is True  # better answered twice than never
            assert "counter not incremented: OperationalError" in caplog.text
            assert "gap not recorded: OperationalError" in caplog.text
            assert "private words" not in caplog.text and "first question" not in caplog.text
        finally:
            postgres_server.start()
        # same stores, no restart: the pool finds the server again
        assert stores.stats.increment("questions")
        assert stores.stats.counts() == {"questions": 2}
        assert stores.languages.get(CHAT) == "fr"
        assert [g.question for g in stores.gaps.gaps()] == ["first question"]
        assert stores.updates.claim_update(6) and not stores.updates.claim_update(6)
    finally:
        stores.close()


def test_a_store_opened_while_postgresql_is_down_migrates_once_it_is_back(postgres_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from bot.settings import load_settings

    url = postgres_server.create_database()
    postgres_server.stop()
    try:
        stores = open_stores(load_settings(data_dir=tmp_path / "var", database_url=url))
        assert stores.prepare() is False
        assert stores.stats.increment("questions") is False
        assert stores.languages.set(CHAT, "nl") is False
    finally:
        postgres_server.start()
    try:
        assert stores.stats.increment("questions") and stores.stats.counts() == {"questions": 1}
        assert stores.languages.set(CHAT, "nl") and stores.languages.get(CHAT) == "nl"
    finally:
        stores.close()
