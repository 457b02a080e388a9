"""Where the knowledge falls short: unsure answers and 👎, recorded without personal data.

An embedded SQLite database under TELECENTRE_DATA_DIR keeps, for each question the bot was not
sure about or a learner disliked, the question with e-mail addresses, phone numbers, Belgian
national register numbers and IBANs replaced by placeholders, its language, the best score and
passage, and the time. No Telegram user id, chat id or name is ever written. Rows older than the
retention period are deleted. A database that is locked or damaged never stops an answer: the
record is skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot import metrics
from bot.sqlite_files import connect

log = logging.getLogger(__name__)

# Ordered: IBANs and national numbers before phone numbers, which would match their digits.
_REDACTIONS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?\d{1,3})?\b", re.IGNORECASE), "<iban>"),
    (re.compile(r"\b\d{2}[. ]?\d{2}[. ]?\d{2}[- ]?\d{3}[. ]?\d{2}\b"), "<national-number>"),
    (re.compile(r"(?:\+|\b00)\d[\d ./()-]{6,}\d\b|\b0\d[\d ./-]{6,}\d\b"), "<phone>"),
]

MIGRATIONS = [
    """
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
    """,
    """
    CREATE TABLE answer_counts (
        day TEXT NOT NULL,
        lang TEXT NOT NULL,
        outcome TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, lang, outcome)
    );
    """,
]
"""Each entry upgrades the database by one version (PRAGMA user_version); never edit one, append."""


def redact(text: str) -> str:
    """`text` with e-mails, IBANs, national register numbers and phone numbers replaced."""
    for pattern, placeholder in _REDACTIONS:
        text = pattern.sub(placeholder, text)
    return text


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema to the newest version, once, even with several processes starting."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in (part.strip() for part in script.split(";")):
                if statement:
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class Gap:
    asked_at: str
    kind: str
    question: str | None
    lang: str | None
    score: float | None
    passage: str | None


class GapStore:
    """The gaps database: short transactions in WAL mode, safe beside a reader in another process."""

    def __init__(self, path: Path, retention_days: int = 30, enabled: bool = True) -> None:
        self.path = path
        self.retention = dt.timedelta(days=retention_days)
        self.enabled = enabled
        self._lock = threading.Lock()
        self._purged_at: dt.datetime | None = None

    def _connect(self) -> sqlite3.Connection:
        """A connection with the newest schema, and nothing older than the retention period left."""
        return connect(self.path, self._setup)

    def _setup(self, connection: sqlite3.Connection) -> None:
        if connection.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
            _migrate(connection)
        now = dt.datetime.now(dt.timezone.utc)
        if self._purged_at is None or now - self._purged_at > dt.timedelta(hours=1):
            self._purge(connection, now)
            self._purged_at = now

    def purge(self) -> None:
        """Delete what is older than the retention period, whether or not recording is on."""
        if self.path.exists():
            self._purged_at = None
            try:
                with closing(self._connect()):
                    pass
            except (sqlite3.Error, OSError) as error:
                log.warning("old gaps not purged: %s", type(error).__name__)

    def _write(self, sql: str, values: tuple) -> bool:
        if not self.enabled:
            return False
        try:
            with self._lock, closing(self._connect()) as connection:
                connection.execute(sql, values)
            return True
        except (sqlite3.Error, OSError) as error:
            log.warning("gap not recorded: %s", type(error).__name__)
            return False

    def record(self, kind: str, question: str | None, lang: str | None, score: float | None, passage: str | None, now: dt.datetime | None = None) -> bool:
        """Keep one unsure answer or 👎 (the question redacted); False when it could not be kept."""
        now = now or dt.datetime.now(dt.timezone.utc)
        text = redact(question)[:1000] if question else None
        sql = "INSERT INTO gaps (asked_at, kind, question, lang, score, passage) VALUES (?, ?, ?, ?, ?, ?)"
        kept = self._write(sql, (now.isoformat(timespec="seconds"), kind, text, lang, score, passage))
        if kept:
            metrics.gap_recorded(kind)
        return kept

    def count_answer(self, outcome: str, lang: str, now: dt.datetime | None = None) -> bool:
        """Add one to today's count of answers with this outcome and language (counts only, no text),
        so the staff console can show answers and refusals over the last days."""
        now = now or dt.datetime.now(dt.timezone.utc)
        sql = (
            "INSERT INTO answer_counts (day, lang, outcome, count) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (day, lang, outcome) DO UPDATE SET count = count + 1"
        )
        return self._write(sql, (now.date().isoformat(), lang, outcome))

    def answer_counts(self, days: int = 14, now: dt.datetime | None = None) -> list[tuple[str, str, str, int]]:
        """(day, lang, outcome, count) for the last `days` days (within the retention), newest day first."""
        now = now or dt.datetime.now(dt.timezone.utc)
        since = (now - min(dt.timedelta(days=days), self.retention)).date().isoformat()
        with closing(self._connect()) as connection:
            return connection.execute(
                "SELECT day, lang, outcome, count FROM answer_counts WHERE day >= ? ORDER BY day DESC, lang, outcome", (since,)
            ).fetchall()

    def check_writable(self) -> str | None:
        """None when a record could be written now; otherwise a one-line reason (for /healthz).

        Takes the write lock and lets it go again, so nothing is written."""
        try:
            with closing(self._connect()) as connection:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
        except (sqlite3.Error, OSError) as error:
            return f"data store {self.path.name} not writable ({type(error).__name__})"
        return None

    def feedback(self, passage: str, up: bool, now: dt.datetime | None = None) -> bool:
        """Count a 👍 or 👎 for a passage (counts only, per day)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        column = "up" if up else "down"
        sql = f"INSERT INTO feedback (day, passage, {column}) VALUES (?, ?, 1) ON CONFLICT (day, passage) DO UPDATE SET {column} = {column} + 1"
        return self._write(sql, (now.date().isoformat(), passage))

    def _purge(self, connection: sqlite3.Connection, now: dt.datetime) -> None:
        cutoff = now - self.retention
        connection.execute("DELETE FROM gaps WHERE asked_at < ?", (cutoff.isoformat(timespec="seconds"),))
        connection.execute("DELETE FROM feedback WHERE day < ?", (cutoff.date().isoformat(),))
        connection.execute("DELETE FROM answer_counts WHERE day < ?", (cutoff.date().isoformat(),))

    def gaps(self, since_days: int | None = None, now: dt.datetime | None = None) -> list[Gap]:
        """Recorded gaps, oldest first, optionally only those of the last `since_days` days."""
        now = now or dt.datetime.now(dt.timezone.utc)
        window = min(dt.timedelta(days=since_days), self.retention) if since_days else self.retention
        since = (now - window).isoformat(timespec="seconds")  # never older than the retention period
        with closing(self._connect()) as connection:
            rows = connection.execute(
                "SELECT asked_at, kind, question, lang, score, passage FROM gaps WHERE asked_at >= ? ORDER BY asked_at", (since,)
            ).fetchall()
        return [Gap(*row) for row in rows]

    def feedback_counts(self, since_days: int | None = None, now: dt.datetime | None = None) -> list[tuple[str, int, int]]:
        """(passage, 👍, 👎) per passage, most 👎 first."""
        now = now or dt.datetime.now(dt.timezone.utc)
        window = min(dt.timedelta(days=since_days), self.retention) if since_days else self.retention
        since = (now - window).date().isoformat()
        with closing(self._connect()) as connection:
            return connection.execute(
                "SELECT passage, SUM(up), SUM(down) FROM feedback WHERE day >= ? GROUP BY passage ORDER BY SUM(down) DESC, SUM(up)",
                (since,),
            ).fetchall()
