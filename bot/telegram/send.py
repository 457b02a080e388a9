"""Sending replies: HTML cut to Telegram's message limit, fixed phrases, and an answer with its pin.

Every handler sends through here, so every message gets the same parse mode, no link previews
(a preview of a centre's site would push the answer off a phone's screen) and the same splitting.
Telegram refuses messages over 4096 UTF-16 units; nothing here ever sends a longer one.
"""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyKeyboardMarkup
from telegram.constants import MessageLimit, ParseMode

from bot.answer import Answer
from bot.blocks import Block, render_html
from bot.engine import Engine
from bot.i18n import phrase
from bot.reply import format_address
from bot.telegram.buttons import answer_keyboard
from index.schema import Lang

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
VENUE_TITLE_LIMIT = 128
VENUE_ADDRESS_LIMIT = 256
_TAG = re.compile(r"<[^>]+>")

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
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


async def send_html(message: Message, text: str, markup: Markup | None = None) -> Message | None:
    """Send `text` (HTML) in as many messages as needed; the buttons go on the last one, returned."""
    sent = None
    chunks = split_html(text)
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        sent = await message.get_bot().send_message(
            message.chat_id, chunk, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup if last else None
        )
    return sent


async def send_blocks(message: Message, blocks: list[Block], markup: Markup | None = None) -> Message | None:
    """Send a composed reply (escaped on rendering)."""
    return await send_html(message, render_html(blocks), markup)


async def say(message: Message, text: str, markup: Markup | None = None) -> Message | None:
    """Send one fixed phrase (escaped like any other text)."""
    return await send_blocks(message, [Block("text", text)], markup)


async def edit_html(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace a message's text (at most one message's worth) with HTML, keeping the same settings."""
    await message.edit_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup)


async def send_answer(message: Message, answer: Answer, engine: Engine, lang: Lang) -> Message | None:
    """The answer text, then the centre's pin carrying the buttons (or the buttons on the text).

    Returns the message that carries the buttons."""
    keyboard = answer_keyboard(answer, engine, lang)
    best = answer.best
    centre = engine.index.centres.get(best.centre) if answer.confident and best and best.centre else None
    location = centre.location if centre else None
    sent = await send_html(message, answer.html, None if location else keyboard)
    if centre is not None and location is not None:
        name = centre.name.get(lang)
        title = name if location.precision == "street" else phrase(lang, "venue_approx", name=name)
        sent = await message.get_bot().send_venue(
            message.chat_id,
            location.lat,
            location.lon,
            title[:VENUE_TITLE_LIMIT],
            format_address(centre, lang)[:VENUE_ADDRESS_LIMIT],
            reply_markup=keyboard,
        )
    return sent
