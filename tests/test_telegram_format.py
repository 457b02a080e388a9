"""Message splitting and callback data within Telegram's limits (no HTTP needed)."""

from __future__ import annotations

import html

from bot.telegram_format import MESSAGE_LIMIT, callback, split_html, without_feedback
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from tests.fake_telegram_rules import parse_html, utf16_len


def test_short_text_is_one_message() -> None:
    assert split_html("<b>Title</b>\nText") == ["<b>Title</b>\nText"]


def test_long_text_splits_at_paragraphs_and_each_part_parses() -> None:
    paragraphs = [f"<b>Part {n}</b>\n" + html.escape("Learn & code < fast. ") * 40 for n in range(20)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) > 1
    for part in parts:
        text, _ = parse_html(part)  # raises like Telegram on broken markup
        assert utf16_len(text) <= MESSAGE_LIMIT and len(part) <= MESSAGE_LIMIT
        assert part.startswith("<b>Part ")
    assert "".join(parts).count("<b>Part") == 20


def test_a_single_huge_line_is_cut_as_escaped_plain_text() -> None:
    line = "<i>" + html.escape("é & 😀 " * 2000) + "</i>"
    parts = split_html(line)
    assert len(parts) > 1
    for part in parts:
        text, _ = parse_html(part)
        assert utf16_len(text) <= MESSAGE_LIMIT
    assert sum(parse_html(p)[0].count("😀") for p in parts) == 2000


def test_callback_data_over_64_bytes_is_refused() -> None:
    assert callback("fb", "1", "x" * 59) == "fb:1:" + "x" * 59
    assert callback("fb", "1", "x" * 60) is None
    assert callback("show", "é" * 30) is None  # 5 + 60 bytes


def test_feedback_row_is_removed() -> None:
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Map", url="https://example.org")], [InlineKeyboardButton("👍", callback_data="fb:1:a"), InlineKeyboardButton("👎", callback_data="fb:0:a")]]
    )
    remaining = without_feedback(markup)
    assert remaining is not None and len(remaining.inline_keyboard) == 1
