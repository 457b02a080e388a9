"""Off-topic examples: staff file checks with file:line, their vectors in the index, the feature;
and when a question not answered is about something else (bot/off_topic.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.off_topic import about_something_else
from index.knowledge import load_knowledge
from index.off_topic import OFF_TOPIC_FILE, load_off_topic
from index.store import build_index, open_index
from tests.support.helpers import SHIPPED_KNOWLEDGE, FakeEmbedder


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / OFF_TOPIC_FILE
    path.write_text(text, encoding="utf-8")
    return [str(problem).removeprefix(f"{path}:") for problem in load_off_topic(path).problems]


def test_the_shipped_examples_load_clean_in_many_languages() -> None:
    loaded = load_off_topic(SHIPPED_KNOWLEDGE / OFF_TOPIC_FILE)
    assert loaded.problems == [] and len(loaded.examples) >= 200


def test_mistakes_are_reported_with_their_line(tmp_path: Path) -> None:
    text = '- {lang: en, q: "tell me a joke"}\n- {lang: english, q: "weather?"}\n- {question: "x"}\n- {q: "Tell me a JOKE"}\n'
    problems = _problems(tmp_path, text)
    assert problems[0].startswith("2: lang: ")
    assert problems[1] == "3: q: this field is required but missing"
    assert problems[2].startswith("3: question: ")
    assert problems[3] == "4: q: warning: the same question is on line 1: keep one"


def test_a_file_that_is_no_list_or_no_yaml_says_so(tmp_path: Path) -> None:
    assert _problems(tmp_path, "q: tell me a joke\n") == ["1: -: the file must be a list of example questions, each starting with '- q: …'"]
    assert _problems(tmp_path, '- {q: "a"\n')[0].startswith("2: -: the fields are not valid YAML")


def test_the_index_keeps_one_vector_per_example(knowledge_dir: Path, tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    loaded = open_index(tmp_path / "index", embedder)
    assert loaded.off_topic.shape == (3, embedder.dimension)
    question = embedder.embed_queries(["is it going to rain this weekend?"])[0]
    assert loaded.nearest_off_topic(question) == pytest.approx(float((loaded.off_topic @ question).max()), abs=1e-6)
    assert replace(loaded, off_topic=loaded.off_topic[:0]).nearest_off_topic(question) is None


def test_an_example_naming_only_a_place_outside_brussels_is_left_out_and_counted(knowledge_dir: Path, tmp_path: Path) -> None:
    """Such a question is refused for its place whatever it asks: as an example, "cours de python le
    soir à Mons" made "cours de python" in Brussels off-topic."""
    with (knowledge_dir / OFF_TOPIC_FILE).open("a", encoding="utf-8") as examples:
        examples.write('- {lang: fr, q: "cours de python le soir à Mons"}\n- {lang: nl, q: "van Gent naar Anderlecht met de trein?"}\n')
    knowledge = load_knowledge(knowledge_dir)
    assert knowledge.off_topic[-1] == "van Gent naar Anderlecht met de trein?"  # names a Brussels place too: kept
    assert len(knowledge.off_topic) == 4 and knowledge.off_topic_elsewhere == 1
    assert "4 off-topic examples (and 1 about a place outside Brussels, refused for that);" in knowledge.summary()
    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    assert open_index(tmp_path / "index", embedder).off_topic.shape == (4, embedder.dimension)


def test_a_question_like_an_example_scores_closer_to_it_than_to_the_knowledge(make_engine: Callable[..., Engine]) -> None:
    engine = make_engine()
    assert engine.answer("will it rain in Brussels tomorrow?").features["off_topic"] > 0
    assert engine.answer("coding course in Anderlecht").features["off_topic"] < 0


@pytest.mark.parametrize(
    "score,margin,topic,elsewhere,expected",
    [
        (0.2, -0.05, -1.0, False, True),  # nearer a refused question, and the topic logit agrees
        (0.2, -0.02, 2.5, False, False),  # "waar kan ik leren programmeren?": near "... in Antwerpen?", but ours by topic
        (0.6, -0.05, -1.0, False, False),  # the confidence model finds it more likely ours
        (0.02, 0.004, -4.3, False, True),  # "capital of Australia?", nearest to a Capital Digital question
        (0.0, -0.03, -4.9, True, True),  # "next train to Antwerp?"
        (0.0, -0.02, 0.3, True, False),  # "coding course in Antwerp?": told what Brussels has
    ],
)
def test_about_something_else_needs_the_topic_logit_to_agree(
    score: float, margin: float, topic: float, elsewhere: bool, expected: bool
) -> None:
    values = {"question_margin": margin, "topic": topic}
    assert about_something_else(score, values, elsewhere=elsewhere, one_known_word=False) is expected
    assert about_something_else(score, values, elsewhere=False, one_known_word=True) is False
