"""Stays and sessions as rows of the operator's list (`shared.schemas.admin_records.RecordRow`)."""

from datetime import datetime
from typing import Any

from backend.models import Facility, ParkingSession, Stay
from backend.stays import pricing
from shared.schemas.admin_records import RecordFacility, RecordKind, RecordSource, RecordStatus

# Sessions in these states were paid (and kept the money less refunds); pending and failed never were.
PAID_SESSION_STATUSES = ("active", "stopped", "expired")


def facility_ref(facility: Facility) -> RecordFacility:
    return RecordFacility(slug=facility.slug, name=facility.name, timezone=facility.timezone)


def stay_owed(stay: Stay, facility: Facility, now: datetime) -> int:
    """The stay's price; an open stay's is what leaving now would cost."""
    if stay.status == "open" and stay.entered_at is not None:
        return pricing.amounts(facility, facility.tenant, stay.entered_at, now).total_amount
    return stay.total_amount


def stay_fields(stay: Stay, facility: Facility, driver_email: str | None, now: datetime) -> dict[str, Any]:
    owed = stay_owed(stay, facility, now)
    return {
        "kind": RecordKind.stay,
        "id": str(stay.id),
        "plate": stay.plate,
        "facility": facility_ref(facility),
        "status": RecordStatus(stay.status),
        "started_at": stay.entered_at,
        "ended_at": stay.exited_at,
        "owed_amount": owed,
        "paid_amount": stay.paid_amount,
        "due_amount": max(0, owed - stay.paid_amount),
        "currency": stay.currency,
        "driver_email": driver_email,
        "has_photos": bool(stay.entry_image_url or stay.exit_image_url),
        "source": RecordSource(stay.source),
    }


def session_source(session: ParkingSession, facility: Facility) -> RecordSource:
    provider_id = session.provider_session_id
    if provider_id:
        return RecordSource.app if provider_id.startswith("native_") else RecordSource.provider
    has_connection = facility.provider_connection_id is not None  # type: ignore[attr-defined]
    return RecordSource.provider if has_connection else RecordSource.app


def session_paid(session: ParkingSession) -> int:
    if session.status not in PAID_SESSION_STATUSES:
        return 0
    return max(0, session.total_amount - session.refunded_amount)


def session_fields(session: ParkingSession, facility: Facility, driver_email: str | None) -> dict[str, Any]:
    paid = session_paid(session)
    owed = paid if session.status in PAID_SESSION_STATUSES else session.total_amount
    if session.status == "failed":
        owed = 0  # a failed start was never charged and is owed by no one
    # Prepaid: a session is paid before it starts (or it never starts), so nothing is ever due.
    return {
        "kind": RecordKind.session,
        "id": str(session.id),
        "plate": session.plate,
        "facility": facility_ref(facility),
        "status": RecordStatus(session.status),
        "started_at": session.starts_at,
        "ended_at": session.stopped_at or session.ends_at,
        "owed_amount": owed,
        "paid_amount": paid,
        "due_amount": 0,
        "currency": session.currency,
        "driver_email": driver_email,
        "has_photos": False,
        "source": session_source(session, facility),
    }
