"""Questions that ask only about a facet, of nothing named ("is het gratis?", "c'est ouvert le
samedi ?", "what's the address?").

On Telegram they often follow an answer: within 30 minutes of one, they are about it (the chat's
last answer is kept for that, bot/conversations.py). Otherwise no centre can be the confident
answer to them: the bot asks which one is meant and lists the closest options. Confidently, "is
het gratis?" had got BeCode's bootcamp of 2017 (an exploratory test). No labelled question is one
of these.
"""

from __future__ import annotations

import re

from index.passages import Passage
from index.search import Hit, fold, terms

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
    *("exactly", "join", "take", "page", "waiting"),
    *("faut", "exactement", "dure", "duree", "temps", "rejoindre", "jusqu'a"),
    *("precies", "schrijf", "wachtlijst"),
)
"""What a learner asks about a centre or a course, in English, French and Dutch, not what they need."""
FACET_TERMS = frozenset(term for word in FACET_WORDS for term in terms(word))
CONTACT_WORDS = ("phone", "telephone", "email", "mail", "contact", "numero", "téléphone", "telefoon")
"""How to reach a centre: a facet just after an answer ("ils ont un numéro de téléphone ?"); on its
own, "téléphone ?" may be the need ("help with my phone"), and "numéro" has the stem of "numérique"
("le numérique ?" just after an answer is then taken to be about it: a small price). Not "appeler",
"bellen" or "call": their stems are those of "appels vidéo", "belle" and "video call"."""
FOLLOW_UP_TERMS = FACET_TERMS | frozenset(term for word in CONTACT_WORDS for term in terms(word))
QUESTION_WORDS = frozenset(
    ("where", "when", "who", "how", "much", "ou", "quand", "qui", "combien", "comment", "waar", "wanneer", "wie", "hoe")
)
"""Asking words that are stop words of search: "c'est combien ?", "where is it?", "voor wie is het?"
have no search term left, yet just after an answer they ask about it."""
TO_THE_BOT = frozenset(("you", "your", "tu", "toi", "vous", "jij", "je", "jou", "jouw"))
"""Words that make a question one about the bot ("who are you?", "qui es-tu ?", "wie ben je?"), not
about its last answer; and the French "je" of a longer question that asks something new."""
_WORDS = re.compile(r"[a-z]+")
_WHAT_TIME = "hoe laat"
"""Dutch "what time" ("tot hoe laat?"); "laat" alone is "let" ("laat maar": never mind)."""


def asks_only_a_facet(words: list[str]) -> bool:
    """Whether a question's search terms (`index.search.terms`) are all facets: it says nothing of
    what the learner needs. A question without any term is not one (it asks nothing)."""
    return bool(words) and all(word in FACET_TERMS for word in words)


def asks_about_the_last_answer(text: str, words: list[str]) -> bool:
    """Whether a question, just after an answer, asks about that answer: its search terms (`words`)
    are all facets or ways to reach a centre, or it has none but asks ("where is it?")."""
    folded = fold(text)
    if _WHAT_TIME in folded:
        words = [word for word in words if word != "laat"]
    if words:
        return all(word in FOLLOW_UP_TERMS for word in words)
    said = set(_WORDS.findall(folded))
    return not QUESTION_WORDS.isdisjoint(said) and TO_THE_BOT.isdisjoint(said)


def follow_up(hits: list[Hit], previous: Passage) -> Passage:
    """What answers a question about the previous answer (`previous`, a passage of it), among the
    passages found, best first: first its own (the same programme, centre or FAQ). After a
    programme, then its organisation's own passages (a reply about a programme gives its centre's
    address, hours and contact anyway; "is it free?" after BeCode's bootcamp is not about BeCode's
    other course). After an organisation, then any of the organisation's ("combien la page ?" after
    a library is about its computer room). An FAQ keeps to its topic ("what is an EPN?" is filed
    under CABAN, but is not about CABAN). Else `previous` itself."""
    ours = [hit.passage for hit in hits if hit.passage.answerer == previous.answerer]
    own = [p for p in ours if p.target == previous.target]
    if previous.programme is None and previous.target != previous.centre:  # an FAQ
        return next(iter(own), previous)
    others = [p for p in ours if p.target != previous.target and (previous.programme is None or p.programme is None)]
    return next(iter(own + others), previous)
