"""Fixed phrases: every key in every language, with the same placeholders; language detection."""

from __future__ import annotations

import string

import pytest

from bot.i18n import PHRASES, detect_language, phrase
from index.schema import LANGUAGES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_phrase() -> None:
    assert set(PHRASES) == set(LANGUAGES)
    keys = set().union(*(table.keys() for table in PHRASES.values()))
    for lang in LANGUAGES:
        assert set(PHRASES[lang]) == keys, (lang, sorted(keys - set(PHRASES[lang])))


@pytest.mark.parametrize("key", sorted(PHRASES["en"]))
def test_placeholders_are_the_same_in_every_language(key: str) -> None:
    expected = _placeholders(PHRASES["en"][key])
    for lang in LANGUAGES:
        assert _placeholders(PHRASES[lang][key]) == expected, (lang, key)
        values = dict.fromkeys(expected, "x")
        assert phrase(lang, key, **values)  # fills without a KeyError or a stray brace


def test_unknown_language_falls_back_to_english() -> None:
    assert phrase("ar", "welcome") == PHRASES["en"]["welcome"]


def test_detection_ignores_place_names_and_uses_the_prior_when_unsure() -> None:
    assert detect_language("Où apprendre l'informatique à Schaerbeek ?") == "fr"
    assert detect_language("Waar kan ik leren programmeren?") == "nl"
    assert detect_language("Anderlecht", prior="nl-BE") == "nl"
