"""What every handler shares: the bot's state, the typed per-chat data, and the learner's language.

Chat data is typed (PTB's `ContextTypes(chat_data=ChatData)`, as in its contexttypesbot example),
so a handler reads `context.chat_data.lang` rather than guessing dictionary keys. It lives in
memory only and is lost on restart, on purpose: it holds a learner's last questions.
"""

from __future__ import annotations

import asyncio
from dataclasses import InitVar, dataclass, field
from typing import Any, NamedTuple

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot import metrics
from bot.answer import Answer
from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.gaps import GapStore
from bot.settings import Settings
from bot.stores import Stores, open_stores
from index.embedder import Embedder
from index.schema import Lang, is_lang

REMEMBERED_QUESTIONS = 20
"""How many recent answers per chat a 👎 can still refer to."""


class AskedQuestion(NamedTuple):
    """A question this chat asked, kept so that a later 👎 on its answer can say what it was about."""

    text: str
    lang: Lang
    score: float


@dataclass
class ChatData:
    """Per-chat memory of this process: the chosen language (from the store) and recent questions
    (for a 👎 on their answers). What the chat was last answered about is in the shared store
    (`Stores.last_answers`), as the next message may reach another replica."""

    lang: Lang | None = None
    """The language chosen with /language, read from the shared store at the start of each update."""
    asked: dict[int, AskedQuestion] = field(default_factory=dict)
    """Message id of the answer's buttons → the question, oldest first, at most REMEMBERED_QUESTIONS."""

    def remember(self, message_id: int, question: str, answer: Answer) -> None:
        self.asked[message_id] = AskedQuestion(question, answer.lang, answer.score)
        while len(self.asked) > REMEMBERED_QUESTIONS:
            self.asked.pop(next(iter(self.asked)))


@dataclass
class BotState:
    """What the handlers share: settings, the current engine, and the stores (SQLite files, or the
    PostgreSQL database that replicas share: gaps, checks, language choices, last answers, counters,
    claims)."""

    settings: Settings
    embedder: Embedder
    engine: Engine
    given_stores: InitVar[Stores | None] = None
    """Stores opened elsewhere (tests); by default they are opened from the settings."""
    stores: Stores = field(init=False)
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self, given_stores: Stores | None) -> None:
        self.stores = given_stores or open_stores(self.settings)
        self.stores.prepare()
        self.stores.gaps.purge()
        self.stores.purge_expired()

    @property
    def gap_store(self) -> GapStore:
        return self.stores.gaps

    @property
    def conversation_store(self) -> ConversationStore:
        return self.stores.conversations

    async def count(self, *names: str) -> None:
        """Add one to each anonymous counter (shared by replicas; skipped with a warning when the store is down)."""
        for name in names:
            await asyncio.to_thread(self.stores.stats.increment, name)

    async def reload(self) -> Engine:
        """Load the newest built index off the event loop and swap it in with one assignment.

        Answers already running keep the engine they started with; a failed load raises and
        leaves the current engine serving."""
        async with self.reload_lock:
            engine = await asyncio.to_thread(Engine.from_settings, self.settings, self.embedder)
            self.engine = engine
            metrics.set_index(engine.index.manifest)
            await self.count("reloads")
            return engine


Context = CallbackContext[ExtBot[None], dict[Any, Any], ChatData, dict[str, Any]]
"""The context every handler receives: `context.chat_data` is a `ChatData`."""

CONTEXT_TYPES = ContextTypes(context=CallbackContext, chat_data=ChatData)

BotApplication = Application[Any, Any, Any, ChatData, dict[str, Any], Any]
"""The application as built in app.py (its bot and job-queue types follow from the builder's options)."""


def bot_state(context: Context) -> BotState:
    state: BotState = context.bot_data["state"]
    return state


def chat_data(context: Context) -> ChatData:
    """This update's chat data (updates without a chat get a throwaway one)."""
    return context.chat_data if context.chat_data is not None else ChatData()


def language_hint(update: Update) -> str | None:
    """Telegram's language_code of the sender (e.g. "fr-BE"), a hint for language detection."""
    return update.effective_user.language_code if update.effective_user else None


def learner_language(update: Update, context: Context) -> Lang:
    """The learner's chosen language, else Telegram's language_code, else English."""
    chosen = chat_data(context).lang
    if chosen is not None:
        return chosen
    code = (language_hint(update) or "").split("-")[0].lower()
    return code if is_lang(code) else "en"
