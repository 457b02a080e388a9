"""Message splitting within Telegram's limit (no HTTP needed)."""

from __future__ import annotations

import html

from telegram.constants import MessageLimit

from bot.telegram.send import split_html
from tests.support.fake_telegram_rules import parse_html, utf16_len


def test_short_text_is_one_message() -> None:
    assert split_html("<b>Title</b>\nText") == ["<b>Title</b>\nText"]


def test_long_text_splits_at_paragraphs_and_each_part_parses() -> None:
    paragraphs = [f"<b>Part {n}</b>\n" + html.escape("Learn & code < fast. ") * 40 for n in range(20)]
    parts = split_html("\n\n".join(paragraphs))
    assert len(parts) > 1
    for part in parts:
        text, _ = parse_html(part)  # raises like Telegram on broken markup
        assert utf16_len(text) <= MessageLimit.MAX_TEXT_LENGTH and len(part) <= MessageLimit.MAX_TEXT_LENGTH
        assert part.startswith("<b>Part ")
    assert "".join(parts).count("<b>Part") == 20


def test_a_single_huge_line_is_cut_as_escaped_plain_text() -> None:
    line = "<i>" + html.escape("é & 😀 " * 2000) + "</i>"
    parts = split_html(line)
    assert len(parts) > 1
    for part in parts:
        text, _ = parse_html(part)
        assert utf16_len(text) <= MessageLimit.MAX_TEXT_LENGTH
    assert sum(parse_html(p)[0].count("😀") for p in parts) == 2000
