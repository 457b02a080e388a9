"""Brussels places from knowledge/places.yaml, and finding them in a learner's question.

Staff edit the places like any other knowledge, so a new neighbourhood or spelling needs no code
change. Loading reports problems as `places.yaml:LINE: field: message`, like the Markdown files.

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
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from index import frontmatter
from index.problems import Problem
from index.schema import BRUSSELS_BOUNDS, Id, Strict, Url
from index.yaml_list import read_list

PLACES_FILE = "places.yaml"
"""The places file, at the top of the knowledge folder."""

DEFAULT_PLACES = Path(__file__).resolve().parent.parent / "knowledge" / PLACES_FILE
"""The shipped places, for callers that have no settings (tests, the default of detect_language)."""

Kind = Literal["municipality", "neighbourhood", "station", "landmark", "area", "elsewhere"]
KIND_ORDER: tuple[str, ...] = ("municipality", "neighbourhood", "area", "station", "landmark", "elsewhere")
"""When places of different kinds share a name, the first kind here is the one matched."""

PREPOSITIONS: tuple[str, ...] = ("in", "a", "au", "te", "bij", "near", "pres de", "naar", "to", "at", "from", "uit", "de", "van")
"""Folded words that, right before an ambiguous name, make it a place ("à Forest", "bij Jette")."""

_ALONE_PREFIXES: tuple[str, ...] = ("in", "a", "te", "near", "pres de", "bij")
"""What may stand before a message that is only a place ("à Schaerbeek", "bij het Zuidstation")."""

_ARTICLES: tuple[str, ...] = ("het", "de", "la", "le", "l", "the")
STREET_WORDS: tuple[str, ...] = ("chaussee", "rue", "avenue", "boulevard", "porte", "place", "route", "steenweg", "straat", "laan", "poort")
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
_POSTCODE = re.compile(r"^1[0-2]\d\d$")


class PlaceRecord(Strict):
    """One entry of places.yaml, as staff write it."""

    id: Id
    kind: Kind
    names: list[str] = Field(min_length=1)
    ambiguous: list[str] = Field(default_factory=list)
    postcodes: list[str] = Field(default_factory=list)
    municipality: Id | None = None
    municipalities: list[Id] = Field(default_factory=list)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    precision: Literal["region", "municipality", "neighbourhood", "landmark"] | None = None
    source: Url | None = None

    @field_validator("postcodes", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        return [str(code) if isinstance(code, int) else code for code in value] if isinstance(value, list) else value

    @field_validator("postcodes")
    @classmethod
    def _brussels_postcodes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _POSTCODE.match(code):
                raise ValueError(f'{code!r} is not a Brussels postcode (four digits from 1000 to 1299, e.g. "1070")')
        return value

    @field_validator("names")
    @classmethod
    def _names_have_letters(cls, value: list[str]) -> list[str]:
        for name in value:
            if not fold(name):
                raise ValueError(f"{name!r} is not a name: it has no letters")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PlaceRecord:
        unknown = [name for name in self.ambiguous if name not in self.names]
        if unknown:
            raise ValueError(f"ambiguous names must also be in names: {', '.join(map(repr, unknown))}")
        if self.kind == "municipality" and (self.municipality or self.municipalities):
            raise ValueError("a municipality does not lie in a municipality: remove 'municipality'")
        if self.municipality and self.municipalities:
            raise ValueError("give either 'municipality' (one) or 'municipalities' (several), not both")
        if self.kind in ("neighbourhood", "station", "landmark") and not (self.municipality or self.municipalities):
            raise ValueError(f"a {self.kind} needs 'municipality': the id of the municipality it lies in")
        located = [name for name in ("lat", "lon", "precision", "source") if getattr(self, name) is not None]
        if self.kind == "elsewhere" and (self.municipality or self.municipalities or self.postcodes or self.lat is not None):
            raise ValueError("a place outside Brussels has only names (and a source): no municipality, postcodes or coordinates")
        if (located and len(located) < 4 and self.kind != "elsewhere") or (not located and self.kind not in ("area", "elsewhere")):
            missing = [name for name in ("lat", "lon", "precision", "source") if getattr(self, name) is None]
            raise ValueError(f"give lat, lon, precision and source together (missing: {', '.join(missing)}); only an area may have none")
        return self


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


def _in_latin_script(name: str) -> bool:
    return all(unicodedata.name(char, "").startswith("LATIN") for char in name if char.isalpha())


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without accents; every run of non-letters and non-digits becomes one space.
    Cached: ranking folds the same organisation and place names for every question."""
    return _fold_with_offsets(text)[0]


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in `text` it came from."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).casefold()
        for piece in plain or " ":
            piece = piece if piece.isalnum() else " "
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            where.append(index)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def _variants(name: str) -> set[str]:
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
                for key in _variants(name):
                    if self._lookup.setdefault(key, place) is place and _in_latin_script(name):
                        self._spelling.setdefault(key, name)
            for postcode in place.postcodes:
                self._lookup.setdefault(postcode, place)
        keys = sorted(self._lookup, key=lambda key: (-len(key), key))
        body = "|".join(re.escape(key) for key in keys) or r"(?!x)x"
        # Russian and Ukrainian decline place names ("в Схарбеке"), Arabic writes "in" or "and" onto
        # them ("بأندرلخت"): a name may end in a case ending or start after such a letter.
        self._pattern = re.compile(rf"(?<![^\W_])(?:{_ARABIC_PREFIX})?(?=({body})({_CYRILLIC_ENDING})(?![^\W_]))")
        preps = "|".join(re.escape(p) for p in sorted(PREPOSITIONS, key=len, reverse=True))
        self._after_preposition = re.compile(rf"(?:^|\s)(?:{preps})\s$")
        streets = "|".join(STREET_WORDS)
        self._after_street = re.compile(rf"(?:^|\s)(?:{streets})(?:\s(?:de|d|du|van|of))?\s$")
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

    def _counts(self, text: str, folded: str, where: list[int], start: int, key: str) -> bool:
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


@dataclass
class PlacesFile:
    """What loading places.yaml gave: the gazetteer of its valid places, the problems, the hash."""

    gazetteer: Gazetteer
    problems: list[Problem]
    sha256: str | None


def load_places(path: Path) -> PlacesFile:
    """Read and check places.yaml; never raises for bad content (problems are returned)."""
    read = read_list(path, PlaceRecord, "places", "id")
    records, problems = read.entries, read.problems
    if read.parsed is None or not records:
        return PlacesFile(Gazetteer(), problems, read.sha256)
    shown, parsed, sha = str(path), read.parsed, read.sha256
    _check_places(records, parsed, shown, problems)
    places = {
        r.id: Place(
            r.id,
            r.kind,
            tuple(r.names),
            tuple(r.postcodes),
            (r.municipality,) if r.municipality else tuple(r.municipalities),
            r.lat,
            r.lon,
            r.precision,
            r.source,
        )
        for _, r in records
    }
    ambiguous = frozenset(v for _, r in records for name in r.ambiguous for v in _variants(name))
    return PlacesFile(Gazetteer(places, ambiguous), problems, sha)


def _check_places(records: list[tuple[int, PlaceRecord]], parsed: frontmatter.FrontMatter, shown: str, problems: list[Problem]) -> None:
    """Checks across places: ids, names and postcodes used twice, municipalities that do not exist."""
    ids: dict[str, int] = {}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    municipalities = {r.id for _, r in records if r.kind == "municipality"}
    (lat_lo, lat_hi), (lon_lo, lon_hi) = BRUSSELS_BOUNDS
    for index, record in records:
        line = parsed.line_of((index, "id"))
        if record.id in ids:
            problems.append(Problem(shown, line, "id", f"id {record.id!r} is already used on line {ids[record.id]}"))
            continue
        ids[record.id] = line
        keyed = [("names", n, i, v) for i, n in enumerate(record.names) for v in sorted(_variants(n))]
        keyed += [("postcodes", c, i, c) for i, c in enumerate(record.postcodes)]
        for field_key, written, position, key in keyed:
            other = names.get((record.kind, key))
            if other is not None and other[0] != record.id:
                problems.append(
                    Problem(
                        shown,
                        parsed.line_of((index, field_key, position)),
                        f"{field_key}[{position + 1}]",
                        f"{written!r} also names the {record.kind} {other[0]!r} (as {other[1]!r}): a name or postcode may point at one {record.kind} only",
                    )
                )
            names.setdefault((record.kind, key), (record.id, written))
        for position, municipality in enumerate([record.municipality] if record.municipality else record.municipalities):
            if municipality not in municipalities:
                field_key = "municipality" if record.municipality else f"municipalities[{position + 1}]"
                loc = (index, "municipality") if record.municipality else (index, "municipalities", position)
                problems.append(Problem(shown, parsed.line_of(loc), field_key, f"no municipality has the id {municipality!r}"))
        if record.lat is not None and record.lon is not None and not (lat_lo <= record.lat <= lat_hi and lon_lo <= record.lon <= lon_hi):
            problems.append(
                Problem(
                    shown,
                    parsed.line_of((index, "lat")),
                    "lat",
                    f"{record.lat}, {record.lon} is outside the Brussels region: are lat and lon swapped?",
                )
            )


@lru_cache(maxsize=8)
def load_gazetteer(path: Path = DEFAULT_PLACES) -> Gazetteer:
    """The places of `path`, loaded once per path; the valid places even when others have errors."""
    return load_places(path).gazetteer
