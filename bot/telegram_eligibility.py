"""The eligibility check in Telegram: one message edited question by question, with Back and Stop.

State (the answers so far) is kept in the conversation store, so a restart does not lose it;
each button carries a token, so a button from an expired or replaced check says so instead of
acting on stale answers.
"""

from __future__ import annotations

import re
import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from bot import eligibility, reply
from bot.conversations import ConversationStore
from bot.engine import Engine
from bot.i18n import phrase

# "Can I join?" and its cousins, typed after an answer.
CAN_I_JOIN = re.compile(
    r"\b(can i (join|apply|sign up|register|participate)|am i eligible|puis-je (m'inscrire|participer|m'y inscrire)|"
    r"est-ce que je peux (m'inscrire|participer)|suis-je (éligible|admissible)|kan ik (meedoen|deelnemen|me inschrijven)|mag ik (meedoen|deelnemen))\b",
    re.IGNORECASE,
)


def _keyboard(question: eligibility.Question, state: dict, lang: str) -> InlineKeyboardMarkup:
    token = state["token"]
    rows = [[InlineKeyboardButton(choice.label, callback_data=f"el:a:{choice.value}:{token}")] for choice in question.choices]
    controls = [InlineKeyboardButton(phrase(lang, "el_exit"), callback_data=f"el:x:-:{token}")]
    if state["history"]:
        controls.insert(0, InlineKeyboardButton(phrase(lang, "el_back"), callback_data=f"el:b:-:{token}"))
    rows.append(controls)
    return InlineKeyboardMarkup(rows)


def _candidates(engine: Engine, state: dict) -> list:
    return eligibility.candidates_for(engine.index.programmes, state.get("centre"))


def _answers(state: dict) -> dict[str, str]:
    return dict(zip(state["history"], state["values"]))


async def _show(message: Message, engine: Engine, store: ConversationStore, state: dict, lang: str, *, edit: bool, intro: str = "") -> None:
    """Ask the next question, or show the outcome and forget the state."""
    candidates = _candidates(engine, state)
    question = eligibility.next_question(candidates, _answers(state), lang)
    if question is not None:
        store.put(message.chat_id, state)
        text = f"{intro}\n\n{question.text}" if intro else question.text
        markup = _keyboard(question, state, lang)
        if edit:
            await message.edit_text(text, reply_markup=markup)
        else:
            await message.reply_text(text, reply_markup=markup)
        return
    store.drop(message.chat_id)
    verdict = eligibility.verdict(candidates, _answers(state), lang)
    html = reply.render_html(eligibility.summary_blocks(verdict, lang, engine.title_of))
    if edit:
        await message.edit_text(html, parse_mode=ParseMode.HTML)
    else:
        await message.reply_text(html, parse_mode=ParseMode.HTML)


async def start_check(message: Message, engine: Engine, store: ConversationStore, lang: str, centre: str | None) -> None:
    """Begin a check over one centre's programmes (or all with published conditions)."""
    state = {"token": secrets.token_hex(3), "centre": centre, "history": [], "values": [], "lang": lang}
    candidates = _candidates(engine, state)
    if not candidates or eligibility.next_question(candidates, {}, lang) is None:
        if candidates:
            await _show(message, engine, store, state, lang, edit=False)
        else:
            await message.reply_text(phrase(lang, "el_no_candidates"))
        return
    intro = phrase(lang, "el_intro", count=str(eligibility.question_count(candidates)))
    await _show(message, engine, store, state, lang, edit=False, intro=intro)


async def on_check_button(update: Update, engine: Engine, store: ConversationStore, lang: str) -> None:
    """Handle el:<action>:<value>:<token> presses (the query is already answered)."""
    query = update.callback_query
    message = query.message
    _, action, value, token = (query.data or "").split(":", 3) if (query.data or "").count(":") >= 3 else ("", "", "", "")
    state = store.get(message.chat_id)
    if action == "s":  # start from an answer's button: value is a programme id
        programme = engine.index.programmes.get(token)
        await start_check(message, engine, store, lang, programme.centre if programme else None)
        return
    if state is None or state.get("token") != token:
        await message.reply_text(phrase(lang, "el_expired"))
        return
    lang = state.get("lang", lang)
    if action == "x":
        store.drop(message.chat_id)
        await message.edit_text(phrase(lang, "el_stopped"))
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
    """A typed reply to a pending check question: True when it was taken as an answer."""
    state = store.get(message.chat_id)
    if state is None:
        return False
    lang = state.get("lang", "en")
    question = eligibility.next_question(_candidates(engine, state), _answers(state), lang)
    value = eligibility.parse_typed(text, question) if question is not None else None
    if question is None or value is None:
        return False
    state["history"].append(question.dimension)
    state["values"].append(value)
    await _show(message, engine, store, state, lang, edit=False)
    return True
