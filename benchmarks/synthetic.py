"""A large, valid, synthetic knowledge folder for build benchmarks (every passage text unique)."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = [
    "computer",
    "coding",
    "course",
    "training",
    "women",
    "job",
    "seekers",
    "free",
    "beginners",
    "python",
    "web",
    "design",
    "office",
    "printing",
    "scanning",
    "internet",
    "email",
    "smartphone",
    "cybersecurity",
    "data",
    "games",
    "network",
    "literacy",
    "digital",
    "skills",
    "evening",
    "weekend",
    "internship",
    "certificate",
    "orientation",
    "teenagers",
    "adults",
    "newcomers",
    "library",
    "workshop",
    "laptop",
    "support",
    "coaching",
    "employment",
]

_CENTRE = """---
id: synthetic-centre
name: Synthetic centre
summary: A centre that exists only for benchmarks.
sources:
  - url: https://example.org/synthetic
    date: undated
verified: 2026-11-01
---
"""

_PROGRAMME = """---
id: {id}
centre: synthetic-centre
title:
  en: Course {n} in {a} and {b}
  fr: Cours {n} de {a} et {b}
  nl: Cursus {n} in {a} en {b}
summary:
  en: Course number {n} teaches {a}, {b} and {c}.
  fr: Le cours numéro {n} enseigne {a}, {b} et {c}.
  nl: Cursus nummer {n} leert {a}, {b} en {c}.
for_whom: Adults interested in {c}.
sources:
  - url: https://example.org/synthetic/{n}
    date: undated
verified: 2026-11-01
---
# en
Course {n} lasts ten weeks and covers {words_en}.

# fr
Le cours {n} dure dix semaines et couvre {words_fr}.

# nl
Cursus {n} duurt tien weken en behandelt {words_nl}.
"""

PASSAGES_PER_PROGRAMME = 6  # three cards and one section in each of three languages


def write_synthetic_knowledge(root: Path, passages: int, seed: int = 0) -> Path:
    """A folder of one centre and enough programmes for about `passages` passages."""
    rng = random.Random(seed)
    (root / "centres").mkdir(parents=True, exist_ok=True)
    (root / "programmes").mkdir(exist_ok=True)
    (root / "centres" / "synthetic-centre.md").write_text(_CENTRE, encoding="utf-8")
    for n in range(passages // PASSAGES_PER_PROGRAMME):
        a, b, c = rng.sample(_WORDS, 3)
        words = [" ".join(rng.sample(_WORDS, 12)) for _ in range(3)]
        text = _PROGRAMME.format(id=f"synthetic-{n}", n=n, a=a, b=b, c=c, words_en=words[0], words_fr=words[1], words_nl=words[2])
        (root / "programmes" / f"synthetic-{n}.md").write_text(text, encoding="utf-8")
    return root
