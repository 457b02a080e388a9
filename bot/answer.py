"""What the engine returns for a question: the options it found and the reply to render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bot import routing
from bot.audience import Audience
from bot.blocks import Block, render_html, render_text
from bot.places import NamedPoint
from index.passages import target_of
from index.schema import Lang
from index.search import Hit


@dataclass(frozen=True)
class Option:
    """A centre or programme the search found, with its best passage and score."""

    centre: str | None
    programme: str | None
    passage: str
    score: float

    @property
    def target(self) -> str:
        """The id of the option's file: a programme, a centre or an FAQ."""
        return target_of(self.passage)

    def to_dict(self) -> dict:
        return {"centre": self.centre, "programme": self.programme, "passage": self.passage, "score": round(self.score, 4)}


AnswerKind = Literal["answer", "unsure", "off_topic", "empty", "small_talk", "shown"]
"""A confident answer, an honest "not sure", a question about something else than what we do
(said so, with no centres listed), a reply to an empty message or to a greeting or thanks alone,
or a button's target shown."""
UNANSWERED: tuple[AnswerKind, ...] = ("unsure", "off_topic")
"""The kinds of answer that did not answer the question: both kept as "unsure" gaps for staff (an
off-topic one may be a need we misjudged) and counted as refused."""


@dataclass
class Answer:
    question: str
    lang: Lang
    confident: bool
    score: float
    best: Option | None
    alternatives: list[Option]
    blocks: list[Block]
    truncated: bool = False
    kind: AnswerKind = "answer"
    asked_lang: str = ""
    """The language the question was written in (ISO 639-1): `lang` or another one."""
    audience: Audience = field(default_factory=Audience)
    places: list[NamedPoint] = field(default_factory=list)
    fits: dict[str, routing.Fit] = field(default_factory=dict, repr=False)
    """How each target fits the places and audience understood (see bot/routing.py)."""
    hits: list[Hit] = field(default_factory=list, repr=False)
    features: dict[str, float] = field(default_factory=dict, repr=False)
    ranked: list[Option] = field(default_factory=list, repr=False)
    """Every option the search found, best first (for evaluation)."""
    vector: np.ndarray | None = field(default=None, repr=False)
    """The question's embedding (for fitting the confidence model's topic weights)."""
    follows: str | None = None
    """The target of the earlier answer that this one follows up ("is it free?" just after it)."""

    @property
    def about(self) -> str | None:
        """What a next question may follow up: what this answer followed, else its best target."""
        return self.follows or (self.best.target if self.best else None)

    @property
    def text(self) -> str:
        return render_text(self.blocks)

    @property
    def html(self) -> str:
        return render_html(self.blocks)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "lang": self.lang,
            "confident": self.confident,
            "kind": self.kind,
            "centre": self.best.centre if self.best else None,
            "programme": self.best.programme if self.best else None,
            "passage": self.best.passage if self.best else None,
            "score": round(self.score, 4),
            "reply": self.text,
            "alternatives": [option.to_dict() for option in self.alternatives],
        }
