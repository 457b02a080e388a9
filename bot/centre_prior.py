"""Which organisation answers questions like this one: a classifier over the question's embedding.

Search compares a question with the knowledge's own words, but learners describe a need ("my bank
closed, who can show me the app?"), not the organisation that meets it ("digital help desk"). The
labelled questions say which organisation answers each need; a linear classifier over their
embeddings carries that over to new questions, and ranking gives it a say (bot/routing.py). An FAQ
that belongs to no organisation ("what is the ICT cheque?") is a class of its own, by its id, so the
classifier can also say that no centre is the answer. It is fitted by `telecentre calibrate` with
the confidence model and stored in the same file, since it belongs to one embedding model, on the
labelled questions and on each passage of the knowledge read as a question (bot/calibration.py): an
organisation no labelled question names is known by its own words only, so it gets less of the
bonus than the ones learners' questions taught it; after adding one, add some labelled questions
for it and calibrate again. The nearest train questions, stored in the same file with who answers
each, vote with it (`with_vote`).

Tried by 5-fold cross-validation by family on the 3272 train questions and not taken (centre hit@1
0.8828 as shipped): a character n-gram classifier (TF-IDF, logistic regression) mixed in at 0.3 /
0.5 scored 0.8824 / 0.8788, one over words at 0.3 0.8820; the classifier and the vote reading the
question's embedding minus 0.2 x its places' own embeddings (so that a place counts once, in
ranking) 0.8680: where a learner lives says something about who answers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.question_examples import Neighbours, QuestionExamples

NEIGHBOURS = 10
"""How many of the nearest train questions vote with the classifier (`with_vote`)."""
NEIGHBOUR_TEMPERATURE = 0.05
"""A neighbour's vote weighs exp(cosine / this): one 0.05 nearer weighs e times more."""
CLASSIFIER_SHARE = 0.5
"""The classifier's share of the probabilities ranking uses; the nearest questions' vote has the
rest. A linear classifier draws one boundary per organisation, which blurs a need that only a few
labelled questions ask; the nearest questions do not. By 5-fold cross-validation by family on the
train split (3151 questions, 2406 in scope, before the last four were added;
`benchmarks/cross_validate.py`), centre hit@1 0.8741 with the classifier alone, 0.8778 / 0.8807
with a share of 0.7 / 0.5 (10 neighbours, temperature 0.05), 0.8782 with 15 neighbours, 0.8653
with 0.3 and 5 neighbours, 0.8791 with 20 neighbours at temperature 0.02. Some near-copies of one
question sit in different families, so these figures are about 0.01 optimistic; with them grouped
together (cosine >= 0.97), the vote's gain over the classifier alone held (+0.0099, against
+0.0104, on the embeddings alone without ranking)."""

PRIOR_C = 100.0
"""Regularisation: chosen by 5-fold cross-validation by paraphrase family on the train split (1, 10,
30, 100 and 1000 tried; 100 gave the best centre hit@1 overall). Checked again with 3151 questions:
30 / 100 / 300 scored 0.8766 / 0.8741 / 0.8703 alone, but with the vote 30 scored 0.8736 and 100
0.8807."""


@dataclass(frozen=True)
class CentrePrior:
    """A multinomial logistic regression: one row of `weights` and one `bias` per class, an
    organisation id or the id of an FAQ that belongs to none (`Passage.answerer`)."""

    centres: tuple[str, ...]
    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]

    def __post_init__(self) -> None:  # lists when read from JSON
        object.__setattr__(self, "centres", tuple(self.centres))
        object.__setattr__(self, "weights", tuple(tuple(row) for row in self.weights))
        object.__setattr__(self, "bias", tuple(self.bias))
        sizes = {len(row) for row in self.weights}
        if not (len(self.centres) == len(self.weights) == len(self.bias) >= 2 and len(sizes) == 1):
            raise ValueError("centre_prior needs one weight row and one bias per organisation, rows of one length")

    @cached_property
    def _matrix(self) -> np.ndarray:
        return np.asarray(self.weights, dtype=np.float32)

    @cached_property
    def _bias(self) -> np.ndarray:
        return np.asarray(self.bias, dtype=np.float32)

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        """How likely each organisation is to answer a question with this embedding (they sum to 1)."""
        logits = self._matrix @ np.asarray(vector, dtype=np.float32) + self._bias
        odds = np.exp(logits - logits.max())
        return dict(zip(self.centres, (odds / odds.sum()).tolist(), strict=True))


def with_vote(
    prior: CentrePrior, questions: QuestionExamples | None, vector: np.ndarray, nearest: Neighbours | None = None
) -> dict[str, float]:
    """The classifier's probabilities for a question with this embedding, CLASSIFIER_SHARE of them,
    and the rest from the vote of the NEIGHBOURS nearest train `questions` (`nearest`: those, when
    at hand); the classifier's alone when none are stored with who answers them."""
    classifier = prior.probabilities(vector)
    if questions is None or not questions.answerers:
        return classifier
    vote = questions.vote(questions.nearest(vector, NEIGHBOURS) if nearest is None else nearest, NEIGHBOUR_TEMPERATURE)
    return {
        answerer: CLASSIFIER_SHARE * classifier.get(answerer, 0.0) + (1 - CLASSIFIER_SHARE) * vote.get(answerer, 0.0)
        for answerer in classifier.keys() | vote.keys()
    }


def fit_centre_prior(vectors: np.ndarray, centres: Sequence[str]) -> CentrePrior:
    """The classifier from question `vectors` to who answers each (`centres`: organisation or FAQ ids)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=PRIOR_C, max_iter=5000).fit(vectors, list(centres))
    classes = [str(c) for c in model.classes_]
    weights, bias = model.coef_, model.intercept_
    if len(classes) == 2:  # scikit-learn fits one row for two classes: the second's log-odds
        weights, bias = np.vstack([-weights[0] / 2, weights[0] / 2]), np.array([-bias[0] / 2, bias[0] / 2])
    return CentrePrior(
        tuple(classes),
        tuple(tuple(round(float(w), 4) for w in row) for row in weights),
        tuple(round(float(b), 4) for b in bias),
    )
