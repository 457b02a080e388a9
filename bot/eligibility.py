"""Can I join? A short check driven by the programmes' structured eligibility.

It asks only what separates the candidate programmes (gender, age, job-seeker registration,
residence), in that order, skipping any question no remaining candidate depends on, then sorts
the programmes into those the learner qualifies for and those they nearly qualify for (one
condition unmet), with the reason. Pure logic: the Telegram and console front ends share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.blocks import Block
from bot.i18n import colon, phrase
from index.schema import Lang, Programme

DIMENSIONS = ("gender", "age", "jobseeker", "residence")

CAN_I_JOIN = re.compile(
    r"^\W*(can i (join|apply|sign up|register|participate)|am i eligible|puis-je (m'inscrire|participer|m'y inscrire)|"
    r"est-ce que je peux (m'inscrire|participer)|suis-je (éligible|admissible)|kan ik (meedoen|deelnemen|me inschrijven)|"
    r"mag ik (meedoen|deelnemen))\W*(\w+\W*){0,3}$",
    re.IGNORECASE,
)
"""'Can I join?' and its cousins, typed on their own (a few more words at most) after an answer."""

MAX_TYPED_ANSWER_WORDS = 4
"""A typed reply longer than this is a new question, not an answer to the check."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    dimension: str
    text: str
    choices: list[Choice]


@dataclass
class Verdict:
    qualifies: list[Programme] = field(default_factory=list)
    nearly: list[tuple[Programme, list[str]]] = field(default_factory=list)


def _constrains(programme: Programme, dimension: str) -> bool:
    rules = programme.eligibility
    if rules is None:
        return False
    return {
        "gender": rules.gender in ("women", "men"),
        "age": rules.age_min is not None or rules.age_max is not None,
        "jobseeker": rules.jobseeker in ("required",),
        "residence": rules.residence == "brussels-region",
    }[dimension]


def age_bands(programmes: list[Programme]) -> list[tuple[int, int | None]]:
    """Age bands whose edges are the candidates' own limits, e.g. (0, 17), (18, 25), (26, 44), (45, None)."""
    edges = set()
    for programme in programmes:
        rules = programme.eligibility
        if rules is not None and rules.age_min is not None:
            edges.add(rules.age_min)
        if rules is not None and rules.age_max is not None:
            edges.add(rules.age_max + 1)
    starts = sorted({0, *edges})
    return [(start, (starts[i + 1] - 1) if i + 1 < len(starts) else None) for i, start in enumerate(starts)]


def _band_label(band: tuple[int, int | None], lang: Lang) -> str:
    low, high = band
    if high is None:
        return phrase(lang, "el_age_over", low=str(low))
    if low == 0:
        return phrase(lang, "el_age_under", high=str(high + 1))
    return f"{low}–{high}"


def next_question(candidates: list[Programme], answers: dict[str, str], lang: Lang) -> Question | None:
    """The next question that can still change the outcome, or None when the verdict is known."""
    # Programmes missed on two conditions already cannot be "nearly" any more: their
    # conditions no longer justify a question.
    relevant = [p for p in candidates if len(unmet_conditions(p, answers, lang)) <= 1]
    for dimension in DIMENSIONS:
        if dimension in answers or not any(_constrains(p, dimension) for p in relevant):
            continue
        if dimension == "gender":
            choices = [Choice("w", phrase(lang, "el_woman")), Choice("m", phrase(lang, "el_man")), Choice("x", phrase(lang, "el_other"))]
        elif dimension == "age":
            choices = [Choice(str(band[0]), _band_label(band, lang)) for band in age_bands(candidates)]
        else:
            choices = [Choice("y", phrase(lang, "el_yes")), Choice("n", phrase(lang, "el_no"))]
        return Question(dimension, phrase(lang, f"el_q_{dimension}"), choices)
    return None


JOBSEEKER_MIN_AGE = 16
"""Someone looking for work is at least this old (school is compulsory until 18 in Belgium), so a
space for children under 15 does not fit a job seeker who gave no age."""


def unmet_conditions(programme: Programme, answers: dict[str, str], lang: Lang) -> list[str]:
    """Reasons, in words, why the answers so far do not meet the programme's conditions."""
    rules = programme.eligibility
    if rules is None:
        return []
    reasons = []
    gender = answers.get("gender")
    if gender and rules.gender == "women" and gender != "w":
        reasons.append(phrase(lang, "el_why_women"))
    if gender and rules.gender == "men" and gender != "m":
        reasons.append(phrase(lang, "el_why_men"))
    if "age" in answers:
        age = int(answers["age"])
        if rules.age_min is not None and age < rules.age_min:
            reasons.append(phrase(lang, "el_why_age_min", low=str(rules.age_min)))
        if rules.age_max is not None and age > rules.age_max:
            reasons.append(phrase(lang, "el_why_age_max", high=str(rules.age_max)))
    elif answers.get("jobseeker") == "y" and rules.age_max is not None and rules.age_max < JOBSEEKER_MIN_AGE:
        reasons.append(phrase(lang, "el_why_age_max", high=str(rules.age_max)))
    if answers.get("jobseeker") == "n" and rules.jobseeker == "required":
        reasons.append(phrase(lang, "el_why_jobseeker"))
    if answers.get("residence") == "n" and rules.residence == "brussels-region":
        reasons.append(phrase(lang, "el_why_residence"))
    return reasons


def verdict(candidates: list[Programme], answers: dict[str, str], lang: Lang) -> Verdict:
    """Programmes met in full, and those missed by exactly one condition (with why)."""
    result = Verdict()
    for programme in candidates:
        reasons = unmet_conditions(programme, answers, lang)
        if not reasons:
            result.qualifies.append(programme)
        elif len(reasons) == 1:
            result.nearly.append((programme, reasons))
    return result


_YES = {"yes", "y", "yeah", "oui", "ouais", "ja", "jawel", "ok", "sure"}
_NO = {"no", "n", "non", "nee", "neen", "nope"}
_WOMAN = {"woman", "female", "f", "femme", "vrouw", "w"}
_MAN = {"man", "male", "m", "homme"}


def parse_typed(text: str, question: Question) -> str | None:
    """A short typed reply ("oui", "23 ans", "une femme") as the value of a choice, or None.

    Longer messages are questions in their own right and are left alone."""
    tokens = re.findall(r"\w+", text.lower())
    if not tokens or len(tokens) > MAX_TYPED_ANSWER_WORDS:
        return None
    # Single letters ("y", "n", "m", "f") count only when they are the whole reply.
    words = set(tokens) if len(tokens) == 1 else {token for token in tokens if len(token) > 1}
    if question.dimension == "age":
        numbers = [int(n) for n in re.findall(r"\b\d{1,2}\b", text)]
        if len(numbers) != 1:
            return None
        starts = [int(choice.value) for choice in question.choices]
        return str(max(start for start in starts if start <= numbers[0]))
    if question.dimension == "gender":
        if words & _WOMAN:
            return "w"
        if words & _MAN:
            return "m"
        return None
    if words & _YES and not words & _NO:
        return "y"
    if words & _NO and not words & _YES:
        return "n"
    return None


def candidates_for(programmes: dict[str, Programme], centre: str | None) -> list[Programme]:
    """The programmes a check covers: those of one centre, or every one with published conditions."""
    if centre is not None:
        return [p for p in programmes.values() if p.centre == centre]
    return [p for p in programmes.values() if any(_constrains(p, d) for d in DIMENSIONS)]


def question_count(candidates: list[Programme]) -> int:
    return sum(any(_constrains(p, d) for p in candidates) for d in DIMENSIONS)


def summary_blocks(result: Verdict, lang: Lang, title_of: Callable[[str, Lang], str]) -> list[Block]:
    """The outcome: programmes qualified for (with how to apply), nearly (with why), next step."""
    blocks = []
    if result.qualifies:
        blocks.append(Block("text", phrase(lang, "el_result_yes")))
        for programme in result.qualifies:
            how = programme.how_to_apply.get(lang) if programme.how_to_apply else ""
            blocks.append(Block("item", f"{title_of(programme.id, lang)}" + (f"{colon(lang)} {how}" if how else ""), "•"))
    if result.nearly:
        blocks.append(Block("text", phrase(lang, "el_result_nearly")))
        for programme, reasons in result.nearly:
            blocks.append(Block("item", f"{title_of(programme.id, lang)}{colon(lang)} {'; '.join(reasons)}", "•"))
    if not result.qualifies and not result.nearly:
        blocks.append(Block("text", phrase(lang, "el_result_none")))
    blocks.append(Block("note", phrase(lang, "el_next")))
    return blocks
