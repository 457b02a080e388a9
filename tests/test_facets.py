"""Questions that ask only about a facet (price, hours, address) of nothing named."""

from __future__ import annotations

import pytest

from bot.facets import asks_only_a_facet
from index.search import terms


@pytest.mark.parametrize(
    "question",
    [
        "is het gratis?",
        "c'est gratuit ?",
        "Is it free?",
        "c'est ouvert le samedi ?",
        "What's the address?",
        "Hoeveel kost het?",
        "ça coûte combien ?",
    ],
)
def test_a_facet_alone_asks_about_nothing_named(question: str) -> None:
    assert asks_only_a_facet(terms(question))


@pytest.mark.parametrize(
    "question", ["is BeCode gratis?", "free coding course", "printen", "ordinateur gratuit", "le numérique ?", "", "?"]
)
def test_a_need_or_a_name_is_more_than_a_facet(question: str) -> None:
    assert not asks_only_a_facet(terms(question))
