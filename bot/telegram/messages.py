"""Messages a learner sends: a question, a place typed alone, a shared location, or something unsupported.

Searching runs in a worker thread, never on the event loop, and the engine is read once per
update, so a /reload swaps it for new updates while answers in flight finish on the old one.
"""

from __future__ import annotations

import asyncio
import re

from telegram import Bot, Message, Update
from telegram.constants import ChatType

from bot import eligibility, metrics
from bot.answer import UNANSWERED
from bot.i18n import phrase
from bot.places import nearest_centres
from bot.reply import nearest_reply
from bot.telegram import eligibility as check
from bot.telegram.context import Context, bot_state, chat_data, language_hint, learner_language
from bot.telegram.send import say, send_answer, send_blocks


def addressed_text(message: Message, bot: Bot) -> str | None:
    """The question in `message`, or None when a group message is not meant for the bot."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return text
    mention = f"@{bot.username}"
    if bot.username and mention.lower() in text.lower():
        return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
    return None


async def on_text(update: Update, context: Context) -> None:
    """Answer a question, go on with a check, or list the nearest centres when only a place was typed."""
    message = update.effective_message
    if message is None:
        return
    question = addressed_text(message, context.bot)
    if question is None:
        return
    state = bot_state(context)
    data = chat_data(context)
    engine = state.engine  # read once: a reload must not change it under this answer
    if await check.on_typed_answer(message, engine, state.conversation_store, question):
        return
    if eligibility.CAN_I_JOIN.match(question):
        await check.start_from_text(update, context, message, question)
        return
    nearest = engine.nearest_to_place(question, learner_language(update, context))
    if nearest is not None:
        await state.count("places")
        await asyncio.to_thread(state.stores.last_answers.drop, message.chat_id)  # "is it free?" next: which of them?
        await send_blocks(message, nearest)
        return
    after = await asyncio.to_thread(state.stores.last_answers.get, message.chat_id) if engine.may_follow_up(question) else None
    answer = await asyncio.to_thread(
        metrics.timed_answer, engine, question, language_hint(update), lang=data.lang, store=state.gap_store, after=after
    )
    await state.count("questions", answer.kind, f"lang_{answer.asked_lang or answer.lang}")
    # What a follow-up will be about, kept before sending so that a quick "is it free?" finds it;
    # after a reply that answered nothing, a follow-up is about nothing (not an older answer).
    if answer.kind == "answer" and answer.about is not None:
        await asyncio.to_thread(state.stores.last_answers.put, message.chat_id, answer.about)
    elif answer.kind in UNANSWERED:
        await asyncio.to_thread(state.stores.last_answers.drop, message.chat_id)
    sent = await send_answer(message, answer, engine, answer.lang)
    if answer.kind in UNANSWERED:
        passage = answer.best.passage if answer.best else None
        await asyncio.to_thread(state.gap_store.record, "unsure", question, answer.lang, answer.score, passage)
    elif sent is not None and answer.kind == "answer":
        data.remember(sent.message_id, question, answer)


async def on_location(update: Update, context: Context) -> None:
    """List the centres nearest to a shared location."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    if message.chat.type != ChatType.PRIVATE and addressed_text(message, context.bot) is None:
        return
    state = bot_state(context)
    await state.count("locations")
    await asyncio.to_thread(state.stores.last_answers.drop, message.chat.id)
    pairs = nearest_centres(message.location.latitude, message.location.longitude, list(state.engine.index.centres.values()))
    await send_blocks(message, nearest_reply(pairs, learner_language(update, context), None))


async def on_unsupported(update: Update, context: Context) -> None:
    """Stickers, photos, voice, documents: say kindly what the bot understands."""
    message = update.effective_message
    if message is None or message.chat.type != ChatType.PRIVATE:
        return
    await bot_state(context).count("unsupported")
    await say(message, phrase(learner_language(update, context), "unsupported"))
