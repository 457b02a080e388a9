"""The centre classifier: which organisation answers questions like this one, by the embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.centre_prior import CentrePrior, fit_centre_prior
from bot.confidence import FEATURES, ConfidenceModel


def _cloud(rng: np.random.Generator, centre: np.ndarray, count: int) -> np.ndarray:
    points = centre + 0.1 * rng.standard_normal((count, len(centre)))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


@pytest.mark.parametrize("organisations", [2, 3])
def test_the_classifier_names_the_organisation_of_the_nearest_questions(organisations: int) -> None:
    rng = np.random.default_rng(0)
    directions = np.eye(8)[:organisations]
    vectors = np.vstack([_cloud(rng, d, 15) for d in directions])
    labels = [f"centre-{n}" for n in range(organisations) for _ in range(15)]
    prior = fit_centre_prior(vectors, labels)
    for n, direction in enumerate(directions):
        likely = prior.probabilities(_cloud(rng, direction, 1)[0])
        assert sum(likely.values()) == pytest.approx(1.0)
        assert max(likely, key=likely.__getitem__) == f"centre-{n}"


def test_the_classifier_survives_the_confidence_file(tmp_path: Path) -> None:
    prior = CentrePrior(("a", "b"), ((1.0, 0.0), (0.0, 1.0)), (0.0, 0.0))
    path = tmp_path / "confidence.json"
    ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, centre_prior=prior).save(path)
    loaded = ConfidenceModel.load(path)
    assert loaded.centre_prior == prior
    likely = loaded.centres_likely(np.array([3.0, 0.0], dtype=np.float32))
    assert likely["a"] > 0.9 > likely["b"]
    assert ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5).centres_likely(np.ones(2, dtype=np.float32)) == {}


def test_the_nearest_questions_vote_with_the_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import centre_prior
    from bot.centre_prior import with_vote
    from bot.question_examples import QuestionExamples

    monkeypatch.setattr(centre_prior, "CLASSIFIER_SHARE", 0.7)  # not a half, so the two shares cannot be swapped unseen
    CLASSIFIER_SHARE = 0.7

    prior = CentrePrior(("a", "b"), ((1.0, 0.0), (0.0, 1.0)), (0.0, 0.0))
    question = np.array([1.0, 0.0], dtype=np.float32)
    alone = prior.probabilities(question)
    voters = QuestionExamples.of(np.array([[1.0, 0.0]], dtype=np.float32), np.zeros((0, 2), dtype=np.float32), [("b",)])
    likely = with_vote(prior, voters, question)
    assert likely == pytest.approx({"a": CLASSIFIER_SHARE * alone["a"], "b": CLASSIFIER_SHARE * alone["b"] + 1 - CLASSIFIER_SHARE})
    assert with_vote(prior, None, question) == alone
    model = ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, centre_prior=prior, questions=voters)
    assert model.centres_likely(question) == likely == model.centres_likely(question, model.nearest_questions(question))
