"""`SessionApiProvider`: start, get, stop, extend and rights over a CONTRACT §6 style session API.

Each vendor adapter is a subclass with its own client (auth) and, where its payloads differ, its own
`WireFormat`. The retry rules live here, once:

* get, rights, stop repeat harmlessly (a second stop of a stopped session answers the same): they
  are retried on timeouts, dropped connections, 5xx and 429 (after `Retry-After`), a bounded number
  of times (`HttpPolicy.max_attempts`).
* start and extend might take effect twice. They are repeated without a second thought only when
  the failure proves nothing happened (connection refused, 429, a token that could not be fetched).
  After a 5xx, a timeout or an unreadable 2xx the provider *may* have done it, so we look first:

  - start: `rights(plate)` — a session in that zone, active, that began during this call and runs
    `duration` minutes (± clock skew) is ours, and is returned. Otherwise a 5xx is retried (bounded);
    a timeout is not (the provider may still be working on it): `ProviderTimeoutError`, and the caller
    reconciles through `rights` again later. A 409 "already parked" to a retry after such a doubt is
    also checked against `rights`: it may be our own first attempt.
  - extend: `get(session)` before and after; an `end_time` that already moved by `duration` means it
    happened. An extend costs one extra GET for that.

  When the check itself fails the outcome is unknown: `ProviderTimeoutError`, never a blind retry.

Never retried: 404, 409, 422 (rejections, with the provider's own sentence for the driver) and 401
after one token renewal (a credentials problem, logged for the operator).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Self

import httpx

from backend.providers.base import (
    ProviderError,
    ProviderSession,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from backend.providers.common.client import SessionApiClient
from backend.providers.common.wire import CONTRACT_WIRE, MalformedResponseError, WireFormat
from backend.providers.http import (
    HttpPolicy,
    NotSentError,
    SharedHttp,
    TransientStatusError,
    not_sent,
    retrying,
    transient_status,
)

if TYPE_CHECKING:
    from backend.models import ProviderConnection

log = logging.getLogger("parkflow.providers")

# How far a provider's clock may be off ours when we recognise "the session this call started".
CLOCK_SKEW = timedelta(minutes=2)
DURATION_TOLERANCE = timedelta(minutes=1)


@dataclass(frozen=True)
class AdapterContext:
    """What every adapter is built with (by the registry, in the lifespan)."""

    shared: SharedHttp
    policy: HttpPolicy
    token_leeway_seconds: float
    open_secret: Callable[[str], str]


class SessionApiProvider:
    kind: ClassVar[str]
    vendor: ClassVar[str]
    wire: ClassVar[WireFormat] = CONTRACT_WIRE

    def __init__(self, client: SessionApiClient, policy: HttpPolicy) -> None:
        self.client = client
        self.policy = policy

    @classmethod
    def from_connection(cls, connection: ProviderConnection, context: AdapterContext) -> Self:
        """The adapter for a stored connection (credentials decrypted through `context`)."""
        raise NotImplementedError

    # -- reads and stop: idempotent ---------------------------------------------------------------

    async def get(self, session_id: str) -> ProviderSession:
        return await self._idempotent(
            "get", "GET", self.wire.session_path(session_id), self.wire.parse_session
        )

    async def stop(self, session_id: str) -> ProviderSession:
        path = self.wire.session_path(session_id) + "/stop"
        return await self._idempotent("stop", "POST", path, self.wire.parse_session)

    async def rights(self, plate: str) -> list[ProviderSession]:
        params = self.wire.rights_params(plate)
        return await self._idempotent(
            "rights", "GET", self.wire.rights_path, self.wire.parse_rights, params=params
        )

    async def _idempotent(
        self, operation: str, method: str, path: str, parse: Callable[[Any], Any], **kwargs: Any
    ) -> Any:
        with self._technical(operation):
            async for attempt in retrying(self.policy, idempotent=True):
                with attempt:
                    response = await self.client.send(method, path, **kwargs)
                    return self._read(response, parse, starting=False)
        raise AssertionError("unreachable: the retry loop returns or raises")

    # -- start and extend: may take effect twice ---------------------------------------------------

    async def start(
        self, *, zone_id: str, plate: str, duration_minutes: int, receipt_email: str | None = None
    ) -> ProviderSession:
        body = self.wire.start_body(
            zone_id=zone_id, plate=plate, duration_minutes=duration_minutes, receipt_email=receipt_email
        )
        began = datetime.now(UTC)

        async def ours() -> ProviderSession | None:
            return await self._started_by_this_call(zone_id, plate, duration_minutes, began)

        in_doubt = False
        with self._technical("start"):
            async for attempt in retrying(self.policy, idempotent=False):
                with attempt:
                    try:
                        response = await self.client.send("POST", self.wire.sessions_path, json=body)
                    except httpx.TransportError as exc:
                        if not_sent(exc):
                            raise
                        return await self._settle_doubt(ours, f"{type(exc).__name__} while starting")
                    if response.is_success:
                        try:
                            return self._read(response, self.wire.parse_session, starting=True)
                        except MalformedResponseError as exc:
                            return await self._settle_doubt(ours, f"unreadable start answer ({exc})")
                    if response.status_code >= 500:
                        found = await self._check(ours)
                        if found is not None:
                            return found
                        in_doubt = True
                        raise transient_status(response, self.vendor)  # nothing was started: retry
                    if response.status_code == 409 and in_doubt:
                        found = await self._check(ours)
                        if found is not None:
                            return found
                    return self._read(response, self.wire.parse_session, starting=True)
        raise AssertionError("unreachable: the retry loop returns or raises")

    async def extend(self, session_id: str, duration_minutes: int) -> ProviderSession:
        before = await self.get(session_id)
        target = before.ends_at + timedelta(minutes=duration_minutes)
        path = self.wire.session_path(session_id) + "/extend"
        body = self.wire.extend_body(duration_minutes)

        async def applied() -> ProviderSession | None:
            current = await self.get(session_id)
            return current if current.ends_at >= target - timedelta(seconds=1) else None

        with self._technical("extend"):
            async for attempt in retrying(self.policy, idempotent=False):
                with attempt:
                    try:
                        response = await self.client.send("POST", path, json=body)
                    except httpx.TransportError as exc:
                        if not_sent(exc):
                            raise
                        return await self._settle_doubt(applied, f"{type(exc).__name__} while extending")
                    if response.is_success:
                        try:
                            return self._read(response, self.wire.parse_session, starting=False)
                        except MalformedResponseError as exc:
                            return await self._settle_doubt(applied, f"unreadable extend answer ({exc})")
                    if response.status_code >= 500:
                        found = await self._check(applied)
                        if found is not None:
                            return found
                        raise transient_status(response, self.vendor)
                    return self._read(response, self.wire.parse_session, starting=False)
        raise AssertionError("unreachable: the retry loop returns or raises")

    # -- reconciliation ----------------------------------------------------------------------------

    async def _started_by_this_call(
        self, zone_id: str, plate: str, duration_minutes: int, began: datetime
    ) -> ProviderSession | None:
        until = datetime.now(UTC)
        duration = timedelta(minutes=duration_minutes)
        candidates = [
            s
            for s in await self.rights(plate)
            if s.status == "active"
            and s.zone_number in (None, zone_id)
            and began - CLOCK_SKEW <= s.starts_at <= until + CLOCK_SKEW
            and abs((s.ends_at - s.starts_at) - duration) <= DURATION_TOLERANCE
        ]
        return max(candidates, key=lambda s: (s.starts_at, s.session_id), default=None)

    async def _check(self, probe: Callable[[], Any]) -> ProviderSession | None:
        """Run a reconciliation probe; when it cannot answer, the outcome is unknown."""
        try:
            found = await probe()
        except ProviderError as exc:
            log.warning("%s: could not confirm the outcome of a call in doubt: %s", self.vendor, exc.detail)
            raise ProviderTimeoutError(
                f"{self.vendor} did not confirm the request in time and could not be asked whether it "
                "went through. Check the session's status before trying again."
            ) from exc
        if found is not None:
            log.info("%s: a call in doubt had gone through (session %s)", self.vendor, found.session_id)
        return found

    async def _settle_doubt(self, probe: Callable[[], Any], why: str) -> ProviderSession:
        log.warning("%s: %s; checking whether it went through", self.vendor, why)
        found = await self._check(probe)
        if found is not None:
            return found
        raise ProviderTimeoutError(
            f"{self.vendor} did not answer in time and shows no sign of the request yet. "
            "Check the session's status before trying again."
        )

    # -- answers -----------------------------------------------------------------------------------

    def _read(self, response: httpx.Response, parse: Callable[[Any], Any], *, starting: bool) -> Any:
        status = response.status_code
        if response.is_success:
            try:
                body = response.json()
            except ValueError:
                raise MalformedResponseError("the body is not JSON") from None
            return parse(body)
        if status == 429 or status >= 500:
            raise transient_status(response, self.vendor)
        rejection = self.wire.rejection(response, starting=starting)
        if rejection is not None:
            raise rejection
        log.error("%s answered an unexpected HTTP %s: %s", self.vendor, status, response.text[:300])
        raise ProviderUnavailableError(
            f"{self.vendor} answered unexpectedly (HTTP {status}); try again later."
        )

    @contextmanager
    def _technical(self, operation: str) -> Iterator[None]:
        """Turn what is left after the retries into the Protocol's technical errors."""
        try:
            yield
        except TransientStatusError as exc:
            if exc.status == 429:
                wait = f" in {round(exc.retry_after)} s" if exc.retry_after else " shortly"
                detail = f"{self.vendor} is busy and asked us to slow down; try again{wait}."
            else:
                detail = f"{self.vendor} is temporarily unavailable; try again in a few minutes."
            log.warning("%s %s failed after retries: %s", self.vendor, operation, exc)
            raise ProviderUnavailableError(detail) from exc
        except NotSentError as exc:
            log.warning("%s %s not sent: %s", self.vendor, operation, exc)
            raise ProviderUnavailableError(
                f"{self.vendor} cannot be reached right now; try again later."
            ) from exc
        except httpx.TransportError as exc:
            log.warning("%s %s failed: %s", self.vendor, operation, type(exc).__name__)
            if isinstance(exc, httpx.TimeoutException) and not not_sent(exc):
                raise ProviderTimeoutError(f"{self.vendor} did not answer in time; try again later.") from exc
            raise ProviderUnavailableError(
                f"{self.vendor} cannot be reached right now; try again later."
            ) from exc
        except MalformedResponseError as exc:
            log.error("%s %s: unreadable answer: %s", self.vendor, operation, exc)
            raise ProviderUnavailableError(
                f"{self.vendor} answered in a way Parkflow could not read; try again later."
            ) from exc

    async def aclose(self) -> None:
        await self.client.aclose()
