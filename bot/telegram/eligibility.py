"""The eligibility check in Telegram: one question at a time, with Back and Stop.

State (the answers so far) is kept in the conversation store, so a restart does not lose it.
Each button carries the check's token and the step it answers, so a button from an expired,
replaced or already-answered question says so instead of acting on stale answers. Store calls
run off the event loop, and one chat's presses are handled one at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import weakref
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot import eligibility
from bot.blocks import Block, render_html
from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.i18n import detect_language, phrase
from bot.telegram.buttons import Action, encode, pressed
from bot.telegram.context import Context, bot_state, chat_data, language_hint, learner_language
from bot.telegram.send import edit_html, say, send_html, split_html
from index.schema import Lang, Programme, is_lang

CheckState = dict[str, Any]
"""The stored check: token, centre, history (dimensions answered), values, lang, message (id)."""

_chat_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()


def _lock_for(chat_id: int) -> asyncio.Lock:
    """One lock per chat while in use; it disappears with its last user (no growing table of chats)."""
    lock = _chat_locks.get(chat_id)
    if lock is None:
        lock = asyncio.Lock()
        _chat_locks[chat_id] = lock
    return lock


def _control(text: str, op: str, step: int, value: str, token: str) -> InlineKeyboardButton:
    data = encode(Action.CHECK, op, str(step), value, token)
    if data is None:  # values are short codes and tokens 6 hex digits: this cannot happen
        raise ValueError("eligibility button data does not fit")
    return InlineKeyboardButton(text, callback_data=data)


def _keyboard(question: eligibility.Question, state: CheckState, lang: Lang) -> InlineKeyboardMarkup:
    token, step = state["token"], len(state["history"])
    rows = [[_control(choice.label, "a", step, choice.value, token)] for choice in question.choices]
    controls = [_control(phrase(lang, "el_exit"), "x", step, "-", token)]
    if state["history"]:
        controls.insert(0, _control(phrase(lang, "el_back"), "b", step, "-", token))
    rows.append(controls)
    return InlineKeyboardMarkup(rows)


def _candidates(engine: Engine, state: CheckState) -> list[Programme]:
    return eligibility.candidates_for(engine.index.programmes, state.get("centre"))


def _answers(state: CheckState) -> dict[str, str]:
    return dict(zip(state["history"], state["values"], strict=True))


def _state_lang(state: CheckState, fallback: Lang) -> Lang:
    stored = state.get("lang")
    return stored if is_lang(stored) else fallback


async def _edit(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await edit_html(message, text, markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():  # a double tap re-sends the same text
            raise


async def _show(
    message: Message, engine: Engine, store: ConversationStore, state: CheckState, lang: Lang, *, edit: bool, intro: str = ""
) -> None:
    """Ask the next question, or show the outcome and forget the state."""
    candidates = _candidates(engine, state)
    question = eligibility.next_question(candidates, _answers(state), lang)
    if question is not None:
        text = render_html([Block("text", f"{intro}\n\n{question.text}" if intro else question.text)])
        markup = _keyboard(question, state, lang)
        if edit:
            await _edit(message, text, markup)
            state["message"] = message.message_id
        else:
            sent = await send_html(message, text, markup)
            state["message"] = sent.message_id if sent else None
        await asyncio.to_thread(store.put, message.chat_id, state)
        return
    await asyncio.to_thread(store.drop, message.chat_id)
    verdict = eligibility.verdict(candidates, _answers(state), lang)
    text = render_html(eligibility.summary_blocks(verdict, lang, engine.title_of))
    if edit:
        first, *rest = split_html(text)
        await _edit(message, first)
        if rest:
            await send_html(message, "\n\n".join(rest))
    else:
        await send_html(message, text)


async def start_check(message: Message, engine: Engine, store: ConversationStore, lang: Lang, centre: str | None) -> None:
    """Begin a check over one centre's programmes (or all with published conditions)."""
    state: CheckState = {"token": secrets.token_hex(3), "centre": centre, "history": [], "values": [], "lang": lang}
    candidates = _candidates(engine, state)
    if not candidates:
        await say(message, phrase(lang, "el_no_candidates"))
        return
    intro = phrase(lang, "el_intro", count=str(eligibility.question_count(candidates)))
    async with _lock_for(message.chat_id):
        await _show(message, engine, store, state, lang, edit=False, intro=intro)


async def on_join(update: Update, context: Context) -> None:
    """ "✅ Can I join?" under an answer: a check over the centre of the programme it names."""
    press = await pressed(update, context)
    if press is None:
        return
    _, message, (programme_id,) = press
    state = bot_state(context)
    programme = state.engine.index.programmes.get(programme_id)
    lang = learner_language(update, context)
    await start_check(message, state.engine, state.conversation_store, lang, programme.centre if programme else None)


async def on_check_button(update: Update, context: Context) -> None:
    """A press on a check question: answer (a), back (b) or stop (x), for a given step and token."""
    press = await pressed(update, context)
    if press is None:
        return
    _, message, (op, step, value, token) = press
    state = bot_state(context)
    engine, store = state.engine, state.conversation_store
    lang = learner_language(update, context)
    async with _lock_for(message.chat_id):
        check = await asyncio.to_thread(store.get, message.chat_id)
        if check is None or check.get("token") != token or step != str(len(check["history"])):
            await say(message, phrase(lang, "el_expired"))
            return
        lang = _state_lang(check, lang)
        if op == "x":
            await asyncio.to_thread(store.drop, message.chat_id)
            await _edit(message, render_html([Block("text", phrase(lang, "el_stopped"))]))
            return
        if op == "b" and check["history"]:
            check["history"].pop()
            check["values"].pop()
        elif op == "a":
            question = eligibility.next_question(_candidates(engine, check), _answers(check), lang)
            if question is None or value not in {choice.value for choice in question.choices}:
                await say(message, phrase(lang, "el_expired"))
                return
            check["history"].append(question.dimension)
            check["values"].append(value)
        await _show(message, engine, store, check, lang, edit=True)


async def on_typed_answer(message: Message, engine: Engine, store: ConversationStore, text: str) -> bool:
    """A short typed reply to a pending check question: True when it was taken as an answer."""
    async with _lock_for(message.chat_id):
        check = await asyncio.to_thread(store.get, message.chat_id)
        if check is None:
            return False
        lang = _state_lang(check, "en")
        question = eligibility.next_question(_candidates(engine, check), _answers(check), lang)
        value = eligibility.parse_typed(text, question) if question is not None else None
        if question is None or value is None:
            return False
        check["history"].append(question.dimension)
        check["values"].append(value)
        if check.get("message"):  # the buttons of the question just answered must not act again
            with contextlib.suppress(BadRequest):
                await message.get_bot().edit_message_reply_markup(message.chat_id, check["message"], reply_markup=None)
        await _show(message, engine, store, check, lang, edit=False)
        return True


async def eligibility_command(update: Update, context: Context) -> None:
    """/eligibility: the guided 'can I join?' check over every programme with published conditions."""
    message = update.effective_message
    if message is None:
        return
    state = bot_state(context)
    await start_check(message, state.engine, state.conversation_store, learner_language(update, context), None)


async def start_from_text(update: Update, context: Context, message: Message, question: str) -> None:
    """ "Can I join?" typed after an answer: a check over the centre last answered about."""
    state = bot_state(context)
    data = chat_data(context)
    lang = detect_language(question, data.lang or language_hint(update))
    last = await asyncio.to_thread(state.stores.last_answers.get, message.chat_id)
    await start_check(message, state.engine, state.conversation_store, lang, state.engine.centre_of(last))
