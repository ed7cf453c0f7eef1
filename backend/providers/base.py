"""What every parking provider adapter offers, whatever the vendor (CONTRACT §6).

Adapters translate between these DTOs and a vendor's wire format; vendor payloads never leave the
vendor's folder. Errors come in two families, and callers treat them differently:

* technical — `ProviderUnavailableError` (5xx, 429 after the allowed retries, connection
  failures) and its subclass `ProviderTimeoutError` (no answer in time: the call *may* have taken
  effect at the provider). Retry or reconcile; the driver is told the provider is unavailable (503)
  and is not charged.
* rejected — `ProviderRejectedError` and `AlreadyParkedError`: the provider said no (422, 409).
  Never retried; the driver is told why.

Adapters retry technical errors themselves a bounded number of times with backoff (honouring
`Retry-After`), except where a retry could repeat a side effect (a start that timed out): there
they raise `ProviderTimeoutError` and the caller reconciles through `rights`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from shared.errors import ErrorCode, ParkflowError

SessionStatus = Literal["active", "stopped", "expired"]


@dataclass(frozen=True)
class ProviderSession:
    session_id: str
    zone_number: str | None
    starts_at: datetime
    ends_at: datetime
    status: SessionStatus


class ProviderError(ParkflowError):
    code = ErrorCode.provider_unavailable


class ProviderUnavailableError(ProviderError):
    """A technical failure; nothing is known to have happened at the provider."""

    code = ErrorCode.provider_unavailable


class ProviderTimeoutError(ProviderUnavailableError):
    """No answer in time: the call may or may not have taken effect at the provider."""


class ProviderRejectedError(ProviderError):
    """The provider refused the request (bad zone, bad duration...); retrying will not help."""

    code = ErrorCode.provider_rejected


class AlreadyParkedError(ProviderRejectedError):
    """The provider already has an active session for this vehicle in this zone."""

    code = ErrorCode.already_parked


class ProviderSessionNotFoundError(ProviderRejectedError):
    """The provider does not know this session id."""

    code = ErrorCode.not_found


@runtime_checkable
class ParkingProvider(Protocol):
    """One provider connection (credentials + base URL) or the native (in-database) provider."""

    kind: str

    async def start(
        self, *, zone_id: str, plate: str, duration_minutes: int, receipt_email: str | None = None
    ) -> ProviderSession: ...

    async def get(self, session_id: str) -> ProviderSession: ...

    async def stop(self, session_id: str) -> ProviderSession: ...

    async def extend(self, session_id: str, duration_minutes: int) -> ProviderSession: ...

    async def rights(self, plate: str) -> list[ProviderSession]:
        """The provider's current and recent sessions for this plate (reconciliation)."""
        ...
