"""Who is asking, read from the question itself: age, gender, job seeking, newcomer, child, group.

Learners say who they are in passing ("I'm 34", "je suis une femme au chômage", "voor mijn
zoon", "tengo 19 años", "мне 45 лет"). Read here in the bot's languages and the others Brussels
learners write in, it lets ranking drop programmes the learner visibly cannot join and say why.
The result speaks the eligibility check's vocabulary (`answers()`), so the same rules decide
both. Deliberately conservative: a word we are unsure about is not read as a fact about the
learner (a question *about* women's programmes is not a woman asking).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.audience_for_others_words import CHILD_AGE, DAUGHTER, FOR_CHILD, FOR_GROUP, FOR_WIFE, GROUP_OF_OURS, GROUP_SEEKS, YOUNG
from bot.audience_words import (
    AGE,
    AGE_BEFORE_NOUN,
    FEMININE,
    FOR_WOMEN,
    INSTRUCTION,
    JOBSEEKER,
    NEWCOMER,
    NOT_SPOKEN,
    PARENT_SELF,
    RETIRED,
    SELF_MAN,
    SELF_WOMAN,
    WOMAN,
    fold_question,
)
from index.schema import Lang


@dataclass(frozen=True)
class Audience:
    """What a question says about who will learn; None where it says nothing."""

    age: int | None = None
    gender: Literal["w", "m"] | None = None
    jobseeker: bool | None = None
    newcomer: bool = False
    for_child: bool = False
    """A parent (or carer) asking for a child: the child's age, if given, is `age`."""
    for_group: bool = False
    """A school, class or association asking for a group rather than one person."""
    instruction_language: Lang | None = None
    """A language of instruction the learner asked for ("a course in Dutch")."""
    for_women: bool = False
    """The question asks for women: the learner is one, or asks for courses for women."""
    about_young: bool = False
    """The question speaks of children or young people, who may be the learners."""

    def answers(self) -> dict[str, str]:
        """The eligibility check's answers (bot/eligibility.py) this question already gives."""
        given: dict[str, str] = {}
        if self.gender is not None and not self.for_group:
            given["gender"] = self.gender
        if self.age is not None:
            given["age"] = str(self.age)
        if self.jobseeker is not None and not self.for_child and not self.for_group:
            given["jobseeker"] = "y" if self.jobseeker else "n"
        return given

    @property
    def empty(self) -> bool:
        return self == Audience()


def read_audience(question: str) -> Audience:
    """What `question` says about the learner, in any of the languages above."""
    text = fold_question(" ".join(question.split()))
    for_child = bool(FOR_CHILD.search(text))
    age = _child_age(text) if for_child else None
    if age is None:
        age = _age(text)
    gender: Literal["w", "m"] | None = None
    plain = text
    for aged, replacement in AGE_BEFORE_NOUN:
        plain = aged.sub(replacement, plain)
    if SELF_MAN.search(plain):
        gender = "m"
    elif SELF_WOMAN.search(plain) or (not for_child and (WOMAN.search(text) or FEMININE.search(text)) and _speaks_of_self(text)):
        gender = "w"
    if (for_child and DAUGHTER.search(text)) or (not for_child and FOR_WIFE.search(text)):
        gender = "w"
    elif for_child and gender == "w" and not SELF_WOMAN.search(text):
        gender = None
    wanted = next((lang for table in (INSTRUCTION, NOT_SPOKEN) for lang, pattern in table.items() if pattern.search(text)), None)
    return Audience(
        age=age,
        gender=gender,
        jobseeker=True if JOBSEEKER.search(text) else False if RETIRED.search(text) else None,
        newcomer=bool(NEWCOMER.search(text)),
        for_child=for_child,
        for_group=bool(FOR_GROUP.search(text) or GROUP_OF_OURS.search(text) or GROUP_SEEKS.search(text)),
        instruction_language=wanted,
        for_women=not for_child and gender != "m" and (gender == "w" or bool(FOR_WOMEN.search(text))),
        about_young=for_child or bool(YOUNG.search(PARENT_SELF.sub(" ", text))),
    )


_SELF = re.compile(r"(?<!\w)(?:i|i'm|im|my|me|je|j'|moi|ik|mijn|ich|yo|eu|sunt|jestem|ben|انا|я)(?!\w)")


def _speaks_of_self(text: str) -> bool:
    """A woman word counts as the learner's own gender only in a sentence about oneself."""
    return bool(_SELF.search(text))


def _age(text: str) -> int | None:
    for pattern in AGE:
        match = pattern.search(text)
        if match:
            value = int(match.group(1))
            if 5 <= value <= 99:
                return value
    return None


def _child_age(text: str) -> int | None:
    match = CHILD_AGE.search(text)
    if match:
        value = int(match.group(1))
        return value if 3 <= value <= 25 else None
    return _age(text)
