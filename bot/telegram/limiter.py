"""The Bot API rate limiter: PTB's AIORateLimiter (flood limits, retries after a 429), counting
every failed call and every retry for the operators' /metrics."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

from bot import metrics

MAX_RETRIES = 5
"""How often a call refused with 429 Too Many Requests is tried again before it fails."""


class CountingRateLimiter(AIORateLimiter):
    """AIORateLimiter whose requests are counted: a 429 is a retry, any other Bot API error an error."""

    def __init__(self) -> None:
        super().__init__(max_retries=MAX_RETRIES)

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
