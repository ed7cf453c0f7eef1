"""Dashboard figures of the days that are over, kept for a few minutes per operator and filter.

The dashboard refreshes every few seconds, and 59 of its 60 days of revenue (and 29 of its 30 days
of exited stays) are over: reading them again on every refresh is most of the dashboard's cost
(200,000 payments are ~0.5 s on SQLite, which must visit every row, having no covering index).
Today is always read live; the closed days lag by at most `ttl_seconds` (a refund of an older
payment, a late payment of an exited stay). Keys include the operator's date, so the cache turns
over at local midnight by itself. One per process (`services.extras`); nothing is shared.
"""

import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from backend.kit.services import AppServices

T = TypeVar("T")

EXTRAS_KEY = "operations.closed_days"
TTL_SECONDS = 300.0
MAX_ENTRIES = 2048


class ClosedDays:
    def __init__(
        self,
        ttl_seconds: float = TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The value kept for `key`, or `load()`'s (then kept) when there is none or it expired."""
        now = self._clock()
        found = self._entries.get(key)
        if found is not None and found[0] > now:
            return found[1]
        value = await load()
        if len(self._entries) >= self.max_entries:
            self._evict(now)
        self._entries[key] = (now + self.ttl_seconds, value)
        return value

    def _evict(self, now: float) -> None:
        expired = [key for key, (until, _) in self._entries.items() if until <= now]
        for key in expired:
            del self._entries[key]
        # Still full: drop the oldest half (dicts keep insertion order).
        if len(self._entries) >= self.max_entries:
            for key in list(self._entries)[: self.max_entries // 2]:
                del self._entries[key]


class NoCache(ClosedDays):
    """Every figure read now (the benchmark's cold runs)."""

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        return await load()


def closed_days(services: AppServices) -> ClosedDays:
    found = services.extras.get(EXTRAS_KEY)
    if found is None:
        found = services.extras[EXTRAS_KEY] = ClosedDays()
    return found
