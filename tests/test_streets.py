"""The streets of our own addresses, found in questions as naming the organisation there."""

from __future__ import annotations

import pytest

from index.knowledge import load_knowledge
from index.names import Named
from index.streets import Streets, street_keys
from tests.support.helpers import SHIPPED_KNOWLEDGE


@pytest.fixture(scope="module")
def streets() -> Streets:
    return Streets(load_knowledge(SHIPPED_KNOWLEDGE).centres)


def test_a_street_is_known_without_its_number_or_bracket_and_by_its_short_forms() -> None:
    assert street_keys("Boulevard Auguste Reyers 70") == {
        f"{kind} {rest}" for kind in ("boulevard", "bd", "blvd") for rest in ("auguste reyers", "reyers")
    }
    assert street_keys("Rue Brogniez 54A bte 3") == {"rue brogniez"}
    assert street_keys("Avenue du 11 Novembre 12") >= {"avenue du 11 novembre", "av novembre"}, "a number in the name stays"
    assert street_keys("Avenue Rogier 22 (2e étage)") == {"avenue rogier", "av rogier"}
    assert street_keys("Brogniezstraat 54") == {"brogniezstraat"}
    assert street_keys("Rue X 3") == set(), "too short to tell from other words"


@pytest.mark.parametrize(
    "question,centre",
    [
        ("salle info rue Brogniez horaires", "maks"),
        ("computerlokaal in de Brogniezstraat, open op vrijdag?", "maks"),
        ("avenue de la reforme 66 c'est quoi les horaires de l'epn", "ganshoren-epn"),
        ("EPN av. Rogier, c'est au 2e étage ?", "cpas-schaerbeek-epn"),
        ("is Interface3 still on rue du Méridien?", "interface3"),
    ],
)
def test_a_question_naming_one_of_our_streets_names_what_is_there(streets: Streets, question: str, centre: str) -> None:
    assert Named(centre) in streets.find(question)


def test_other_streets_and_words_name_nothing(streets: Streets) -> None:
    assert streets.find("j'habite rue de Brabant, où trouver un ordinateur ?") == frozenset()
    assert streets.find("une rue à Paris") == frozenset(), "only the whole street name counts"
    assert streets.find("") == frozenset()
