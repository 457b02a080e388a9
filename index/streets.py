"""The streets of our own addresses, read as naming what is there ("salle info rue Brogniez").

Learners often say which room they mean by its street ("EPN avenue de la Réforme", "Maks rue
Brogniez 54 ouvert ?"), sometimes without its name. A question that names the street of a centre's
or site's address (those with one) is about the organisation there, as if it had named it. Streets
are not places here: most of our coordinates are only a municipality's, and other streets have
none at all (we do not invent them).

A street is matched, on folded text as whole words, by its name without house number, box or
bracket in each of its languages ("Rue Brogniez", "Brogniezstraat"), and by its kind in any of the
forms learners write it (`index.gazetteer.STREET_KINDS`) with the rest of its name or, for three
words or more, its last word ("bd Reyers" for "Boulevard Auguste Reyers").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from index.gazetteer import STREET_KINDS, fold
from index.names import Named, NamedWords
from index.schema import LANGUAGES, Address, Centre

MIN_STREET_CHARS = 8
"""Shorter keys ("rue x") would match words that are not our streets."""
_HOUSE_NUMBER = re.compile(r"(?:\s\d+[a-z]?)+(?:\s(?:bte|bus|box)\s\w+)?$")
"""A Belgian address's house number, after the street's name ("Avenue du 11 Novembre 12", "54a bte 3")."""


def street_keys(street: str) -> set[str]:
    """The folded ways a learner may write `street`: see the module's docstring."""
    name = _HOUSE_NUMBER.sub("", fold(street.split("(", 1)[0])).strip()
    words = name.split()
    keys = {name}
    if words and words[0] in STREET_KINDS:
        rest = words[1:]
        keys.update(f"{form} {' '.join(rest)}" for form in STREET_KINDS[words[0]])
        if len(words) >= 3:
            keys.update(f"{form} {words[-1]}" for form in STREET_KINDS[words[0]])
    return {key for key in keys if len(key) >= MIN_STREET_CHARS}


def _addresses(centre: Centre) -> Iterable[Address]:
    if centre.address is not None:
        yield centre.address
    yield from (site.address for site in centre.sites or [] if site.address is not None)


class Streets:
    """The street of every centre and site address that has one, and a matcher over them."""

    def __init__(self, centres: Mapping[str, Centre]) -> None:
        lookup: dict[str, set[Named]] = {}
        for centre in centres.values():
            for address in _addresses(centre):
                written = [text for lang in LANGUAGES if address.street and (text := address.street.get(lang))]
                for key in {key for text in written for key in street_keys(text)}:
                    lookup.setdefault(key, set()).add(Named(centre.id))
        self._words = NamedWords(lookup)

    def find(self, text: str) -> frozenset[Named]:
        """The organisations at the streets `text` names."""
        return self._words.find(text)
