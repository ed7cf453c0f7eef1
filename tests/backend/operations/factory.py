"""Rows inserted straight into the tables, with every figure the operations view reads given."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from uuid import uuid4
from zoneinfo import ZoneInfo

from backend.kit.secrets import hash_secret
from backend.models import (
    ApiKey,
    Facility,
    Invoice,
    ParkingPass,
    ParkingSession,
    PassProduct,
    Payment,
    Stay,
    StayEvent,
    Tenant,
    Ticket,
)
from shared.plates import normalize_plate
from tests.backend.admin.conftest import TARIFF

_numbers = count(1)


def local(day: date, hour: int = 0, minute: int = 0, zone: str = "Europe/Helsinki") -> datetime:
    """A local wall-clock time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(UTC)


def today(zone: str = "Europe/Helsinki") -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()


def days_ago(n: int, zone: str = "Europe/Helsinki") -> date:
    return today(zone) - timedelta(days=n)


async def facility(tenant: Tenant, slug: str, name: str, *, capacity: int = 120) -> Facility:
    return await Facility.create(
        tenant=tenant,
        slug=slug,
        name=name,
        name_lower=name.lower(),
        zone_number=str(next(_numbers) + 5000),
        timezone="Europe/Helsinki",
        capacity=capacity,
        detection="anpr",
        tariff=TARIFF,
    )


async def stay(
    at: Facility,
    *,
    plate: str = "ABC-123",
    status: str = "open",
    entered_at: datetime | None = None,
    exited_at: datetime | None = None,
    total: int = 0,
    paid: int = 0,
    currency: str = "EUR",
) -> Stay:
    return await Stay.create(
        tenant_id=at.tenant_id,  # type: ignore[attr-defined]
        facility=at,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        status=status,
        entered_at=entered_at or datetime.now(UTC) - timedelta(hours=1),
        exited_at=exited_at,
        currency=currency,
        total_amount=total,
        paid_amount=paid,
    )


async def payment(
    tenant: Tenant,
    amount: int,
    created_at: datetime,
    *,
    status: str = "captured",
    refunded: int = 0,
    purpose: str = "stay",
    for_stay: Stay | None = None,
    for_session: ParkingSession | None = None,
    for_pass: ParkingPass | None = None,
    currency: str = "EUR",
    failure_reason: str | None = None,
) -> Payment:
    return await Payment.create(
        tenant=tenant,
        purpose=purpose,
        stay=for_stay,
        session=for_session,
        parking_pass=for_pass,
        idempotency_key=str(uuid4()),
        gateway="sandbox",
        currency=currency,
        amount=amount,
        refunded_amount=refunded,
        status=status,
        failure_reason=failure_reason,
        created_at=created_at,
    )


async def session(
    at: Facility,
    starts_at: datetime,
    ends_at: datetime,
    *,
    plate: str = "SES-100",
    status: str = "active",
    total: int = 615,
) -> ParkingSession:
    return await ParkingSession.create(
        tenant_id=at.tenant_id,  # type: ignore[attr-defined]
        facility=at,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        currency="EUR",
        total_amount=total,
    )


async def parking_pass(
    product: PassProduct,
    created_at: datetime,
    *,
    plate: str = "PAS-100",
    status: str = "active",
    valid_from: datetime | None = None,
    days: int = 30,
    amount: int = 9900,
) -> ParkingPass:
    at = await Facility.get(id=product.facility_id)  # type: ignore[attr-defined]
    valid_from = valid_from or created_at
    return await ParkingPass.create(
        tenant_id=at.tenant_id,  # type: ignore[attr-defined]
        facility=at,
        product=product,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=days),
        status=status,
        amount=amount,
        currency="EUR",
        created_at=created_at,
    )


async def ticket(tenant: Tenant, status: str, created_at: datetime) -> Ticket:
    return await Ticket.create(
        tenant=tenant, number=next(_numbers), subject="Charged twice?", status=status, created_at=created_at
    )


async def invoice(for_stay: Stay, amount: int, due_at: datetime, *, status: str = "issued") -> Invoice:
    return await Invoice.create(
        tenant_id=for_stay.tenant_id,  # type: ignore[attr-defined]
        stay=for_stay,
        number=next(_numbers),
        plate=for_stay.plate,
        currency=for_stay.currency,
        amount=amount,
        status=status,
        live_slot=None if status == "void" else "live",
        issued_at=due_at - timedelta(days=14),
        due_at=due_at,
    )


async def stay_event(
    of_stay: Stay, event: str, occurred_at: datetime, *, outcome: str = "opened", image_url: str | None = None
) -> StayEvent:
    return await StayEvent.create(
        tenant_id=of_stay.tenant_id,  # type: ignore[attr-defined]
        facility_id=of_stay.facility_id,  # type: ignore[attr-defined]
        stay=of_stay,
        event=event,
        plate=of_stay.plate,
        plate_normalized=of_stay.plate_normalized,
        occurred_at=occurred_at,
        image_url=image_url,
        outcome=outcome,
    )


async def api_key(tenant: Tenant, secret: str) -> ApiKey:
    return await ApiKey.create(
        tenant=tenant, name="handhelds", prefix=secret[:10], secret_hash=hash_secret(secret)
    )
