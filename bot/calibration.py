"""Fit the confidence model and the centre classifier on labelled questions (`telecentre calibrate`).

Every choice is made on answers given with a centre classifier that had not seen the question
(5-fold cross-validation by paraphrase family): one fitted on all of them has seen these very
questions, and will not have seen the learners'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from bot.centre_prior import CentrePrior, fit_centre_prior
from bot.evaluation import Answers, LabelledQuestion, Outcome, best_threshold, metrics, objective, run
from bot.folds import family_folds
from bot.question_examples import QuestionExamples, held_out_margins
from index.search import Fusion

FUSIONS: tuple[Fusion, ...] = ("weighted", "rrf")


EXAMPLE_CHARS = 300
"""How much of a passage is read as a question for `knowledge_examples`: its title and opening."""


def knowledge_examples(engine: Answers) -> tuple[np.ndarray, list[str]]:
    """Each passage of the knowledge read as a question (its opening embedded as a query), with who
    answers it (`Passage.answerer`): the centre classifier also learns every organisation and FAQ
    by its own words, so one that no labelled question names yet is not unknown to it. By 5-fold
    cross-validation by family on the train split, centre hit@1 0.836 without them, 0.838 / 0.841 /
    0.839 / 0.840 with them weighing 0.3 / 1 / 2 / 4 labelled questions each; they weigh one."""
    passages = engine.index.passages
    texts = [f"{p.title}. {p.text}"[:EXAMPLE_CHARS] for p in passages]
    vectors = engine.embedder.embed_queries(texts) if texts else np.zeros((0, engine.embedder.dimension), dtype=np.float32)
    return vectors, [p.answerer for p in passages]


def _centre_classifier(
    vectors: np.ndarray, questions: Sequence[LabelledQuestion], examples: tuple[np.ndarray, list[str]]
) -> CentrePrior | None:
    """The centre classifier fitted on `questions` (their `vectors`), each in-scope one once for
    every organisation that answers it (`LabelledQuestion.answerers`: the labelled one and those that
    answer it just as well), with the knowledge's own `examples`; None when they name fewer than two
    (nothing to tell apart). Learning the equally right ones too, by 5-fold cross-validation by
    family on the train split: centre hit@1 0.8405 -> 0.8474 (half a question each: 0.8431)."""
    example_vectors, example_labels = examples
    rows = [(i, answerer) for i, question in enumerate(questions) for answerer in question.answerers]
    labels = [*(answerer for _, answerer in rows), *example_labels]
    if len(set(labels)) < 2:
        return None
    learnt = vectors[[i for i, _ in rows]]
    return fit_centre_prior(np.vstack([learnt, example_vectors]) if example_labels else learnt, labels)


Fold = tuple[Sequence[int], CentrePrior | None, QuestionExamples | None]
"""The questions of one fold, and the centre classifier and question examples of the other folds."""


def _fold_classifiers(
    questions: list[LabelledQuestion],
    vectors: np.ndarray,
    examples: tuple[np.ndarray, list[str]],
    extra: tuple[np.ndarray, list[LabelledQuestion]] | None = None,
) -> list[Fold]:
    """The questions of each fold (whole paraphrase families at a time), each with a centre
    classifier fitted on the other folds' in-scope questions (their `vectors`) and those questions'
    embeddings, to vote for who answers (`QuestionExamples.vote`). `extra`: more questions (their
    vectors) that every fold also learns, except those of a family or with a text it scores (for
    `benchmarks/cross_validate.py --extra`: whether new questions would help the old ones)."""
    folds = family_folds([q.family or q.q for q in questions])
    if not folds:
        return [(range(len(questions)), None, None)]
    extra_vectors, extra_questions = extra if extra is not None else (vectors[:0], [])
    learnt_folds: list[Fold] = []
    for seen, unseen in folds:
        scored = {questions[i].family for i in unseen} | {questions[i].q.casefold() for i in unseen}
        kept = [i for i, q in enumerate(extra_questions) if q.family not in scored and q.q.casefold() not in scored]
        learnt = [*(questions[i] for i in seen), *(extra_questions[i] for i in kept)]
        learnt_vectors = np.vstack([vectors[seen], extra_vectors[kept]])
        learnt_folds.append(
            (unseen.tolist(), _centre_classifier(learnt_vectors, learnt, examples), question_examples(learnt_vectors, learnt))
        )
    return learnt_folds


def question_examples(vectors: np.ndarray, questions: Sequence[LabelledQuestion]) -> QuestionExamples:
    """The embeddings of `questions` (`vectors`), those we answer with who answers each."""
    in_scope = np.array([not q.out_of_scope for q in questions], dtype=bool)
    return QuestionExamples.of(vectors[in_scope], vectors[~in_scope], [q.answerers for q in questions if not q.out_of_scope])


def _answered_by_unseen_classifiers(engine, questions: list[LabelledQuestion], folds: list[Fold]) -> list[Outcome]:  # type: ignore[no-untyped-def]
    """Each of `questions` answered with the classifier and question examples of its fold
    (`_fold_classifiers`): ones fitted on all of them have seen these very questions, and will not
    have seen the learners'."""
    shipped, fusion = engine.confidence, engine.searcher.fusion
    outcomes: list[Outcome | None] = [None] * len(questions)
    try:
        for unseen, prior, seen_questions in folds:
            engine.confidence = replace(shipped, centre_prior=prior, questions=seen_questions)
            engine.use_mode("hybrid", fusion)  # forgets the answers ranked with another classifier
            for i, outcome in zip(unseen, run(engine, [questions[i] for i in unseen]), strict=True):
                outcomes[i] = outcome
    finally:
        engine.confidence = shipped
        engine.use_mode("hybrid", fusion)
    answered = [outcome for outcome in outcomes if outcome is not None]
    if len(answered) != len(questions):
        raise RuntimeError("the folds left some questions unanswered")
    return answered


def answers_for_calibration(  # type: ignore[no-untyped-def]
    engine, questions: list[LabelledQuestion], examples: tuple[np.ndarray, list[str]] | None = None
) -> tuple[list[Outcome], Fusion]:
    """`questions` answered under the fusion that puts the most right centres first (ties: the
    engine's current one), each with a centre classifier that has not seen it, and that fusion:
    cosines of one model are not on another's scale, and the classifier weighs more against one
    fusion's scores than against the other's. Scores are the engine's own confidence model's; the
    engine is left as it was. `examples`: the knowledge's own (`knowledge_examples`), when at hand."""
    shipped, current = engine.confidence, engine.searcher.fusion
    tried = []
    try:
        vectors = np.stack([engine.question_vector(q.q) for q in questions])
        folds = _fold_classifiers(questions, vectors, examples if examples is not None else knowledge_examples(engine))
        for fusion in sorted(FUSIONS, key=lambda f: f != current):
            engine.use_mode("hybrid", fusion)
            outcomes = _answered_by_unseen_classifiers(engine, questions, folds)
            tried.append((sum(o.centre_hit for o in outcomes if not o.question.out_of_scope), fusion, outcomes))
    finally:
        engine.confidence = shipped
        engine.use_mode("hybrid", current)
    _, fusion, outcomes = max(tried, key=lambda item: item[0])
    return outcomes, fusion


def calibrate(engine: Answers, questions: list[LabelledQuestion], answered: tuple[list[Outcome], Fusion] | None = None):  # type: ignore[no-untyped-def]
    """Fit the confidence model on `questions` (in- versus out-of-scope), then its threshold.

    First the topic weights (over the questions' embeddings and the off-topic examples'); the
    other weights then see each question's topic score from a model that was not fitted on it, and
    its question margin against the other folds' questions (bot/question_examples.py), whose
    embeddings are stored with the weights.
    The centre classifier (bot/centre_prior.py), which ranking uses, is fitted on the in-scope
    questions' embeddings and the knowledge's own passages (`knowledge_examples`), and stored with
    the weights; the fusion, the threshold and the other weights
    are chosen on answers given with a classifier that had not seen the question
    (`answers_for_calibration`; pass them as `answered` when already at hand).

    Questions read as English, French or Dutch fit the full model; a dense-only model, fitted on
    every question, judges those in other languages, its bias moved so that one threshold serves
    both (chosen on the other-language questions when there are any)."""
    from bot.confidence import DENSE_FEATURES, ConfidenceModel, fit, fit_topic, logit

    examples = knowledge_examples(engine)
    outcomes, fusion = answered if answered is not None else answers_for_calibration(engine, questions, examples)
    topic_weights, topic_bias, held_out = fit_topic(
        np.stack([o.vector for o in outcomes]),
        [not o.question.out_of_scope for o in outcomes],
        [o.question.family or o.question.q for o in outcomes],
        engine.off_topic_examples,
    )
    vectors = np.stack([o.vector for o in outcomes])
    in_scope = np.array([not o.question.out_of_scope for o in outcomes], dtype=bool)
    margins = held_out_margins(vectors, in_scope, [o.question.family or o.question.q for o in outcomes], engine.off_topic_examples)
    outcomes = [
        replace(o, features={**o.features, "topic": float(t), "question_margin": float(m)})
        for o, t, m in zip(outcomes, held_out, margins, strict=True)
    ]
    prior = _centre_classifier(vectors, [o.question for o in outcomes], examples)
    comparable = [o for o in outcomes if o.words_comparable]
    weights, bias = fit([(o.features, not o.question.out_of_scope) for o in comparable])
    model = ConfidenceModel(
        weights,
        bias,
        threshold=0.5,
        fitted_on=f"{len(questions)} labelled questions (train split)",
        model=engine.embedder.name,
        fusion=fusion,
        topic_weights=topic_weights,
        topic_bias=topic_bias,
        centre_prior=prior,
        questions=question_examples(vectors, [o.question for o in outcomes]),
    )
    threshold, _ = best_threshold([replace(o, score=model.probability(o.features)) for o in comparable])
    model = replace(model, threshold=threshold)
    others = [o for o in outcomes if not o.words_comparable]
    if others and len({o.question.out_of_scope for o in outcomes}) == 2:
        dense_weights, dense_bias = fit([(o.features, not o.question.out_of_scope) for o in outcomes], DENSE_FEATURES)
        dense = replace(model, dense_weights=dense_weights, dense_bias=dense_bias)
        dense_threshold, _ = best_threshold([replace(o, score=dense.probability(o.features, words_comparable=False)) for o in others])
        model = replace(dense, dense_bias=round(dense_bias + logit(threshold) - logit(dense_threshold), 4))
    rescored = [replace(o, score=model.probability(o.features, words_comparable=o.words_comparable)) for o in outcomes]
    return model, {"objective": objective(rescored, threshold), **metrics(rescored, threshold)}
