"""Greetings and thanks alone, in any language, against questions that start with one."""

from __future__ import annotations

import pytest

from bot.small_talk import small_talk


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bonjour", ("greeting", "fr")),
        ("Hello!", ("greeting", "en")),
        ("hi there 👋", ("greeting", "en")),
        ("Bonjour à tous !", ("greeting", "fr")),
        ("bonjour a tous", ("greeting", "fr")),
        ("Bon après-midi", ("greeting", "fr")),
        ("Goedemorgen", ("greeting", "nl")),
        ("hola", ("greeting", "es")),
        ("Merhaba", ("greeting", "tr")),
        ("السلام عليكم", ("greeting", "ar")),
        ("salam alaykoum", ("greeting", "ar")),
        ("Dzień dobry", ("greeting", "pl")),
        ("hello bot, good morning", ("greeting", "en")),
        ("merci beaucoup !", ("thanks", "fr")),
        ("Dank je wel", ("thanks", "nl")),
        ("thanks bot", ("thanks", "en")),
        ("ok thanks", ("thanks", "en")),
        ("شكرا", ("thanks", "ar")),
    ],
)
def test_a_greeting_or_thanks_alone_is_small_talk_in_its_language(text: str, expected: tuple[str, str]) -> None:
    assert small_talk(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "?",
        "ok",
        "hello, where can I learn to code?",
        "Bonjour, je cherche une formation",
        "merci, et à Anderlecht ?",
        "مرحبا، أبحث عن دورة",
        "dag van de week",
        "hi " * 40,
    ],
)
def test_a_message_that_asks_anything_is_not_small_talk(text: str) -> None:
    assert small_talk(text) is None


@pytest.mark.parametrize("text", ["Salut, ça va ?", "how are you?", "Hoe gaat het?"])
def test_how_are_you_is_a_greeting(text: str) -> None:
    assert small_talk(text) is not None and small_talk(text)[0] == "greeting"  # type: ignore[index]


def test_how_are_you_with_a_question_is_not_small_talk() -> None:
    assert small_talk("ça va pas, je cherche un cours") is None
