"""`telecentre console`: the staff console alone, without Telegram, for staff on their own machine.

It loads the engine once, serves the console with uvicorn, and picks up a newly built index in
the background (every TELECENTRE_INDEX_WATCH_SECONDS), as `telecentre serve` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette

from bot import metrics
from bot.engine import Engine
from bot.gaps import GapStore
from bot.index_watch import watch_index
from bot.settings import Settings
from bot.staff.app import build_console_app, make_server
from index.embedder import Embedder


class EngineHolder:
    """The engine being served; replaced whole when a newer index is loaded."""

    def __init__(self, engine: Engine, settings: Settings, embedder: Embedder) -> None:
        self.engine = engine
        self.settings = settings
        self.embedder = embedder

    def __call__(self) -> Engine:
        return self.engine

    async def reload(self) -> Engine:
        """Load the newest built index off the event loop and swap it in (raises, keeping the old, on failure)."""
        self.engine = await asyncio.to_thread(Engine.from_settings, self.settings, self.embedder)
        metrics.set_index(self.engine.index.manifest)
        return self.engine


def console_app(settings: Settings, embedder: Embedder) -> tuple[Starlette, EngineHolder]:
    """The console app for `settings`, with an index watcher running while the app runs."""
    holder = EngineHolder(Engine.from_settings(settings, embedder), settings, embedder)
    metrics.set_index(holder.engine.index.manifest)
    gaps = GapStore(settings.gaps_path, settings.retention_days, settings.record_gaps)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        watcher = asyncio.create_task(watch_index(holder)) if settings.index_watch_seconds else None
        try:
            yield
        finally:
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    return build_console_app(holder, gaps, settings, lifespan=lifespan), holder


class _Stopped(Exception):
    """SIGTERM after uvicorn's graceful shutdown: a normal end, not a crash."""


def _stopped(signum: int, frame: object) -> None:
    raise _Stopped


def run_console(settings: Settings, embedder_factory: Callable[[], Embedder], announce: Callable[[str], None] = print) -> None:
    """Serve the console until Ctrl-C or SIGTERM.

    uvicorn shuts down gracefully on either signal, then raises it again for the previous
    handler; ours turns SIGTERM into a normal return (exit status 0, as for a systemd stop)."""
    app, _ = console_app(settings, embedder_factory())
    server = make_server(app, settings)
    announce(f"Staff console on http://{settings.console_listen}:{settings.console_port}/ (Ctrl-C stops it)")
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        asyncio.run(server.serve())
    except _Stopped:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
