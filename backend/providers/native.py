"""`NativeProvider`: sessions at facilities run on Parkflow itself; the database is the provider.

It offers the same Protocol as the vendor adapters, so the sessions service treats every facility
alike: call the provider, then persist what it returned on the `ParkingSession` row. For native,
that persisted row *is* the session, which is why this provider never writes:

* `start` checks the request (plate, duration, zone, no active session of the plate at the
  facility — `AlreadyParkedError` otherwise) and returns a new session id (`native_<hex>`) with
  `starts_at = now`, `ends_at = now + duration`. The caller stores it in
  `ParkingSession.provider_session_id` when it activates the row.
* `get`, `stop`, `extend` find that row by `provider_session_id` (at this facility) and answer what
  the session is, or becomes (`stop`: ends now, `stopped`; `extend`: a later end) — for the caller to
  persist with its usual conditional update. Nothing is pushed twice and no race with the caller's
  `filter(status="active").update(...)` is possible.
* `rights` lists the plate's sessions at the facility that are active or ended in the last 24 hours
  (as the providers' `rights` do).

A native call cannot time out half-way, so reconciliation never finds anything to fix here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from backend.models import Facility, ParkingSession
from backend.providers.base import (
    AlreadyParkedError,
    ProviderRejectedError,
    ProviderSession,
    ProviderSessionNotFoundError,
    SessionStatus,
)
from shared.errors import ErrorCode
from shared.plates import InvalidPlateError, normalize_plate

RIGHTS_LOOKBACK = timedelta(hours=24)
# Rows in these states are sessions a driver has (had); `pending` and `failed` never started.
_STARTED = ("active", "stopped", "expired")


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class NativeProvider:
    kind = "native"

    def __init__(self, facility: Facility) -> None:
        self.facility = facility

    async def start(
        self, *, zone_id: str, plate: str, duration_minutes: int, receipt_email: str | None = None
    ) -> ProviderSession:
        facility = self.facility
        if zone_id.strip() not in {facility.zone_number, facility.provider_zone_id}:
            raise ProviderRejectedError(
                f"Zone {zone_id} is not {facility.name}'s zone ({facility.zone_number})."
            )
        _check_duration(duration_minutes)
        plate_normalized = _normalized(plate)
        now = _now()
        if await ParkingSession.filter(
            facility_id=facility.id, plate_normalized=plate_normalized, status="active", ends_at__gt=now
        ).exists():
            raise AlreadyParkedError(
                f"Vehicle {plate.strip()} already has an active session at {facility.name}; "
                "extend that session instead."
            )
        return ProviderSession(
            session_id=f"native_{uuid.uuid4().hex}",
            zone_number=facility.zone_number,
            starts_at=now,
            ends_at=now + timedelta(minutes=duration_minutes),
            status="active",
        )

    async def get(self, session_id: str) -> ProviderSession:
        return self._as_session(await self._row(session_id), _now())

    async def stop(self, session_id: str) -> ProviderSession:
        row, now = await self._row(session_id), _now()
        current = self._as_session(row, now)
        if current.status == "stopped":
            return current  # stopping twice is harmless, as at the providers
        if current.status == "expired":
            raise ProviderRejectedError(
                f"Session {session_id} already ended at its end time; nothing to stop.",
                ErrorCode.session_not_active,
            )
        return ProviderSession(current.session_id, current.zone_number, current.starts_at, now, "stopped")

    async def extend(self, session_id: str, duration_minutes: int) -> ProviderSession:
        _check_duration(duration_minutes)
        current = self._as_session(await self._row(session_id), _now())
        if current.status != "active":
            raise ProviderRejectedError(
                f"Session {session_id} is no longer active; start a new session.",
                ErrorCode.session_not_active,
            )
        ends_at = current.ends_at + timedelta(minutes=duration_minutes)
        return ProviderSession(current.session_id, current.zone_number, current.starts_at, ends_at, "active")

    async def rights(self, plate: str) -> list[ProviderSession]:
        now = _now()
        rows = await ParkingSession.filter(
            facility_id=self.facility.id,
            plate_normalized=_normalized(plate),
            status__in=_STARTED,
            provider_session_id__isnull=False,
            ends_at__gte=now - RIGHTS_LOOKBACK,
        ).order_by("starts_at", "id")
        return [self._as_session(row, now) for row in rows]

    async def _row(self, session_id: str) -> ParkingSession:
        row = await ParkingSession.filter(
            facility_id=self.facility.id, provider_session_id=session_id, status__in=_STARTED
        ).first()
        if row is None:
            raise ProviderSessionNotFoundError(
                f"There is no parking session '{session_id}' at {self.facility.name}."
            )
        return row

    def _as_session(self, row: ParkingSession, now: datetime) -> ProviderSession:
        status: SessionStatus = "active" if row.ends_at > now else "expired"
        if row.status == "stopped":
            status = "stopped"
        return ProviderSession(
            session_id=row.provider_session_id or str(row.id),
            zone_number=self.facility.zone_number,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            status=status,
        )


def _check_duration(duration_minutes: int) -> None:
    if duration_minutes <= 0:
        raise ProviderRejectedError("The duration must be at least one minute.")


def _normalized(plate: str) -> str:
    try:
        return normalize_plate(plate)
    except InvalidPlateError as exc:
        raise ProviderRejectedError(exc.detail, ErrorCode.invalid_plate) from None
