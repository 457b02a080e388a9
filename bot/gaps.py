"""Where the knowledge falls short: unsure answers and 👎, recorded without personal data.

The gaps database (`gaps.sqlite` under TELECENTRE_DATA_DIR, or the shared PostgreSQL one) keeps, for each question the bot was not
sure about or a learner disliked, the question with e-mail addresses, phone numbers, Belgian
national register numbers and IBANs replaced by placeholders, its language, the best score and
passage, and the time. No Telegram user id, chat id or name is ever written. Rows older than the
retention period are deleted. A database that is down, locked or damaged never stops an answer:
the record is skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from bot import metrics, tables
from bot.database import DATABASE_ERRORS, GAPS, Database, StorageError, upsert

# Ordered: IBANs and national numbers before phone numbers, which would match their digits.
_REDACTIONS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?\d{1,3})?\b", re.IGNORECASE), "<iban>"),
    (re.compile(r"\b\d{2}[. ]?\d{2}[. ]?\d{2}[- ]?\d{3}[. ]?\d{2}\b"), "<national-number>"),
    (re.compile(r"(?:\+|\b00)\d[\d ./()-]{6,}\d\b|\b0\d[\d ./-]{6,}\d\b"), "<phone>"),
]

LEGACY_USER_VERSION = 1
"""PRAGMA user_version of gaps files written before Alembic; `bot.database` adopts them in place."""


def redact(text: str) -> str:
    """`text` with e-mails, IBANs, national register numbers and phone numbers replaced."""
    for pattern, placeholder in _REDACTIONS:
        text = pattern.sub(placeholder, text)
    return text


@dataclass(frozen=True)
class Gap:
    asked_at: str
    kind: str
    question: str | None
    lang: str | None
    score: float | None
    passage: str | None


class GapStore:
    """The gaps tables: short transactions, retention enforced by DELETEs in SQL.

    `where` is a SQLite file (as before) or a shared `Database` (PostgreSQL)."""

    def __init__(self, where: Path | Database, retention_days: int = 30, enabled: bool = True) -> None:
        self.db = where if isinstance(where, Database) else Database.sqlite(where)
        self.retention = dt.timedelta(days=retention_days)
        self.enabled = enabled
        self._purged_at: dt.datetime | None = None

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None on PostgreSQL."""
        return self.db.sqlite_path

    @property
    def exists(self) -> bool:
        """False only for a SQLite file never created (nothing recorded yet)."""
        path = self.db.sqlite_path
        return path is None or path.exists()

    def _purge_if_due(self, connection: Connection, now: dt.datetime) -> None:
        if self._purged_at is None or now - self._purged_at > dt.timedelta(hours=1):
            cutoff = now - self.retention
            connection.execute(delete(tables.gaps).where(tables.gaps.c.asked_at < _seconds(cutoff)))
            connection.execute(delete(tables.feedback).where(tables.feedback.c.day < cutoff.date().isoformat()))
            connection.execute(delete(tables.answer_counts).where(tables.answer_counts.c.day < cutoff.date().isoformat()))
            self._purged_at = now

    def purge(self, now: dt.datetime | None = None) -> None:
        """Delete what is older than the retention period, whether or not recording is on.

        Called at start: when recording is on it also creates or migrates the tables then, so
        the first answer does not wait for a migration."""
        if self.exists or self.enabled:
            self._purged_at = None
            self.db.run(GAPS, lambda c: self._purge_if_due(c, now or _utcnow()), None, "old gaps not purged")

    def _write(self, statement: Any, now: dt.datetime) -> bool:
        if not self.enabled:
            return False

        def work(connection: Connection) -> bool:
            self._purge_if_due(connection, now)
            connection.execute(statement(connection))
            return True

        return self.db.run(GAPS, work, False, "gap not recorded")

    def record(
        self, kind: str, question: str | None, lang: str | None, score: float | None, passage: str | None, now: dt.datetime | None = None
    ) -> bool:
        """Keep one unsure answer or 👎 (the question redacted); False when it could not be kept."""
        now = now or _utcnow()
        values = {
            "asked_at": _seconds(now),
            "kind": kind,
            "question": redact(question)[:1000] if question else None,
            "lang": lang,
            "score": score,
            "passage": passage,
        }
        kept = self._write(lambda _connection: insert(tables.gaps).values(**values), now)
        if kept:
            metrics.gap_recorded(kind)
        return kept

    def count_answer(self, outcome: str, lang: str, now: dt.datetime | None = None) -> bool:
        """Add one to today's count of answers with this outcome and language (counts only, no text),
        so the staff console can show answers and refusals over the last days."""
        now = now or _utcnow()
        table = tables.answer_counts

        def statement(connection: Connection) -> Any:
            row = upsert(connection, table).values(day=now.date().isoformat(), lang=lang, outcome=outcome, count=1)
            return row.on_conflict_do_update(index_elements=["day", "lang", "outcome"], set_={"count": table.c["count"] + 1})

        return self._write(statement, now)

    def answer_counts(self, days: int = 14, now: dt.datetime | None = None) -> list[tuple[str, str, str, int]]:
        """(day, lang, outcome, count) for the last `days` days (within the retention), newest day first."""
        since = self._since(days, now).date().isoformat()
        table = tables.answer_counts
        query = (
            select(table.c.day, table.c.lang, table.c.outcome, table.c["count"])
            .where(table.c.day >= since)
            .order_by(table.c.day.desc(), table.c.lang, table.c.outcome)
        )
        try:
            rows = self._read(lambda c: c.execute(query).all())
        except StorageError:
            return []
        return [(day, lang, outcome, int(count)) for day, lang, outcome, count in rows]

    def check_writable(self) -> str | None:
        """None when a record could be written now; otherwise a one-line reason (for /healthz).

        Opens a write transaction and rolls it back, so nothing is written."""

        def probe(connection: Connection) -> None:
            connection.execute(delete(tables.answer_counts).where(tables.answer_counts.c.day == "probe"))
            raise _RolledBack

        try:
            self.db.transaction(GAPS, probe)
        except _RolledBack:
            return None
        except DATABASE_ERRORS as error:
            return f"data store not writable ({type(error).__name__})"
        return None

    def feedback(self, passage: str, up: bool, now: dt.datetime | None = None) -> bool:
        """Count a 👍 or 👎 for a passage (counts only, per day), atomically on both engines."""
        now = now or _utcnow()
        column = "up" if up else "down"

        def statement(connection: Connection) -> Any:
            row = upsert(connection, tables.feedback).values(day=now.date().isoformat(), passage=passage, up=int(up), down=int(not up))
            return row.on_conflict_do_update(index_elements=["day", "passage"], set_={column: tables.feedback.c[column] + 1})

        return self._write(statement, now)

    def _read(self, work: Any) -> Any:
        try:
            return self.db.transaction(GAPS, work, read_only=True)
        except DATABASE_ERRORS as error:
            raise StorageError(type(error).__name__) from None

    def _since(self, since_days: int | None, now: dt.datetime | None) -> dt.datetime:
        """The window's start, never older than the retention period."""
        window = min(dt.timedelta(days=since_days), self.retention) if since_days else self.retention
        return (now or _utcnow()) - window

    def gaps(self, since_days: int | None = None, now: dt.datetime | None = None) -> list[Gap]:
        """Recorded gaps, oldest first, optionally only those of the last `since_days` days.

        Raises StorageError (for `telecentre gaps` to report) when the database cannot be read."""
        since = _seconds(self._since(since_days, now))
        table = tables.gaps
        query = (
            select(table.c.asked_at, table.c.kind, table.c.question, table.c.lang, table.c.score, table.c.passage)
            .where(table.c.asked_at >= since)
            .order_by(table.c.asked_at, table.c.id)
        )
        return [Gap(*row) for row in self._read(lambda c: c.execute(query).all())]

    def feedback_counts(self, since_days: int | None = None, now: dt.datetime | None = None) -> list[tuple[str, int, int]]:
        """(passage, 👍, 👎) per passage, most 👎 first."""
        since = self._since(since_days, now).date().isoformat()
        table = tables.feedback
        up, down = func.sum(table.c.up), func.sum(table.c.down)
        query = (
            select(table.c.passage, up, down)
            .where(table.c.day >= since)
            .group_by(table.c.passage)
            .order_by(down.desc(), up, table.c.passage)
        )
        return [(passage, int(ups), int(downs)) for passage, ups, downs in self._read(lambda c: c.execute(query).all())]


class _RolledBack(Exception):
    """Raised inside a probe transaction so that it rolls back."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _seconds(moment: dt.datetime) -> str:
    """The stored form of a time: UTC ISO 8601 to the second, as earlier versions wrote it."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
