"""Finding the organisations and programmes a learner names ("Wat is BeCode?", "EPN-Bravvo, c'est ouvert ?").

A question that names an organisation is about it, in any language: "MolenGeek" is written the
same in Arabic, Polish or French questions, while the words around it may match nothing. The
names come from the knowledge itself: each centre's and site's name in EN/FR/NL up to its first
bracket, dash or slash ("CABAN / DIBAC (…)" gives CABAN and DIBAC), each programme's title, and
the `aliases` staff add for the names learners use ("Interface 3", "École 19", "Bravvo").

Names are matched on folded text (see `index.gazetteer.fold`), as whole words. A name that is also
a place ("Koekelberg" in "Koekelberg public digital space") or shorter than three characters is
left out: it says where, not who, and the gazetteer already reads it. With a kind of room
(KIND_NAMES), though, it names the one room of that kind there: "EPN de Ganshoren".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from index.gazetteer import Gazetteer, fold, longest_first, name_variants
from index.schema import LANGUAGES, Centre, LocalText, Programme

MIN_NAME_CHARS = 3
MAX_NAME_WORDS = 4
"""Longer names are descriptions ("Uccle public libraries' public digital space"), not what learners type."""
GENERIC_CENTRES = 2
KIND_NAMES = ("epn", "espace public numerique", "openbare computerruimte", "public digital space")
"""What learners call a public computer room, in the names of several (any one of them in a
centre's name stands for all four: "EPN" is the French words' initials). With the municipality it
is in ("EPN de Ganshoren", "ya un epn a ganshoren ?", "Koekelberg EPN"), such a word names the
one room there whose own name has it: "Ganshoren" alone says where, and "EPN" alone names none."""
_JOINS = ("de", "d", "du", "de la", "van", "in", "a", "te", "at", "of")
"""What may stand between the kind and the municipality ("EPN de Ganshoren"), or nothing."""
_SPLIT = re.compile(r"\s+[–—/-]\s+|\s*/\s*")


@dataclass(frozen=True)
class Named:
    """Whom a name points at: a centre, and the programme when the name is a programme's."""

    centre: str
    programme: str | None = None


def short_names(name: str) -> list[str]:
    """The parts of a displayed name a learner would write: before any bracket, split at dashes
    and slashes ("CABAN / DIBAC (Brussels digital inclusion network)" → CABAN, DIBAC)."""
    head = name.split("(", 1)[0]
    return [part.strip(" \"'’,.") for part in _SPLIT.split(head) if part.strip(" \"'’,.")]


class NamedWords:
    """Folded names, each pointing at the organisations or programmes it names, and a matcher that
    finds them in a text as whole words (the longest first, never overlapping)."""

    def __init__(self, lookup: Mapping[str, set[Named]]) -> None:
        self._lookup = dict(lookup)
        self._pattern = re.compile(rf"(?<![^\W_])(?:{longest_first(self._lookup)})(?![^\W_])")

    def find(self, text: str) -> frozenset[Named]:
        """Whom the names in `text` point at."""
        return frozenset(named for match in self._pattern.finditer(fold(text)) for named in self._lookup[match.group(0)])


class NameIndex:
    """Every name of every centre, site and programme, and a matcher over them."""

    def __init__(self, centres: Mapping[str, Centre], programmes: Mapping[str, Programme], gazetteer: Gazetteer) -> None:
        derived: dict[str, set[Named]] = {}
        for centre in centres.values():
            for name in [*_local(centre.name), *(part for site in centre.sites or [] for part in _local(site.name))]:
                derived.setdefault(fold(name), set()).add(Named(centre.id))
        generic = _generic_words(derived)
        places = {fold(name) for place in gazetteer.places.values() for name in place.names}
        self._lookup: dict[str, set[Named]] = {}
        for key, named in derived.items():
            words = key.split()
            if (
                len(named) == 1
                and len(words) <= MAX_NAME_WORDS
                and any(len(w) > MIN_NAME_CHARS and _singular(w) not in generic for w in words)
            ):
                self._add(key, named, places)
        for centre in centres.values():
            for alias in centre.aliases or []:
                self._add(fold(alias), {Named(centre.id)}, places)
        for programme in programmes.values():
            for alias in programme.aliases or []:
                self._add(fold(alias), {Named(programme.centre, programme.id)}, places)
        self._words = NamedWords(self._lookup)
        self._rooms = {town: named for town, named in _rooms_by_town(centres, gazetteer).items() if len(named) == 1}
        towns, kinds, joins = longest_first(self._rooms), longest_first(KIND_NAMES), longest_first(_JOINS)
        self._kind_and_town = re.compile(
            rf"(?<![^\W_])(?:(?:{kinds})\s(?:(?:{joins})\s)?(?P<after>{towns})|(?P<before>{towns})\s(?:{kinds}))(?![^\W_])"
        )

    def _add(self, key: str, named: set[Named], places: set[str]) -> None:
        if len(key.replace(" ", "")) >= MIN_NAME_CHARS and key not in places:
            self._lookup.setdefault(key, set()).update(named)

    def find(self, text: str) -> frozenset[Named]:
        """The centres and programmes whose names `text` contains (longest names first, no overlaps)."""
        folded = fold(text)
        if not any(kind in folded for kind in KIND_NAMES):  # most questions: no need to look further
            return self._words.find(text)
        rooms = [self._rooms[m.group("after") or m.group("before")] for m in self._kind_and_town.finditer(folded)]
        return self._words.find(text).union(*rooms)


def _rooms_by_town(centres: Mapping[str, Centre], gazetteer: Gazetteer) -> dict[str, set[Named]]:
    """For each folded Latin-script name (also with "st" for "saint") and postcode of a municipality
    ("ganshoren", "st gilles", "1180"), the centres in it (at their address or a site's) whose own
    name has one of KIND_NAMES, singular or plural ("Espaces publics numériques de Woluwe-Saint-Lambert")."""
    found: dict[str, set[Named]] = {}
    for centre in centres.values():
        own = f" {' '.join(_singular(word) for lang in LANGUAGES for word in fold(centre.name.get(lang)).split())} "
        if not any(f" {kind} " in own for kind in KIND_NAMES):  # one kind, four ways to say it
            continue
        addresses = [centre.address, *(site.address for site in centre.sites or [])]
        towns = {
            town.id: town
            for address in addresses
            if address is not None and address.municipality is not None
            for match in gazetteer.find(address.municipality.get("fr"))
            for town in match.municipalities
            if match.place.kind == "municipality"
        }
        for town in towns.values():
            for key in {key for name in town.names if fold(name).isascii() for key in name_variants(name)} | set(town.postcodes):
                found.setdefault(key, set()).add(Named(centre.id))
    return found


def _generic_words(names: Mapping[str, set[Named]]) -> frozenset[str]:
    """Words in the names of GENERIC_CENTRES or more centres ("public", "bibliotheque", "de"): a
    name made only of them ("Espaces publics numériques") describes, it does not name."""
    centres_of: dict[str, set[str]] = {}
    for key, named in names.items():
        for word in key.split():
            centres_of.setdefault(_singular(word), set()).update(n.centre for n in named)
    return frozenset(word for word, ids in centres_of.items() if len(ids) >= GENERIC_CENTRES)


def _singular(word: str) -> str:
    """Good enough to count "espaces" with "espace" and "computerruimtes" with "computerruimte"."""
    return word[:-1] if len(word) > MIN_NAME_CHARS and word.endswith("s") else word


def _local(text: LocalText) -> list[str]:
    return [part for lang in LANGUAGES if (written := getattr(text, lang)) for part in short_names(written)]
