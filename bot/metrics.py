"""Prometheus metrics for operators, in one place, with small functions the callers use.

The metric objects live in their own registry so that `/metrics` shows the bot's figures (plus
the process collector) and tests can read them without a global state from other libraries.
No label ever holds what a learner typed: only outcomes, language codes and fixed names.

Who calls what:
- whoever calls `Engine.answer` for a learner: `answer_timer()` around it, then `observe_answer`
  (or `timed_answer`, which does both);
- the gaps store: `gap_recorded` (already wired in bot/gaps.py);
- the Telegram layer: `telegram_error` when a Bot API call fails, `telegram_retry` when it is
  retried (flood control, network);
- the console and `serve`: `set_index` when an index is loaded (the console refreshes it on each
  scrape, so a live reload shows up).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, Info, ProcessCollector, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from bot.answer import Answer
    from bot.engine import Engine
    from bot.gaps import GapStore
    from index.schema import Lang

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

ANSWERS = Counter(
    "telecentre_answers",
    "Questions answered for learners, by outcome (answer, unsure, off_topic, empty, small_talk, shown) and detected language.",
    ["outcome", "lang"],
    registry=REGISTRY,
)
ANSWER_SECONDS = Histogram(
    "telecentre_answer_seconds",
    "Time to compute one answer (search, confidence and reply), in seconds.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
INDEX = Info("telecentre_index", "The index version being served, its model and build time.", registry=REGISTRY)
GAPS = Counter(
    "telecentre_gaps_recorded", "Questions recorded for `telecentre gaps`, by kind (unsure, thumbs_down).", ["kind"], registry=REGISTRY
)
TELEGRAM_ERRORS = Counter(
    "telecentre_telegram_api_errors",
    "Bot API calls that failed, by error class (e.g. NetworkError, RetryAfter, BadRequest).",
    ["error"],
    registry=REGISTRY,
)
TELEGRAM_RETRIES = Counter("telecentre_telegram_api_retries", "Bot API calls retried (flood control or network).", registry=REGISTRY)

CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe_answer(answer: Answer, seconds: float | None = None) -> None:
    """Count one learner's answer by outcome and language, and its latency when measured."""
    ANSWERS.labels(outcome=answer.kind, lang=answer.lang).inc()
    if seconds is not None:
        ANSWER_SECONDS.observe(seconds)


@contextmanager
def answer_timer() -> Iterator[list[float]]:
    """Measure a block; the one-element list holds the seconds once the block ends."""
    elapsed: list[float] = [0.0]
    start = time.perf_counter()
    try:
        yield elapsed
    finally:
        elapsed[0] = time.perf_counter() - start


def timed_answer(
    engine: Engine,
    question: str,
    lang_hint: str | None = None,
    *,
    lang: Lang | None = None,
    store: GapStore | None = None,
    after: str | None = None,
) -> Answer:
    """`engine.answer(...)`, counted and timed: what the Telegram layer should call for learners.

    With `store`, the day's count of answers by outcome and language is kept too (for the staff
    console's overview). Blocking: call it in a thread, as the engine itself is."""
    with answer_timer() as elapsed:
        answer = engine.answer(question, lang_hint, lang=lang, after=after)
    observe_answer(answer, elapsed[0])
    if store is not None:
        store.count_answer(answer.kind, answer.lang)
    return answer


def gap_recorded(kind: str) -> None:
    """One question kept for `telecentre gaps` (never its text)."""
    GAPS.labels(kind=kind).inc()


def telegram_error(error: BaseException | str) -> None:
    """A Bot API call failed; labelled by the error's class name only (never its message)."""
    name = error if isinstance(error, str) else type(error).__name__
    TELEGRAM_ERRORS.labels(error=name[:40]).inc()


def telegram_retry() -> None:
    """A Bot API call is being tried again."""
    TELEGRAM_RETRIES.inc()


def set_index(manifest: dict) -> None:
    """Publish which index is served: version, model, build time and passage count."""
    INDEX.info(
        {
            "version": str(manifest.get("version", "")),
            "model": str(manifest.get("model", {}).get("name", "")),
            "built_at": str(manifest.get("built_at", "")),
            "passages": str(manifest.get("counts", {}).get("passages", "")),
        }
    )


def exposition() -> bytes:
    """Everything in the Prometheus text format, for `/metrics`."""
    return generate_latest(REGISTRY)
