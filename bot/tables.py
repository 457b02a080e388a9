"""The tables the stores query (SQLAlchemy Core). The migrations in `bot/migrations/` create them;
change both together. Times are ISO 8601 text in UTC, which sorts in time order on both engines
and is what earlier versions wrote."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Integer, MetaData, Table, Text

metadata = MetaData()

gaps = Table(
    "gaps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asked_at", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("question", Text),
    Column("lang", Text),
    Column("score", Float),
    Column("passage", Text),
)

feedback = Table(
    "feedback",
    metadata,
    Column("day", Text, primary_key=True),
    Column("passage", Text, primary_key=True),
    Column("up", Integer, nullable=False, default=0),
    Column("down", Integer, nullable=False, default=0),
)

answer_counts = Table(
    "answer_counts",
    metadata,
    Column("day", Text, primary_key=True),
    Column("lang", Text, primary_key=True),
    Column("outcome", Text, primary_key=True),
    Column("count", Integer, nullable=False, default=0),
)

conversations = Table(
    "conversations",
    metadata,
    Column("chat", Text, primary_key=True),
    Column("state", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
)

chat_languages = Table(
    "chat_languages",
    metadata,
    Column("chat", Text, primary_key=True),
    Column("lang", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
)

last_answers = Table(
    "last_answers",
    metadata,
    Column("chat", Text, primary_key=True),
    Column("target", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
)

stats = Table(
    "stats",
    metadata,
    Column("name", Text, primary_key=True),
    Column("count", BigInteger, nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("key", Text, primary_key=True),
    Column("claimed_at", Text, nullable=False),
)

handled_updates = Table(
    "handled_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True, autoincrement=False),
    Column("claimed_at", Text, nullable=False),
)

secrets = Table(
    "secrets",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
