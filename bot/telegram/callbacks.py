"""One handler per button action (see buttons.Action); the check's buttons are in eligibility.py.

Every press is acknowledged (Telegram shows a spinner until then), then does something visible.
"""

from __future__ import annotations

import asyncio

from telegram import KeyboardButton, Message, ReplyKeyboardMarkup, Update

from bot.blocks import Block
from bot.i18n import phrase
from bot.reply import contact_line
from bot.telegram.buttons import options_keyboard, pressed, without_feedback
from bot.telegram.context import Context, bot_state, chat_data, learner_language
from bot.telegram.send import say, send_answer, send_blocks
from index.schema import is_lang


async def on_feedback(update: Update, context: Context) -> None:
    """👍/👎: counted once per answer; a 👎 records the question it was about (redacted) for staff."""
    press = await pressed(update, context, acknowledge=False)
    if press is None:
        return
    query, message, (verdict, passage) = press
    lang = learner_language(update, context)
    data = chat_data(context)
    state = bot_state(context)
    if not await asyncio.to_thread(state.stores.claim_rating, message.chat_id, message.message_id):  # a double tap counts once
        await query.answer(phrase(lang, "feedback_thanks"))
        return
    up = verdict == "1"
    await state.count("feedback_up" if up else "feedback_down")
    await asyncio.to_thread(state.gap_store.feedback, passage, up)
    if not up:
        asked = data.asked.get(message.message_id)
        await asyncio.to_thread(
            state.gap_store.record,
            "thumbs_down",
            asked.text if asked else None,
            asked.lang if asked else None,
            asked.score if asked else None,
            passage,
        )
    await query.answer(phrase(lang, "feedback_thanks"))
    await query.edit_message_reply_markup(without_feedback(message.reply_markup))


async def on_language(update: Update, context: Context) -> None:
    """A language button: remember the choice for this chat."""
    press = await pressed(update, context, acknowledge=False)
    if press is None:
        return
    query, _, (code,) = press
    if not is_lang(code):
        await query.answer(phrase(learner_language(update, context), "expired"))
        return
    chat_data(context).lang = code
    if query.message is not None:
        await asyncio.to_thread(bot_state(context).stores.languages.set, query.message.chat.id, code)
    await query.answer()
    await query.edit_message_text(phrase(code, "language_set"))


async def on_show(update: Update, context: Context) -> None:
    """Show one programme, centre or FAQ, as a full answer."""
    press = await pressed(update, context)
    if press is None:
        return
    _, message, (target,) = press
    lang = learner_language(update, context)
    engine = bot_state(context).engine
    answer = await asyncio.to_thread(engine.answer_for, target, lang)
    if answer is None:
        await say(message, phrase(lang, "expired"))
    else:
        await send_answer(message, answer, engine, lang)
        await asyncio.to_thread(bot_state(context).stores.last_answers.put, message.chat_id, target)


async def on_options(update: Update, context: Context) -> None:
    """List the other options of an answer as buttons."""
    press = await pressed(update, context)
    if press is None:
        return
    _, message, (targets,) = press
    lang = learner_language(update, context)
    keyboard = options_keyboard([t for t in targets.split(",") if t], bot_state(context).engine, lang)
    if keyboard is None:
        await say(message, phrase(lang, "no_options"))
    else:
        await say(message, phrase(lang, "options_intro"), keyboard)


async def on_contact(update: Update, context: Context) -> None:
    """A centre's phone, e-mail or website, or how to reach it when we know none."""
    press = await pressed(update, context)
    if press is None:
        return
    _, message, (centre_id,) = press
    lang = learner_language(update, context)
    centre = bot_state(context).engine.index.centres.get(centre_id)
    if centre is None:
        await say(message, phrase(lang, "expired"))
        return
    contact = contact_line(centre)
    key = "contact_for" if centre.phone or centre.email else "contact_none"
    text = phrase(lang, key, name=centre.name.get(lang), contact=contact or "")
    if key == "contact_none" and centre.website:
        text += f"\n{centre.website}"
    await say(message, text)


async def on_path(update: Update, context: Context) -> None:
    """The start menu: ask what to learn, ask where, or list whom to contact."""
    press = await pressed(update, context)
    if press is None:
        return
    _, message, (path,) = press
    lang = learner_language(update, context)
    if path == "course":
        await say(message, phrase(lang, "course_prompt"))
    elif path == "near":
        share = KeyboardButton(phrase(lang, "button_share_location"), request_location=True)
        await say(message, phrase(lang, "near_prompt"), ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True))
    elif path == "person":
        engine = bot_state(context).engine
        blocks = [Block("text", phrase(lang, "person_intro"))]
        for centre in sorted(engine.index.centres.values(), key=lambda c: c.name.get(lang).lower()):
            contact = contact_line(centre)
            if contact:
                blocks.append(Block("item", f"{centre.name.get(lang)}: {contact}", "•"))
        await send_blocks(message, blocks)
    else:
        await say(message, phrase(lang, "expired"))


async def on_unknown_button(update: Update, context: Context) -> None:
    """A button from an older version of the bot, or data we never wrote: say it has expired."""
    query = update.callback_query
    if query is None:
        return
    lang = learner_language(update, context)
    if isinstance(query.message, Message):
        await query.answer()
        await say(query.message, phrase(lang, "expired"))
    else:
        await query.answer(phrase(lang, "expired"))
