"""Telegram-specific shaping of answers: message splitting, keyboards and callback data.

Telegram refuses messages over 4096 characters and callback data over 64 bytes; everything
here keeps within those limits so that no reply is lost to a 400 Bad Request.
"""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine import Answer, Engine, Option
from bot.i18n import phrase
from bot.reply import map_link

MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64
_TAG = re.compile(r"<[^>]+>")


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut rendered HTML into messages of at most `limit`, at paragraph, then line boundaries.

    Our HTML never spans a tag across lines, so a cut between lines keeps every message valid.
    A single line longer than the limit loses its markup and is cut as escaped plain text.
    """
    pieces = [piece for paragraph in text.split("\n\n") for piece in _fit(paragraph, limit)]
    return [chunk for chunk in _pack(pieces, "\n\n", limit) if chunk.strip()]


def _fit(paragraph: str, limit: int) -> list[str]:
    """A paragraph as pieces within `limit`: whole, else packed lines, else plain-text slices."""
    if _units(paragraph) <= limit:
        return [paragraph]
    lines: list[str] = []
    for line in paragraph.split("\n"):
        if _units(line) <= limit:
            lines.append(line)
        else:
            plain = html.unescape(_TAG.sub("", line))
            step = limit // 6  # an escaped character takes at most 6 units (&quot; or a surrogate pair)
            lines.extend(html.escape(plain[i : i + step], quote=False) for i in range(0, len(plain), step))
    return _pack(lines, "\n", limit)


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    """Join `pieces` with `separator` greedily into chunks of at most `limit` units."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if _units(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def callback(*parts: str) -> str | None:
    """Callback data `a:b:c`, or None when it would not fit Telegram's 64 bytes."""
    data = ":".join(parts)
    return data if len(data.encode("utf-8")) <= CALLBACK_LIMIT else None


def _button(text: str, *parts: str) -> InlineKeyboardButton | None:
    data = callback(*parts)
    return InlineKeyboardButton(text, callback_data=data) if data else None


def answer_keyboard(answer: Answer, engine: Engine, lang: str) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: directions, other options, contact, feedback (or options when unsure)."""
    rows: list[list[InlineKeyboardButton]] = []
    if not answer.confident:
        for option in ([answer.best] if answer.best else []) + answer.alternatives:
            button = _button(engine.title_of(option.target, lang)[:60], "show", option.target)
            if button:
                rows.append([button])
        return InlineKeyboardMarkup(rows) if rows else None
    centre = engine.index.centres.get(answer.best.centre) if answer.best and answer.best.centre else None
    link = map_link(centre, lang) if centre else None
    if link:
        rows.append([InlineKeyboardButton(phrase(lang, "button_directions"), url=link)])
    targets: list[str] = []
    for option in answer.alternatives:
        if callback("alts", ",".join([*targets, option.target])):
            targets.append(option.target)
    if targets:
        rows.append([InlineKeyboardButton(phrase(lang, "button_options"), callback_data=callback("alts", ",".join(targets)))])
    if centre is not None:
        button = _button(phrase(lang, "button_contact"), "contact", centre.id)
        if button:
            rows.append([button])
    programme = engine.index.programmes.get(answer.best.programme) if answer.best and answer.best.programme else None
    if programme is not None and programme.eligibility is not None:
        button = _button(phrase(lang, "button_eligibility"), "el", "s", "-", programme.id)
        if button:
            rows.append([button])
    if answer.best is not None:
        up, down = _button("👍", "fb", "1", answer.best.passage), _button("👎", "fb", "0", answer.best.passage)
        if up and down:
            rows.append([up, down])
    return InlineKeyboardMarkup(rows) if rows else None


def start_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(phrase(lang, "button_course"), callback_data="path:course")],
            [InlineKeyboardButton(phrase(lang, "button_near"), callback_data="path:near")],
            [InlineKeyboardButton(phrase(lang, "button_person"), callback_data="path:person")],
        ]
    )


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"lang:{code}") for code, label in (("en", "English"), ("fr", "Français"), ("nl", "Nederlands"))]]
    )


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard minus its 👍/👎 row, to show that feedback was received."""
    if markup is None:
        return None
    rows = [row for row in markup.inline_keyboard if not any((b.callback_data or "").startswith("fb:") for b in row)]
    return InlineKeyboardMarkup(rows) if rows else None
