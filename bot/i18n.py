"""Fixed phrases in the learner's language, and which language a question is written in.

The bot answers in English, French or Dutch (the languages of the knowledge). A question in another
language Brussels learners often write in (Arabic, Turkish, Spanish, Portuguese, Romanian, Polish,
German, Russian, Ukrainian, Italian) is recognised as such, answered in English, French or Dutch,
and the learner is told so in one sentence of their own language (bot/phrases.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.other_languages import OTHER_LANGUAGE_NOTES, OTHER_LANGUAGE_ONLY, OTHER_LANGUAGE_REPLY
from bot.phrases import PHRASES
from index.gazetteer import fold
from index.places_file import load_gazetteer
from index.schema import LANGUAGES, Lang, is_lang

if TYPE_CHECKING:
    from lingua import LanguageDetector

DEFAULT_LANGUAGE: Lang = "en"


LANGUAGE_NAMES: dict[Lang, dict[str, str]] = {
    "en": {
        **{"en": "English", "fr": "French", "nl": "Dutch", "ar": "Arabic", "de": "German", "es": "Spanish", "it": "Italian"},
        **{"pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian"},
    },
    "fr": {
        **{"en": "anglais", "fr": "français", "nl": "néerlandais", "ar": "arabe", "de": "allemand", "es": "espagnol", "it": "italien"},
        **{"pl": "polonais", "pt": "portugais", "ro": "roumain", "ru": "russe", "tr": "turc", "uk": "ukrainien"},
    },
    "nl": {
        **{"en": "Engels", "fr": "Frans", "nl": "Nederlands", "ar": "Arabisch", "de": "Duits", "es": "Spaans", "it": "Italiaans"},
        **{"pl": "Pools", "pt": "Portugees", "ro": "Roemeens", "ru": "Russisch", "tr": "Turks", "uk": "Oekraïens"},
    },
}


def phrase(lang: str, key: str, **values: str) -> str:
    """The fixed phrase `key` in `lang` (English when unknown), filled with `values`."""
    table = PHRASES[lang] if is_lang(lang) else PHRASES[DEFAULT_LANGUAGE]
    return table[key].format(**values) if values else table[key]


def colon(lang: str) -> str:
    """A colon after a label or name as `lang` writes it: French puts a no-break space before it
    ("Pour qui : ..."), English and Dutch do not."""
    return "\u00a0:" if lang == "fr" else ":"


def language_name(code: str, lang: str) -> str:
    """The name of language `code` written in `lang` ("néerlandais" for nl in French); the code when unknown."""
    return (LANGUAGE_NAMES[lang] if is_lang(lang) else LANGUAGE_NAMES[DEFAULT_LANGUAGE]).get(code, code)


OTHER_LANGUAGES: tuple[str, ...] = tuple(sorted(OTHER_LANGUAGE_NOTES))
"""Languages recognised beyond English, French and Dutch (ISO 639-1 codes)."""

OTHER_LANGUAGE_MIN_CONFIDENCE = 0.7
"""How sure the wide detector must be before a Latin-script question counts as another language:
short English, French or Dutch questions must not be mistaken for Spanish or German."""
AGREED_MIN_CONFIDENCE = 0.5
"""The same when the language's own marker words lead too ("Wie spät ist es in New York?": German
at 0.69, by "ist")."""


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """English, French and Dutch, with the full models: it decides which of our three languages."""
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.DUTCH).with_preloaded_language_models().build()
    )


@lru_cache(maxsize=1)
def _wide_detector() -> LanguageDetector:
    """Every recognised language, in lingua's low-accuracy mode (33 MB and half a second instead of
    300 MB and ten): it only tells whether a question is in one of ours at all."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    codes = [*("en", "fr", "nl"), *OTHER_LANGUAGES]
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().with_low_accuracy_mode().build()


_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_LETTERS = re.compile(r"[іїєґ]", re.IGNORECASE)


BRUSSELS_PLACES = load_gazetteer().words
"""Place names are neither French nor Dutch nor English: left in, they sway language detection.

They come from the shipped knowledge/places.yaml (index/gazetteer.py), the one list of places."""

_WORDS = re.compile(r"[\w'-]+")
_WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
"""A link says nothing of the language ("https://www.google.com" was Portuguese, by "com")."""
_LETTERS = re.compile(r"[^\W\d_]{2,}")

_EXTRA_MARKERS: dict[str, tuple[str, ...]] = {
    "en": (
        *("what", "where", "when", "how", "who", "which", "near", "free", "learn"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "room"),
    ),
    "fr": (
        *("où", "quoi", "comment", "quand", "quel", "quelle", "quels", "quelles", "combien", "pourquoi", "près", "gratuit", "apprendre"),
        # words of our domain that only French spells so ("y a t il un espace numerique a Evere" read as Spanish)
        *("cours", "informatique", "ordinateur", "ordi", "numérique", "numerique", "espace", "bonjour", "svp", "imprimer"),
    ),
    "nl": (
        *("waar", "wanneer", "welke", "welk", "hoeveel", "waarom", "graag", "leren", "dichtbij", "buurt"),
        *("cursus", "cursussen", "opleiding", "computerles", "computerlessen", "printen", "afdrukken"),
    ),
    "it": ("ciao", "cerco", "corso", "corsi", "vorrei", "dove", "imparare", "grazie", "nonna", "nonno", "figlio", "figlia", "anni"),
    # Spanish and Portuguese share most little words: the ones learners open with that they do not.
    "es": ("hola", "busco", "quiero", "dónde", "donde", "puedo", "necesito", "tengo", "años", "gracias", "cerca", "clases"),
    "pt": ("olá", "ola", "onde", "quero", "posso", "preciso", "tenho", "anos", "obrigado", "obrigada", "perto", "aulas"),
    # bm25s has no Romanian or Polish list: their commonest little words.
    "ro": (
        "și",
        "în",
        "să",
        "pentru",
        "unde",
        "este",
        "sunt",
        "cu",
        "pe",
        "am",
        "nu",
        "ce",
        "cum",
        "vreau",
        "pot",
        "din",
        "care",
        "mai",
        "ani",
        "găsesc",
    ),
    "pl": ("jest", "gdzie", "się", "czy", "nie", "dla", "jak", "co", "mogę", "że", "po", "mam", "jestem", "szukam", "można", "lat"),
}


@lru_cache(maxsize=1)
def _markers() -> dict[str, frozenset[str]]:
    """Words that belong to one language only, among ours and the others bm25s has stop words for:
    its stop-word lists minus the words another language shares, plus question words. Two- or
    three-word questions are too short for the statistical detector ("Wat is BeCode?" reads as
    English to it); their little words are not."""
    from bm25s import stopwords

    lists: dict[str, set[str]] = {
        "en": set(stopwords.STOPWORDS_EN_PLUS),
        "fr": set(stopwords.STOPWORDS_FRENCH),
        "nl": set(stopwords.STOPWORDS_DUTCH),
        "de": set(stopwords.STOPWORDS_GERMAN),
        "es": set(stopwords.STOPWORDS_SPANISH),
        "pt": set(stopwords.STOPWORDS_PORTUGUESE),
        "it": set(stopwords.STOPWORDS_ITALIAN),
        "tr": set(stopwords.STOPWORDS_TURKISH),
    }
    for lang, words in _EXTRA_MARKERS.items():
        lists.setdefault(lang, set()).update(words)
    return {
        lang: frozenset(word for word in words if len(word) > 1 and not any(word in lists[other] for other in lists if other != lang))
        for lang, words in lists.items()
    }


@lru_cache(maxsize=1)
def _marker_language() -> dict[str, str]:
    """The language of each marker word (a marker belongs to one language only)."""
    return {word: lang for lang, words in _markers().items() for word in words}


KNOWLEDGE_MARKER_MIN_COUNT = 3
KNOWLEDGE_MARKER_MIN_LENGTH = 4


def knowledge_markers(texts: Iterable[tuple[str, str]], ignore: frozenset[str] = frozenset()) -> dict[str, Lang]:
    """The words the knowledge writes in one of our languages only ("adres", "digipunten", "prix",
    "course"), from `texts` (language, text): at least KNOWLEDGE_MARKER_MIN_COUNT times there, never
    in the others, not a little word of any language bm25s knows, not in `ignore` (names). Short
    questions of our domain have few little words: "BeCode adres" read as French, "maks open studio
    prix" as English. Shorter words are left out: Portuguese "tempo" is not Dutch, but "na" is both.
    Words are folded (accents dropped), as learners type them; the price: a word Italian or German
    shares with the Dutch knowledge ("digitale", "programma") now leans Dutch.
    Train questions detected right 3195 -> 3205 of 3272 (en +4, fr +3, nl +8; other -5)."""
    from bm25s import stopwords

    little = {fold(word) for name in dir(stopwords) if name.startswith("STOPWORDS_") for word in getattr(stopwords, name)}
    little |= {fold(word) for words in _EXTRA_MARKERS.values() for word in words}
    ignore = frozenset(fold(word) for word in ignore)
    written: dict[Lang, Counter[str]] = {lang: Counter() for lang in LANGUAGES}
    for lang, text in texts:
        if is_lang(lang):
            written[lang].update(word for word in _LETTERS.findall(_WEB_ADDRESS.sub(" ", text)) if word.islower())
    counts: dict[Lang, Counter[str]] = {lang: Counter() for lang in LANGUAGES}
    for lang, words in written.items():  # each word folded once, not at each of its uses
        for word, count in words.items():
            counts[lang][fold(word)] += count
    return {
        word: lang
        for lang, words in counts.items()
        for word, count in words.items()
        if count >= KNOWLEDGE_MARKER_MIN_COUNT
        and len(word) >= KNOWLEDGE_MARKER_MIN_LENGTH
        and not any(word in counts[other] for other in LANGUAGES if other != lang)
        and word not in little
        and word not in ignore
    }


def _marker_counts(text: str, known: Mapping[str, Lang] | None = None) -> dict[str, int]:
    """How many marker words of each language `text` has; `known`: more of ours (`knowledge_markers`, folded)."""
    counts = dict.fromkeys(_markers(), 0)
    language = _marker_language()
    for word in _LETTERS.findall(text):
        lang = language.get(word.lower()) or (known.get(fold(word)) if known else None)
        if lang is not None:
            counts[lang] += 1
    return counts


def _marker_lead(counts: dict[str, int]) -> tuple[str, int]:
    """The language with the most marker words, and how many more it has than the next (0: a tie)."""
    (leader, most), (_, second) = sorted(counts.items(), key=lambda item: -item[1])[:2]
    return leader, most - second


def detect_language(text: str, prior: str | None = None, ignore: frozenset[str] = BRUSSELS_PLACES) -> Lang:
    """The language of `text` among en/fr/nl; `prior` (e.g. Telegram's language_code) breaks doubt.

    Words in `ignore` (lower-case: place and centre names) are left out of the decision.
    """
    kept = _kept_words(text, ignore)
    return _our_language(kept, _marker_counts(kept), prior)


def _kept_words(text: str, ignore: frozenset[str]) -> str:
    """The words of `text` that are not in `ignore` nor in a web address, joined by spaces."""
    return " ".join(word for word in _WORDS.findall(_WEB_ADDRESS.sub(" ", text)) if word.lower() not in ignore)


def _our_language(text: str, counts: dict[str, int], prior: str | None) -> Lang:
    """`detect_language` for words already kept and their marker words counted."""
    code = (prior or "").split("-")[0].lower()
    known: Lang | None = code if is_lang(code) else None
    voted, strength = _marker_lead(counts)
    if is_lang(voted) and strength >= 2:  # whatever the detector would say, so it is not asked (it is slow)
        return voted
    values = _detector().compute_language_confidence_values(text) if text.strip() else []
    best = values[0] if values else None
    # One marker word (two returned above) does not outvote Telegram's language: "formation IT Bruxelles" from a French phone.
    against_telegram = known is not None and voted != known
    if is_lang(voted) and strength > 0 and (best is None or best.value < 0.75) and not against_telegram:
        return voted
    if best is None or best.value < 0.4:
        return known or DEFAULT_LANGUAGE
    detected = best.language.iso_code_639_1.name.lower()
    if not is_lang(detected):  # the detector knows only our three languages
        return known or DEFAULT_LANGUAGE
    if known and detected != known and best.value < 0.75:
        return known
    return detected


def detect_question_language(
    text: str, prior: str | None = None, ignore: frozenset[str] = BRUSSELS_PLACES, known: Mapping[str, Lang] | None = None
) -> str:
    """The language `text` is written in: en, fr or nl (as `detect_language`), or another
    recognised language's ISO code (see OTHER_LANGUAGES); `known`: words that mark one of ours
    (`knowledge_markers`)."""
    kept = _kept_words(text, ignore)
    letters = [] if kept.isascii() else [ch for ch in kept if ch.isalpha()]  # no Arabic or Cyrillic in ASCII
    if letters:
        arabic = sum(bool(_ARABIC.match(ch)) for ch in letters)
        cyrillic = sum(bool(_CYRILLIC.match(ch)) for ch in letters)
        if arabic > len(letters) / 2:
            return "ar"
        if cyrillic > len(letters) / 2:
            if _UKRAINIAN_LETTERS.search(kept):
                return "uk"
            ranked = [value.language.iso_code_639_1.name.lower() for value in _wide_detector().compute_language_confidence_values(kept)]
            return next((code for code in ranked if code in ("ru", "uk")), "ru")
    counts = _marker_counts(kept, known)
    ours = max(counts[lang] for lang in LANGUAGES)
    leader, lead = _marker_lead(counts)
    if leader in OTHER_LANGUAGE_NOTES and lead >= 2:
        return leader
    if len(kept.split()) >= 2 and not (is_lang(leader) and lead >= 2):  # else any other language it found would be `doubtful`
        values = _wide_detector().compute_language_confidence_values(kept)
        agreed = bool(values) and lead >= 1 and values[0].language.iso_code_639_1.name.lower() == leader
        if values and values[0].value >= (AGREED_MIN_CONFIDENCE if agreed else OTHER_LANGUAGE_MIN_CONFIDENCE):
            code = values[0].language.iso_code_639_1.name.lower()
            theirs = counts.get(code, 0)
            doubtful = ours > theirs and (ours >= 2 or theirs == 0)  # low-accuracy mode is often sure and wrong
            if code in OTHER_LANGUAGE_NOTES and not doubtful:
                return code
    return _our_language(kept, counts, prior)


def reply_language(asked: str, prior: str | None = None) -> Lang:
    """The language we answer a question written in `asked` in: the same when it is ours, else the
    learner's Telegram language when it is ours, else French or English (OTHER_LANGUAGE_REPLY)."""
    if is_lang(asked):
        return asked
    code = (prior or "").split("-")[0].lower()
    if is_lang(code):
        return code
    return OTHER_LANGUAGE_REPLY.get(asked, DEFAULT_LANGUAGE)


def other_language_note(asked: str, offered: bool = True) -> str | None:
    """The one sentence, in the learner's own language, saying we answer in French, Dutch or English
    (and, when the reply `offered` something, that here is what fits best)."""
    return (OTHER_LANGUAGE_NOTES if offered else OTHER_LANGUAGE_ONLY).get(asked)
