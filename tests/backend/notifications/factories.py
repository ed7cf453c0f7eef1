"""Rows for notification tests, made directly (independent of the stays and passes code)."""

from datetime import UTC, datetime, timedelta

import httpx

from backend.models import Driver, Facility, Payment, PaymentMethod, Stay, Tenant
from tests.backend.helpers import DRIVER_EMAIL, driver_token, make_tenant

TARIFF = {
    "increment_minutes": 15,
    "segments": [{"from_minute": 0, "amount": 0}, {"from_minute": 15, "amount": 75}],
    "daily_max_amount": 2400,
    "max_stay_minutes": 1440,
}
ENTERED_AT = datetime(2026, 3, 30, 14, 23, tzinfo=UTC)  # 17:23 in Helsinki (EEST)
EXITED_AT = datetime(2026, 3, 30, 16, 5, tzinfo=UTC)  # 19:05


async def signed_in_driver(client: httpx.AsyncClient, email: str = DRIVER_EMAIL) -> tuple[Driver, str]:
    token = await driver_token(client, email)
    return await Driver.get(email=email), token


async def make_facility(tenant: Tenant | None = None, slug: str = "kamppi-p1", name: str = "Kamppi P1"):
    tenant = (
        tenant
        or await Tenant.get_or_none(slug="helsinki-parking")
        or await make_tenant(name="Helsinki Parking Oy")
    )
    return await Facility.create(
        tenant=tenant,
        slug=slug,
        name=name,
        name_lower=name.lower(),
        zone_number="1234",
        timezone="Europe/Helsinki",
        detection="anpr",
        tariff=TARIFF,
    )


async def make_card(driver: Driver, brand: str = "Visa", last4: str = "4242") -> PaymentMethod:
    return await PaymentMethod.create(
        driver=driver,
        gateway="sandbox",
        processor_token="tok_visa",
        brand=brand,
        last4=last4,
        is_default=True,
    )


async def make_stay(
    driver: Driver | None,
    facility: Facility,
    *,
    status: str = "paid",
    plate: str = "ABC-123",
    entered_at: datetime = ENTERED_AT,
    exited_at: datetime | None = EXITED_AT,
    free_until: datetime | None = None,
    paid_until: datetime | None = None,
) -> Stay:
    return await Stay.create(
        tenant_id=facility.tenant_id,
        facility=facility,
        driver=driver,
        plate=plate,
        plate_normalized=plate.replace("-", "").replace(" ", "").upper(),
        status=status,
        entered_at=entered_at,
        exited_at=exited_at,
        free_until=free_until if free_until is not None else entered_at + timedelta(minutes=15),
        paid_until=paid_until,
        currency="EUR",
        parking_amount=600,
        service_fee_amount=15,
        total_amount=615,
        paid_amount=615 if status == "paid" else 0,
    )


async def make_stay_payment(
    driver: Driver, *, status: str = "captured", facility: Facility | None = None
) -> Payment:
    """An exit charge: 6.00 EUR parking + 0.15 EUR service fee, paid with the driver's Visa."""
    facility = facility or await make_facility()
    stay = await make_stay(driver, facility)
    card = await make_card(driver)
    return await Payment.create(
        tenant_id=facility.tenant_id,
        driver=driver,
        payment_method=card,
        purpose="stay",
        stay=stay,
        idempotency_key=f"stay-exit:{stay.id}",
        gateway="sandbox",
        charge_id="ch_test",
        currency="EUR",
        parking_amount=600,
        service_fee_amount=15,
        amount=615,
        status=status,
    )
