"""Questions that only ask what something is ("C'est quoi le chèque TIC ?", "What is an EPN?",
"Wat is Maks?"): the file's opening text, which says what it is, answers them better than the
section the search ranks first ("How much does the ICT cheque pay?" won on the words "chèque TIC")."""

from __future__ import annotations

import re

from bot.audience_words import fold_question

_ASKS = re.compile(
    r"^(?:what is|what's|whats|what are|what does|"
    r"c'est quoi|c est quoi|cest quoi|c quoi|qu'est-ce que|qu'est ce que|qu est ce que|qu'est-ce qu'|qu'est ce qu'|qu est ce qu|"
    r"wat is|wat zijn|wat betekent|wat doet)(?!\w)"
)
_ASKS_AFTER = re.compile(r"(?:,|\s)\s*(?:c'est quoi|c est quoi|cest quoi|what is it|wat is dat|wat is het)\s*\??$")
_WORDS = re.compile(r"[^\W_]+")
_OF = frozenset({"of", "du", "des", "van", "vd"})
"""Words that make the question about something of the thing ("the price of", "het adres van")."""
TOPIC_WORDS = 4
"""At most this many words besides the asking ones: "what is the ICT cheque" asks what it is;
"what is the price of the ICT cheque for job seekers" asks something about it."""


def asks_what_it_is(question: str) -> bool:
    """Whether `question` asks only what something is, in English, French or Dutch."""
    text = fold_question(" ".join(question.split())).strip(" ?!.")
    asked = _ASKS.match(text)
    if asked is not None:
        rest = text[asked.end() :]
    else:
        after = _ASKS_AFTER.search(text + " ?")
        if after is None:
            return False
        rest = text[: after.start()]
    words = _WORDS.findall(rest.replace("'", " "))
    return 0 < len(words) <= TOPIC_WORDS and not _OF.intersection(words)
