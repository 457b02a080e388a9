"""Metrics over labelled questions, with canned answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest

from bot.answer import Option
from bot.evaluation import LabelledQuestion, best_threshold, judge, load_labelled, metrics, misses, run
from index.knowledge import load_knowledge
from tests.support.helpers import HELD_OUT, LABELLED, SHIPPED_KNOWLEDGE


@dataclass
class Canned:
    best: Option | None
    ranked: list[Option]
    score: float
    alternatives: list[Option] = field(default_factory=list)
    features: dict = field(default_factory=dict)


def _q(centre: str | None, programme: str | None = None, lang: str = "en", oos: bool = False, faq: str | None = None) -> LabelledQuestion:
    return LabelledQuestion("q", lang, centre, programme, "train", oos, faq)


def _opt(centre: str | None, programme: str | None = None, file: str | None = None) -> Option:
    return Option(centre, programme, f"{file or programme or centre}#0:en", 0.5)


def _answer(*options: Option, score: float = 0.9) -> Canned:
    return Canned(options[0] if options else None, list(options), score)


def test_ranks_count_distinct_centres_for_centre_rank() -> None:
    answer = _answer(_opt("a", "a-1"), _opt("a", "a-2"), _opt("b", "b-1"))
    outcome = judge(answer, _q("b", "b-1"))
    assert (outcome.centre_rank, outcome.programme_rank) == (2, 3)


def test_programme_null_accepts_any_programme_of_the_centre() -> None:
    assert judge(_answer(_opt("a", "a-2")), _q("a")).programme_rank == 1


def test_faq_questions_match_the_faq_file() -> None:
    answer = _answer(_opt("a"), _opt(None, None, file="ict-cheque"))
    assert judge(answer, _q(None, faq="ict-cheque")).centre_rank == 2


def test_metrics_per_language_and_refusals() -> None:
    outcomes = [
        judge(_answer(_opt("a"), score=0.9), _q("a", lang="en")),
        judge(_answer(_opt("b"), _opt("a"), score=0.9), _q("a", lang="fr")),
        judge(_answer(_opt("a"), score=0.2), _q("a", lang="fr")),
        judge(_answer(_opt("a"), score=0.2), _q(None, oos=True)),
        judge(_answer(_opt("a"), score=0.95), _q(None, oos=True)),
    ]
    result = metrics(outcomes, 0.5)
    assert result["languages"]["en"]["centre"] == {"hit@1": 1.0, "hit@3": 1.0, "mrr": 1.0}
    assert result["languages"]["fr"]["centre"] == {"hit@1": 0.5, "hit@3": 1.0, "mrr": 0.75}
    assert result["languages"]["fr"]["answered_right"] == 0.0
    assert result["false_refusal_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert result["out_of_scope_refusal_rate"] == 0.5
    assert [m["problem"] for m in misses(outcomes, 0.5)] == ["wrong centre", "refused", "answered out of scope"]


def test_best_threshold_sits_in_the_middle_of_the_widest_gap() -> None:
    outcomes = [judge(_answer(_opt("a"), score=s), _q("a")) for s in (0.8, 0.9)] + [
        judge(_answer(_opt("a"), score=s), _q(None, oos=True)) for s in (0.1, 0.3)
    ]
    threshold, objective = best_threshold(outcomes)
    assert objective == 1.0 and threshold == pytest.approx(0.55)


def test_the_shipped_labelled_set_is_well_formed() -> None:
    questions = load_labelled(LABELLED)
    assert len(questions) >= 400
    assert sum(q.out_of_scope for q in questions) >= 80
    for lang in ("en", "fr", "nl"):
        assert sum(q.lang == lang and not q.out_of_scope for q in questions) >= 40
    others = Counter(q.lang for q in questions if q.lang not in ("en", "fr", "nl"))
    assert sum(others.values()) >= 60 and len(others) >= 6
    assert len(HELD_OUT) >= 2
    held_out = [q for path in HELD_OUT for q in load_labelled(path)]
    assert all(q.split == "test" for q in held_out)
    assert sum(q.split == "test" for q in questions) >= 160  # the test split written first is never shrunk
    test_share = sum(q.split == "test" for q in [*questions, *held_out]) / (len(questions) + len(held_out))
    assert 0.1 <= test_share <= 0.6  # held-out sets 2 to 12 joined the train split (1,414 + 321 questions)
    trained_on = {q.q.casefold() for q in questions if q.split == "train"}
    assert not [q.q for q in held_out if q.q.casefold() in trained_on], "a held-out question is also in train"
    splits_of_family: dict[str, set[str]] = {}
    for q in questions:
        if q.family:
            splits_of_family.setdefault(q.family, set()).add(q.split)
    assert all(len(splits) == 1 for splits in splits_of_family.values()), "a paraphrase family is in both splits"
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE)
    known = set(knowledge.centres) | set(knowledge.programmes) | {d.record.id for d in knowledge.documents}
    labelled = {i for q in [*questions, *held_out] for i in (q.centre, q.programme, q.faq, *q.also) if i}
    assert labelled <= known, sorted(labelled - known)
    faq_centre = {d.record.id: getattr(d.record, "centre", None) for d in knowledge.documents}
    for q in [*questions, *held_out]:  # the centre classifier learns an FAQ answer by the FAQ's own class
        assert q.centre or not q.faq or faq_centre[q.faq] is None, f"{q.q!r}: faq {q.faq} belongs to a centre; label that centre"


def test_malformed_labelled_file_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- q: hi\n  lang: de\n  centre: a\n  programme: null\n  split: train\n- q: ho\n  lang: German\n  centre: a\n  programme: null\n  split: train\n"
    )
    with pytest.raises(ValueError, match="question 2: lang must be a two-letter language code"):
        load_labelled(path)
    path.write_text("- q: hi\n  lang: de\n  centre: null\n  programme: null\n  split: train\n")
    with pytest.raises(ValueError, match="question 1: in scope, so it needs a centre or an faq"):
        load_labelled(path)


def test_other_languages_are_reported_together() -> None:
    outcomes = [
        judge(_answer(_opt("a")), _q("a", lang="de")),
        judge(_answer(_opt("b")), _q("a", lang="ar")),
        judge(_answer(_opt("a")), _q("a", lang="fr")),
    ]
    result = metrics(outcomes, 0.5)
    assert result["languages"]["other"]["questions"] == 2 and result["languages"]["other"]["centre"]["hit@1"] == 0.5
    assert result["languages"]["fr"]["centre"]["hit@1"] == 1.0 and "de" not in result["languages"]


def test_run_asks_every_question() -> None:
    class Engine:
        asked: ClassVar[list[str]] = []

        def answer(self, question: str, lang_hint: str | None = None) -> Canned:
            self.asked.append(question)
            return _answer(_opt("a"))

    engine = Engine()
    assert len(run(engine, [_q("a"), _q("b")])) == 2 and len(engine.asked) == 2


def test_also_accepts_another_centre_that_answers_as_well() -> None:
    question = LabelledQuestion("q", "fr", "a", None, "train", also=("b",))
    outcome = judge(_answer(_opt("b", "b-1"), _opt("a")), question)
    assert outcome.centre_rank == 1 and outcome.programme_rank == 1
    assert judge(_answer(_opt("c"), _opt("a")), question).centre_rank == 2
