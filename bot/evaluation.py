"""Score the engine on a labelled question set (fitting on it: bot/calibration.py).

The labelled file is a YAML list; each entry has `q` (the question), `lang` (the ISO 639-1 code of
the language it is written in: en, fr, nl or another), `centre` and `programme` (the expected ids;
`programme: null` accepts any programme of the centre), `split` (`train` for tuning, `test` held
aside), optionally `also` (other centres that answer the question just as well, e.g. two
libraries in the same municipality), `family` (paraphrases of one need, all in one split) and
`note`, and either
`out_of_scope: true` or, for a question answered by an FAQ that belongs to no centre, `faq: <id>`.
Figures are given for English, French and Dutch each, and for the other languages together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from index.embedder import Embedder
from index.schema import LANGUAGES
from index.store import LoadedIndex

RANK_CUTOFF = 3
OTHER = "other"
"""The group of every language other than English, French and Dutch."""
GROUPS = (*LANGUAGES, OTHER, "all")
_LANG_CODE = re.compile(r"[a-z]{2}")


def group_of(lang: str) -> str:
    """The language group a question's figures count in: en, fr, nl or other."""
    return lang if lang in LANGUAGES else OTHER


@dataclass(frozen=True)
class LabelledQuestion:
    q: str
    lang: str
    centre: str | None
    programme: str | None
    split: str
    out_of_scope: bool = False
    faq: str | None = None
    family: str | None = None
    note: str | None = None
    also: tuple[str, ...] = ()

    @property
    def centres(self) -> frozenset[str | None]:
        """Every centre that counts as right: the labelled one and any `also`."""
        return frozenset((self.centre, *self.also))

    @property
    def answerer(self) -> str | None:
        """Who answers it, as the centre classifier learns it: the centre, else the FAQ (one that
        belongs to no centre: `index.passages.Passage.answerer`); None off topic."""
        return None if self.out_of_scope else self.centre or self.faq

    @property
    def answerers(self) -> tuple[str, ...]:
        """Everyone who answers it as well as `answerer` (it, then the `also` centres); none off topic."""
        return () if self.answerer is None else (self.answerer, *(c for c in self.also if c != self.answerer))


@dataclass(frozen=True)
class Outcome:
    """What the engine did with one labelled question: ranks are 1-based, None when not found."""

    question: LabelledQuestion
    score: float
    centre_rank: int | None
    programme_rank: int | None
    got_centre: str | None = None
    got_programme: str | None = None
    features: dict = field(default_factory=dict)
    asked_lang: str = ""
    """The language the engine read the question as (its words compare with the knowledge's
    only in English, French or Dutch)."""
    vector: Any = field(default=None, repr=False, compare=False)
    """The question's embedding, as the engine computed it."""

    @property
    def words_comparable(self) -> bool:
        return not self.asked_lang or self.asked_lang in LANGUAGES

    @property
    def centre_hit(self) -> bool:
        return self.centre_rank == 1

    @property
    def programme_hit(self) -> bool:
        return self.programme_rank == 1


class Answers(Protocol):
    embedder: Embedder
    """Whose vectors the scores come from: a fitted confidence model records its name."""
    index: LoadedIndex
    """The knowledge answered from (calibration also learns its passages)."""

    @property
    def off_topic_examples(self) -> np.ndarray:
        """The vectors of the knowledge's off-topic examples (questions to refuse)."""

    def answer(self, question: str, lang_hint: str | None = None):  # type: ignore[no-untyped-def]
        ...

    def question_vector(self, question: str) -> np.ndarray:
        """The embedding `answer` computes for `question`."""


def load_labelled(path: Path) -> list[LabelledQuestion]:
    """Read a labelled file; raises ValueError naming the entry when one is malformed."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of questions")
    fields = set(LabelledQuestion.__dataclass_fields__)
    questions = []
    for n, entry in enumerate(entries, 1):
        try:
            values = {k: v for k, v in entry.items() if k in fields}
            if "also" in values:
                values["also"] = tuple(values["also"] or ())
            question = LabelledQuestion(**values)
        except TypeError as error:
            raise ValueError(f"{path}: question {n}: {error}") from None
        if not _LANG_CODE.fullmatch(str(question.lang)) or question.split not in ("train", "test"):
            raise ValueError(f"{path}: question {n}: lang must be a two-letter language code (en, fr, nl, ar…) and split train/test")
        if not question.out_of_scope and question.answerer is None:
            raise ValueError(f"{path}: question {n}: in scope, so it needs a centre or an faq that answers it (or out_of_scope: true)")
        questions.append(question)
    return questions


def _rank(options: list, wanted) -> int | None:  # type: ignore[no-untyped-def]
    for rank, option in enumerate(options, 1):
        if wanted(option):
            return rank
    return None


def judge(answer, question: LabelledQuestion) -> Outcome:  # type: ignore[no-untyped-def]
    """Where the expected centre and programme stand among the answer's options."""
    unique = answer.ranked
    if question.out_of_scope:
        centre_rank = programme_rank = None
    elif question.faq is not None:
        centre_rank = programme_rank = _rank(unique, lambda o: o.target == question.faq)
    else:
        centres: list = []
        for option in unique:
            if option.centre not in [c.centre for c in centres]:
                centres.append(option)
        accepted = question.centres
        centre_rank = _rank(centres, lambda o: o.centre in accepted)
        programme_rank = _rank(
            unique,
            lambda o: (
                (o.centre == question.centre and (question.programme is None or o.programme == question.programme))
                or (o.centre in question.also)
            ),
        )
    best = answer.best
    return Outcome(
        question,
        answer.score,
        centre_rank,
        programme_rank,
        best.centre if best else None,
        best.programme if best else None,
        answer.features,
        getattr(answer, "asked_lang", ""),
        getattr(answer, "vector", None),
    )


def run(engine: Answers, questions: list[LabelledQuestion]) -> list[Outcome]:
    """Ask every question once, with no language hint (a learner whose locale is unknown)."""
    return [judge(engine.answer(question.q), question) for question in questions]


def _ranking(outcomes: list[Outcome], attribute: str) -> dict[str, float]:
    ranks = [getattr(o, attribute) for o in outcomes]
    n = max(len(ranks), 1)
    return {
        "hit@1": round(sum(r == 1 for r in ranks) / n, 4),
        f"hit@{RANK_CUTOFF}": round(sum(r is not None and r <= RANK_CUTOFF for r in ranks) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
    }


def metrics(outcomes: list[Outcome], threshold: float) -> dict:
    """Ranking quality per language, and how often the bot answers or refuses."""
    in_scope = [o for o in outcomes if not o.question.out_of_scope]
    out_scope = [o for o in outcomes if o.question.out_of_scope]
    result: dict = {"questions": len(outcomes), "threshold": threshold, "languages": {}}
    for lang in GROUPS:
        chosen = [o for o in in_scope if lang == "all" or group_of(o.question.lang) == lang]
        if chosen:
            result["languages"][lang] = {
                "questions": len(chosen),
                "centre": _ranking(chosen, "centre_rank"),
                "programme": _ranking(chosen, "programme_rank"),
                "answered_right": round(sum(o.centre_hit and o.score >= threshold for o in chosen) / len(chosen), 4),
            }
    result["false_refusal_rate"] = round(sum(o.score < threshold for o in in_scope) / max(len(in_scope), 1), 4)
    result["out_of_scope_questions"] = len(out_scope)
    result["out_of_scope_refusal_rate"] = round(sum(o.score < threshold for o in out_scope) / max(len(out_scope), 1), 4)
    return result


def misses(outcomes: list[Outcome], threshold: float) -> list[dict]:
    """Questions answered wrongly, refused wrongly, or answered though out of scope."""
    found = []
    for o in outcomes:
        confident = o.score >= threshold
        if o.question.out_of_scope and confident:
            problem = "answered out of scope"
        elif not o.question.out_of_scope and not o.centre_hit:
            problem = "wrong centre"
        elif not o.question.out_of_scope and not confident:
            problem = "refused"
        else:
            continue
        expected = o.question.faq or o.question.programme or o.question.centre
        got = o.got_programme or o.got_centre
        found.append(
            {
                "problem": problem,
                "lang": o.question.lang,
                "split": o.question.split,
                "q": o.question.q,
                "expected": expected,
                "got": got,
                "score": round(o.score, 3),
            }
        )
    return found


def objective(outcomes: list[Outcome], threshold: float) -> float:
    """Balanced accuracy: right answers given confidently, and out-of-scope questions refused."""
    in_scope = [o for o in outcomes if not o.question.out_of_scope]
    out_scope = [o for o in outcomes if o.question.out_of_scope]
    good_answers = sum(o.centre_hit and o.score >= threshold for o in in_scope) / max(len(in_scope), 1)
    refusals = sum(o.score < threshold for o in out_scope) / max(len(out_scope), 1)
    return (good_answers + refusals) / 2


def best_threshold(outcomes: list[Outcome]) -> tuple[float, float]:
    """The threshold maximising `objective`, centred in its widest safe gap, and that objective.

    Any threshold in (previous score, t] behaves exactly like t, so among the best candidates we
    take the one with the widest such interval and return its midpoint: the choice least likely
    to flip on a slightly different question.
    """
    candidates = sorted({round(o.score, 4) for o in outcomes} | {0.0, 1.0})
    scored = [(objective(outcomes, t), t, candidates[i - 1] if i else t) for i, t in enumerate(candidates)]
    best = max(score for score, _, _ in scored)
    _, high, low = max((item for item in scored if item[0] == best), key=lambda item: item[1] - item[2])
    return round((low + high) / 2, 4), round(best, 4)
