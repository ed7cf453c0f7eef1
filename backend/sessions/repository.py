"""Queries and state changes of prepaid sessions that several use cases share.

State changes are conditional updates (`filter(id=..., status=...).update(...)`, answering the row
count): race-free on SQLite and PostgreSQL, and a repeated call (a retried job, a second request)
changes nothing the second time.
"""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.expressions import Q

from backend.kit.errors import NotFoundError
from backend.kit.repository import parse_uuid
from backend.models import Driver, DriverEvent, Facility, ParkingSession, Payment, Quote

LIVE = "live"  # ParkingSession.live_slot while pending or active (see the model)
ENDED = {"live_slot": None, "busy_until": None}


def utcnow() -> datetime:
    return datetime.now(UTC)


async def driver_session(driver: Driver, session_id: str | UUID) -> ParkingSession:
    """One of the driver's prepaid sessions (facility loaded); anyone else's is a 404."""
    pk = parse_uuid(session_id, "parking session")
    session = await ParkingSession.filter(id=pk, driver_id=driver.id).select_related("facility").first()
    if session is None:
        raise NotFoundError(f"You have no parking session with id '{session_id}'.")
    return session


async def driver_quote(driver: Driver, quote_id: str) -> Quote:
    pk = parse_uuid(quote_id, "quote")
    quote = await Quote.get_or_none(id=pk, driver_id=driver.id, purpose="session")
    if quote is None:
        raise NotFoundError(f"You have no quote with id '{quote_id}'; ask for a new quote.")
    return quote


async def live_session(facility_id: UUID, plate_normalized: str) -> ParkingSession | None:
    return await ParkingSession.get_or_none(
        facility_id=facility_id, plate_normalized=plate_normalized, live_slot=LIVE
    )


async def expire_if_over(session_id: UUID, now: datetime | None = None) -> bool:
    """Mark an active session whose paid time is over as `expired` (once). True if this call did.
    A session someone is extending or stopping right now (its lease held) is left to them."""
    now = now or utcnow()
    updated = await ParkingSession.filter(
        Q(busy_until=None) | Q(busy_until__lt=now), id=session_id, status="active", ends_at__lte=now
    ).update(status="expired", **ENDED)
    return updated == 1


async def take_lease(session_id: UUID, seconds: float, **conditions: Any) -> datetime | None:
    """Hold the session's short lease (`busy_until`) while changing it at its provider; None when
    someone else holds it. `conditions` narrow the rows (e.g. status="active")."""
    now = utcnow()
    until = now + timedelta(seconds=seconds)
    won = await ParkingSession.filter(
        Q(busy_until=None) | Q(busy_until__lt=now), id=session_id, **conditions
    ).update(busy_until=until)
    return until if won == 1 else None


async def release_lease(session_id: UUID, lease: datetime) -> None:
    await ParkingSession.filter(id=session_id, busy_until=lease).update(busy_until=None)


async def session_payments(session_id: UUID) -> list[Payment]:
    """The session's payments, oldest first (the start, then each extension)."""
    return await Payment.filter(session_id=session_id).order_by("created_at", "id")


async def already_notified(driver_id: UUID | None, kind: str, since: datetime, **match: str) -> bool:
    """Whether the driver was already told `kind` with a payload holding `match` (a job that ran
    twice must say it once)."""
    if driver_id is None:
        return True
    payloads = await DriverEvent.filter(driver_id=driver_id, kind=kind, created_at__gte=since).values_list(
        "payload", flat=True
    )
    return any(
        isinstance(sent, dict) and all(sent.get(field) == value for field, value in match.items())
        for sent in payloads
    )


async def facility_of(session: ParkingSession) -> Facility:
    """The session's facility (loaded already by `select_related`, or fetched now)."""
    facility = session.facility
    if not isinstance(facility, Facility):
        facility = await Facility.get(id=session.facility_id)  # type: ignore[attr-defined]
    return facility
