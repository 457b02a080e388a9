"""Organisation and programme names found in questions, from the shipped knowledge."""

from __future__ import annotations

import pytest

from index.knowledge import load_knowledge
from index.names import Named, NameIndex, short_names
from tests.support.helpers import SHIPPED_KNOWLEDGE


@pytest.fixture(scope="module")
def names() -> NameIndex:
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE)
    return NameIndex(knowledge.centres, knowledge.programmes, knowledge.gazetteer)


def test_short_names_cut_descriptions_and_split_alternatives() -> None:
    assert short_names("CABAN / DIBAC (Brussels digital inclusion network)") == ["CABAN", "DIBAC"]
    assert short_names("L'Entrela' – Evere cultural centre, public digital space (EPN)") == [
        "L'Entrela",
        "Evere cultural centre, public digital space",
    ]
    assert short_names("MolenGeek") == ["MolenGeek"]


@pytest.mark.parametrize(
    "question,centre",
    [
        ("Wat is BeCode?", "becode"),
        ("Where's MolenGeek located", "molengeek"),
        ("c'est quoi le CABAN ?", "caban"),
        ("EPN-Bravvo, c'est ouvert à tous ?", "ville-de-bruxelles-epn"),
        ("je voudrais aller à la bibliothèque de Laeken", "ville-de-bruxelles-epn"),
        ("ecole 19 inscription", "school-19"),
        ("أين يقع Interface 3؟", "interface3"),
        ("gdzie jest MAKS w Anderlechcie?", "maks"),
    ],
)
def test_names_and_aliases_are_found_in_any_language(names: NameIndex, question: str, centre: str) -> None:
    assert Named(centre) in names.find(question)


def test_a_programme_alias_names_the_programme(names: NameIndex) -> None:
    assert names.find("is Capital Digital open this summer?") == {Named("maks", "maks-capital-digital")}


@pytest.mark.parametrize(
    "question",
    [
        "espace public numérique près de chez moi",  # a description many centres share
        "openbare computerruimtes in Brussel",
        "I live in Evere",
        "the epn at the cpas",
        "arc de triomphe",
        "becoded",  # whole words only
    ],
)
def test_descriptions_places_and_parts_of_words_are_no_names(names: NameIndex, question: str) -> None:
    assert names.find(question) == frozenset()


@pytest.mark.parametrize(
    "question,centre",
    [
        ("EPN de Ganshoren", "ganshoren-epn"),
        ("ya un epn a ganshoren ?", "ganshoren-epn"),
        ("Koekelberg EPN adresse", "koekelberg-epn"),
        ("EPN van Sint-Agatha-Berchem", "bibliotheque-berchem"),
        ("EPN 1180", "uccle-bibliotheques-epn"),
        ("espace public numérique d'Evere", "entrela-evere"),
        ("public digital space in Koekelberg", "koekelberg-epn"),  # "Koekelberg" alone says where, not who
        ("EPN de Woluwe-Saint-Lambert", "wolu-cyber-cite"),  # its name says "Espaces publics numériques"
        ("epn st-gilles", "atelier-du-web"),
    ],
)
def test_a_kind_of_room_with_its_municipality_names_the_one_room_there(names: NameIndex, question: str, centre: str) -> None:
    assert names.find(question) == {Named(centre)}


@pytest.mark.parametrize(
    "question", ["EPN Anderlecht", "un EPN ?", "computer room in Ganshoren", "Ganshoren", "EPN 1070", "EPN 11800", "xepn ganshoren"]
)
def test_a_kind_of_room_names_nothing_without_one_of_that_name_there(names: NameIndex, question: str) -> None:
    assert names.find(question) == frozenset()
