"""The eligibility check in Telegram: one question at a time, with Back and Stop.

State (the answers so far) is kept in the conversation store, so a restart does not lose it.
Each button carries the check's token and the step it answers, so a button from an expired,
replaced or already-answered question says so instead of acting on stale answers. Store calls
run off the event loop, and one chat's presses are handled one at a time.
"""

from __future__ import annotations

import asyncio
import secrets
import weakref

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot import eligibility, reply
from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.i18n import phrase
from bot.telegram_format import split_html

_chat_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


def _lock_for(chat_id: int) -> asyncio.Lock:
    """One lock per chat while in use; it disappears with its last user (no growing table of chats)."""
    lock = _chat_locks.get(chat_id)
    if lock is None:
        lock = asyncio.Lock()
        _chat_locks[chat_id] = lock
    return lock


def _keyboard(question: eligibility.Question, state: dict, lang: str) -> InlineKeyboardMarkup:
    token, step = state["token"], len(state["history"])
    rows = [[InlineKeyboardButton(choice.label, callback_data=f"el:a:{step}:{choice.value}:{token}")] for choice in question.choices]
    controls = [InlineKeyboardButton(phrase(lang, "el_exit"), callback_data=f"el:x:{step}:-:{token}")]
    if state["history"]:
        controls.insert(0, InlineKeyboardButton(phrase(lang, "el_back"), callback_data=f"el:b:{step}:-:{token}"))
    rows.append(controls)
    return InlineKeyboardMarkup(rows)


def _candidates(engine: Engine, state: dict) -> list:
    return eligibility.candidates_for(engine.index.programmes, state.get("centre"))


def _answers(state: dict) -> dict[str, str]:
    return dict(zip(state["history"], state["values"]))


async def _edit(message: Message, text: str, **kwargs: object) -> None:
    try:
        await message.edit_text(text, **kwargs)  # type: ignore[arg-type]
    except BadRequest as error:
        if "not modified" not in str(error).lower():  # a double tap re-sends the same text
            raise


async def _show(message: Message, engine: Engine, store: ConversationStore, state: dict, lang: str, *, edit: bool, intro: str = "") -> None:
    """Ask the next question, or show the outcome and forget the state."""
    candidates = _candidates(engine, state)
    question = eligibility.next_question(candidates, _answers(state), lang)
    if question is not None:
        text = f"{intro}\n\n{question.text}" if intro else question.text
        markup = _keyboard(question, state, lang)
        if edit:
            await _edit(message, text, reply_markup=markup)
            state["message"] = message.message_id
        else:
            sent = await message.reply_text(text, reply_markup=markup)
            state["message"] = sent.message_id
        await asyncio.to_thread(store.put, message.chat_id, state)
        return
    await asyncio.to_thread(store.drop, message.chat_id)
    verdict = eligibility.verdict(candidates, _answers(state), lang)
    chunks = split_html(reply.render_html(eligibility.summary_blocks(verdict, lang, engine.title_of)))
    if edit:
        await _edit(message, chunks[0], parse_mode=ParseMode.HTML)
        chunks = chunks[1:]
    for chunk in chunks:
        await message.get_bot().send_message(message.chat_id, chunk, parse_mode=ParseMode.HTML)


async def start_check(message: Message, engine: Engine, store: ConversationStore, lang: str, centre: str | None) -> None:
    """Begin a check over one centre's programmes (or all with published conditions)."""
    state = {"token": secrets.token_hex(3), "centre": centre, "history": [], "values": [], "lang": lang}
    candidates = _candidates(engine, state)
    if not candidates:
        await message.reply_text(phrase(lang, "el_no_candidates"))
        return
    intro = phrase(lang, "el_intro", count=str(eligibility.question_count(candidates)))
    async with _lock_for(message.chat_id):
        await _show(message, engine, store, state, lang, edit=False, intro=intro)


async def on_check_button(update: Update, engine: Engine, store: ConversationStore, lang: str) -> None:
    """Handle el:<action>:<step>:<value>:<token> presses (the query is already answered)."""
    query = update.callback_query
    message = query.message
    parts = (query.data or "").split(":", 4)
    if len(parts) != 5 or not isinstance(message, Message):
        return
    _, action, step, value, token = parts
    if action == "s":  # "Can I join?" under an answer: `token` is the programme id
        programme = engine.index.programmes.get(token)
        await start_check(message, engine, store, lang, programme.centre if programme else None)
        return
    async with _lock_for(message.chat_id):
        state = await asyncio.to_thread(store.get, message.chat_id)
        if state is None or state.get("token") != token or step != str(len(state["history"])):
            await message.reply_text(phrase(lang, "el_expired"))
            return
        lang = state.get("lang", lang)
        if action == "x":
            await asyncio.to_thread(store.drop, message.chat_id)
            await _edit(message, phrase(lang, "el_stopped"))
            return
        if action == "b" and state["history"]:
            state["history"].pop()
            state["values"].pop()
        elif action == "a":
            question = eligibility.next_question(_candidates(engine, state), _answers(state), lang)
            if question is None or value not in {choice.value for choice in question.choices}:
                await message.reply_text(phrase(lang, "el_expired"))
                return
            state["history"].append(question.dimension)
            state["values"].append(value)
        await _show(message, engine, store, state, lang, edit=True)


async def on_typed_answer(message: Message, engine: Engine, store: ConversationStore, text: str) -> bool:
    """A short typed reply to a pending check question: True when it was taken as an answer."""
    async with _lock_for(message.chat_id):
        state = await asyncio.to_thread(store.get, message.chat_id)
        if state is None:
            return False
        lang = state.get("lang", "en")
        question = eligibility.next_question(_candidates(engine, state), _answers(state), lang)
        value = eligibility.parse_typed(text, question) if question is not None else None
        if question is None or value is None:
            return False
        state["history"].append(question.dimension)
        state["values"].append(value)
        if state.get("message"):  # the buttons of the question just answered must not act again
            try:
                await message.get_bot().edit_message_reply_markup(message.chat_id, state["message"], reply_markup=None)
            except BadRequest:
                pass
        await _show(message, engine, store, state, lang, edit=False)
        return True
