"""The per-organisation freshness summary that `telecentre validate` prints."""

from __future__ import annotations

from pathlib import Path

from index.freshness import format_freshness, freshness
from index.knowledge import load_knowledge


def test_each_organisation_once_with_its_newest_verification_and_oldest_fact(knowledge_dir: Path) -> None:
    programme = knowledge_dir / "programmes" / "alpha-coding.md"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(
        text.replace("verified: 2026-11-01", "verified: 2026-11-20").replace("date: undated", "date: 2014-05", 1), encoding="utf-8"
    )
    rows = {row.centre: row for row in freshness(load_knowledge(knowledge_dir))}
    alpha = rows["alpha"]
    assert alpha.files >= 2 and str(alpha.newest_verified) == "2026-11-20" and str(alpha.oldest_verified) == "2026-11-01"
    assert alpha.oldest_fact == "2014-05"
    assert sorted(rows) == sorted(load_knowledge(knowledge_dir).centres)
    table = format_freshness(list(rows.values()))
    assert table.splitlines()[0].startswith(f"Freshness per organisation ({len(rows)})") and "oldest fact 2014-05" in table
