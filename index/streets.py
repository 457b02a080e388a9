"""The streets of our own addresses, read as naming what is there ("salle info rue Brogniez").

Learners often say which room they mean by its street ("EPN avenue de la Réforme", "Maks rue
Brogniez 54 ouvert ?"), sometimes without its name. Every centre and site address in the
knowledge has a street, so a question that names one is about the organisation at that address,
as if it had named it. Streets are not places here: most of our coordinates are only a
municipality's, and other streets have none at all (we do not invent them).

A street is matched, on folded text as whole words, by its name without house number or bracket
in each of its languages ("Rue Brogniez", "Brogniezstraat"), and by its kind, short or not, with
the rest of its name or, for three words or more, its last word ("bd Reyers" for "Boulevard
Auguste Reyers").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from index.gazetteer import fold
from index.names import Named
from index.schema import LANGUAGES, Address, Centre

MIN_STREET_CHARS = 8
"""Shorter keys ("rue x") would match words that are not our streets."""
SHORT_KINDS: Mapping[str, tuple[str, ...]] = {
    "avenue": ("avenue", "av"),
    "boulevard": ("boulevard", "bd"),
    "chaussee": ("chaussee", "chee"),
    "rue": ("rue",),
    "place": ("place", "pl"),
}
"""French street kinds as learners shorten them, keyed by the folded full word."""
_NUMBER = re.compile(r"\s*\b\d+[a-z]?\b\s*")


def street_keys(street: str) -> set[str]:
    """The folded ways a learner may write `street`: see the module's docstring."""
    name = fold(_NUMBER.sub(" ", street.split("(", 1)[0])).strip()
    words = name.split()
    keys = {name}
    if words and words[0] in SHORT_KINDS:
        rest = words[1:]
        keys.update(f"{kind} {' '.join(rest)}" for kind in SHORT_KINDS[words[0]])
        if len(words) >= 3:
            keys.update(f"{kind} {words[-1]}" for kind in SHORT_KINDS[words[0]])
    return {key for key in keys if len(key) >= MIN_STREET_CHARS}


def _addresses(centre: Centre) -> Iterable[Address]:
    if centre.address is not None:
        yield centre.address
    yield from (site.address for site in centre.sites or [] if site.address is not None)


class Streets:
    """The street of every centre and site address, and a matcher over them."""

    def __init__(self, centres: Mapping[str, Centre]) -> None:
        self._lookup: dict[str, set[Named]] = {}
        for centre in centres.values():
            for address in _addresses(centre):
                written = [text for lang in LANGUAGES if address.street and (text := address.street.get(lang))]
                for key in {key for text in written for key in street_keys(text)}:
                    self._lookup.setdefault(key, set()).add(Named(centre.id))
        keys = sorted(self._lookup, key=lambda key: (-len(key), key))
        body = "|".join(re.escape(key) for key in keys) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])")

    def find(self, text: str) -> frozenset[Named]:
        """The organisations at the streets `text` names."""
        return frozenset(named for match in self._pattern.finditer(fold(text)) for named in self._lookup[match.group(0)])
