"""Hybrid search: dense (FAISS, cosine) and lexical (BM25) results fused into one ranking.

Fusion is a weighted sum of the cosine and the BM25 score scaled to the query's best (the
default, chosen on the labelled train split), or reciprocal-rank fusion.

The dense model understands paraphrase; BM25 catches names, places and words in French or Dutch
that an English-centred model reads poorly. Both raw scores are kept on each hit because the
fused score is relative to the query and says nothing about how good the best hit is.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import bm25s
import numpy as np
from bm25s import stopwords

from index.embedder import Embedder
from index.passages import Passage
from index.store import LoadedIndex

# bm25s sets its own logger to DEBUG on import, which would print under any root handler.
logging.getLogger("bm25s").setLevel(logging.WARNING)

Mode = Literal["hybrid", "dense", "lexical"]
Fusion = Literal["rrf", "weighted"]
"""Reciprocal-rank fusion, or a weighted sum of the cosine and the BM25 score scaled to the best."""
RRF_K = 60
CANDIDATES = 100


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'Écoles' and 'ecoles' match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WORD = re.compile(r"[a-z0-9]+")
# Question and politeness words that the libraries' lists miss but learners type all the time.
_EXTRA_STOPWORDS = (
    "waar",
    "wat",
    "comment",
    "combien",
    "quand",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "peux",
    "puis",
    "veux",
    "voudrais",
    "wil",
    "kun",
    "graag",
    "svp",
    "bonjour",
    "hallo",
    "hello",
)
STOPWORDS = frozenset(
    fold(word) for word in (*stopwords.STOPWORDS_EN_PLUS, *stopwords.STOPWORDS_FRENCH, *stopwords.STOPWORDS_DUTCH, *_EXTRA_STOPWORDS)
)


def tokenize(text: str) -> list[str]:
    """Words for BM25: folded, split at apostrophes and punctuation, stop words and 1-letter words dropped."""
    return [word for word in _WORD.findall(fold(text)) if len(word) > 1 and word not in STOPWORDS]


STEM_LENGTH = 5
"""Words are cut to their first letters for BM25: a crude stemmer, but one that works across
French, Dutch and English at once (femme/femmes, programmeren/programmer/programming), which
the learner's mixed-language questions need. Chosen on the labelled train split."""


def terms(text: str) -> list[str]:
    """The BM25 terms of `text`: its words, each cut to STEM_LENGTH letters."""
    return [word[:STEM_LENGTH] for word in tokenize(text)]


@dataclass(frozen=True)
class Hit:
    """A passage found for a query, with its fused score and both raw scores."""

    passage: Passage
    score: float
    dense: float
    lexical: float
    row: int


class Searcher:
    """Searches one loaded index; built once, then shared by every question."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        mode: Mode = "hybrid",
        word_weights: dict[str, float] | None = None,
        fusion: Fusion = "weighted",
        dense_weight: float = 0.7,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.mode = mode
        self.fusion = fusion
        self.dense_weight = dense_weight
        self.word_weights = {term: weight for word, weight in (word_weights or {}).items() for term in terms(word)}
        self._bm25 = bm25s.BM25()
        corpus = [terms(p.search_text) or ["_"] for p in index.passages]
        self._bm25.index(corpus, show_progress=False)
        self.vocabulary = frozenset(word for words in corpus for word in words)
        self._passage_words = [frozenset(words) for words in corpus]
        self._answerers = [p.answerer for p in index.passages]
        self._rows_of: dict[str, list[int]] = {}
        for row, answerer in enumerate(self._answerers):
            self._rows_of.setdefault(answerer, []).append(row)

    def words_in(self, row: int) -> frozenset[str]:
        """The BM25 terms of the passage at `row`."""
        return self._passage_words[row]

    def _lexical(self, tokens: list[str]) -> np.ndarray:
        if not tokens:
            return np.zeros(len(self.index.passages), dtype=np.float32)
        plain = [t for t in tokens if t not in self.word_weights]
        scores = self._bm25.get_scores(plain) if plain else np.zeros(len(self.index.passages), dtype=np.float32)
        for token in tokens:
            if token in self.word_weights:
                scores = scores + self.word_weights[token] * self._bm25.get_scores([token])
        return scores

    def search(
        self, query: str, k: int = 10, vector: np.ndarray | None = None, centres: Collection[str] = (), words: list[str] | None = None
    ) -> list[Hit]:
        """The `k` best passages for `query`, best first, then the best passage of each of `centres`
        (organisations, or FAQs of none: `Passage.answerer`) that has none among them (a caller that
        expects them to answer wants them compared, though the words miss them), among either
        search's CANDIDATES or, with none there, among all its passages: Digitalcity's best for
        "I'm a 50 year old man, unemployed, and want to retrain in IT" was 102nd of 804, just
        beyond them. `vector` and `words` (its `terms`): the query's, when at hand."""
        if not self.index.passages:
            return []
        if vector is None:
            vector = self.embedder.embed_queries([query])[0]
        n = min(CANDIDATES, len(self.index.passages))
        dense_scores, dense_rows = self.index.vectors.search(vector.reshape(1, -1), n)
        kept = dense_rows[0] >= 0
        dense_rows, dense_scores = dense_rows[0][kept].astype(np.int64), dense_scores[0][kept]
        lexical_all = self._lexical(terms(query) if words is None else words)
        lexical_rows = _top(lexical_all, n)
        lexical_rows = lexical_rows[lexical_all[lexical_rows] > 0].astype(np.int64)
        if self.mode == "dense":
            lexical_rows = lexical_rows[:0]
        elif self.mode == "lexical":
            dense_rows, dense_scores = dense_rows[:0], dense_scores[:0]
        in_dense = np.zeros(len(self.index.passages), dtype=bool)
        in_dense[dense_rows] = True
        only_lexical = lexical_rows[~in_dense[lexical_rows]]
        wanted: list[int] = []
        if centres:
            found_any = {self._answerers[row] for row in [*dense_rows.tolist(), *only_lexical.tolist()]}
            wanted = [row for centre in centres if centre not in found_any for row in self._rows_of.get(centre, ())]
        # Dense candidates first, in rank order, then the lexical ones that dense search missed, then
        # all passages of any of `centres` that neither found (rarely any: the bench's latency).
        rows = np.concatenate([dense_rows, only_lexical, np.array(wanted, dtype=np.int64)])
        cosines = np.concatenate([dense_scores, self._cosines(vector, rows[len(dense_rows) :])])
        # `ranked`: positions in `rows`, best first.
        if self.fusion == "weighted" and self.mode == "hybrid":
            top_lexical = lexical_all[lexical_rows[0]] if len(lexical_rows) else 1.0
            fused = self.dense_weight * cosines.astype(np.float64) + (1 - self.dense_weight) * lexical_all[rows] / top_lexical
            ranked = np.lexsort((rows, -fused)).tolist()  # ties go to the earlier passage in the index
        else:
            fused = _reciprocal_rank(rows, [dense_rows, lexical_rows])
            ranked = np.argsort(-fused, kind="stable").tolist()  # ties: the dense search's order, then the lexical one's
        best = ranked[:k]
        if centres:
            found = rows.tolist()
            missing = set(centres) - {self._answerers[found[at]] for at in best}
            for at in ranked[k:]:
                if not missing:
                    break
                if self._answerers[found[at]] in missing:
                    best.append(at)
                    missing.discard(self._answerers[found[at]])
        return [
            Hit(self.index.passages[row], float(fused[at]), float(cosines[at]), float(lexical_all[row]), row)
            for at, row in zip(best, rows[best].tolist(), strict=True)
        ]

    def _cosines(self, vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The cosines of the passages at `rows`, in one product rather than one call each."""
        if not len(rows):
            return np.zeros(0, dtype=np.float32)
        found: np.ndarray = self.index.vectors.reconstruct_batch(rows) @ vector
        return found


def _reciprocal_rank(rows: np.ndarray, rankings: list[np.ndarray]) -> np.ndarray:
    """Reciprocal-rank fusion of `rankings` (rows, best first) for each of `rows`."""
    place = {row: i for i, row in enumerate(rows.tolist())}
    fused = np.zeros(len(rows))
    for ranking in rankings:
        for rank, row in enumerate(ranking.tolist()):
            fused[place[row]] += 1.0 / (RRF_K + rank + 1)
    return fused


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Indexes of the `n` largest scores, largest first, without sorting everything."""
    if n >= len(scores):
        return np.argsort(-scores)
    part = np.argpartition(-scores, n)[:n]
    return part[np.argsort(-scores[part])]
