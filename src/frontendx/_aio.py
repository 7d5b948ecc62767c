"""Concurrency helpers shared by the validator, the self-test and the runner's workers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def gather_all(*aws: Awaitable[T]) -> list[T]:
    """`asyncio.gather`, except that no task outlives the call.

    When one awaitable fails, plain `gather` raises at once and leaves the others running. A
    pool worker keeps its event loop across episodes, so those orphans would wake in the next
    episode and switch app servers under its replays. Here the others are cancelled and
    awaited (their clean-up runs) before the first failure propagates, unchanged.
    """
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
