"""What each console page shows, gathered from the engine, the gaps store and the knowledge folder.

These functions are plain and blocking (SQLite, file reads, embeddings): the app runs them in a
thread. They return dicts for the templates, which escape everything (Jinja2 autoescape); only
the learner's reply is passed as markup, after `telegram_html` has reduced it to Telegram's tags.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nh3
from markupsafe import Markup

from bot.answer import UNANSWERED, Answer
from bot.engine import Engine
from bot.gap_report import GapGroup, group_gaps
from bot.gaps import GapStore
from index.knowledge import Document, Problem, load_knowledge, stale_entries
from index.passages import target_of
from index.schema import LANGUAGES, Centre, Faq, Lang, Programme

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre", "blockquote"}
"""The formatting tags Telegram's HTML parse mode accepts (core.telegram.org/bots/api#html-style)."""
TELEGRAM_ATTRIBUTES = {"a": {"href"}, "span": {"class"}, "code": {"class"}, "blockquote": {"expandable"}}
URL_SCHEMES = {"http", "https", "tg", "mailto"}
COUNT_DAYS = 14
CANDIDATES = 5


def telegram_html(text: str) -> Markup:
    """A Telegram HTML reply made safe to show in a page: Telegram's tags kept, links limited to
    safe schemes and opened without a referrer, anything else escaped or dropped."""
    cleaned = nh3.clean(
        text,
        tags=TELEGRAM_TAGS,
        attributes=TELEGRAM_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)


def index_summary(engine: Engine | None) -> dict | None:
    """Version, model, build time and counts from the served index's manifest."""
    if engine is None:
        return None
    manifest = engine.index.manifest
    counts = manifest.get("counts", {})
    return {
        "version": manifest.get("version", engine.index.version),
        "model": Path(str(manifest.get("model", {}).get("name", "?"))).name,
        "built_at": manifest.get("built_at", "?"),
        "counts": {key: counts.get(key, 0) for key in ("passages", "centres", "programmes", "faqs")},
        "languages": counts.get("languages", {}),
    }


def problems(knowledge_dir: Path, freshness_days: int, today: dt.date) -> list[Problem]:
    """Validation problems and freshness warnings, errors first, as `telecentre validate` lists them."""
    knowledge = load_knowledge(knowledge_dir)
    found = knowledge.problems + stale_entries(knowledge, freshness_days, today)
    return sorted(found, key=lambda p: (p.severity != "error", p.path, p.line))


def answer_table(gaps: GapStore, days: int = COUNT_DAYS) -> list[dict]:
    """Per day (newest first): answered and not-sure counts per language, and the totals."""
    rows: dict[str, dict] = {}
    for day, lang, outcome, count in gaps.answer_counts(days):
        row = rows.setdefault(day, {"day": day, "langs": {code: {"answered": 0, "refused": 0} for code in LANGUAGES}})
        cell = row["langs"].setdefault(lang, {"answered": 0, "refused": 0})
        if outcome in ("answer", "shown"):
            cell["answered"] += count
        elif outcome in UNANSWERED:
            cell["refused"] += count
    for row in rows.values():
        row["answered"] = sum(cell["answered"] for cell in row["langs"].values())
        row["refused"] = sum(cell["refused"] for cell in row["langs"].values())
    return sorted(rows.values(), key=lambda row: row["day"], reverse=True)


@dataclass
class GapView:
    """The gaps page: groups biggest first, and 👍/👎 per passage with a readable title."""

    groups: list[GapGroup]
    feedback: list[tuple[str, str, int, int]]
    total: int


def gap_view(engine: Engine, gaps: GapStore, since_days: int | None, lang: Lang) -> GapView:
    recorded = gaps.gaps(since_days)
    groups = group_gaps(recorded, engine.embedder) if recorded else []
    feedback = [(passage, title_of(engine, passage, lang), up, down) for passage, up, down in gaps.feedback_counts(since_days)]
    return GapView(groups, feedback, len(recorded))


def title_of(engine: Engine, passage: str | None, lang: Lang) -> str:
    """A passage id's file as staff know it ("Coding bootcamp — BeCode"), or '' when unknown."""
    if not passage or passage == "-":
        return ""
    target = target_of(passage)
    return engine.title_of(target, lang) if engine.knows(target) else ""


def understood(answer: Answer) -> list[tuple[str, str]]:
    """What the engine read in the question beyond its words: the language it is written in, the
    places named, who is asking, and how the first option fits them (only what is there)."""
    shown: list[tuple[str, str]] = []
    if answer.asked_lang and answer.asked_lang != answer.lang:
        shown.append(("asked_in", answer.asked_lang))
    if answer.places:
        shown.append(("place", ", ".join(place.name for place in answer.places)))
    audience = [f"{name}={value}" for name, value in vars(answer.audience).items() if value not in (None, False)]
    if audience:
        shown.append(("audience", ", ".join(audience)))
    fit = answer.fits.get(answer.best.target) if answer.best else None
    if fit is not None and (fit.near or fit.matched or fit.unmet):
        parts = [f"near {fit.near} ({fit.distance_km:.1f} km)"] if fit.near and fit.distance_km is not None else []
        parts += [f"meets: {', '.join(fit.matched)}"] if fit.matched else []
        parts += [f"unmet: {'; '.join(fit.unmet)}"] if fit.unmet else []
        shown.append(("fit", " · ".join(parts)))
    return shown


def why(engine: Engine, answer: Answer, lang: Lang) -> dict[str, Any]:
    """Why the engine answered as it did: language, confidence against its threshold, signals,
    the best candidates, and any optional understanding the Answer carries."""
    candidates = [
        {"title": title_of(engine, option.passage, lang), "passage": option.passage, "cosine": option.score}
        for option in answer.ranked[:CANDIDATES]
    ]
    fused = {hit.passage.target: hit for hit in reversed(answer.hits)}  # best hit per file
    for candidate in candidates:
        hit = fused.get(target_of(str(candidate["passage"])))
        candidate["score"] = hit.score if hit else None
        candidate["lexical"] = hit.lexical if hit else None
    optional = understood(answer)
    return {
        "lang": answer.lang,
        "kind": answer.kind,
        "confident": answer.confident,
        "score": answer.score,
        "threshold": engine.threshold,
        "features": dict(answer.features),
        "candidates": candidates,
        "optional": optional,
    }


@dataclass
class Entry:
    """One knowledge file on the knowledge page."""

    kind: str
    id: str
    name: str
    centre: str | None
    path: str
    line: int
    verified: dt.date
    stale: bool
    sources: list[dict]


def knowledge_entries(knowledge_dir: Path, freshness_days: int, today: dt.date, lang: str) -> tuple[list[Entry], list[Problem]]:
    """Each organisation, programme and FAQ with sources and verified date, stale ones flagged,
    pointing at the file and line to edit; and the problems found while loading."""
    knowledge = load_knowledge(knowledge_dir)
    stale = stale_entries(knowledge, freshness_days, today)
    stale_paths = {problem.path for problem in stale}
    entries = [_entry(document, document.path in stale_paths, knowledge_dir, lang) for document in knowledge.documents]
    order = {"centre": 0, "programme": 1, "faq": 2}
    entries.sort(key=lambda e: (order[e.kind], e.centre or e.id, e.id))
    found = sorted(knowledge.problems + stale, key=lambda p: (p.severity != "error", p.path, p.line))
    return entries, found


def _entry(document: Document, stale: bool, knowledge_dir: Path, lang: str) -> Entry:
    record = document.record
    if isinstance(record, Centre):
        kind, name, centre = "centre", record.name.get(lang), None
    elif isinstance(record, Programme):
        kind, name, centre = "programme", record.title.get(lang), record.centre
    else:
        kind, name, centre = "faq", record.id, record.centre if isinstance(record, Faq) else None
    sources = [{"url": s.url, "date": s.date, "about": s.about or ""} for s in record.sources]
    return Entry(kind, record.id, name, centre, document.path, document.line_of("verified"), record.verified, stale, sources)
