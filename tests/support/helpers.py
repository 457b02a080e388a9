"""Test helpers: a deterministic fake embedder and templates for small knowledge folders."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.engine import Engine
from index.embedder import Embedder
from index.schema import Programme
from index.search import tokenize
from index.store import build_index, open_index

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_KNOWLEDGE = ROOT / "knowledge"
LABELLED = ROOT / "tests" / "data" / "labelled_questions.yaml"
HELD_OUT = sorted((ROOT / "tests" / "data").glob("held_out_*.yaml"))
"""Test sets written blind after the labelled set's own test split (scored apart, never tuned on)."""


FAKE_MODEL_NAME = "fake-hashing"


class FakeEmbedder:
    """Hashes words into a small vector: same words, same vector; fast and deterministic.

    Queries and passages are embedded alike; `calls` and `query_calls` count the texts of each
    call, so tests can see which side was embedded."""

    def __init__(self, name: str = FAKE_MODEL_NAME, dimension: int = 64, max_words: int = 50) -> None:
        self.name = name
        self.dimension = dimension
        self.max_words = max_words
        self.calls: list[int] = []
        self.query_calls: list[int] = []

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.query_calls.append(len(texts))
        return self._hash(texts)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        return self._hash(texts)

    def _hash(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in tokenize(text)[: self.max_words] or ["_empty_"]:
                digest = hashlib.md5(f"{self.name}:{word}".encode()).digest()
                out[row, digest[0] % self.dimension] += 1.0
            out[row] /= np.linalg.norm(out[row])
        return out

    def truncate(self, text: str) -> tuple[str, bool]:
        words = text.split()
        if len(words) <= self.max_words:
            return text, False
        return " ".join(words[: self.max_words]), True


OFF_TOPIC = """\
- {lang: en, q: "will it rain in Brussels tomorrow?"}
- {lang: fr, q: "raconte-moi une blague"}
- {lang: nl, q: "hoe laat vertrekt de laatste trein vanavond?"}
"""
"""A small off-topic.yaml for test knowledge folders."""

CENTRE = """\
---
id: {id}
name:
  en: {name} centre
  fr: Centre {name}
  nl: Centrum {name}
summary:
  en: {name} teaches {topic} in {town}.
  fr: {name} enseigne {topic} à {town}.
  nl: {name} geeft {topic} in {town}.
website: https://{id}.example.org
address:
  street: Rue de l'Exemple 1
  postcode: "1000"
  municipality: {town}
location:
  lat: 50.85
  lon: 4.35
  precision: municipality
  source: https://en.wikipedia.org/wiki/City_of_Brussels
hours:
  - days: [mon, tue, wed, thu, fri]
    opens: "09:00"
    closes: "17:00"
sources:
  - url: https://{id}.example.org/about
    date: 2024-05-01
    about: everything
verified: 2026-11-01
---
# en
{name} is a place to learn {topic}.

## Courses
We run {topic} courses for adults.

# fr
{name} est un lieu pour apprendre {topic}.

## Cours
Nous donnons des cours de {topic} pour adultes.

# nl
{name} is een plek om {topic} te leren.

## Cursussen
Wij geven cursussen {topic} voor volwassenen.
"""

PROGRAMME = """\
---
id: {id}
centre: {centre}
title:
  en: {topic} course
  fr: Cours de {topic}
  nl: Cursus {topic}
summary:
  en: A course in {topic}.
  fr: Un cours de {topic}.
  nl: Een cursus {topic}.
for_whom:
  en: Adults looking for work.
  fr: Adultes qui cherchent un emploi.
  nl: Volwassenen die werk zoeken.
how_to_apply:
  en: Write to the centre.
  fr: Écrivez au centre.
  nl: Schrijf naar het centrum.
sources:
  - url: https://{centre}.example.org/{id}
    date: undated
verified: 2026-11-01
---
# en
The {topic} course lasts ten weeks.

# fr
Le cours de {topic} dure dix semaines.

# nl
De cursus {topic} duurt tien weken.
"""


def write_knowledge(root: Path) -> Path:
    """A small valid knowledge folder: two centres, one programme each."""
    (root / "centres").mkdir(parents=True)
    (root / "programmes").mkdir()
    (root / "faq").mkdir()
    (root / "centres" / "alpha.md").write_text(CENTRE.format(id="alpha", name="Alpha", topic="coding", town="Anderlecht"), encoding="utf-8")
    (root / "centres" / "beta.md").write_text(CENTRE.format(id="beta", name="Beta", topic="printing", town="Schaerbeek"), encoding="utf-8")
    (root / "programmes" / "alpha-coding.md").write_text(
        PROGRAMME.format(id="alpha-coding", centre="alpha", topic="coding"), encoding="utf-8"
    )
    (root / "programmes" / "beta-printing.md").write_text(
        PROGRAMME.format(id="beta-printing", centre="beta", topic="printing"), encoding="utf-8"
    )
    shutil.copyfile(SHIPPED_KNOWLEDGE / "places.yaml", root / "places.yaml")
    (root / "off-topic.yaml").write_text(OFF_TOPIC, encoding="utf-8")
    return root


def _lexical_only():  # type: ignore[no-untyped-def]
    from bot.confidence import FEATURES, ConfidenceModel

    weights = {name: 4.0 if name == "lexical" else 0.0 for name in FEATURES}
    return ConfidenceModel(weights, bias=-2.0, threshold=0.5, model=FAKE_MODEL_NAME)


LEXICAL_ONLY = _lexical_only()
"""A confidence model that trusts BM25 alone, so the fake embedder's arbitrary cosines do not matter."""


def add_eligibility_programmes(root: Path) -> Path:
    """Two more programmes at centre alpha, with published conditions, for eligibility tests."""
    for id, rules in (
        ("alpha-women", "eligibility:\n  gender: women\n  age_min: 45\n  jobseeker: required\n"),
        (
            "alpha-youth",
            "eligibility:\n  age_min: 18\n  age_max: 25\n  jobseeker: required\n  jobseeker_agency: [actiris]\n  residence: brussels-region\n",
        ),
    ):
        text = PROGRAMME.format(id=id, centre="alpha", topic=f"{id} welding").replace(
            "verified: 2026-11-01", f"{rules}verified: 2026-11-01"
        )
        (root / "programmes" / f"{id}.md").write_text(text, encoding="utf-8")
    return root


def build_engine(knowledge: Path, index_dir: Path, embedder: Embedder | None = None, **options: Any) -> Engine:
    """Build `knowledge` into `index_dir` (with a fake embedder unless one is given) and an engine on it.

    The engine trusts BM25 alone unless `confidence` is given, so fake cosines do not matter."""
    embedder = embedder or FakeEmbedder()
    build_index(knowledge, index_dir, embedder)
    options.setdefault("confidence", LEXICAL_ONLY)
    return Engine(open_index(index_dir, embedder), embedder, **options)


def store_questions(engine: Engine, answered: dict[str, str], refused: Sequence[str]) -> None:
    """Keep train questions with the engine's confidence model, as `telecentre calibrate` does:
    `answered` maps each question we answer to who answers it; `refused`, ones we do not."""
    from dataclasses import replace

    from bot.question_examples import QuestionExamples

    embed = engine.embedder.embed_queries
    examples = QuestionExamples.of(embed(list(answered)), embed(list(refused)), [(who,) for who in answered.values()])
    engine.confidence = replace(engine.confidence, questions=examples)


def programme_record(**fields: object) -> Programme:
    """A valid programme record with `fields` replaced (for tests of the code that reads records)."""
    base: dict[str, object] = {
        "id": "x-p",
        "centre": "x",
        "title": "P",
        "summary": "s",
        "for_whom": "f",
        "verified": "2026-11-01",
        "sources": [{"url": "https://x.example.org", "date": "undated"}],
    }
    base.update(fields)
    return Programme.model_validate(base)
