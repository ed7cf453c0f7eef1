"""Enforcement worlds: two operators with look-alike facilities, keys of every kind, and helpers
that insert the facts (stays, prepaid sessions, passes, payments) straight into the tables."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from backend.kit.secrets import hash_secret
from backend.models import (
    ApiKey,
    Facility,
    ParkingPass,
    ParkingSession,
    PassProduct,
    Payment,
    Stay,
    Tenant,
)
from shared.plates import normalize_plate
from tests.backend.helpers import make_tenant

TARIFF = {
    "increment_minutes": 15,
    "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
    "daily_max_amount": 2400,
    "max_stay_minutes": 1440,
}
# 12:00 UTC is 15:00 in Helsinki (EEST, +03:00) on this day.
T = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
KEY_A = "ek_alpha_all_0123456789abcdef"
KEY_A_P2 = "ek_alpha_p2_only_0123456789ab"
KEY_B = "ek_bravo_all_0123456789abcdef"
KEY_REVOKED = "ek_alpha_revoked_0123456789ab"


async def make_facility(tenant: Tenant, slug: str, name: str, zone: str, grace: int = 15) -> Facility:
    return await Facility.create(
        tenant=tenant,
        slug=slug,
        name=name,
        name_lower=name.lower(),
        zone_number=zone,
        timezone="Europe/Helsinki",
        detection="anpr",
        tariff=TARIFF,
        grace_minutes=grace,
    )


async def make_key(tenant: Tenant, secret: str, facilities: list[Facility] | None = None, **extra) -> ApiKey:
    return await ApiKey.create(
        tenant=tenant,
        name="handhelds",
        prefix=secret[:10],
        secret_hash=hash_secret(secret),
        facility_ids=None if facilities is None else [str(f.id) for f in facilities],
        **extra,
    )


@dataclass
class World:
    tenant_a: Tenant
    tenant_b: Tenant
    p1: Facility  # A's "Kamppi P1" (kamppi-p1)
    p2: Facility  # A's "Forum P2" (forum-p2)
    b1: Facility  # B's facility, also named "Kamppi P1" (bravo-p1)
    monthly_p1: PassProduct
    monthly_p2: PassProduct
    monthly_b1: PassProduct
    key_a: ApiKey


@pytest.fixture
async def world(client) -> World:
    tenant_a = await make_tenant("alpha-parking", name="Alpha Parking Oy")
    tenant_b = await make_tenant("bravo-parking", name="Bravo Parking Oy")
    p1 = await make_facility(tenant_a, "kamppi-p1", "Kamppi P1", "1001")
    p2 = await make_facility(tenant_a, "forum-p2", "Forum P2", "1002")
    b1 = await make_facility(tenant_b, "bravo-p1", "Kamppi P1", "1001")
    products = [
        await PassProduct.create(facility=f, slug="monthly", name="Monthly pass", amount=9900, days=30)
        for f in (p1, p2, b1)
    ]
    key_a = await make_key(tenant_a, KEY_A)
    await make_key(tenant_a, KEY_A_P2, [p2])
    await make_key(tenant_b, KEY_B)
    await make_key(tenant_a, KEY_REVOKED, revoked_at=T)
    return World(tenant_a, tenant_b, p1, p2, b1, *products, key_a)


def headers(key: str = KEY_A) -> dict[str, str]:
    return {"x-api-key": key}


async def add_session(
    facility: Facility,
    plate: str,
    starts_at: datetime,
    ends_at: datetime,
    *,
    status: str = "active",
    stopped_at: datetime | None = None,
) -> ParkingSession:
    return await ParkingSession.create(
        tenant_id=facility.tenant_id,  # type: ignore[attr-defined]
        facility=facility,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        stopped_at=stopped_at,
        currency="EUR",
        parking_amount=600,
        service_fee_amount=15,
        total_amount=615,
    )


async def add_stay(
    facility: Facility,
    plate: str,
    entered_at: datetime | None,
    *,
    exited_at: datetime | None = None,
    free_minutes: int | None = 15,
    paid_until: datetime | None = None,
    status: str | None = None,
) -> Stay:
    free_until = None
    if entered_at is not None and free_minutes is not None:
        free_until = entered_at + timedelta(minutes=free_minutes)
    return await Stay.create(
        tenant_id=facility.tenant_id,  # type: ignore[attr-defined]
        facility=facility,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        status=status or ("open" if exited_at is None else "paid"),
        entered_at=entered_at,
        exited_at=exited_at,
        free_until=free_until,
        paid_until=paid_until,
        currency="EUR",
    )


async def add_pass(
    facility: Facility,
    product: PassProduct,
    plate: str,
    valid_from: datetime,
    days: int = 30,
    *,
    status: str = "active",
) -> ParkingPass:
    return await ParkingPass.create(
        tenant_id=facility.tenant_id,  # type: ignore[attr-defined]
        facility=facility,
        product=product,
        plate=plate,
        plate_normalized=normalize_plate(plate),
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=days),
        status=status,
        amount=product.amount,
        currency="EUR",
    )


async def add_payment(
    tenant_id: UUID,
    amount: int,
    created_at: datetime,
    *,
    stay: Stay | None = None,
    session: ParkingSession | None = None,
    parking_pass: ParkingPass | None = None,
    covers_until: datetime | None = None,
    status: str = "captured",
    key: str,
) -> Payment:
    payment = await Payment.create(
        tenant_id=tenant_id,
        purpose="stay" if stay else "session" if session else "pass",
        stay=stay,
        session=session,
        parking_pass=parking_pass,
        idempotency_key=key,
        gateway="sandbox",
        currency="EUR",
        parking_amount=amount,
        amount=amount,
        status=status,
        covers_until=covers_until,
    )
    # created_at is auto_now_add: set the moment the payment was made afterwards.
    await Payment.filter(id=payment.id).update(created_at=created_at)
    return payment
