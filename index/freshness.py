"""How fresh each organisation's knowledge is: the newest `verified` date among its files and the
oldest dated fact they cite, so staff see at a glance what to re-check first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from index.knowledge import Knowledge
from index.schema import Centre, Faq, Programme


@dataclass(frozen=True)
class Freshness:
    """One organisation: its files, when they were last verified, and how old their sources are."""

    centre: str
    files: int
    newest_verified: dt.date
    oldest_verified: dt.date
    oldest_fact: str | None
    """The oldest source date (2017, 2017-02 or 2017-02-13), None when every source is undated."""
    undated_sources: int


def freshness(knowledge: Knowledge) -> list[Freshness]:
    """Per organisation (its centre file, programmes and FAQs), oldest verification first."""
    files: dict[str, list[Centre | Programme | Faq]] = {}
    for document in knowledge.documents:
        record = document.record
        owner = record.id if isinstance(record, Centre) else getattr(record, "centre", None)
        if owner is None and isinstance(record, Faq) and record.programme in knowledge.programmes:
            owner = knowledge.programmes[record.programme].centre
        if owner is not None and isinstance(record, (Centre, Programme, Faq)):
            files.setdefault(owner, []).append(record)
    rows = []
    for centre, records in files.items():
        dates = [source.date for record in records for source in record.sources]
        dated = sorted(date for date in dates if date != "undated")
        verified = [record.verified for record in records]
        rows.append(Freshness(centre, len(records), max(verified), min(verified), dated[0] if dated else None, len(dates) - len(dated)))
    return sorted(rows, key=lambda row: (row.oldest_verified, row.oldest_fact or "9999", row.centre))


def format_freshness(rows: list[Freshness]) -> str:
    """A short table for `telecentre validate`."""
    if not rows:
        return ""
    width = max(len(row.centre) for row in rows)
    lines = [f"Freshness per organisation ({len(rows)}): files, newest and oldest `verified`, oldest dated fact, undated sources"]
    for row in rows:
        oldest = row.oldest_fact or "-"
        lines.append(
            f"  {row.centre:<{width}}  {row.files:>2} files  verified {row.newest_verified} (oldest {row.oldest_verified})  "
            f"oldest fact {oldest:<10}  {row.undated_sources} undated"
        )
    return "\n".join(lines)
