"""The answering engine with a fake embedder: odd input, replies, JSON shape, languages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.engine import MAX_INPUT_CHARS, Engine
from tests.support.helpers import CENTRE, store_questions


@pytest.fixture
def engine(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine()


@pytest.mark.parametrize("question", ["", "   ", "\n\t \n"])
def test_empty_input_gets_an_example_in_every_language(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.kind == "empty" and not answer.confident and answer.best is None
    assert "Please type your question" in answer.text and "Écrivez votre question" in answer.text and "Typ je vraag" in answer.text


def test_empty_input_with_a_known_language_answers_in_it(engine: Engine) -> None:
    assert engine.answer(" ", "nl").text.startswith("Typ je vraag")


def test_confident_answer_has_offer_eligibility_signup_and_directions(engine: Engine) -> None:
    answer = engine.answer("coding course for adults looking for work")
    assert answer.confident and answer.kind == "answer"
    assert (answer.best.centre, answer.best.programme) == ("alpha", "alpha-coding")  # type: ignore[union-attr]
    text = answer.text
    for expected in (
        "coding course",
        "Who it is for: Adults looking for work.",
        "How to sign up: Write to the centre.",
        "Centre: Alpha centre",
        "Address: Rue de l'Exemple 1, 1000 Anderlecht",
        "Opening hours: Mon–Fri 09:00–17:00",
        "Contact: https://alpha.example.org",
        "Map: https://www.openstreetmap.org/search?query=",
        "Source: https://alpha.example.org/alpha-coding",
    ):
        assert expected in text, expected


def test_answer_is_in_the_learners_language(engine: Engine) -> None:
    answer = engine.answer("Je cherche un cours de coding pour adultes qui cherchent un emploi")
    assert answer.lang == "fr" and answer.confident
    assert "Pour qui\u00a0: " in answer.text  # French sets a no-break space before a colon
    assert "Centre Alpha" in answer.text


def test_unknown_question_is_not_confident_and_offers_a_person(engine: Engine) -> None:
    answer = engine.answer("what is the weather tomorrow")
    assert not answer.confident and answer.kind == "unsure"
    assert "I'm not sure" in answer.text
    assert "To talk to a person, contact" in answer.text


def test_a_question_nearer_one_we_refuse_is_told_what_the_bot_does_without_centres(engine: Engine) -> None:
    """Centres nearest to "the weather tomorrow" are no answer, and their contact no person to ask."""
    store_questions(
        engine, {"coding course for adults looking for work": "alpha", "zumba pottery knitting": "alpha"}, ["what is the weather tomorrow"]
    )
    off_topic = engine.answer("what is the weather tomorrow")
    assert not off_topic.confident and off_topic.kind == "off_topic" and off_topic.alternatives == []
    assert "I could not find anything about that" in off_topic.text and "ask again in other words" in off_topic.text
    assert "I'm not sure" not in off_topic.text and "To talk to a person" not in off_topic.text
    unsure = engine.answer("zumba pottery")  # not found in the knowledge, but like a question we answer
    assert not unsure.confident and unsure.kind == "unsure"
    assert "I'm not sure" in unsure.text and "To talk to a person, contact" in unsure.text
    store_questions(engine, {"coding course for adults looking for work": "alpha"}, ["what is the weather tomorrow", "coding", "weather"])
    one_word = engine.answer("coding")  # one word the knowledge knows: too little to say it is about something else
    assert one_word.kind == "unsure" and "I'm not sure" in one_word.text and one_word.best is not None
    assert engine.answer("weather").kind == "off_topic"
    elsewhere = engine.answer("what is the weather tomorrow in Namur")
    assert elsewhere.kind == "unsure" and "I only know digital-skills centres in the Brussels region" in elsewhere.text
    assert "If you can come to Brussels, here is what I know:\n1. " in elsewhere.text and "I'm not sure" not in elsewhere.text


def test_very_long_input_is_cut_and_said_so(engine: Engine) -> None:
    answer = engine.answer("printing in Schaerbeek. " + "I really need some help with this. " * (MAX_INPUT_CHARS // 30))
    assert answer.truncated
    assert "Your message was long" in answer.text


def test_json_has_the_documented_keys(engine: Engine) -> None:
    data = engine.answer("printing courses Schaerbeek").to_dict()
    assert set(data) >= {"question", "lang", "confident", "kind", "centre", "programme", "passage", "score", "reply", "alternatives"}
    assert data["centre"] == "beta" and data["kind"] == "answer" and isinstance(data["score"], float)
    assert all(set(alt) == {"centre", "programme", "passage", "score"} for alt in data["alternatives"])
    assert "beta" not in {(alt["centre"], alt["programme"]) for alt in data["alternatives"]}


def test_html_rendering_escapes_knowledge_text(knowledge_dir: Path, make_engine: Callable[..., Engine]) -> None:
    path = knowledge_dir / "programmes" / "alpha-coding.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Write to the centre.", "Write to <b>us</b> & wait."), encoding="utf-8")
    engine = make_engine()
    html = engine.answer("coding course for adults looking for work").html
    assert "Write to &lt;b&gt;us&lt;/b&gt; &amp; wait." in html


def test_repeated_questions_come_from_the_cache(engine: Engine) -> None:
    first = engine.answer("printing courses Schaerbeek")
    assert engine.answer("printing courses Schaerbeek") is first
    assert engine.answer("printing courses Schaerbeek", lang="fr") is not first
    engine.use_mode("lexical")
    assert engine.answer("printing courses Schaerbeek") is not first


def test_answers_from_stale_entries_say_when_they_were_checked(make_engine: Callable[..., Engine]) -> None:
    import datetime as dt

    fresh = make_engine(freshness_days=180, clock=lambda: dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC))
    assert "We last checked" not in fresh.answer("coding course for adults looking for work").text
    stale = make_engine(freshness_days=180, clock=lambda: dt.datetime(2027, 9, 1, 10, tzinfo=dt.UTC))
    assert (
        "We last checked this information on 2026-11-01: please confirm it with the centre."
        in stale.answer("coding course for adults looking for work").text
    )


@pytest.mark.parametrize("lang,expected", [("fr", "alpha-fr"), ("nl", "alpha-nl")])
def test_ties_go_to_the_programme_taught_in_the_learners_language(
    knowledge_dir: Path, make_engine: Callable[..., Engine], lang: str, expected: str
) -> None:
    from tests.support.helpers import PROGRAMME

    for code in ("nl", "fr"):
        text = PROGRAMME.format(id=f"alpha-{code}", centre="alpha", topic="welding").replace(
            "verified: 2026-11-01", f"instruction_languages: [{code}]\nverified: 2026-11-01"
        )
        (knowledge_dir / "programmes" / f"alpha-{code}.md").write_text(text, encoding="utf-8")
    answer = make_engine().answer("welding course", lang=lang)
    assert answer.best.programme == expected  # type: ignore[union-attr]


def test_a_question_vector_is_the_one_answering_computes(make_engine) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine()
    question = "  coding   course " + "x" * 5000
    assert np.array_equal(engine.question_vector(question), engine.answer(question).vector)
    with pytest.raises(ValueError):
        engine.question_vector("   ")


def test_an_engine_keeps_numpy_and_faiss_blas_to_one_thread(engine: Engine) -> None:
    from threadpoolctl import threadpool_info

    answering = [
        pool for pool in threadpool_info() if pool["user_api"] == "blas" and ("numpy" in pool["filepath"] or "faiss" in pool["filepath"])
    ]
    assert len(answering) == 2 and all(pool["num_threads"] == 1 for pool in answering)


@pytest.mark.parametrize(
    ("question", "hint", "starts"),
    [
        ("Bonjour !", None, "Bonjour ! Je vous aide"),
        ("hello", None, "Hello! I help you"),
        ("Hallo", None, "Hallo! Ik help je"),
        ("Merhaba", "nl", "Hallo! Ik help je"),
    ],
)
def test_a_greeting_alone_gets_the_welcome_and_no_options(engine: Engine, question: str, hint: str | None, starts: str) -> None:
    answer = engine.answer(question, hint)
    assert answer.kind == "small_talk" and answer.best is None and answer.alternatives == []
    assert answer.text.split("\n")[-1].startswith(starts) and "could not find" not in answer.text


def test_thanks_alone_gets_a_short_reply_in_the_chosen_language(engine: Engine) -> None:
    answer = engine.answer("merci beaucoup", lang="nl")
    assert answer.kind == "small_talk" and answer.lang == "nl" and answer.text.startswith("Graag gedaan!")


def test_a_centre_name_in_its_own_web_address_still_says_no_language(make_engine: Callable[..., Engine], knowledge_dir: Path) -> None:
    # "muntpunt.be" in the text once made "muntpunt" an ordinary word, and the detector read "Muntpunt" as Dutch.
    text = CENTRE.format(id="muntpunt", name="Muntpunt", topic="computers", town="Bruxelles")
    text = text.replace("We run computers courses for adults.", "Opening hours are on muntpunt.be.")
    (knowledge_dir / "centres" / "muntpunt.md").write_text(text, encoding="utf-8")
    assert make_engine(knowledge_dir).answer("Is Muntpunt open on Sunday?").asked_lang == "en"


def test_a_reply_in_another_language_that_offers_nothing_does_not_promise_what_fits(engine: Engine) -> None:
    from bot.other_languages import OTHER_LANGUAGE_NOTES, OTHER_LANGUAGE_ONLY

    store_questions(engine, {"coding course for adults looking for work": "alpha"}, ["¿qué tiempo hará mañana en la ciudad?"])
    refused = engine.answer("¿Qué tiempo hará mañana en la ciudad?")
    assert refused.kind == "off_topic" and refused.asked_lang == "es"
    assert refused.text.startswith(OTHER_LANGUAGE_ONLY["es"]) and OTHER_LANGUAGE_NOTES["es"] not in refused.text
    greeting = engine.answer("Merhaba")
    assert greeting.text.startswith(OTHER_LANGUAGE_ONLY["tr"] + "\nBonjour ! Je vous aide")  # Turkish: French (bot/other_languages.py)


def test_each_short_other_language_sentence_is_the_start_of_its_full_one() -> None:
    from bot.other_languages import OTHER_LANGUAGE_NOTES, OTHER_LANGUAGE_ONLY

    assert OTHER_LANGUAGE_ONLY.keys() == OTHER_LANGUAGE_NOTES.keys()
    for code, short in OTHER_LANGUAGE_ONLY.items():
        assert OTHER_LANGUAGE_NOTES[code].startswith(short.rstrip(".")), code


def test_a_question_that_asks_what_something_is_gets_its_opening_text(engine: Engine) -> None:
    """'We run coding courses' (the Courses section) ranks first on its words; 'what is' asks for the opening."""
    courses = engine.answer("Alpha coding courses for adults")
    what = engine.answer("What is Alpha coding courses?")
    assert courses.confident and what.confident and courses.best.passage == what.best.passage  # type: ignore[union-attr]
    assert "We run coding courses for adults." in courses.text and "We run coding" not in what.text
    assert "Alpha is a place to learn coding." in what.text


def test_an_faq_of_no_centre_is_listed_by_its_first_question_not_its_id(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    """An option list showed "1. ict-cheque" (the file's id) to a learner."""
    assert shipped_engine.title_of("ict-cheque", "nl") == "Wat is de ICT-cheque van Actiris?"
    assert shipped_engine.title_of("ict-cheque", "fr") == "Qu'est-ce que le chèque TIC d'Actiris ?"


def test_an_age_is_not_searched_for_as_a_word(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    """'My mother is 80' found Interface3's game school, whose text says '80 % of the group were under 25'."""
    assert "80" in shipped_engine.searcher.vocabulary
    aged = shipped_engine.answer("my mother is 80 and wants to learn video calls")
    ageless = shipped_engine.answer("my mother wants to learn video calls")
    assert aged.audience.age == 80
    lexical = {hit.row: hit.lexical for hit in ageless.hits}
    shared = [hit for hit in aged.hits if hit.row in lexical]
    assert shared and all(hit.lexical == lexical[hit.row] for hit in shared)


def test_a_facet_of_nothing_named_is_not_answered_confidently(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    """'Is het gratis?' got BeCode's bootcamp of 2017, confidently; with the name it is answered."""
    alone = shipped_engine.answer("is het gratis?")
    assert not alone.confident and alone.kind == "unsure" and alone.alternatives, alone.text
    assert alone.text.startswith("Over welk centrum of welke opleiding gaat het?"), alone.text
    assert "Je kunt je vraag ook anders stellen" not in alone.text  # asked again once, not twice
    named = shipped_engine.answer("is BeCode gratis?")
    assert named.confident and named.best.centre == "becode", named.text


def test_a_facet_just_after_an_answer_is_about_that_answer(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    first = shipped_engine.answer("Where can I learn to code in Molenbeek?")
    assert first.about == "molengeek-coding-school", first.text
    price = shipped_engine.answer("is het gratis?", after=first.about)
    assert price.confident and price.kind == "answer" and price.follows == "molengeek-coding-school", price.text
    assert price.best.centre == "molengeek" and price.best.programme in (None, "molengeek-coding-school")
    assert price.text.startswith("Aanvulling op mijn vorige antwoord:") and "MolenGeek" in price.text, price.text
    assert price.about == "molengeek-coding-school"  # a second follow-up is still about the coding school
    where = shipped_engine.answer("c'est où exactement ?", after=first.about)
    assert where.follows == first.about and where.best.centre == "molengeek", where.text
    hours = shipped_engine.answer("c'est ouvert le samedi ?", after=first.about)
    assert hours.follows == first.about and hours.best.centre == "molengeek" and hours.lang == "fr", hours.text


def test_a_question_that_says_what_it_wants_is_not_a_follow_up(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    for question in ("free computer course for seniors in Uccle", "is BeCode gratis?"):
        answer = shipped_engine.answer(question, after="molengeek-coding-school")
        assert answer.follows is None and answer.best.centre != "molengeek", answer.text
    unknown = shipped_engine.answer("is het gratis?", after="a-programme-since-removed")
    assert not unknown.confident and unknown.follows is None and unknown.text.startswith("Over welk centrum"), unknown.text


def test_after_an_organisation_a_follow_up_may_be_about_any_of_its_programmes(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    """ "combien la page ?" after Sésame's library is about printing in its computer room."""
    price = shipped_engine.answer("combien la page ?", after="bibliotheque-sesame")
    assert price.follows == "bibliotheque-sesame" and price.best.centre == "bibliotheque-sesame", price.text
    assert "0,30" in price.text, price.text


def test_a_follow_up_after_an_faq_keeps_to_its_topic(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    """The FAQ on what an EPN is is filed under CABAN, but "is it free?" after it is not about CABAN."""
    price = shipped_engine.answer("is it free?", after="epn")
    assert price.follows == "epn" and price.best.target == "epn", price.text
    assert shipped_engine.answer("who are you?", after="epn").follows is None  # about the bot, not the answer


def test_a_front_end_reads_the_last_answer_only_for_a_question_that_may_follow_it(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    questions = [
        *("is it free?", "c'est combien ?", "tot hoe laat?", "c'est combien pour 12 ans ?", "where is it?", "ils ont un numéro ?"),
        *("coding course in Molenbeek", "who are you?", "is BeCode free?", "mon fils a 12 ans", "", "laat maar"),
    ]
    for question in questions:
        follows = shipped_engine.answer(question, after="molengeek-coding-school").follows is not None
        assert shipped_engine.may_follow_up(question) or not follows, question  # never skipped where it would follow
    assert shipped_engine.may_follow_up("is it free?") and not shipped_engine.may_follow_up("coding course in Molenbeek")
