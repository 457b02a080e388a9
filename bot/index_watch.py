"""Serve the newest built index without a restart: watch CURRENT, load a new version off the event
loop, and keep the old one serving when the new one cannot be loaded. Used by `telecentre serve`
(the bot's state) and `telecentre console` alike."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.engine import Engine
from bot.settings import Settings
from index.store import POINTER

log = logging.getLogger(__name__)

FAILED_BACKOFF = 5
"""After a version fails to load, wait this many periods before trying again."""


class Served(Protocol):
    """Whatever holds the engine being served and can load the newest index in its place."""

    settings: Settings

    @property
    def engine(self) -> Engine: ...

    async def reload(self) -> Engine: ...


async def reload_if_newer(served: Served) -> bool | None:
    """Load the version CURRENT names when it is not the one served: True when it was loaded,
    False when there is nothing new, None when it failed (the old index keeps serving)."""
    try:
        version = (served.settings.index_dir / POINTER).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # missing, unreadable or not text: keep serving
        return False
    if not version or version == served.engine.index.version:
        return False
    try:
        engine = await served.reload()
    except Exception as error:  # the old index keeps serving
        log.warning("new index %s not loaded (%s): still serving %s", version, type(error).__name__, served.engine.index.version)
        return None
    log.warning("now serving index %s", engine.index.version)
    return True


async def watch_index(served: Served) -> None:
    """Reload whenever `telecentre build` points CURRENT at a new version (every few seconds)."""
    seconds = served.settings.index_watch_seconds
    while True:
        await asyncio.sleep(seconds)
        if await reload_if_newer(served) is None:
            await asyncio.sleep(seconds * FAILED_BACKOFF)
