"""The gaps database: redaction, retention, migrations, concurrency and failure, and the report."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.gap_report import format_groups, group_gaps, write_csv
from bot.gaps import LEGACY_USER_VERSION, GapStore, redact
from tests.support.helpers import FakeEmbedder

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("write to jan.peeters+bot@mail.example.be please", "write to <email> please"),
        ("my number is 0470 12 34 56", "my number is <phone>"),
        ("call +32 2 555 09 90 tomorrow", "call <phone> tomorrow"),
        ("national number 85.07.30-033.61", "national number <national-number>"),
        ("rijksregister 85073003361", "rijksregister <national-number>"),
        ("IBAN BE68 5390 0754 7034 for the fee", "IBAN <iban> for the fee"),
        ("be68539007547034", "<iban>"),
        ("course in 1070 Anderlecht for 18-25 year olds in 2024", "course in 1070 Anderlecht for 18-25 year olds in 2024"),
    ],
)
def test_redaction(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_records_are_kept_redacted_and_purged_after_retention(tmp_path: Path) -> None:
    store = GapStore(tmp_path / "gaps.sqlite", retention_days=30)
    assert store.record("unsure", "old question, mail a@b.org", "en", 0.2, "x#0:en", now=NOW - dt.timedelta(days=40))
    assert store.record("unsure", "new question", "fr", 0.3, None, now=NOW)
    assert [g.question for g in store.gaps(now=NOW)] == ["new question"]
    assert store.gaps(since_days=1, now=NOW)[0].lang == "fr"


def test_feedback_counts_per_passage(tmp_path: Path) -> None:
    store = GapStore(tmp_path / "gaps.sqlite")
    for up in (True, True, False):
        store.feedback("a#0:en", up, now=NOW)
    store.feedback("b#card:fr", False, now=NOW)
    assert store.feedback_counts(now=NOW) == [("b#card:fr", 0, 1), ("a#0:en", 2, 1)]  # ties: fewer 👍 first


def test_disabled_store_writes_nothing(tmp_path: Path) -> None:
    store = GapStore(tmp_path / "gaps.sqlite", enabled=False)
    assert not store.record("unsure", "q", "en", 0.1, None)
    assert not (tmp_path / "gaps.sqlite").exists()


def test_schema_version_and_wal(tmp_path: Path) -> None:
    store = GapStore(tmp_path / "gaps.sqlite")
    store.record("unsure", "q", "en", 0.1, None)
    with sqlite3.connect(tmp_path / "gaps.sqlite") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version_gaps").fetchone()[0] == "g0003"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == LEGACY_USER_VERSION  # an older version run again still works
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_concurrent_writers_and_a_reader_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "gaps.sqlite"
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        store = GapStore(path)  # one store per thread, as separate processes would have
        for n in range(50):
            if not store.record("unsure", f"q{worker}-{n}", "en", 0.1, None):
                errors.append(RuntimeError("not recorded"))

    def read() -> None:
        reader = GapStore(path)
        for _ in range(20):
            try:
                reader.gaps()
            except sqlite3.Error as error:  # pragma: no cover - would be the failure
                errors.append(error)

    GapStore(path).gaps()  # create the schema first
    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)] + [threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(GapStore(path).gaps()) == 200


def test_a_locked_or_damaged_database_degrades_to_not_recorded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "gaps.sqlite"
    path.write_bytes(b"this is not a database" * 200)
    store = GapStore(path)
    assert store.record("unsure", "secret question", "en", 0.1, None) is False
    assert "gap not recorded: DatabaseError" in caplog.text and "secret question" not in caplog.text

    locked = GapStore(tmp_path / "locked.sqlite")
    locked.record("unsure", "first", "en", 0.1, None)
    holder = sqlite3.connect(tmp_path / "locked.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        locked_store = GapStore(tmp_path / "locked.sqlite")
        assert locked_store.record("unsure", "second", "en", 0.1, None) is False
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_groups_by_meaning_biggest_first(tmp_path: Path) -> None:
    store = GapStore(tmp_path / "gaps.sqlite")
    for text, lang in [
        ("weather tomorrow brussels", "en"),
        ("weather tomorrow brussels please", "en"),
        ("weather tomorrow brussels today", "en"),
        ("cheap flights barcelona", "en"),
        ("cheap flights barcelona july", "fr"),
        ("recipe waffles", "nl"),
    ]:
        store.record("unsure", text, lang, 0.2, "x#0:en", now=NOW)
    store.record("thumbs_down", None, None, None, "y#card:en", now=NOW)
    groups = group_gaps(store.gaps(now=NOW), FakeEmbedder(), similar=0.5)
    assert [g.count for g in groups] == [3, 2, 1, 1]
    assert groups[0].examples[0].startswith("weather") and groups[1].languages == {"en": 1, "fr": 1}
    assert groups[0].fallback == "x#0:en"
    report = format_groups(groups, [("x#0:en", 1, 4)])
    assert report.startswith("7 recorded questions in 4 groups") and "x#0:en: 1 / 4" in report
    write_csv(groups, tmp_path / "gaps.csv")
    lines = (tmp_path / "gaps.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "group,count,languages,kinds,fallback_passage,examples" and len(lines) == 5


def test_retention_applies_even_with_recording_off(tmp_path: Path) -> None:
    path = tmp_path / "gaps.sqlite"
    GapStore(path).record("unsure", "kept too long?", "en", 0.1, None, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=45))
    off = GapStore(path, retention_days=30, enabled=False)
    off.purge()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM gaps").fetchone()[0] == 0
