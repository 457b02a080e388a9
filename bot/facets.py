"""Questions that ask only about a facet, of nothing named ("is het gratis?", "c'est ouvert le
samedi ?", "what's the address?"): no centre can be the confident answer to them.

On Telegram they often follow an answer, as if the bot remembered it; it does not, so it says it
is not sure and lists the closest options. Confidently, "is het gratis?" got BeCode's bootcamp
of 2017 (an exploratory test). No labelled question is one of these.
"""

from __future__ import annotations

from index.search import terms

FACET_WORDS = (
    *("free", "price", "prices", "cost", "costs", "cheap", "expensive", "paying", "open", "opening", "hours", "address"),
    *("phone", "number", "register", "sign", "signup", "age", "today", "tomorrow", "saturday", "sunday", "evening", "still"),
    *("exist", "appointment", "long"),
    *("gratuit", "gratuite", "gratuits", "prix", "coute", "cher", "payant", "ouvert", "ouverte", "horaires", "heures"),
    *("adresse", "telephone", "numero", "inscription", "inscrire", "age", "aujourd'hui", "demain", "samedi", "dimanche"),
    *("soir", "encore", "existe", "rendez-vous", "reserver", "longtemps"),
    *("gratis", "prijs", "kost", "kosten", "duur", "betalend", "open", "openingsuren", "uren", "adres", "telefoon"),
    *("nummer", "inschrijven", "leeftijd", "vandaag", "morgen", "zaterdag", "zondag", "avond", "nog", "bestaat"),
    *("afspraak", "reserveren", "lang"),
)
"""What a learner asks about a centre or a course, in English, French and Dutch, not what they need."""
FACET_TERMS = frozenset(term for word in FACET_WORDS for term in terms(word))


def asks_only_a_facet(words: list[str]) -> bool:
    """Whether a question's search terms (`index.search.terms`) are all facets: it says nothing of
    what the learner needs. A question without any term is not one (it asks nothing)."""
    return bool(words) and all(word in FACET_TERMS for word in words)
