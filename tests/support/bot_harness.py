"""A running bot for end-to-end tests: the stand-in Bot API, the real PTB application, its state."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.engine import Engine
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.context import BotState
from index.store import build_index, open_index
from tests.support.fake_bot_api import FakeBotApi, SentCall
from tests.support.helpers import LEXICAL_ONLY, FakeEmbedder

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
ADMIN = 4242


class Harness:
    """The stand-in server, the running application and its shared state."""

    def __init__(self, api: FakeBotApi, knowledge: Path, work: Path) -> None:
        self.api, self.knowledge, self.index = api, knowledge, work / "index"
        self.embedder = FakeEmbedder()
        build_index(knowledge, self.index, self.embedder)
        LEXICAL_ONLY.save(work / "confidence.json")  # what /reload reads back
        self.settings = Settings(
            confidence_file=work / "confidence.json",
            telegram_token=TOKEN,
            telegram_api_url=api.base_url,
            index_dir=self.index,
            knowledge_dir=knowledge,
            admin_ids=[ADMIN],
            data_dir=work / "data",
            index_watch_seconds=0.2,
        )
        self.application = None
        self.state: BotState

    async def start(self) -> None:
        engine = Engine(open_index(self.index, self.embedder), self.embedder, confidence=LEXICAL_ONLY)  # built in __init__
        self.state = BotState(self.settings, self.embedder, engine)
        self.application = build_application(self.state)
        await self.application.initialize()
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0, timeout=1)

    async def stop(self) -> None:
        if self.application is not None:
            await self.application.updater.stop()
            await self.application.stop()
            await self.application.shutdown()
            self.application = None

    async def restart(self) -> None:
        """As if the process were restarted: everything in memory is gone."""
        await self.stop()
        await self.start()

    async def replies(self, chat_id: int, count: int, timeout: float = 30.0) -> list[SentCall]:
        return await self.api.wait_for_sent_async(chat_id, count, timeout=timeout)

    def texts(self, chat_id: int) -> list[str]:
        return [call.text or "" for call in self.api.sent(chat_id, methods=("sendMessage",))]

    async def quiet(self, chat_id: int, seconds: float = 0.5) -> list[SentCall]:
        await asyncio.sleep(seconds)
        return self.api.sent(chat_id, methods=("sendMessage", "sendVenue", "sendLocation"))
