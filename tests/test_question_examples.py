"""The train questions' embeddings kept with the confidence model, and the margin they give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.confidence import FEATURES, ConfidenceModel
from bot.question_examples import QuestionExamples, held_out_margins, margin


def _unit(rows: list[list[float]]) -> np.ndarray:
    array = np.asarray(rows, dtype=np.float32)
    return array / np.linalg.norm(array, axis=1, keepdims=True)


ANSWERED = _unit([[1, 0, 0, 0], [0.9, 0.1, 0, 0]])
REFUSED = _unit([[0, 1, 0, 0]])


def test_the_margin_is_the_nearest_answered_minus_the_nearest_refused() -> None:
    question = _unit([[1, 0.2, 0, 0]])[0]
    assert margin(question, ANSWERED, REFUSED) == pytest.approx(
        float(max(question @ ANSWERED[0], question @ ANSWERED[1]) - question @ REFUSED[0])
    )
    assert margin(_unit([[0.1, 1, 0, 0]])[0], ANSWERED, REFUSED) < 0 < margin(question, ANSWERED, REFUSED)
    assert margin(question, ANSWERED[:0], REFUSED) == 0.0, "nothing to compare with"


def test_an_off_topic_example_counts_among_the_refused() -> None:
    examples = QuestionExamples.of(ANSWERED, REFUSED)
    question = _unit([[0, 0.2, 1, 0]])[0]
    off_topic = float(_unit([[0, 0, 1, 0]])[0] @ question)
    assert examples.margin(question, off_topic) < examples.margin(question, None)
    assert QuestionExamples.of(ANSWERED, REFUSED[:0]).margin(question, None) == 0.0, "nothing refused to compare with"


def test_the_embeddings_survive_the_confidence_file(tmp_path: Path) -> None:
    examples = QuestionExamples.of(ANSWERED, REFUSED)
    model = ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, questions=examples)
    path = tmp_path / "confidence.json"
    model.save(path)
    loaded = ConfidenceModel.load(path)
    question = _unit([[1, 0.3, 0.1, 0]])[0]
    assert loaded.question_margin(question, None) == pytest.approx(model.question_margin(question, None), abs=1e-3)
    assert ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5).question_margin(question, 0.5) == 0.0
    with pytest.raises(ValueError, match="dimensions"):
        loaded.question_margin(np.ones(3, dtype=np.float32), None)


def test_held_out_margins_never_compare_a_question_with_its_own_family() -> None:
    """Two paraphrases, labelled in scope among refused neighbours: against themselves they would
    look in scope; held out, they look like their neighbours."""
    rng = np.random.default_rng(0)
    cloud = np.vstack([np.eye(6)[0] + 0.1 * rng.standard_normal((20, 6)), np.eye(6)[1] + 0.1 * rng.standard_normal((10, 6))])
    vectors = (cloud / np.linalg.norm(cloud, axis=1, keepdims=True)).astype(np.float32)
    in_scope = [True, True] + [False] * 18 + [True] * 10  # the other in-scope questions are elsewhere
    groups = ["odd family", "odd family", *(f"q{n}" for n in range(2, 30))]
    held_out = held_out_margins(vectors, in_scope, groups, off_topic=np.zeros((0, 6)))
    assert held_out[0] < 0 and held_out[1] < 0


def test_a_damaged_or_mismatched_file_is_refused_when_loaded(tmp_path: Path) -> None:
    from bot.confidence import ConfidenceFileError

    model = ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, questions=QuestionExamples.of(ANSWERED, REFUSED))
    path = tmp_path / "confidence.json"
    model.save(path)
    with pytest.raises(ConfidenceFileError, match="have 4 dimensions"):
        ConfidenceModel.load(path, dimension=384)
    assert ConfidenceModel.load(path, dimension=4).questions is not None
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(model.questions.answered, model.questions.answered[:-5]), encoding="utf-8")  # type: ignore[union-attr]
    with pytest.raises(ConfidenceFileError, match="damaged"):
        ConfidenceModel.load(path)


def test_the_nearest_questions_vote_for_who_answers_them() -> None:
    """Each of the nearest questions weighs exp(cosine / temperature), shared among its answerers;
    farther ones have no vote."""
    answered = _unit([[1, 0, 0, 0], [0.95, 0.3, 0, 0], [0, 0, 1, 0]])
    examples = QuestionExamples.of(answered, REFUSED, [("maks",), ("caban", "maks"), ("becode",)])
    question = _unit([[1, 0.1, 0, 0]])[0]
    vote = examples.vote(examples.nearest(question, 2), temperature=0.05)
    near, next_one = (float(row @ question) for row in examples._answered[:2])  # as stored, in float16
    second = np.exp((next_one - near) / 0.05) / (1 + np.exp((next_one - near) / 0.05))
    assert vote == pytest.approx({"maks": 1 - second + second / 2, "caban": second / 2})
    assert sum(examples.vote(examples.nearest(question, 10), temperature=0.05).values()) == pytest.approx(1.0)
    assert QuestionExamples.of(answered, REFUSED).vote(examples.nearest(question, 2), 0.05) == {}, "who answers them was not stored"
    with pytest.raises(ValueError, match="at least one neighbour"):
        examples.nearest(question, 0)
    with pytest.raises(ValueError, match="a positive temperature"):
        examples.vote(examples.nearest(question, 2), 0.0)


def test_the_nearest_questions_are_the_stored_ones_best_first() -> None:
    """They are searched in float16, as they are stored: the same cosines as a product over the
    decoded rows, the best first, however many are asked for."""
    rng = np.random.default_rng(3)
    answered, refused = _unit(rng.standard_normal((50, 8)).tolist()), _unit(rng.standard_normal((20, 8)).tolist())
    examples = QuestionExamples.of(answered, refused)
    question = _unit(rng.standard_normal((1, 8)).tolist())[0]
    expected = examples._answered @ question
    found = examples.nearest(question, 5)
    assert found.rows.tolist() == np.argsort(-expected)[:5].tolist()
    assert found.cosines == pytest.approx(expected[found.rows], abs=1e-6)
    assert found.refused == pytest.approx(float((examples._refused @ question).max()), abs=1e-6)
    assert len(examples.nearest(question, 500).rows) == 50
    assert QuestionExamples.of(answered, refused[:0]).nearest(question, 3).refused is None


def test_without_questions_we_answer_there_is_no_margin_and_no_vote() -> None:
    examples = QuestionExamples.of(ANSWERED[:0], REFUSED, [])
    question = _unit([[1, 0.2, 0, 0]])[0]
    assert examples.nearest(question, 3).rows.size == 0
    assert examples.margin(question, 0.3) == 0.0
    assert examples.vote(examples.nearest(question, 3), 0.05) == {}


def test_a_question_faiss_cannot_rank_finds_no_neighbours() -> None:
    """FAISS gives row -1 for a vector with a NaN: no neighbour is then the last stored question."""
    examples = QuestionExamples.of(ANSWERED, REFUSED, [("maks",), ("caban",)])
    found = examples.nearest(np.array([np.nan, 0, 0, 0], dtype=np.float32), 2)
    assert found.rows.size == 0 and found.refused is None
    assert examples.vote(found, 0.05) == {}


def test_who_answers_the_questions_survives_the_file_and_must_match_them(tmp_path: Path) -> None:
    import json

    from bot.confidence import ConfidenceFileError

    examples = QuestionExamples.of(ANSWERED, REFUSED, [("maks",), ("caban", "maks")])
    path = tmp_path / "confidence.json"
    ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, questions=examples).save(path)
    assert ConfidenceModel.load(path).questions == examples
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["questions"]["answerers"] = [["maks"]]
    path.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(ConfidenceFileError, match="1 lists of who answers for 2 questions"):
        ConfidenceModel.load(path)


def test_the_margin_and_the_vote_use_the_neighbours_they_are_given() -> None:
    """The engine finds a question's nearest train questions once and passes them to both."""
    from dataclasses import replace

    examples = QuestionExamples.of(ANSWERED, REFUSED, [("maks",), ("caban",)])
    question = _unit([[1, 0.2, 0, 0]])[0]
    found = examples.nearest(question, 2)
    assert examples.margin(question, None, found) == examples.margin(question, None)
    assert examples.margin(question, None, replace(found, cosines=found.cosines - 0.5)) == pytest.approx(
        examples.margin(question, None) - 0.5
    )
    assert examples.margin(question, None, replace(found, refused=None)) == 0.0, "nothing refused to compare with"
    nearest, farther = ("maks", "caban") if found.rows[0] == 0 else ("caban", "maks")
    assert examples.vote(replace(found, cosines=found.cosines[:1], rows=found.rows[:1]), 0.05) == {nearest: 1.0}
    assert examples.vote(replace(found, cosines=found.cosines[:1], rows=found.rows[1:]), 0.05) == {farther: 1.0}  # the rows given


@pytest.mark.parametrize(
    ("answerers", "message"),
    [
        ("ab", "must be lists of organisation or FAQ ids"),
        ([[1], [2]], "must be lists of organisation or FAQ ids"),
        ([["maks"], []], "question 2 we answer names nobody who answers it"),
        (None, "must be lists of organisation or FAQ ids"),
    ],
)
def test_a_damaged_list_of_who_answers_is_refused_with_what_is_wrong(tmp_path: Path, answerers: object, message: str) -> None:
    import json

    from bot.confidence import ConfidenceFileError

    path = tmp_path / "confidence.json"
    ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, questions=QuestionExamples.of(ANSWERED, REFUSED, [("maks",), ("caban",)])).save(
        path
    )
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["questions"]["answerers"] = answerers
    path.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(ConfidenceFileError, match=message):
        ConfidenceModel.load(path)
