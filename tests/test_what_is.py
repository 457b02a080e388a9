"""Questions that only ask what something is, in English, French and Dutch."""

from __future__ import annotations

import pytest

from bot.what_is import asks_what_it_is


@pytest.mark.parametrize(
    "question",
    [
        "C'est quoi le chèque TIC ?",
        "Qu’est-ce que le chèque TIC ?",
        "What is an EPN?",
        "Wat is Maks?",
        "le chèque TIC, c'est quoi ?",
        "wat zijn digipunten",
    ],
)
def test_a_question_that_asks_what_something_is(question: str) -> None:
    assert asks_what_it_is(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is the price of the ICT cheque?",  # something of it
        "Wat is het adres van Maks?",
        "C'est quoi le prix du chèque TIC ?",
        "What is the best way to learn coding for free in Brussels as a beginner?",  # more than a name
        "What is",
        "Whatever works",
        "Combien paie le chèque TIC ?",
    ],
)
def test_a_question_about_something_else(question: str) -> None:
    assert not asks_what_it_is(question)
