"""The Bot API rate limiter: PTB's AIORateLimiter (flood limits, retries after a 429), counting
every failed call and every retry for the operators' /metrics.

Telegram allows a bot about 30 messages a second in all, whichever process sends them. Replicas
share that budget by dividing it: with TELECENTRE_REPLICAS=N each process sends at most its share,
so N processes together stay under the limit without talking to each other (no database round
trip per message, and a dead replica costs nothing but its unused share). See `overall_limit`."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

from bot import metrics

TELEGRAM_MESSAGES_PER_SECOND = 30
"""Telegram's documented bulk limit for one bot, across all chats and all processes."""
SAFETY = 0.75
"""The share of that limit we plan for: clocks, retries and Telegram's own accounting differ, and with
0.9 the soak run still met 429s when sends from two replicas reached Telegram in bunches."""

MAX_RETRIES = 5
"""How often a call refused with 429 Too Many Requests is tried again before it fails."""


def overall_limit(replicas: int) -> tuple[float, float]:
    """(max_rate, time_period) for one process's leaky bucket so that `replicas` processes together
    send at most SAFETY x 30 messages in any one-second window.

    A leaky bucket lets through its capacity at once plus its rate over time, so in one second a
    process sends up to capacity + rate. Capacity is kept at one message (no bursts) and the rate is
    the rest of the process's share: 2 replicas send at most 1 + 10.25 each, 22.5 in all."""
    share = TELEGRAM_MESSAGES_PER_SECOND * SAFETY / replicas
    rate = max(share - 1.0, 0.5)
    return 1.0, 1.0 / rate


class CountingRateLimiter(AIORateLimiter):
    """AIORateLimiter whose requests are counted: a 429 is a retry, any other Bot API error an error."""

    def __init__(self, replicas: int = 1) -> None:
        max_rate, period = overall_limit(replicas)
        super().__init__(overall_max_rate=max_rate, overall_time_period=period, max_retries=MAX_RETRIES)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        async def counted(*call_args: Any, **call_kwargs: Any) -> bool | dict[str, Any] | list[dict[str, Any]]:
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter:
                metrics.telegram_retry()
                raise
            except TelegramError as error:
                metrics.telegram_error(error)
                raise

        return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)
