"""The Telegram application: start-up checks, handler wiring, and `run` (polling or webhook).

This module only wires: each feature lives in its own module of this package (as in the
python-telegram-bot maintainers' rules-bot). Nothing here logs message text, names or the token.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot import metrics
from bot.engine import Engine
from bot.index_watch import watch_index
from bot.locks import AlreadyPolling, PollingLock
from bot.settings import Settings
from bot.telegram import admin, callbacks, commands, eligibility, messages, web
from bot.telegram.buttons import Action, pattern
from bot.telegram.context import CONTEXT_TYPES, BotApplication, BotState
from bot.telegram.limiter import CountingRateLimiter
from index.embedder import Embedder

log = logging.getLogger(__name__)

BUTTON_HANDLERS = {
    Action.PATH: callbacks.on_path,
    Action.LANGUAGE: callbacks.on_language,
    Action.FEEDBACK: callbacks.on_feedback,
    Action.SHOW: callbacks.on_show,
    Action.OPTIONS: callbacks.on_options,
    Action.CONTACT: callbacks.on_contact,
    Action.JOIN: eligibility.on_join,
    Action.CHECK: eligibility.on_check_button,
}
"""Where each button action is handled: one handler per action."""

UNSUPPORTED = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.Document.ALL
    | filters.ANIMATION
    | filters.CONTACT
)


AFTER_EVERYTHING = 1000
"""The handler group that runs after every other one (PTB runs groups in ascending order)."""


class ServeError(Exception):
    """The bot cannot start; the message says why in one line, without secrets."""


async def _start_watching(application: BotApplication) -> None:
    state: BotState = application.bot_data["state"]
    if state.settings.index_watch_seconds > 0:
        application.bot_data["watcher"] = asyncio.create_task(watch_index(state))


async def _stop_watching(application: BotApplication) -> None:
    watcher = application.bot_data.pop("watcher", None)
    if watcher is not None:
        watcher.cancel()


def file_url(api_url: str) -> str:
    """Telegram's file URL beside its API URL: …/bot → …/file/bot."""
    return re.sub(r"/bot$", "/file/bot", api_url.rstrip("/"))


def build_application(state: BotState) -> BotApplication:
    """The PTB application with every handler, a flood-safe rate limiter and concurrent updates."""
    settings = state.settings
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    application: BotApplication = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .base_file_url(file_url(settings.telegram_api_url))
        .context_types(CONTEXT_TYPES)
        .rate_limiter(CountingRateLimiter(settings.replicas))
        .concurrent_updates(True)
        .build()
    )
    application.bot_data["state"] = state
    application.add_handler(TypeHandler(Update, admin.before_every_update), group=-1)
    application.add_handler(CommandHandler("start", commands.start))
    application.add_handler(CommandHandler("help", commands.help_command))
    application.add_handler(CommandHandler("privacy", commands.privacy_command))
    application.add_handler(CommandHandler(["centres", "centers"], commands.centres_command))
    application.add_handler(CommandHandler("language", commands.language_command))
    application.add_handler(CommandHandler("eligibility", eligibility.eligibility_command))
    application.add_handler(CommandHandler("reload", admin.reload_command))
    application.add_handler(CommandHandler("stats", admin.stats_command))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGES & filters.TEXT & ~filters.COMMAND, messages.on_text))
    # Only new messages: a shared live location sends an edit every few seconds for hours.
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.LOCATION, messages.on_location))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & UNSUPPORTED, messages.on_unsupported))
    for action, handler in BUTTON_HANDLERS.items():
        application.add_handler(CallbackQueryHandler(handler, pattern=pattern(action)))
    application.add_handler(CallbackQueryHandler(callbacks.on_unknown_button))
    application.add_handler(TypeHandler(Update, admin.after_every_update), group=AFTER_EVERYTHING)
    application.add_error_handler(admin.on_error)
    return application


async def check_telegram(settings: Settings) -> str:
    """Ask the Bot API who we are, retrying a few times; the bot's username, or a ServeError."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    bot = Bot(token, base_url=settings.telegram_api_url, base_file_url=file_url(settings.telegram_api_url))
    for attempt in range(settings.startup_retries + 1):
        try:
            async with bot:
                return bot.username
        except InvalidToken:
            raise ServeError("Telegram rejected the token: check TELECENTRE_TELEGRAM_TOKEN (from @BotFather)") from None
        except (NetworkError, RetryAfter) as error:
            if attempt == settings.startup_retries:
                host = urlparse(settings.telegram_api_url).netloc
                raise ServeError(
                    f"cannot reach the Bot API at {host} after {attempt + 1} attempts ({type(error).__name__}): "
                    "check the network or TELECENTRE_TELEGRAM_API_URL"
                ) from None
            await asyncio.sleep(min(2**attempt, 10))
        except TelegramError as error:
            raise ServeError(f"the Bot API refused to start the bot ({type(error).__name__}): check TELECENTRE_TELEGRAM_API_URL") from None
    raise AssertionError("unreachable")


def take_polling_lock(settings: Settings) -> PollingLock | None:
    """In polling mode, the lock that keeps a second process from polling with the same token
    (bot.locks); None in webhook mode, where replicas share the work."""
    if settings.webhook_url or settings.telegram_token is None:
        return None
    url = settings.database_url.get_secret_value() if settings.database_url else None
    try:
        return PollingLock.acquire(settings.telegram_token.get_secret_value(), url, settings.data_dir)
    except AlreadyPolling as error:
        raise ServeError(str(error)) from None
    except Exception as error:  # database unreachable, data folder unwritable: say which, never the URL
        where = "PostgreSQL (TELECENTRE_DATABASE_URL)" if url else f"{settings.data_dir} (TELECENTRE_DATA_DIR)"
        raise ServeError(f"cannot take the polling lock in {where} ({type(error).__name__}): check it is reachable and writable") from None


class RedactToken(logging.Filter):
    """Defence in depth: whatever a library logs, the token never reaches the log."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg, record.args = message.replace(self.token, "<token>"), None
        return True


def run(settings: Settings, load_embedder: Callable[[], Embedder]) -> None:
    """Serve the bot until SIGINT/SIGTERM: long polling, or a webhook when one is configured, with
    the web app (webhook route, staff console, /healthz, /metrics) on the same event loop.

    Settings are checked before `load_embedder` is called, so a missing token fails at once."""
    if settings.telegram_token is None:
        raise ServeError("TELECENTRE_TELEGRAM_TOKEN is not set: create a bot with @BotFather and put its token there (see README)")
    if settings.webhook_url and settings.webhook_secret is None:
        raise ServeError("TELECENTRE_WEBHOOK_URL is set but TELECENTRE_WEBHOOK_SECRET is not: set it to a long random string")
    polling_lock = take_polling_lock(settings)
    try:
        _run(settings, load_embedder)
    finally:
        if polling_lock is not None:
            polling_lock.release()


def _run(settings: Settings, load_embedder: Callable[[], Embedder]) -> None:
    assert settings.telegram_token is not None
    redact = RedactToken(settings.telegram_token.get_secret_value())
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    host, port = (
        (settings.webhook_listen, settings.webhook_port) if settings.webhook_url else (settings.console_listen, settings.console_port)
    )
    try:
        server_socket = web.bind(host, port)
    except OSError as error:
        variables = "TELECENTRE_WEBHOOK_LISTEN/_PORT" if settings.webhook_url else "TELECENTRE_CONSOLE_LISTEN/_PORT"
        raise ServeError(f"cannot listen on {host}:{port} ({error.strerror}): another program uses it, or change {variables}") from None
    embedder = load_embedder()
    engine = Engine.from_settings(settings, embedder)  # refuses a missing or mismatched index first
    metrics.set_index(engine.index.manifest)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    username = loop.run_until_complete(check_telegram(settings))
    state = BotState(settings, embedder, engine)
    application = build_application(state)
    webhook_path = urlparse(settings.webhook_url).path.lstrip("/") if settings.webhook_url else None

    async def started() -> None:
        if webhook_path is not None:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            await application.bot.set_webhook(settings.webhook_url or "", secret_token=secret, allowed_updates=Update.ALL_TYPES)
        elif application.updater is not None:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=settings.startup_retries)
        await _start_watching(application)
        mode = "webhook" if webhook_path is not None else "long polling"
        console = "staff console and " if settings.staff_password_hash is not None else ""
        log.warning(
            "serving as @%s by %s with index %s; %s/healthz, /metrics on http://%s:%s/",
            username,
            mode,
            engine.index.version,
            console,
            host,
            port,
        )

    web.run_until_stopped(web.serve_with_web(application, state, server_socket, webhook_path=webhook_path, on_started=started))
    loop.run_until_complete(_stop_watching(application))
