"""Brussels places from knowledge/places.yaml, and finding them in a learner's question.

Staff edit the places like any other knowledge, so a new neighbourhood or spelling needs no code
change; index/places_file.py reads and checks the file.

Matching works on folded text: accents and case removed, and every run of anything other than a
letter or digit made one space, so "St-Gilles", "saint gilles" and "SAINT GILLES" are one name.
"saint", "sainte" and "sint" may also be written "st"/"ste". All names go into one precompiled
regular expression; among overlapping candidates the longest wins ("Gare du Midi" over "Midi").

A name listed under `ambiguous` is also an ordinary word (Forest, Bourse, Jette…): it counts as a
place only when written with a capital letter ("Forest") or right after a place preposition
("in forest", "à forest", "bij jette"), so "rain forest" and "une bourse d'études" are no places.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

Kind = Literal["municipality", "neighbourhood", "station", "landmark", "area", "elsewhere"]
KIND_ORDER: tuple[str, ...] = ("municipality", "neighbourhood", "area", "station", "landmark", "elsewhere")
"""When places of different kinds share a name, the first kind here is the one matched."""

PREPOSITIONS: tuple[str, ...] = ("in", "a", "au", "te", "bij", "near", "pres de", "naar", "to", "at", "from", "uit", "de", "van")
"""Folded words that, right before an ambiguous name, make it a place ("à Forest", "bij Jette")."""

_ALONE_PREFIXES: tuple[str, ...] = ("in", "a", "te", "near", "pres de", "bij")
"""What may stand before a message that is only a place ("à Schaerbeek", "bij het Zuidstation")."""

_ARTICLES: tuple[str, ...] = ("het", "de", "la", "le", "l", "the")
STREET_KINDS: dict[str, tuple[str, ...]] = {
    "chaussee": ("chaussee", "ch", "chee"),
    "rue": ("rue",),
    "avenue": ("avenue", "av"),
    "boulevard": ("boulevard", "bd", "blvd"),
    "porte": ("porte",),
    "place": ("place",),
    "square": ("square", "sq"),
    "quai": ("quai",),
    "dreve": ("dreve",),
    "route": ("route",),
    "steenweg": ("steenweg",),
    "straat": ("straat",),
    "laan": ("laan",),
    "plein": ("plein",),
    "poort": ("poort",),
}
"""Kinds of street, folded, each with the forms learners write it in (its short forms too)."""
STREET_WORDS: tuple[str, ...] = tuple(form for forms in STREET_KINDS.values() for form in forms)
"""Folded words that, a word or two before a city's name, make it a Brussels street ("chaussée de
Charleroi", "porte de Namur"): then the name says nothing about another city."""
_ABBREVIATIONS = {"saint": "st", "sainte": "ste", "sint": "st"}
_COMMON_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "den",
        "der",
        "des",
        "du",
        "een",
        "het",
        "l",
        "la",
        "le",
        "les",
        "of",
        "ten",
        "the",
        "van",
        "saint",
        "sainte",
        "sint",
        "st",
        "ste",
        "gare",
        "station",
        "porte",
        "poort",
        "place",
        "plein",
        "square",
        "rue",
        "straat",
        "avenue",
        "laan",
        "chaussee",
        "steenweg",
        "quartier",
        "quarter",
        "wijk",
        "zone",
        "canal",
        "kanaal",
        "nord",
        "noord",
        "north",
        "midi",
        "zuid",
        "south",
        "ouest",
        "west",
        "central",
        "centrale",
        "centraal",
        "centre",
        "city",
        "ville",
        "stad",
        "european",
        "europeen",
        "europese",
        "region",
        "gewest",
        "capitale",
        "capital",
        "hoofdstedelijk",
        "comte",
        "graaf",
        "rond",
        "point",
        "over",
        "grand",
        "grote",
        "markt",
        "plateau",
        "district",
        "northern",
        "europe",
        "node",
        "noode",
    ]
)
"""Folded words of place names that are ordinary words too: left out of `Gazetteer.words`."""


@dataclass(frozen=True)
class Place:
    """A loaded place; `name` (the first of `names`) is the one the bot shows."""

    id: str
    kind: str
    names: tuple[str, ...]
    postcodes: tuple[str, ...]
    municipalities: tuple[str, ...]
    lat: float | None
    lon: float | None
    precision: str | None
    source: str | None

    @property
    def name(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class PlaceMatch:
    """A place named in a text: `text[start:end]` is what the learner wrote."""

    place: Place
    start: int
    end: int
    text: str
    municipalities: tuple[Place, ...]
    """The municipalities the place lies in (itself for a municipality, several for the canal zone)."""
    name: str
    """The place's listed name in the spelling the learner used when it is a Latin-script one
    ("Sint-Gillis" for a Dutch question), else its first name: what a reply calls it."""

    @property
    def municipality(self) -> Place | None:
        """The one municipality the place lies in; None for the region or an area across several."""
        return self.municipalities[0] if len(self.municipalities) == 1 else None


def elsewhere_named(matches: list[PlaceMatch]) -> str | None:
    """The place outside Brussels the question is about ("coding school in Antwerp"), when it names
    no Brussels place ("from Antwerp to Anderlecht" is ours)."""
    if matches and all(match.place.kind == "elsewhere" for match in matches):
        return matches[0].name  # as the learner wrote it: "Bergen" to a Dutch question, not "Mons"
    return None


def _in_latin_script(name: str) -> bool:
    return all(unicodedata.name(char, "").startswith("LATIN") for char in name if char.isalpha())


def longest_first(keys: Iterable[str]) -> str:
    """`keys` as one regular-expression alternation, longest first (where two start at one place,
    the longer one is the name meant), or one that matches nothing when there are none."""
    return "|".join(re.escape(key) for key in sorted(keys, key=lambda key: (-len(key), key))) or r"(?!x)x"


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without accents; every run of non-letters and non-digits becomes one space.
    Cached: ranking folds the same organisation and place names for every question."""
    return _fold_with_offsets(text)[0]


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    """`char` lower case without accents, each resulting non-letter and non-digit a space (at
    least one character). Cached: decomposing every character again was a tenth of a question's
    time outside the model."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
    return "".join(piece if piece.isalnum() else " " for piece in plain) or " "


@lru_cache(maxsize=256)
def _fold_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """The folded text and, for each of its characters, the index in `text` it came from. Cached:
    a question is folded to find both the places and the organisations it names."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for piece in _folded_char(char):
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            where.append(index)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), tuple(where)


def name_variants(name: str) -> set[str]:
    """The folded name and its forms with saint/sainte/sint written st/ste; a Cyrillic name ending
    in a soft sign also without it, the stem its declined forms share (Брюссель, в Брюсселе)."""
    folded = fold(name)
    short = " ".join(_ABBREVIATIONS.get(word, word) for word in folded.split())
    return {folded, short} | ({folded[:-1]} if folded.endswith("ь") and len(folded) > 4 else set())


_CYRILLIC_ENDING = "[\u0430-\u044f\u0454\u0456]{0,2}"  # folded: й is и, ї is і
_ARABIC_PREFIX = "[\u0628\u0644\u0648\u0641](?=[\u0621-\u064a])"


@dataclass
class Gazetteer:
    """All places, and a precompiled matcher over every name and postcode."""

    places: dict[str, Place] = field(default_factory=dict)
    ambiguous: frozenset[str] = frozenset()
    """Folded names that count only when capitalised or after a preposition."""

    def __post_init__(self) -> None:
        self._lookup: dict[str, Place] = {}
        rank = {kind: order for order, kind in enumerate(KIND_ORDER)}
        self._spelling: dict[str, str] = {}
        """Folded key -> the Latin-script listed name it comes from (see PlaceMatch.name)."""
        for place in sorted(self.places.values(), key=lambda p: rank[p.kind]):
            for name in place.names:
                for key in name_variants(name):
                    if self._lookup.setdefault(key, place) is place and _in_latin_script(name):
                        self._spelling.setdefault(key, name)
            for postcode in place.postcodes:
                self._lookup.setdefault(postcode, place)
        body = longest_first(self._lookup)
        # Russian and Ukrainian decline place names ("в Схарбеке"), Arabic writes "in" or "and" onto
        # them ("بأندرلخت"): a name may end in a case ending or start after such a letter.
        self._pattern = re.compile(rf"(?<![^\W_])(?:{_ARABIC_PREFIX})?(?=({body})({_CYRILLIC_ENDING})(?![^\W_]))")
        preps = "|".join(re.escape(p) for p in sorted(PREPOSITIONS, key=len, reverse=True))
        self._after_preposition = re.compile(rf"(?:^|\s)(?:{preps})\s$")
        streets = "|".join(STREET_WORDS)
        self._after_street = re.compile(rf"(?:^|\s)(?:{streets})(?:\s(?:de|d|du|van|of|op))?\s$")
        self.words = self._name_words()

    def find(self, text: str) -> list[PlaceMatch]:
        """Every place named in `text`, in order, longest names first and never overlapping."""
        folded, where = _fold_with_offsets(text)
        candidates = []
        for match in self._pattern.finditer(folded):
            key, start, ending = match.group(1), match.start(1), len(match.group(2))
            if self._lookup[key].kind == "elsewhere" and self._after_street.search(folded[:start]):
                continue
            if key in self.ambiguous and not self._counts(text, folded, where, start, key):
                key, ending = self._longest_plain(folded, start), 0
                if key is None:
                    continue
            candidates.append((start, start + len(key) + ending, key))
        chosen: list[tuple[int, int, str]] = []
        for start, end, key in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, key))
        matches = []
        for start, end, key in sorted(chosen):
            place = self._lookup[key]
            first, last = where[start], where[end - 1] + 1
            name = self._spelling.get(key, place.name)
            matches.append(PlaceMatch(place, first, last, text[first:last], self.municipalities_of(place), name))
        return matches

    def _counts(self, text: str, folded: str, where: tuple[int, ...], start: int, key: str) -> bool:
        """Whether an ambiguous name at folded `start` is meant as a place."""
        return text[where[start]].isupper() or bool(self._after_preposition.search(folded[:start]))

    def _longest_plain(self, folded: str, start: int) -> str | None:
        """The longest unambiguous name at `start`, when the longest one there did not count."""
        for key in sorted(self._lookup, key=len, reverse=True):
            if (
                key not in self.ambiguous
                and folded.startswith(key, start)
                and not folded[start + len(key) : start + len(key) + 1].isalnum()
            ):
                return key
        return None

    def only_place(self, text: str) -> Place | None:
        """The Brussels place when `text` is nothing but one ("1070", "à Cureghem", "bij het Zuidstation").

        Ambiguous names count here in any case: a message that is only "forest" means the place.
        """
        folded = fold(text)
        candidates = [folded]
        for prefix in _ALONE_PREFIXES:
            if folded.startswith(prefix + " "):
                rest = folded[len(prefix) + 1 :]
                candidates.append(rest)
                candidates.extend(rest[len(article) + 1 :] for article in _ARTICLES if rest.startswith(article + " "))
        found = next((self._lookup[key] for key in candidates if key in self._lookup), None)
        return found if found is not None and found.kind != "elsewhere" else None

    def municipalities_of(self, place: Place) -> tuple[Place, ...]:
        """The municipalities `place` lies in (itself when it is one)."""
        if place.kind == "municipality":
            return (place,)
        return tuple(self.places[m] for m in place.municipalities if m in self.places)

    @property
    def municipalities(self) -> list[Place]:
        return [p for p in self.places.values() if p.kind == "municipality"]

    def _name_words(self) -> frozenset[str]:
        """Lower-case single words of place names, minus ordinary words (for language detection).

        Place names are neither French nor Dutch nor English: left in, they sway language
        detection, and in search they should not outweigh what the learner asks for. A hyphenated
        name counts whole ("saint-gilles") and in parts ("gilles"), written and folded ("mérode",
        "merode"); ordinary words ("gare", "node", "over") never count. Ambiguous names of stations
        and landmarks ("bourse", "forest") are left out: as words they mean something else.
        """
        words: set[str] = set()
        for place in self.places.values():
            for name in place.names:
                others = self.ambiguous if place.kind in ("station", "landmark") else frozenset()
                lower = name.lower()
                parts = [part for part in re.split(r"[\s'’.-]+", lower) if part]
                plain = [fold(part) for part in parts]
                keep = [len(word) > 2 and word not in _COMMON_WORDS and word not in others for word in plain]
                words.update(word for word, ok in zip([*parts, *plain], keep + keep, strict=True) if ok)
                if len(parts) > 1 and not re.search(r"\s", lower) and any(keep) and place.kind not in ("station", "landmark"):
                    words.update((lower, fold(lower).replace(" ", "-")))
        return frozenset(words)
