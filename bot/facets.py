"""Questions that ask only about a facet, of nothing named ("is het gratis?", "c'est ouvert le
samedi ?", "what's the address?"): no centre can be the confident answer to them.

On Telegram they often follow an answer: within 30 minutes of one, they are about it (the chat's
last answer is kept for that, bot/conversations.py). Otherwise no centre can be the answer: the
bot asks which one is meant and lists the closest options. Confidently, "is het gratis?" had got
BeCode's bootcamp of 2017 (an exploratory test). No labelled question is one of these.
"""

from __future__ import annotations

from index.passages import Passage
from index.search import Hit, terms

FACET_WORDS = (
    *("free", "price", "cost", "cheap", "expensive", "much", "pay", "paying", "open", "opening", "hours", "time", "address"),
    *("number", "register", "sign", "signup", "age", "today", "tomorrow", "saturday", "sunday", "still", "exist"),
    *("appointment", "long", "start", "when"),
    *("gratuit", "prix", "coute", "ca", "cher", "payant", "payer", "ouvert", "horaires", "heures", "adresse"),
    *("inscription", "aujourd'hui", "demain", "samedi", "dimanche", "encore", "rendez-vous", "reserver"),
    *("longtemps", "commence", "quand"),
    *("gratis", "prijs", "kost", "kosten", "hoeveel", "duur", "duurt", "betalend", "betalen", "openingsuren", "uren"),
    *("adres", "nummer", "inschrijven", "leeftijd", "vandaag", "morgen", "zaterdag", "zondag", "nog", "bestaat"),
    *("afspraak", "lang", "begint", "wanneer"),
)
"""What a learner asks about a centre or a course, in English, French and Dutch, not what they need."""
FACET_TERMS = frozenset(term for word in FACET_WORDS for term in terms(word))


def asks_only_a_facet(words: list[str]) -> bool:
    """Whether a question's search terms (`index.search.terms`) are all facets: it says nothing of
    what the learner needs. A question without any term is not one (it asks nothing)."""
    return bool(words) and all(word in FACET_TERMS for word in words)


def follow_up(hits: list[Hit], previous: Passage) -> Passage:
    """What answers a facet question about the previous answer (`previous`, a passage of it): the
    best passage found of the same programme, or of its organisation but of no other programme
    ("is it free?" after BeCode's bootcamp is not about BeCode's other course), else `previous`."""
    for hit in hits:
        passage = hit.passage
        if passage.answerer == previous.answerer and passage.programme in (None, previous.programme):
            return passage
    return previous
