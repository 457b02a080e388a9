"""Fitting the centre classifier and the confidence model on labelled questions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from bot.evaluation import LabelledQuestion


def test_each_fold_classifier_is_fitted_without_the_families_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import calibration

    questions = [LabelledQuestion(f"q{n}", "en", "ab"[n % 2], None, "train", family=f"f{n % 7}") for n in range(28)]
    questions.append(LabelledQuestion("weather", "en", None, None, "train", out_of_scope=True, family="w"))
    questions.append(LabelledQuestion("grant", "en", None, None, "train", faq="grants", family="g"))
    vectors = np.array([[float(n), 1.0] for n in range(len(questions))])  # the first value says which question
    fitted: list[set[int]] = []
    labels: list[set[str]] = []
    monkeypatch.setattr(
        calibration,
        "fit_centre_prior",
        lambda rows, centres: fitted.append({int(r[0]) for r in rows}) or labels.append(set(centres)) or "prior",
    )
    folds = calibration._fold_classifiers(questions, vectors, (np.zeros((0, 2)), []))
    assert set.union(*labels) == {"a", "b", "grants"}  # an FAQ that belongs to no centre is a class too
    assert len(folds) == 5 and sorted(i for unseen, _, _ in folds for i in unseen) == list(range(len(questions)))
    for (unseen, prior, examples), seen in zip(folds, fitted, strict=True):
        assert prior == "prior" and len(questions) - 2 not in seen  # out of scope: never a centre to learn
        assert not {questions[i].family for i in seen} & {questions[i].family for i in unseen}
        assert examples is not None
        voters = [int(row[0]) for row in examples._answered]  # the nearest questions that vote: the other folds' only
        assert set(voters) == seen - {len(questions) - 2} and not set(voters) & set(unseen)
        assert list(examples.answerers) == [questions[i].answerers for i in voters]
        assert [int(row[0]) for row in examples._refused] == ([] if len(questions) - 2 in unseen else [len(questions) - 2])
    one_family = [replace(q, family="one") for q in questions]
    assert calibration._fold_classifiers(one_family, vectors, (np.zeros((0, 2)), [])) == [
        (range(len(questions)), None, None)
    ]  # nothing to hold out


def test_calibration_answers_leave_the_engine_as_it_was(make_engine) -> None:  # type: ignore[no-untyped-def]
    from bot.calibration import answers_for_calibration

    engine = make_engine()
    questions = [
        LabelledQuestion(text, "en", centre, None, "train", family=f"f{n}")
        for n, (text, centre) in enumerate(
            [
                ("coding course for adults", "alpha"),
                ("printing in Schaerbeek", "beta"),
                ("learn to code", "alpha"),
                ("print a page", "beta"),
            ]
        )
    ]
    before = (engine.confidence, engine.searcher.fusion, engine.searcher.mode)
    outcomes, fusion = answers_for_calibration(engine, questions)
    assert [o.question for o in outcomes] == questions and fusion in ("weighted", "rrf")
    assert (engine.confidence, engine.searcher.fusion, engine.searcher.mode) == before


def test_the_centre_classifier_also_learns_the_knowledge_own_words(make_engine) -> None:  # type: ignore[no-untyped-def]
    """Labelled questions name only alpha; beta's passages, read as questions, still make it a class."""
    from bot.calibration import calibrate, knowledge_examples

    engine = make_engine()
    vectors, labels = knowledge_examples(engine)
    assert len(vectors) == len(labels) == len(engine.index.passages) and set(labels) == {"alpha", "beta"}
    questions = [LabelledQuestion(f"coding course {n}", "en", "alpha", None, "train", family=f"f{n}") for n in range(6)]
    questions += [LabelledQuestion(f"weather {n}", "en", None, None, "train", out_of_scope=True, family=f"w{n}") for n in range(6)]
    model, _ = calibrate(engine, questions)
    assert model.centre_prior is not None and set(model.centre_prior.centres) == {"alpha", "beta"}


def test_calibration_keeps_the_train_questions_for_the_margin(make_engine) -> None:  # type: ignore[no-untyped-def]
    """In-scope and refused train questions are stored, and the weights learnt on held-out margins."""
    from bot.calibration import calibrate
    from bot.confidence import FEATURES

    engine = make_engine()
    questions = [LabelledQuestion(f"coding course number {n}", "en", "alpha", None, "train", family=f"f{n}") for n in range(6)]
    questions += [LabelledQuestion(f"weather tomorrow {n}", "en", None, None, "train", out_of_scope=True, family=f"w{n}") for n in range(4)]
    model, _ = calibrate(engine, questions)
    assert model.questions is not None and "question_margin" in FEATURES and model.weights["question_margin"] != 0.0
    assert model.questions.answerers == (("alpha",),) * 6  # the in-scope ones, with who answers each: they vote
    vector = engine.question_vector("coding course number 1")
    assert model.question_margin(vector, None) > model.question_margin(engine.question_vector("weather tomorrow 1"), None)


def test_no_question_votes_for_itself_while_calibration_answers_it(make_engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fold is answered with the other folds' questions voting, never the shipped model's
    (which holds every train question) nor its own."""
    from bot import calibration

    engine = make_engine()
    words = ["printing", "coding", "laptop", "wifi", "scanner", "tablet", "email", "banking", "python", "excel"]
    questions = [
        LabelledQuestion(f"{word} help", "en", "alpha" if n % 2 else "beta", None, "train", family=word) for n, word in enumerate(words)
    ]
    vectors = {q.q: engine.question_vector(q.q) for q in questions}
    engine.confidence = replace(engine.confidence, questions=calibration.question_examples(np.stack(list(vectors.values())), questions))
    asked: list[tuple[list[str], np.ndarray]] = []
    answer = calibration.run

    def recording(engine, fold):  # type: ignore[no-untyped-def]
        asked.append(([q.q for q in fold], engine.confidence.questions._answered))
        return answer(engine, fold)

    monkeypatch.setattr(calibration, "run", recording)
    calibration.answers_for_calibration(engine, questions)
    assert asked and sorted(q for fold, _ in asked for q in fold) == sorted(q.q for q in questions for _ in range(2))  # both fusions
    for fold, voters in asked:
        assert len(voters) == len(questions) - len(fold)
        assert all(float((voters @ vectors[q]).max()) < 0.99 for q in fold), fold


def test_a_classifier_from_the_knowledge_alone_when_no_question_is_in_scope() -> None:
    from bot.calibration import _centre_classifier

    examples = (np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32), ["alpha", "grants"])
    prior = _centre_classifier(np.zeros((0, 2), dtype=np.float32), [], examples)
    assert prior is not None and set(prior.centres) == {"alpha", "grants"}
    assert _centre_classifier(np.zeros((0, 2), dtype=np.float32), [], (np.zeros((0, 2)), [])) is None


def test_the_centre_classifier_learns_every_centre_that_answers_a_question_just_as_well(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import calibration

    questions = [
        LabelledQuestion("library computers", "en", "alpha", None, "train", also=("beta", "alpha")),
        LabelledQuestion("weather", "en", None, None, "train", out_of_scope=True, also=("beta",)),
        LabelledQuestion("grant", "en", None, None, "train", faq="grants"),
    ]
    vectors = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]], dtype=np.float32)
    fitted: list[tuple[list[int], list[str]]] = []
    monkeypatch.setattr(calibration, "fit_centre_prior", lambda rows, labels: fitted.append(([int(r[0]) for r in rows], labels)) or "prior")
    examples = (np.array([[9.0, 0.0]], dtype=np.float32), ["gamma"])
    assert calibration._centre_classifier(vectors, questions, examples) == "prior"
    assert fitted == [([0, 0, 2, 9], ["alpha", "beta", "grants", "gamma"])]  # once per centre, never off topic
