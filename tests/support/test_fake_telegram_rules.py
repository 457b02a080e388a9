"""Tests for the stand-in server's Telegram rules: the HTML and MarkdownV2 parsers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.fake_telegram_rules import ApiError, parse_text


def assert_bad_request(parse: Callable[[], object], description: str) -> None:
    with pytest.raises(ApiError) as excinfo:
        parse()
    assert excinfo.value.code == 400
    assert excinfo.value.description.startswith(f"Bad Request: {description}"), excinfo.value.description


@pytest.mark.parametrize(
    "text",
    ["<div>x</div>", "<b>bold", "<b><i>x</b></i>", "fish & chips", "1 < 2", "<span>x</span>", "</b>"],
)
def test_bad_html_is_rejected(text: str) -> None:
    assert_bad_request(lambda: parse_text(text, "HTML"), "can't parse entities:")


def test_good_html_is_accepted_with_entities() -> None:
    html = '<b>Bold</b> 1 &lt; 2 &amp; <a href="https://example.org">link</a> <tg-spoiler>s</tg-spoiler>'
    text, entities = parse_text(html, "HTML")
    assert text == "Bold 1 < 2 & link s"
    assert [e["type"] for e in entities] == ["bold", "text_link", "spoiler"]
    link = {"type": "text_link", "offset": 13, "length": 4, "url": "https://example.org"}
    assert entities[1] == link


def test_markdown_v2_requires_escaping() -> None:
    unescaped = "can't parse entities: Character '.' is reserved"
    assert_bad_request(lambda: parse_text("Hello.", "MarkdownV2"), unescaped)
    assert_bad_request(lambda: parse_text("*unclosed", "MarkdownV2"), "can't parse entities:")
    text, entities = parse_text(r"*Hi* \- see [docs](https://x\.org) 1\.5\!", "MarkdownV2")
    assert text == "Hi - see docs 1.5!"
    assert [e["type"] for e in entities] == ["bold", "text_link"]
