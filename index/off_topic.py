"""Examples of questions the bot must refuse (knowledge/off-topic.yaml), written by staff.

The knowledge says what the bot answers; these say what it does not: the weather, train times,
recipes, a laptop to buy, "ignore your instructions". A question much closer to one of them than
to any passage is out of scope even when it shares words with a centre's description ("the wifi
password at Gare du Midi"), and this works in every language the model reads. The index stores
their vectors; confidence reads the margin (see bot/confidence.py). Staff add a line when the
gaps page shows a question that should have been refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from index.gazetteer import fold
from index.problems import Problem
from index.schema import LanguageCode, Strict
from index.yaml_list import read_list

OFF_TOPIC_FILE = "off-topic.yaml"
"""The examples file, at the top of the knowledge folder."""


class OffTopicRecord(Strict):
    """One example as staff write it: `q`, the question, and `lang`, its language (optional)."""

    q: str = Field(min_length=2, max_length=500)
    lang: LanguageCode | None = None


@dataclass
class OffTopicFile:
    """The examples' texts, in file order and without repeats, the problems and the file's hash."""

    examples: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sha256: str | None = None


def load_off_topic(path: Path) -> OffTopicFile:
    """Read and check off-topic.yaml; never raises for bad content (problems are returned)."""
    read = read_list(path, OffTopicRecord, "example questions", "q")
    loaded = OffTopicFile(problems=read.problems, sha256=read.sha256)
    seen: dict[str, int] = {}
    for position, record in read.entries:
        line = read.parsed.line_of((position, "q")) if read.parsed else 0
        key = fold(record.q)
        if key in seen:
            loaded.problems.append(Problem(str(path), line, "q", f"the same question is on line {seen[key]}: keep one", "warning"))
            continue
        seen[key] = line
        loaded.examples.append(record.q)
    return loaded
