"""Soak run: many updates from many chats to two replicas (webhook mode, embedded PostgreSQL, the
stand-in Bot API with Telegram's flood limits), then what was lost, doubled, how slow, how big.

    make soak                                   # 10,000 updates from 500 chats (a quarter of an hour)
    make soak BENCH_ARGS="--updates 1000"       # a shorter run

Each chat talks like a person: its next message goes only after the previous one was answered
(the webhook answers before its 200), so every reply is attributed to one update. Latency is from
the POST to the stand-in receiving the first reply. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fake_bot_api import FLOOD_METHODS, ApiError, FakeBotApi  # noqa: E402
from tests.support.helpers import add_eligibility_programmes, write_knowledge  # noqa: E402
from tests.support.replicas import TOKEN, start_replicas, text_update  # noqa: E402

MESSAGES = (
    "coding course for adults looking for work",
    "where can I learn printing in Schaerbeek?",
    "cours de codage pour adultes",
    "/help",
    "is there a welding course for women?",
)
GLOBAL_LIMIT = 30
"""Telegram's limit for one bot across all chats: about 30 messages a second."""


class TelegramLikeApi(FakeBotApi):
    """The stand-in with, besides its per-chat flood control, Telegram's global limit: more than 30
    sends in any one second are refused with 429."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._global: deque[float] = deque()

    def _check_flood(self, method: str, chat_id: int | str) -> None:
        super()._check_flood(method, chat_id)
        if method not in FLOOD_METHODS:
            return
        now = time.monotonic()
        while self._global and now - self._global[0] >= 1.0:
            self._global.popleft()
        if len(self._global) >= GLOBAL_LIMIT:
            raise ApiError.flood(1)
        self._global.append(now)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--workers", type=int, default=24, help="chats talking at the same time")
    args = parser.parse_args()

    from bot.settings import Settings
    from index.embedder import load_embedder
    from index.store import build_index
    from tests.support.postgres import EmbeddedPostgres

    root = Path(tempfile.mkdtemp(prefix="telecentre-soak-"))
    add_eligibility_programmes(write_knowledge(root / "knowledge"))
    build_index(
        root / "knowledge", root / "var" / "index", load_embedder(Settings.model_fields["embedding_model"].default)
    )  # the replicas' default
    postgres = EmbeddedPostgres()
    postgres.start()
    url = postgres.create_database()
    with TelegramLikeApi(token=TOKEN, flood_limit=5, flood_window=1.0) as api:
        replicas = start_replicas(api, url, root)
        try:
            rss_start = {r.name: r.rss_kib() for r in replicas}
            per_chat = math.ceil(args.updates / args.chats)
            chats = list(range(500_000, 500_000 + args.chats))
            counter = itertools.count()
            lock = threading.Lock()
            intervals: list[tuple[int, float, float]] = []  # chat, posted, next post (or end)
            failures = 0

            def talk(chat_group: list[int]) -> None:
                nonlocal failures
                for turn in range(per_chat):
                    for chat in chat_group:
                        n = next(counter)
                        if n >= args.updates:
                            return
                        update = text_update(api, chat, MESSAGES[(chat + turn) % len(MESSAGES)])
                        replica = replicas[n % 2]
                        posted = time.time()
                        status = replica.post(update)
                        with lock:
                            intervals.append((chat, posted, time.time()))
                            failures += status != 200

            groups = [chats[k :: args.workers] for k in range(args.workers)]
            started = time.time()
            with ThreadPoolExecutor(args.workers) as pool:
                list(pool.map(talk, groups))
            elapsed = time.time() - started
            time.sleep(1)
            rss_end = {r.name: r.rss_kib() for r in replicas}
        finally:
            for replica in replicas:
                replica.stop()
            postgres.close()
        sends = api.sent(methods=FLOOD_METHODS)
    # Attribute each chat's replies to the update whose turn they fall in (a chat waits for its answer).
    by_chat: dict[int, list[float]] = {}
    for call in sends:
        if call.method == "sendMessage" and isinstance(call.chat_id, int):
            by_chat.setdefault(call.chat_id, []).append(call.time)
    lost = duplicates = 0
    latencies = []
    turns: dict[int, list[float]] = {}
    for chat, posted, _ in intervals:
        turns.setdefault(chat, []).append(posted)
    for chat, posts in turns.items():
        posts.sort()
        replies = sorted(by_chat.get(chat, []))
        for i, posted in enumerate(posts):
            end = posts[i + 1] if i + 1 < len(posts) else float("inf")
            inside = [t for t in replies if posted <= t < end]
            lost += not inside
            duplicates += max(0, len(inside) - 1)
            if inside:
                latencies.append(inside[0] - posted)
    times = sorted(call.time for call in sends)
    window: deque[float] = deque()
    busiest = 0
    for t in times:
        window.append(t)
        while t - window[0] >= 1.0:
            window.popleft()
        busiest = max(busiest, len(window))
    print(
        f"updates {len(intervals)} from {len(turns)} chats to 2 replicas in {elapsed:.0f} s ({len(intervals) / elapsed:.1f}/s); non-200 answers {failures}"
    )
    print(f"replies lost {lost} (must be 0), duplicates {duplicates} (must be 0)")
    print(f"latency POST -> first reply: p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms")
    for name in rss_start:
        print(f"replica {name} RSS: {rss_start[name] / 1024:.0f} MiB at start, {rss_end[name] / 1024:.0f} MiB at end")
    print(
        f"sends {len(sends)}; highest sends in any one second across replicas {busiest} (limit {GLOBAL_LIMIT}); 429 served {api.too_many_requests_served}"
    )
    return 0 if lost == 0 and duplicates == 0 and busiest <= GLOBAL_LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
