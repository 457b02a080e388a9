"""The confidence model's topic weights: a linear model over the question's embedding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.confidence import FEATURES, ConfidenceModel, fit_topic


def _cloud(rng: np.random.Generator, centre: np.ndarray, count: int) -> np.ndarray:
    points = centre + 0.3 * rng.standard_normal((count, len(centre)))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def test_topic_weights_separate_in_scope_questions_from_the_rest() -> None:
    rng = np.random.default_rng(0)
    ours, other = np.eye(8)[0], np.eye(8)[1]
    vectors = np.vstack([_cloud(rng, ours, 20), _cloud(rng, other, 20)])
    in_scope = [True] * 20 + [False] * 20
    groups = [f"family {n // 2}" for n in range(40)]  # paraphrase pairs
    weights, bias, held_out = fit_topic(vectors, in_scope, groups, negatives=_cloud(rng, other, 10))

    assert len(weights) == 8 and len(held_out) == 40
    assert held_out[:20].min() > held_out[20:].max()
    model = ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, topic_weights=weights, topic_bias=bias)
    assert model.topic(_cloud(rng, ours, 1)[0]) > 0 > model.topic(_cloud(rng, other, 1)[0])


def test_held_out_topic_scores_come_from_a_model_that_did_not_see_the_family() -> None:
    """A family labelled against everything near it gets, held out, the score of its neighbours."""
    rng = np.random.default_rng(1)
    ours, other = np.eye(8)[0], np.eye(8)[1]
    vectors = np.vstack([_cloud(rng, ours, 30), _cloud(rng, other, 30)])
    in_scope = [True] * 30 + [False] * 30
    in_scope[0] = in_scope[1] = False  # two paraphrases, mislabelled, among in-scope neighbours
    groups = ["odd family", "odd family", *(f"q{n}" for n in range(2, 60))]
    _, _, held_out = fit_topic(vectors, in_scope, groups, negatives=np.zeros((0, 8)))
    assert held_out[0] > 0 and held_out[1] > 0


def test_an_unfitted_topic_is_zero_and_fitted_weights_survive_the_file(tmp_path: Path) -> None:
    plain = ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5)
    assert plain.topic(np.ones(4, dtype=np.float32)) == 0.0

    fitted = ConfidenceModel(dict.fromkeys(FEATURES, 0.0), 0.0, 0.5, topic_weights=(0.5, -1.0, 0.0, 2.0), topic_bias=-0.25)
    path = tmp_path / "confidence.json"
    fitted.save(path)
    loaded = ConfidenceModel.load(path)
    assert loaded.topic_weights == (0.5, -1.0, 0.0, 2.0)
    assert loaded.topic(np.array([1.0, 1.0, 1.0, 1.0], dtype=np.float32)) == pytest.approx(1.25)
