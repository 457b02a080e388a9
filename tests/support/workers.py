"""Work run in separate processes by the concurrency tests (importable, so `spawn` can pickle it)."""

from __future__ import annotations

from pathlib import Path


def count_and_claim(data_dir: str, database_url: str | None, increments: int, update_ids: list[int]) -> list[int]:
    """Open the stores afresh (migrating if first), count `increments` times, claim (and finish)
    each update id; return the ids this process won."""
    from bot.settings import load_settings
    from bot.stores import open_stores

    settings = load_settings(data_dir=Path(data_dir), database_url=database_url)
    stores = open_stores(settings)
    try:
        won = []
        for n in range(max(increments, len(update_ids))):
            if n < increments:
                assert stores.stats.increment("questions"), "increment skipped"
            if n < len(update_ids) and stores.updates.claim_update(update_ids[n]):
                won.append(update_ids[n])
                stores.updates.finish_update(update_ids[n])  # as the bot does once the update is answered
        return won
    finally:
        stores.close()
