"""Messages that are only a greeting or a thank-you ("bonjour", "hallo!", "merci beaucoup", "شكرا"):
they ask nothing, so they get the welcome (what the bot does, with an example) or a short reply,
not "I could not find anything about that" and a list of centres chosen for the word "hello"."""

from __future__ import annotations

import re
from typing import Literal

from bot.audience_words import fold_question

SmallTalk = Literal["greeting", "thanks"]

_GREETINGS: dict[str, tuple[str, ...]] = {
    "en": (
        "hello",
        "hi",
        "hey",
        "hiya",
        "good morning",
        "good afternoon",
        "good evening",
        "greetings",
        "hello there",
        "hi there",
        "how are you",
    ),
    "fr": (
        "bonjour",
        "bonsoir",
        "salut",
        "coucou",
        "bon après-midi",
        "bonjour à tous",
        "bonjour madame",
        "bonjour monsieur",
        "ça va",
        "comment ça va",
    ),
    "nl": (
        "hallo",
        "hoi",
        "dag",
        "goedendag",
        "goeiedag",
        "goedemorgen",
        "goeiemorgen",
        "goedemiddag",
        "goedenavond",
        "hallo daar",
        "hoe gaat het",
        "alles goed",
    ),
    "de": ("guten tag", "guten morgen", "guten abend", "servus", "moin"),
    "es": ("hola", "buenos días", "buenas tardes", "buenas noches", "buenas"),
    "pt": ("olá", "oi", "bom dia", "boa tarde", "boa noite"),
    "it": ("ciao", "buongiorno", "buonasera"),
    "ro": ("bună", "bună ziua", "salutare"),
    "pl": ("cześć", "dzień dobry", "witam"),
    "tr": ("merhaba", "selam", "selamlar", "günaydın", "iyi günler"),
    "ar": ("مرحبا", "السلام عليكم", "سلام", "أهلا", "اهلا", "salam", "salaam", "salam alaykoum", "salam aleykoum", "salam alaikum"),
    "ru": ("привет", "здравствуйте", "добрый день"),
    "uk": ("привіт", "добрий день", "вітаю"),
}
"""Greetings as learners write them, by the language they are in (a learner's first message is
often one of these alone)."""

_THANKS: dict[str, tuple[str, ...]] = {
    "en": ("thanks", "thank you", "thank you very much", "thanks a lot", "many thanks", "thx", "ok thanks", "great thanks"),
    "fr": ("merci", "merci beaucoup", "merci bien", "merci infiniment", "ok merci", "super merci", "d'accord merci", "mille mercis"),
    "nl": ("dank u", "dank je", "dank u wel", "dank je wel", "bedankt", "merci", "ok bedankt", "super bedankt", "hartelijk dank"),
    "de": ("danke", "danke schön", "danke sehr", "vielen dank"),
    "es": ("gracias", "muchas gracias"),
    "pt": ("obrigado", "obrigada", "muito obrigado", "muito obrigada"),
    "it": ("grazie", "grazie mille"),
    "ro": ("mulțumesc", "multumesc", "mersi"),
    "pl": ("dziękuję", "dzięki"),
    "tr": ("teşekkürler", "teşekkür ederim", "sağ ol", "sağol"),
    "ar": ("شكرا", "شكرا جزيلا", "shukran", "choukran"),
    "ru": ("спасибо", "спасибо большое"),
    "uk": ("дякую",),
}

_ADDRESSED = frozenset({"bot", "there", "everyone", "all", "tous", "madame", "monsieur", "allemaal", "iedereen", "again", "encore"})
"""Words that may follow a greeting or a thank-you without asking anything ("hello bot", "merci encore")."""


_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
"""Words of the folded text (lower case, no accents: "Bonjour à tous !" and "bonjour a tous" match)."""


def _phrases() -> dict[str, tuple[SmallTalk, str]]:
    table: dict[str, tuple[SmallTalk, str]] = {}
    for kind, by_language in (("greeting", _GREETINGS), ("thanks", _THANKS)):
        for lang, phrases in by_language.items():
            for text in phrases:
                table.setdefault(" ".join(_WORDS.findall(fold_question(text))), (kind, lang))  # type: ignore[arg-type]
    return table


_PHRASES = _phrases()
_LONGEST = max(len(key.split()) for key in _PHRASES)


def small_talk(text: str) -> tuple[SmallTalk, str] | None:
    """("greeting" or "thanks", the language it is written in) when `text` is only greetings,
    thanks and words addressing the bot, with any punctuation or emoji; None when it asks anything."""
    words = _WORDS.findall(fold_question(text))
    if not words or len(words) > 3 * _LONGEST:
        return None
    found: tuple[SmallTalk, str] | None = None
    position = 0
    while position < len(words):
        for size in range(min(_LONGEST, len(words) - position), 0, -1):
            match = _PHRASES.get(" ".join(words[position : position + size]))
            if match is not None:
                found = found or match
                position += size
                break
        else:
            if words[position] not in _ADDRESSED:
                return None
            position += 1
    return found
