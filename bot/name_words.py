"""The words that name a centre, a street or a municipality, which say nothing of the language a
question is written in ("Maks", "Brogniez"): language detection leaves them out."""

from __future__ import annotations

import re

from index.schema import LANGUAGES
from index.store import LoadedIndex


def name_words(index: LoadedIndex) -> frozenset[str]:
    """Lower-case words of centre names, streets and municipalities, to keep out of language detection;
    not the ones the knowledge also writes in lower case ("formation", "school", "le"): those are
    the words of a language, and say which one (web addresses aside)."""
    words: set[str] = set()
    for centre in index.centres.values():
        texts = [centre.name.get(lang) for lang in LANGUAGES]
        for address in [centre.address, *(site.address for site in centre.sites or [])]:
            for part in (address.municipality, address.street) if address is not None else ():
                texts += [part.get(lang) for lang in LANGUAGES] if part is not None else []
        for text in texts:
            words.update(word.lower() for word in text.replace("(", " ").replace(")", " ").split() if word[:1].isupper())
    ordinary = {word for passage in index.passages for word in _WORD.findall(_WEB_ADDRESS.sub(" ", passage.text)) if word.islower()}
    return frozenset(words - ordinary)


_WORD = re.compile(r"[^\W\d_]+")
_WEB_ADDRESS = re.compile(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?")
"""A web or e-mail domain in knowledge text: "muntpunt.be" does not make "Muntpunt" an ordinary word."""
