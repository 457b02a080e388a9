"""Questions that ask only about a facet (price, hours, address) of nothing named."""

from __future__ import annotations

import pytest

from bot.facets import asks_about_the_last_answer, asks_only_a_facet
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


@pytest.mark.parametrize(
    "question",
    [
        "c'est combien ?",
        "where is it?",
        "voor wie is het?",
        "il faut payer ?",
        "ça dure combien de temps ?",
        "hoe schrijf ik me in?",
        "ils ont un numéro de téléphone ?",
        "who can join?",
        "tot hoe laat?",
        "is het gratis?",
    ],
)
def test_just_after_an_answer_these_ask_about_it(question: str) -> None:
    assert asks_about_the_last_answer(question, terms(question))


@pytest.mark.parametrize(
    "question",
    [
        *("ok", "merci beaucoup", "et pour les enfants ?", "cours de python ?", "aide pour mon téléphone"),
        *("who are you?", "qui es-tu ?", "wie ben je?", "comment vous appelez-vous ?", "laat maar", "appels vidéo ?"),
    ],
)
def test_these_ask_something_new(question: str) -> None:
    assert not asks_about_the_last_answer(question, terms(question))


def test_a_phone_number_is_a_facet_only_just_after_an_answer() -> None:
    """Alone, "téléphone ?" may be the need (help with a phone), and "numéro" has the stem of "numérique"."""
    assert not asks_only_a_facet(terms("numéro de téléphone ?"))
    assert asks_about_the_last_answer("numéro de téléphone ?", terms("numéro de téléphone ?"))
