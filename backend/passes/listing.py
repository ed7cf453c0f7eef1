"""The driver's passes as the API shows them."""

from datetime import UTC, datetime

from backend.models import Driver
from backend.passes.repository import PassRow, driver_passes
from shared.schemas.passes import PassList, PassOut, PassState


def pass_out(row: PassRow, now: datetime) -> PassOut:
    p = row.parking_pass
    state = PassState.upcoming if now < p.valid_from else PassState.valid
    if now > p.valid_until:
        state = PassState.expired
    payment = row.payment
    return PassOut(
        id=str(p.id),
        facility=row.facility.slug,
        facility_name=row.facility.name,
        product=row.product.slug,
        product_name=row.product.name,
        license_plate=p.plate,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
        state=state,
        parking_amount=payment.parking_amount if payment else p.amount,
        service_fee_amount=payment.service_fee_amount if payment else 0,
        total_amount=payment.amount if payment else p.amount,
        currency=p.currency,
        payment_id=str(payment.id) if payment else None,
        created_at=p.created_at,
    )


async def list_passes(driver: Driver) -> PassList:
    now = datetime.now(UTC)
    rows = await driver_passes(driver.id)
    return PassList(items=[pass_out(r, now) for r in rows], count=len(rows))
