"""The eligibility check's logic: which questions, in which order, and the verdict."""

from __future__ import annotations

import pytest

from bot.eligibility import age_bands, candidates_for, next_question, parse_typed, question_count, unmet_conditions, verdict
from index.schema import Programme


def _programme(id: str, **eligibility: object) -> Programme:
    return Programme.model_validate(
        {
            "id": id,
            "centre": "c",
            "title": id,
            "summary": "s",
            "for_whom": "f",
            "verified": "2026-11-01",
            "sources": [{"url": "https://x.example.org", "date": "undated"}],
            "eligibility": eligibility or None,
        }
    )


WOMEN_45 = _programme("women-45", gender="women", age_min=45, jobseeker="required")
YOUTH = _programme("youth", age_min=18, age_max=25, jobseeker="required", jobseeker_agency=["actiris"], residence="brussels-region")
OPEN = _programme("open")
ALL = [WOMEN_45, YOUTH, OPEN]


def _ask(answers: dict[str, str], candidates: list[Programme] = ALL) -> str | None:
    question = next_question(candidates, answers, "en")
    return question.dimension if question else None


def test_asks_only_what_separates_the_candidates() -> None:
    assert question_count(ALL) == 4
    assert _ask({}) == "gender"
    assert _ask({}, [YOUTH, OPEN]) == "age"  # nobody depends on gender
    assert _ask({}, [OPEN]) is None


def test_questions_stop_when_nothing_more_can_change() -> None:
    # a man of 26 misses the youth programme on age alone: it may still be "nearly", so ask on
    assert _ask({"gender": "m", "age": "26"}) == "jobseeker"
    # not a job seeker either: two conditions missed, nothing left worth asking
    assert _ask({"gender": "m", "age": "26", "jobseeker": "n"}) is None
    # a woman aged 50: the 45+ programme still depends on job-seeker registration
    assert _ask({"gender": "w", "age": "45"}) == "jobseeker"


def test_age_bands_follow_the_candidates_limits() -> None:
    assert age_bands(ALL) == [(0, 17), (18, 25), (26, 44), (45, None)]
    labels = [c.label for c in next_question(ALL, {"gender": "w"}, "fr").choices]
    assert labels == ["moins de 18 ans", "18–25", "26–44", "45 ans ou plus"]


def test_verdict_lists_qualifying_and_nearly_with_reasons() -> None:
    result = verdict(ALL, {"gender": "w", "age": "45", "jobseeker": "n", "residence": "y"}, "en")
    assert [p.id for p in result.qualifies] == ["open"]
    assert [(p.id, why) for p, why in result.nearly] == [
        ("women-45", ["you must be registered as a job seeker (register with Actiris, VDAB or Le Forem first)"])
    ]
    young = verdict(ALL, {"gender": "m", "age": "18", "jobseeker": "y", "residence": "y"}, "nl")
    assert [p.id for p in young.qualifies] == ["youth", "open"]
    assert young.nearly == []


@pytest.mark.parametrize(
    "text,answers,expected",
    [
        ("oui", {"gender": "w", "age": "45"}, "y"),
        ("ja maar nee", {"gender": "w", "age": "45"}, None),
        ("hmm", {"gender": "w", "age": "45"}, None),
        ("I am 23", {"gender": "w"}, "18"),
        ("50 ans", {"gender": "w"}, "45"),
        ("12", {"gender": "w"}, "0"),
        ("je suis une femme", {}, "w"),
        ("vrouw", {}, "w"),
        ("homme", {}, "m"),
    ],
)
def test_typed_answers(text: str, answers: dict[str, str], expected: str | None) -> None:
    question = next_question(ALL, answers, "en")
    assert question is not None
    assert parse_typed(text, question) == expected


def test_candidates_of_one_centre_or_all_with_conditions() -> None:
    programmes = {p.id: p for p in ALL}
    assert [p.id for p in candidates_for(programmes, None)] == ["women-45", "youth"]
    assert len(candidates_for(programmes, "c")) == 3


def test_a_job_seeker_who_gave_no_age_is_no_child() -> None:
    children = _programme("children", age_max=14)
    assert unmet_conditions(children, {"jobseeker": "y"}, "en") == ["it is for people up to 14"]
    assert unmet_conditions(children, {"jobseeker": "n"}, "en") == []
    assert unmet_conditions(YOUTH, {"jobseeker": "y"}, "en") == []  # up to 25: a job seeker may be that young
