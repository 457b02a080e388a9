"""Operators' commands (/reload, /stats), the error handler, and the index watcher.

Admins are the numeric user ids in TELECENTRE_ADMIN_IDS; everyone else is told politely no.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import phrase
from bot.telegram.context import Context, bot_state, learner_language
from bot.telegram.send import say
from index.schema import is_lang

log = logging.getLogger(__name__)


def is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in bot_state(context).settings.admin_ids


async def reload_command(update: Update, context: Context) -> None:
    """Admin: load the newest built index; answers in flight finish on the old one."""
    message = update.effective_message
    if message is None:
        return
    lang = learner_language(update, context)
    if not is_admin(update, context):
        await say(message, phrase(lang, "not_admin"))
        return
    try:
        engine = await bot_state(context).reload()
    except Exception as error:  # keep serving the old index whatever went wrong
        log.warning("reload failed: %s", type(error).__name__)
        await say(message, phrase(lang, "reload_failed", reason=str(error)[:300]))
        return
    await say(message, phrase(lang, "reloaded", version=engine.index.version, passages=str(len(engine.index.passages))))


async def stats_command(update: Update, context: Context) -> None:
    """Admin: anonymous counters since start."""
    message = update.effective_message
    if message is None:
        return
    if not is_admin(update, context):
        await say(message, phrase(learner_language(update, context), "not_admin"))
        return
    state = bot_state(context)
    counts = await asyncio.to_thread(state.stores.stats.counts)
    lines = [f"index {state.engine.index.version}"] + [f"{key}: {value}" for key, value in sorted(counts.items())]
    await say(message, "\n".join(lines))


async def before_every_update(update: object, context: Context) -> None:
    """Runs first for every update: an update already taken (Telegram re-delivering after a
    timeout, or another replica) is dropped; the chat's language choice is read from the store."""
    if not isinstance(update, Update):
        return
    state = bot_state(context)
    if not await asyncio.to_thread(state.stores.updates.claim_update, update.update_id):
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and context.chat_data is not None:
        chosen = await asyncio.to_thread(state.stores.languages.get, chat.id)
        context.chat_data.lang = chosen if is_lang(chosen) else None


async def after_every_update(update: object, context: Context) -> None:
    """Runs last for every update this process claimed, even when a handler failed: marks it
    finished, so no other replica takes it over after a re-delivery."""
    if isinstance(update, Update):
        await asyncio.to_thread(bot_state(context).stores.updates.finish_update, update.update_id)


async def on_error(update: object, context: Context) -> None:
    """Log the error's class, place and update id (never text), and apologise to the learner."""
    error = context.error
    where = ""
    if error is not None and error.__traceback__ is not None:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed: %s%s", update_id, type(error).__name__, where)
    if isinstance(update, Update) and update.effective_chat is not None and not isinstance(error, NetworkError):
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, phrase(learner_language(update, context), "sorry"))
