"""A prepaid session as the API answers it (`SessionOut`) and as driver events carry it."""

from typing import Any

from backend.models import Facility, ParkingSession, ProviderConnection
from backend.sessions.repository import facility_of
from shared.schemas.events import SessionEvent
from shared.schemas.sessions import SessionOut


async def provider_kind(facility: Facility) -> str:
    connection_id = facility.provider_connection_id  # type: ignore[attr-defined]
    if connection_id is None:
        return "native"
    kind = await ProviderConnection.filter(id=connection_id).values_list("kind", flat=True)
    return kind[0] if kind else "native"


async def session_out(session: ParkingSession) -> SessionOut:
    facility = await facility_of(session)
    return SessionOut(
        id=str(session.id),
        status=session.status,
        facility=facility.slug,
        facility_name=facility.name,
        facility_timezone=facility.timezone,
        license_plate=session.plate,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        stopped_at=session.stopped_at,
        parking_amount=session.parking_amount,
        service_fee_amount=session.service_fee_amount,
        total_amount=session.total_amount,
        refunded_amount=session.refunded_amount,
        currency=session.currency,
        provider=await provider_kind(facility),
        provider_session_id=session.provider_session_id,
        failure_code=session.failure_code,
        failure_reason=session.failure_reason,
    )


def session_event(session: ParkingSession, facility: Facility, **extra: Any) -> dict[str, Any]:
    """The payload of a session event (`shared.schemas.events.SessionEvent`), as JSON."""
    payload = SessionEvent(
        session_id=str(session.id),
        facility=facility.slug,
        facility_name=facility.name,
        timezone=facility.timezone,
        license_plate=session.plate,
        status=session.status,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        stopped_at=session.stopped_at,
        total_amount=session.total_amount,
        refunded_amount=session.refunded_amount,
        currency=session.currency,
    ).model_dump(mode="json")
    return payload | extra
