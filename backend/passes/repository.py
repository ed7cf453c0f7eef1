"""Pass queries: a pass with its facility, product and the payment that bought it."""

from dataclasses import dataclass
from uuid import UUID

from backend.models import Facility, ParkingPass, PassProduct, Payment

PAID = ("captured", "partially_refunded", "refunded")


@dataclass(frozen=True)
class PassRow:
    parking_pass: ParkingPass
    facility: Facility
    product: PassProduct
    payment: Payment | None


async def _with_payments(passes: list[ParkingPass]) -> list[PassRow]:
    payments: dict[UUID, Payment] = {}
    if passes:
        found = await Payment.filter(parking_pass_id__in=[p.id for p in passes], status__in=PAID).order_by(
            "created_at"
        )
        payments = {p.parking_pass_id: p for p in found}  # type: ignore[attr-defined]
    return [PassRow(p, p.facility, p.product, payments.get(p.id)) for p in passes]


async def driver_passes(driver_id: UUID) -> list[PassRow]:
    """The driver's bought passes (not the pending or declined attempts), newest first."""
    passes = (
        await ParkingPass.filter(driver_id=driver_id, status="active")
        .select_related("facility", "product")
        .order_by("-created_at", "-id")
    )
    return await _with_payments(list(passes))


async def pass_row(pass_id: UUID) -> PassRow:
    found = await ParkingPass.get(id=pass_id).select_related("facility", "product")
    return (await _with_payments([found]))[0]
