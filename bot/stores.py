"""Every store the bot uses, opened from the settings on one data layer (see bot.database)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversations import ChatKeys, ConversationStore, LanguageStore, LastAnswerStore
from bot.counters import StatsStore, UpdateLog
from bot.database import GAPS, STATE, Database, databases
from bot.gaps import GapStore
from bot.locks import SessionLocks
from bot.settings import Settings


@dataclass
class Stores:
    """What the Telegram layer needs; its blocking methods are cheap, call them with asyncio.to_thread."""

    gaps: GapStore
    conversations: ConversationStore
    languages: LanguageStore
    last_answers: LastAnswerStore
    stats: StatsStore
    updates: UpdateLog
    databases: tuple[Database, ...]

    def prepare(self) -> bool:
        """Migrate every tree now (call once at start); False, with a warning, if the database is
        unreachable: the stores then keep trying on each call and migrate on the first success."""
        trees = [(self.gaps.db, GAPS), (self.stats.db, STATE)]
        return all([db.run(tree, lambda _connection: True, False, "database unavailable at start") for db, tree in trees])

    def purge_expired(self) -> None:
        """Delete the expired eligibility checks, language choices and last answers of every chat."""
        for store in (self.conversations, self.languages, self.last_answers):
            store.purge()

    def claim_rating(self, chat_id: int, message_id: int) -> bool:
        """True the first time an answer (a message of a chat) is rated 👍/👎, on any replica; the
        chat is kept only as its salted key, for a day."""
        return self.updates.claim(f"rating:{self.conversations.keys.key(chat_id)}:{message_id}")

    def close(self) -> None:
        """Close pooled connections (at shutdown, or before restoring a backup)."""
        for db in self.databases:
            db.dispose()
        if self.updates.locks is not None:
            self.updates.locks.close()


def open_stores(settings: Settings) -> Stores:
    """SQLite files under TELECENTRE_DATA_DIR, or the PostgreSQL database of TELECENTRE_DATABASE_URL."""
    url = settings.database_url.get_secret_value() if settings.database_url else None
    by_tree = databases(url, settings.data_dir)
    state = by_tree[STATE.name]
    keys = ChatKeys(state)  # one salt for every per-chat row
    return Stores(
        gaps=GapStore(by_tree[GAPS.name], settings.retention_days, settings.record_gaps),
        conversations=ConversationStore(state, keys=keys),
        languages=LanguageStore(state, settings.retention_days, keys=keys),
        last_answers=LastAnswerStore(state, keys=keys),
        stats=StatsStore(state),
        updates=UpdateLog(state, SessionLocks(url) if url else None),
        databases=tuple({id(db): db for db in by_tree.values()}.values()),
    )
