"""Stays and sessions as the driver's app shows them (`shared.schemas.stays.ParkingItem`)."""

from datetime import datetime

from backend.models import ParkingSession, Stay
from backend.stays import pricing
from shared.schemas.stays import FacilityRef, ParkingItem, ParkingKind

PAID_SESSION_STATUSES = ("active", "stopped", "expired")


def stay_item(stay: Stay, now: datetime) -> ParkingItem:
    """`stay` with its facility and tenant loaded. An open stay shows what leaving now would cost."""
    running = None
    total: int | None = stay.total_amount
    if stay.status == "open" and stay.entered_at is not None:
        running = pricing.amounts(stay.facility, stay.tenant, stay.entered_at, now).total_amount
        total = None
    return ParkingItem(
        id=str(stay.id),
        kind=ParkingKind.stay,
        status=stay.status,
        facility=FacilityRef(
            slug=stay.facility.slug, name=stay.facility.name, timezone=stay.facility.timezone
        ),
        license_plate=stay.plate,
        starts_at=stay.entered_at,
        ends_at=stay.exited_at,
        free_until=stay.free_until,
        paid_until=stay.paid_until,
        running_amount=running,
        total_amount=total,
        paid_amount=stay.paid_amount,
        amount_due=max(0, (running if running is not None else stay.total_amount) - stay.paid_amount),
        currency=stay.currency,
        entry_image_url=stay.entry_image_url,
        exit_image_url=stay.exit_image_url,
        failure_reason=stay.failure_reason,
    )


def session_item(session: ParkingSession) -> ParkingItem:
    """A prepaid session: paid up front up to its end (or until it was stopped)."""
    paid = session.status in PAID_SESSION_STATUSES
    ends_at = session.stopped_at or session.ends_at
    return ParkingItem(
        id=str(session.id),
        kind=ParkingKind.session,
        status=session.status,
        facility=FacilityRef(
            slug=session.facility.slug, name=session.facility.name, timezone=session.facility.timezone
        ),
        license_plate=session.plate,
        starts_at=session.starts_at,
        ends_at=ends_at,
        free_until=None,
        paid_until=ends_at if paid else None,
        running_amount=None,
        total_amount=session.total_amount,
        paid_amount=session.total_amount if paid else 0,
        amount_due=0,
        currency=session.currency,
    )


def sort_key(item: ParkingItem) -> datetime:
    moment = item.starts_at or item.ends_at
    assert moment is not None  # a stay has an entry or an exit; a session always starts
    return moment
