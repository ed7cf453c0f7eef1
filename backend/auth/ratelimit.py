"""Login throttling (the `limits` library, moving window), per account and per client address."""

import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from backend.kit.errors import RateLimitedError


class LoginRateLimiter:
    """N attempts a minute per e-mail and 4N per address; the (N+1)th is a 429 with Retry-After.

    In-process memory: right for one worker; several workers each keep their own window
    (`limits` also speaks Redis, the swap for a scaled-out deployment).
    """

    def __init__(self, attempts_per_minute: int) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_account = RateLimitItemPerMinute(attempts_per_minute)
        self._per_address = RateLimitItemPerMinute(attempts_per_minute * 4)

    async def hit(self, scope: str, account: str, address: str) -> None:
        for item, key in ((self._per_account, account.strip().lower()), (self._per_address, address)):
            if not await self._limiter.hit(item, scope, key):
                stats = await self._limiter.get_window_stats(item, scope, key)
                retry = int(stats.reset_time - time.time()) + 1
                raise RateLimitedError(
                    f"Too many login attempts; wait {retry} seconds and try again.", retry_after_seconds=retry
                )
