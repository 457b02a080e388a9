"""Score the engine on a labelled question set and calibrate its confidence threshold.

The labelled file is a YAML list of entries with `q`, `lang`, `centre`, `programme`, `split`
(`train` or `test`), and either `out_of_scope: true` or, for questions answered by an FAQ that
belongs to no centre, `faq: <id>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import yaml

from index.schema import LANGUAGES


@dataclass(frozen=True)
class LabelledQuestion:
    q: str
    lang: str
    centre: str | None
    programme: str | None
    split: str
    out_of_scope: bool = False
    faq: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What the engine did with one labelled question."""

    question: LabelledQuestion
    score: float
    centre_hit: bool
    programme_hit: bool
    features: dict = field(default_factory=dict)


class Answers(Protocol):
    def answer(self, question: str, lang_hint: str | None = None):  # type: ignore[no-untyped-def]
        ...


def load_labelled(path: Path) -> list[LabelledQuestion]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = set(LabelledQuestion.__dataclass_fields__)
    return [LabelledQuestion(**{k: v for k, v in entry.items() if k in fields}) for entry in entries]


def _matches(answer, question: LabelledQuestion) -> tuple[bool, bool]:  # type: ignore[no-untyped-def]
    best = answer.best
    if best is None:
        return False, False
    if question.faq is not None:
        hit = best.passage.split("#")[0] == question.faq
        return hit, hit
    centre_hit = best.centre == question.centre
    programme_hit = centre_hit and (question.programme is None or best.programme == question.programme)
    return centre_hit, programme_hit


def run(engine: Answers, questions: list[LabelledQuestion]) -> list[Outcome]:
    """Ask every question once (no language hint, as a learner with an unknown locale)."""
    outcomes = []
    for question in questions:
        answer = engine.answer(question.q)
        centre_hit, programme_hit = _matches(answer, question)
        outcomes.append(Outcome(question, answer.score, centre_hit, programme_hit, answer.features))
    return outcomes


def metrics(outcomes: list[Outcome], threshold: float) -> dict:
    """Hit rates (counting an unconfident answer as a miss), refusal rates, per language."""
    result: dict = {"threshold": threshold, "languages": {}}
    in_scope = [o for o in outcomes if not o.question.out_of_scope]
    out_scope = [o for o in outcomes if o.question.out_of_scope]
    for lang in (*LANGUAGES, "all"):
        chosen = [o for o in in_scope if lang == "all" or o.question.lang == lang]
        if not chosen:
            continue
        answered = [o for o in chosen if o.score >= threshold]
        result["languages"][lang] = {
            "questions": len(chosen),
            "centre_hit@1": round(sum(o.centre_hit for o in answered) / len(chosen), 4),
            "programme_hit@1": round(sum(o.programme_hit for o in answered) / len(chosen), 4),
            "centre_hit@1_ignoring_threshold": round(sum(o.centre_hit for o in chosen) / len(chosen), 4),
        }
    result["false_refusal_rate"] = round(sum(o.score < threshold for o in in_scope) / max(len(in_scope), 1), 4)
    result["out_of_scope_refusal_rate"] = round(sum(o.score < threshold for o in out_scope) / max(len(out_scope), 1), 4)
    result["out_of_scope_questions"] = len(out_scope)
    return result


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


def calibrate(engine, questions: list[LabelledQuestion]):  # type: ignore[no-untyped-def]
    """Fit the confidence model on `questions` (in- versus out-of-scope), then its threshold."""
    from bot.confidence import ConfidenceModel, fit

    outcomes = run(engine, questions)
    weights, bias = fit([(o.features, not o.question.out_of_scope) for o in outcomes])
    model = ConfidenceModel(weights, bias, threshold=0.5, fitted_on=f"{len(questions)} labelled questions")
    rescored = [replace(o, score=model.probability(o.features)) for o in outcomes]
    threshold, best = best_threshold(rescored)
    model = replace(model, threshold=threshold)
    return model, {"objective": best, **metrics(rescored, threshold)}
