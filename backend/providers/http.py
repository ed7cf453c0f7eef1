"""The providers' shared HTTP machinery: one connection pool, timeouts on every call, one retry policy.

Retries are technical-only and bounded (tenacity): connection failures, 5xx, and 429 after the
`Retry-After` the provider asked for. A `Retry-After` longer than `retry_after_max_seconds` is not
waited out: the call fails at once as unavailable rather than hold a driver's request, and never
retries sooner than the provider asked. Rejections (404, 409, 422) are never retried; the adapters
raise them as `ProviderRejectedError`s, which no predicate here matches.

Whether a call may be retried at all depends on what a repeat could do: reads and stops repeat
harmlessly, while a start or extend that may have reached the provider is reconciled first (see
`common/adapter.py`). `not_sent` tells the two kinds of failure apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base, wait_exponential_jitter

from backend.config import Settings

log = logging.getLogger("parkflow.providers")

USER_AGENT = "parkflow/0.1 (+provider adapters)"


@dataclass(frozen=True)
class HttpPolicy:
    """Timeouts and retry bounds for provider calls (from settings; tests shorten them)."""

    timeout_seconds: float = 5.0
    connect_timeout_seconds: float = 3.0
    max_attempts: int = 3
    backoff_initial_seconds: float = 0.2
    backoff_max_seconds: float = 2.0
    retry_after_max_seconds: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpPolicy:
        return cls(
            timeout_seconds=settings.provider_timeout_seconds,
            connect_timeout_seconds=min(
                settings.provider_connect_timeout_seconds, settings.provider_timeout_seconds
            ),
            max_attempts=settings.provider_max_attempts,
            backoff_initial_seconds=settings.provider_backoff_seconds,
            backoff_max_seconds=max(settings.provider_backoff_seconds, 2.0),
            retry_after_max_seconds=settings.provider_retry_after_max_seconds,
        )

    @property
    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout_seconds, connect=self.connect_timeout_seconds)


class SharedHttp:
    """One connection pool for every provider connection and the parking data API.

    Built in the app's lifespan and closed on shutdown. OAuth2 clients (which are httpx clients of
    their own) borrow the pool through `borrowed_transport()`, so closing one of them never closes it.
    """

    def __init__(self, policy: HttpPolicy, *, max_connections: int = 100) -> None:
        self.policy = policy
        self.transport = httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=20)
        )
        self.client = httpx.AsyncClient(
            transport=self.transport, timeout=policy.timeout, headers={"User-Agent": USER_AGENT}
        )

    def borrowed_transport(self) -> httpx.AsyncBaseTransport:
        return _BorrowedTransport(self.transport)

    async def aclose(self) -> None:
        await self.client.aclose()


class _BorrowedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """The pool belongs to `SharedHttp`, which closes it."""


class RetryableError(Exception):
    """Nothing was done at the provider (or it said "later"): the same call may be sent again."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TransientStatusError(RetryableError):
    """A 429 or 5xx answer. For a start/extend, a 5xx is only raised once reconciliation found nothing."""

    def __init__(self, status: int, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retry_after=retry_after)
        self.status = status


class NotSentError(RetryableError):
    """The request never reached the session API (e.g. the OAuth2 token could not be fetched)."""


def not_sent(exc: BaseException) -> bool:
    """True when the failure proves the request was not delivered, so repeating it is always safe."""
    return isinstance(exc, NotSentError | httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """`Retry-After` as seconds (delta-seconds or an HTTP date), or None when absent or unreadable."""
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max((moment - datetime.now(UTC)).total_seconds(), 0.0)


def transient_status(response: httpx.Response, vendor: str) -> TransientStatusError:
    status = response.status_code
    if status == 429:
        message = f"{vendor} is rate limiting requests (HTTP 429)."
    else:
        message = f"{vendor} failed while handling the request (HTTP {status})."
    return TransientStatusError(status, message, retry_after=retry_after_seconds(response))


class _RetryAfterOrBackoff(wait_base):
    """Wait what the provider asked (`Retry-After`), else exponential backoff with jitter."""

    def __init__(self, policy: HttpPolicy) -> None:
        self._policy = policy
        self._backoff = wait_exponential_jitter(
            multiplier=policy.backoff_initial_seconds,
            max=policy.backoff_max_seconds,
            jitter=policy.backoff_initial_seconds,
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, RetryableError) and exc.retry_after is not None:
            return min(exc.retry_after, self._policy.retry_after_max_seconds)
        return self._backoff(retry_state)


def _log_retry(retry_state: RetryCallState) -> None:
    outcome = retry_state.outcome
    exc = outcome.exception() if outcome is not None else None
    wait = retry_state.next_action.sleep if retry_state.next_action else 0.0
    log.warning("provider call failed (%s: %s); retrying in %.2f s", type(exc).__name__, exc, wait)


def retrying(policy: HttpPolicy, *, idempotent: bool) -> AsyncRetrying:
    """The bounded retry loop for one provider operation.

    `idempotent` calls (get, rights, stop) also repeat after timeouts and dropped connections;
    the others only after failures that prove nothing was done (`RetryableError`, `not_sent`).
    """

    def should_retry(exc: BaseException) -> bool:
        if isinstance(exc, RetryableError):
            return exc.retry_after is None or exc.retry_after <= policy.retry_after_max_seconds
        if not_sent(exc):
            return True
        return idempotent and isinstance(exc, httpx.TransportError)

    return AsyncRetrying(
        stop=stop_after_attempt(max(policy.max_attempts, 1)),
        wait=_RetryAfterOrBackoff(policy),
        retry=retry_if_exception(should_retry),
        before_sleep=_log_retry,
        reraise=True,
    )
