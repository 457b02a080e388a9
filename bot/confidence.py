"""How likely a question is one our knowledge answers: a small logistic model over search scores.

Neither raw score alone separates in-scope from out-of-scope questions well: an English-centred
model gives French questions low cosines, and BM25 matches a place name in "weather in
Anderlecht". Together, with the share of the question's words the knowledge knows, they do
much better.
The weights are fitted on the labelled set's train split by `telecentre calibrate --write`.

The scores depend on the embedding model (cosines of one model mean nothing for another), so a
confidence file records the model it was fitted for and is refused with any other; each model
has its own default file (`default_file`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.centre_prior import NEIGHBOURS, CentrePrior, with_vote
from bot.folds import family_folds
from bot.question_examples import Neighbours, QuestionExamples
from index.embedder import DEFAULT_MODEL_NAME
from index.search import Fusion, Hit, Searcher

DEFAULT_FILE = Path(__file__).with_name("confidence.json")
"""The confidence model shipped for the default embedding model."""


def default_file(model: str) -> Path:
    """Where the confidence model for embedding model `model` lives unless TELECENTRE_CONFIDENCE_FILE says
    otherwise: bot/confidence.json for the default model, bot/confidence-<model>.json for any other."""
    if model == DEFAULT_MODEL_NAME:
        return DEFAULT_FILE
    return DEFAULT_FILE.with_name(f"confidence-{re.sub(r'[^a-z0-9]+', '-', model.lower()).strip('-')}.json")


class ConfidenceFileError(Exception):
    """The confidence model file is missing or malformed; the message says what to run."""


FEATURES = ("dense", "lexical", "lexical_per_word", "known_words", "words_in_best", "named", "off_topic", "topic", "question_margin")
DENSE_FEATURES = ("dense", "dense_lead", "named", "off_topic", "topic", "question_margin")
"""What a question in another language can be judged on: its words cannot overlap the English,
French and Dutch knowledge, so only the embedding (and names) say whether it is in scope."""
ELSEWHERE = "elsewhere"
"""Set when the question names only places outside the Brussels region: then it is never ours."""


def features(
    hits: Sequence[Hit],
    words: Sequence[str],
    searcher: Searcher,
    *,
    named: bool = False,
    off_topic: float | None = None,
    topic: float = 0.0,
    question_margin: float = 0.0,
    elsewhere: bool = False,
) -> dict[str, float]:
    """The model's inputs: best cosine, best BM25 (log-scaled), BM25 per query word, the share
    of the question's words the knowledge knows at all, the share found in the best passage, how
    far the best cosine stands above the tenth (a question about nothing we know matches
    everything a little and nothing much), whether the question names one of our organisations
    or programmes (in any language), and how much closer it is to the nearest example of a
    question to refuse (`off_topic`, its cosine; None without examples) than to the best passage,
    how much the question reads like the ones we answer (`topic`: `ConfidenceModel.topic`), and how
    much nearer it is to one of them than to one we refuse (`question_margin`: bot/question_examples.py).
    `elsewhere` (the question is about a place outside Brussels only) is no fitted feature but a
    verdict: such a question is not ours (see `ConfidenceModel.probability`)."""
    if not hits:
        return {name: 0.0 for name in (*FEATURES, *DENSE_FEATURES)} | {
            "topic": topic,
            "question_margin": question_margin,
            ELSEWHERE: float(elsewhere),
        }
    lexical = max(hit.lexical for hit in hits)
    count = max(len(words), 1)
    best_words = searcher.words_in(hits[0].row)
    cosines = sorted((hit.dense for hit in hits), reverse=True)
    return {
        "dense": hits[0].dense,
        "lexical": math.log1p(lexical),
        "lexical_per_word": lexical / count,
        "known_words": sum(word in searcher.vocabulary for word in words) / count,
        "words_in_best": sum(word in best_words for word in words) / count,
        "dense_lead": cosines[0] - cosines[min(9, len(cosines) - 1)],
        "named": float(named),
        "off_topic": (off_topic if off_topic is not None else 0.0) - hits[0].dense,
        "topic": topic,
        "question_margin": question_margin,
        ELSEWHERE: float(elsewhere),
    }


@lru_cache(maxsize=4)
def _as_array(weights: tuple[float, ...]) -> np.ndarray:
    return np.asarray(weights, dtype=np.float32)


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class ConfidenceModel:
    """Logistic regression weights plus the threshold above which we answer."""

    weights: dict[str, float]
    bias: float
    threshold: float
    fitted_on: str = ""
    model: str = DEFAULT_MODEL_NAME
    """The embedding model whose scores it was fitted on (files written before it was recorded: the default)."""
    fusion: Fusion | None = None
    """The fusion of dense and BM25 results chosen with it on the train split (TELECENTRE_FUSION, when
    set, wins): cosines of one model are not on the scale of another's."""
    dense_weights: dict[str, float] | None = None
    dense_bias: float = 0.0
    """For questions in other languages: weights over DENSE_FEATURES, with the bias set so that the
    same `threshold` applies (None: such questions are judged like the others)."""
    topic_weights: tuple[float, ...] | None = None
    topic_bias: float = 0.0
    """A linear model over the question's own embedding (see `fit_topic`); None: `topic` is 0."""
    centre_prior: CentrePrior | None = None
    """Which organisation answers questions like this one (bot/centre_prior.py); None: no say in ranking."""
    questions: QuestionExamples | None = None
    """The train questions' embeddings, for `question_margin`, and who answers those in scope, for
    the nearest questions' vote in `centres_likely`; None: the margin is 0 and nobody votes."""

    def __post_init__(self) -> None:
        if self.topic_weights is not None:  # a list when read from JSON
            object.__setattr__(self, "topic_weights", tuple(self.topic_weights))
        if isinstance(self.centre_prior, dict):
            object.__setattr__(self, "centre_prior", CentrePrior(**self.centre_prior))
        if isinstance(self.questions, dict):
            object.__setattr__(self, "questions", QuestionExamples(**self.questions))

    def nearest_questions(self, vector: np.ndarray) -> Neighbours | None:
        """The train questions nearest to the question (None unfitted): found once, for
        `centres_likely` and `question_margin`."""
        return self.questions.nearest(vector, NEIGHBOURS) if self.questions is not None else None

    def centres_likely(self, vector: np.ndarray, nearest: Neighbours | None = None) -> dict[str, float]:
        """Each organisation's probability of answering this question, by its embedding: the centre
        classifier's, with the vote of the nearest train questions when stored ({} unfitted).
        `nearest`: `nearest_questions`, when at hand."""
        return with_vote(self.centre_prior, self.questions, vector, nearest) if self.centre_prior is not None else {}

    def topic(self, vector: np.ndarray) -> float:
        """How much a question, by its embedding, reads like the ones we answer (a logit; 0 unfitted).

        The other features see only the nearest passage or example; this sees the direction in the
        embedding space that separates the train split's in-scope questions from the rest."""
        if self.topic_weights is None:
            return 0.0
        return float(np.dot(_as_array(self.topic_weights), vector)) + self.topic_bias

    def question_margin(self, vector: np.ndarray, off_topic: float | None, nearest: Neighbours | None = None) -> float:
        """How much nearer the question is to a train question we answer than to one we refuse or
        to an off-topic example (`off_topic`: its best cosine to those, None without any); 0 unfitted.
        `nearest`: `nearest_questions`, when at hand."""
        return self.questions.margin(vector, off_topic, nearest) if self.questions is not None else 0.0

    @classmethod
    def untrained(cls, model: str) -> ConfidenceModel:
        """A starting point for `telecentre calibrate`, which needs an engine before any fit exists:
        every question scores 0.5."""
        return cls({name: 0.0 for name in FEATURES}, 0.0, 0.5, "nothing (not fitted yet)", model)

    def probability(self, values: dict[str, float], *, words_comparable: bool = True) -> float:
        """How likely the question is one we answer; `words_comparable` False (a question in a
        language the knowledge is not written in) uses the dense-only weights when fitted. A
        question about somewhere else than Brussels scores 0, whatever the search found."""
        if values.get(ELSEWHERE):
            return 0.0
        if not words_comparable and self.dense_weights is not None:
            return _sigmoid(self.dense_bias + sum(self.dense_weights[name] * values.get(name, 0.0) for name in DENSE_FEATURES))
        return _sigmoid(self.bias + sum(self.weights[name] * values[name] for name in FEATURES))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE, model: str | None = None, dimension: int | None = None) -> ConfidenceModel:
        """Read a model written by `telecentre calibrate --write`; ConfidenceFileError when unusable,
        or when `model` is given and the file was fitted for another embedding model, or `dimension`
        (the model's embeddings') is given and its stored question embeddings have another."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            missing = set(FEATURES) - set(data.get("weights", {}))
            if missing:
                raise ValueError(f"it lacks weights for {', '.join(sorted(missing))}")
            loaded = cls(**data)
            same_model = model is None or loaded.model == model  # else the message below names both models
            if same_model and dimension is not None and loaded.questions is not None and loaded.questions.dimension != dimension:
                raise ValueError(f"its question embeddings have {loaded.questions.dimension} dimensions, the model's {dimension}")
        except (OSError, ValueError, TypeError, AttributeError) as error:
            own = model is not None and path == default_file(model)
            raise ConfidenceFileError(
                f"cannot use the confidence model {path} ({error}): run `telecentre calibrate --write {path}`"
                + ("" if own else " or unset TELECENTRE_CONFIDENCE_FILE")
            ) from None
        if model is not None and loaded.model != model:
            # Another model's own file is never overwritten: the fix writes this model's file.
            target = default_file(model) if path == default_file(loaded.model) else path
            raise ConfidenceFileError(
                f"the confidence model {path} was fitted for the embedding model {loaded.model!r}, not {model!r} in use: "
                f"run `telecentre calibrate --write {target}`"
                + ("" if target == path else " and point TELECENTRE_CONFIDENCE_FILE at it (or unset it)")
            )
        return loaded


WEIGHTS_C = 100.0
"""Regularisation of the weights over FEATURES and DENSE_FEATURES. Chosen with TOPIC_C by nested
cross-validation on the train split (weights and threshold fitted on four folds of paraphrase
families, judged on the fifth; 1,097 questions): 10 with TOPIC_C 3, the values before, refused
9.6% of in-scope questions and 96.9% of off-topic ones; 100 with TOPIC_C 10 refused 5.1% and
97.9%. Values from 50 to 300 and 5 to 20 all did nearly as well; all-MiniLM-L6-v2 gained too."""


def fit(samples: Sequence[tuple[dict[str, float], bool]], names: Sequence[str] = FEATURES) -> tuple[dict[str, float], float]:
    """Weights (over `names`) and bias separating in-scope (True) from out-of-scope (False) samples."""
    from sklearn.linear_model import LogisticRegression

    x = [[values.get(name, 0.0) for name in names] for values, _ in samples]
    y = [int(in_scope) for _, in_scope in samples]
    model = LogisticRegression(C=WEIGHTS_C, max_iter=5000).fit(x, y)
    weights = {name: round(float(w), 4) for name, w in zip(names, model.coef_[0], strict=True)}
    return weights, round(float(model.intercept_[0]), 4)


def logit(p: float) -> float:
    """The inverse of the logistic function (for moving a threshold into a bias)."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


TOPIC_C = 10.0
"""Regularisation of the topic model (a question's embedding has 384 dimensions): see WEIGHTS_C."""


def fit_topic(
    vectors: np.ndarray, in_scope: Sequence[bool], groups: Sequence[str], negatives: np.ndarray
) -> tuple[tuple[float, ...], float, np.ndarray]:
    """The topic model's weights and bias, fitted on labelled question `vectors` and on `negatives`
    (the off-topic examples' vectors), and each labelled question's score from a model that did not
    see it nor its paraphrases (`groups`: the family), for fitting the other weights on: a score
    from a model that saw the question is surer than any new question's will be."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    x = np.vstack([vectors, negatives]) if len(negatives) else vectors
    y = np.concatenate([np.asarray(in_scope, dtype=bool), np.zeros(len(negatives), dtype=bool)])
    group_ids = [*groups, *(f"off-topic example {n}" for n in range(len(negatives)))]
    model = LogisticRegression(C=TOPIC_C, max_iter=5000)
    folds = family_folds(group_ids)
    if not folds:
        raise ValueError("the topic model needs questions of at least two paraphrase families")
    held_out = cross_val_predict(model, x, y, cv=folds, method="decision_function")
    model.fit(x, y)
    weights = tuple(round(float(w), 5) for w in model.coef_[0])
    return weights, round(float(model.intercept_[0]), 5), held_out[: len(vectors)]
