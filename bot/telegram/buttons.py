"""The one button protocol: every action a button can carry, its callback data, and the keyboards.

Callback data is `<action>:<arg>:<arg>…`, built only by `encode` and read only by `decode`, and
never longer than Telegram's 64 bytes (a button that would not fit is left out rather than sent
to a 400 Bad Request). Each action has one handler, registered with `pattern(action)` in
bot/telegram/app.py, so the place that handles a button is found from its action alone.
"""

from __future__ import annotations

import re
from enum import StrEnum

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import InlineKeyboardButtonLimit

from bot.answer import Answer
from bot.engine import Engine
from bot.i18n import phrase
from bot.reply import map_link
from bot.telegram.context import Context, learner_language
from index.schema import LANGUAGES, Lang

BUTTON_TEXT_LIMIT = 60
"""Telegram allows longer button labels, but phones cut them; titles are shortened to this."""

LANGUAGE_LABELS: dict[Lang, str] = {"en": "English", "fr": "Français", "nl": "Nederlands"}


class Action(StrEnum):
    """What a button does; the value is the first field of its callback data."""

    PATH = "path"  # a start-menu path: course, near, person
    LANGUAGE = "lang"  # choose the answer language: <lang>
    FEEDBACK = "fb"  # 👍/👎 on an answer: <1|0>, <passage id>
    SHOW = "show"  # show one programme, centre or FAQ: <target id>
    OPTIONS = "alts"  # list other options: <target id>,<target id>…
    CONTACT = "contact"  # a centre's contact: <centre id>
    JOIN = "join"  # start the "can I join?" check for a programme's centre: <programme id>
    CHECK = "el"  # a step of the check: <a|b|x>, <step>, <value or ->, <check token>


ARITY: dict[Action, int] = {
    Action.PATH: 1,
    Action.LANGUAGE: 1,
    Action.FEEDBACK: 2,
    Action.SHOW: 1,
    Action.OPTIONS: 1,
    Action.CONTACT: 1,
    Action.JOIN: 1,
    Action.CHECK: 4,
}
"""How many arguments each action's callback data carries."""


def encode(action: Action, *args: str) -> str | None:
    """Callback data for `action` with `args`, or None when it would not fit in 64 bytes."""
    if len(args) != ARITY[action]:
        raise ValueError(f"{action.name} takes {ARITY[action]} arguments, got {len(args)}")
    if any(":" in arg for arg in args[:-1]):
        raise ValueError(f"only the last argument of {action.name} may contain ':'")
    data = ":".join((action.value, *args))
    return data if len(data.encode("utf-8")) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA else None


def decode(data: str | None) -> tuple[Action, list[str]] | None:
    """The action and arguments in callback data, or None for data this version never wrote."""
    head, _, rest = (data or "").partition(":")
    try:
        action = Action(head)
    except ValueError:
        return None
    args = rest.split(":", ARITY[action] - 1)
    return (action, args) if len(args) == ARITY[action] else None


def pattern(action: Action) -> re.Pattern[str]:
    """The CallbackQueryHandler pattern that routes `action`'s buttons to its handler."""
    return re.compile(rf"^{re.escape(action.value)}:")


def button(text: str, action: Action, *args: str) -> InlineKeyboardButton | None:
    data = encode(action, *args)
    return InlineKeyboardButton(text, callback_data=data) if data else None


def options_keyboard(targets: list[str], engine: Engine, lang: Lang) -> InlineKeyboardMarkup | None:
    """One button per known programme, centre or FAQ, each showing it when pressed."""
    rows = []
    for target in targets:
        shown = button(engine.title_of(target, lang)[:BUTTON_TEXT_LIMIT], Action.SHOW, target)
        if shown is not None and engine.knows(target):
            rows.append([shown])
    return InlineKeyboardMarkup(rows) if rows else None


def answer_keyboard(answer: Answer, engine: Engine, lang: Lang) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: directions, other options, contact, can I join, feedback (or options
    when unsure, and the start menu's paths, what the bot can do, for an off-topic question, a
    greeting or thanks)."""
    if answer.kind in ("off_topic", "small_talk"):
        return start_keyboard(lang)
    if not answer.confident:
        return options_keyboard([option.target for option in ([answer.best] if answer.best else []) + answer.alternatives], engine, lang)
    rows: list[list[InlineKeyboardButton]] = []
    best = answer.best
    centre = engine.index.centres.get(best.centre) if best and best.centre else None
    link = map_link(centre, lang) if centre else None
    if link:
        rows.append([InlineKeyboardButton(phrase(lang, "button_directions"), url=link)])
    targets: list[str] = []
    for option in answer.alternatives:
        if encode(Action.OPTIONS, ",".join([*targets, option.target])):
            targets.append(option.target)
    options = button(phrase(lang, "button_options"), Action.OPTIONS, ",".join(targets)) if targets else None
    contact = button(phrase(lang, "button_contact"), Action.CONTACT, centre.id) if centre is not None else None
    programme = engine.index.programmes.get(best.programme) if best and best.programme else None
    join = button(phrase(lang, "button_eligibility"), Action.JOIN, programme.id) if programme and programme.eligibility else None
    rows.extend([single] for single in (options, contact, join) if single is not None)
    if best is not None:
        up, down = button("👍", Action.FEEDBACK, "1", best.passage), button("👎", Action.FEEDBACK, "0", best.passage)
        if up and down:
            rows.append([up, down])
    return InlineKeyboardMarkup(rows) if rows else None


def start_keyboard(lang: Lang) -> InlineKeyboardMarkup:
    paths = (("course", "button_course"), ("near", "button_near"), ("person", "button_person"))
    return InlineKeyboardMarkup([[InlineKeyboardButton(phrase(lang, key), callback_data=encode(Action.PATH, path))] for path, key in paths])


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(LANGUAGE_LABELS[code], callback_data=encode(Action.LANGUAGE, code)) for code in LANGUAGES]]
    )


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard minus its 👍/👎 row, to show that feedback was received."""
    if markup is None:
        return None
    rows = [row for row in markup.inline_keyboard if not any(_is_feedback(b.callback_data) for b in row)]
    return InlineKeyboardMarkup(rows) if rows else None


def _is_feedback(data: object) -> bool:
    decoded = decode(data) if isinstance(data, str) else None
    return decoded is not None and decoded[0] is Action.FEEDBACK


async def pressed(update: Update, context: Context, *, acknowledge: bool = True) -> tuple[CallbackQuery, Message, list[str]] | None:
    """The query, the message it is on and the action's arguments; None (after saying so) when stale."""
    query = update.callback_query
    if query is None:
        return None
    decoded = decode(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if decoded is None or message is None:
        await query.answer(phrase(learner_language(update, context), "expired"))
        return None
    if acknowledge:
        await query.answer()
    return query, message, decoded[1]
