"""Whose car is it: the driver account a plate belongs to, and whether they can be charged."""

from dataclasses import dataclass
from uuid import UUID

from backend.models import Driver, PaymentMethod, Vehicle
from backend.stays.sql import as_uuid, fetch_rows

PLATE_OWNERS = """
SELECT v.driver_id, d.auto_pay, m.id AS method_id FROM vehicle v
JOIN driver d ON d.id = v.driver_id
LEFT JOIN payment_method m ON m.driver_id = v.driver_id AND m.is_default
WHERE v.plate_normalized = :plate
ORDER BY v.created_at, v.id, m.created_at
"""
NO_DRIVER = "No driver account for this plate"
AUTO_PAY_OFF = "Auto-pay is off"
NO_METHOD = "No payment method"


@dataclass(frozen=True)
class PlateOwner:
    driver_id: UUID
    auto_pay: bool
    method_id: UUID | None  # the driver's default payment method

    @property
    def can_auto_pay(self) -> bool:
        return self.auto_pay and self.method_id is not None


def unpaid_reason(owner: PlateOwner | None) -> str | None:
    """Why an exit cannot be charged automatically (None: it can)."""
    if owner is None:
        return NO_DRIVER
    if not owner.auto_pay:
        return AUTO_PAY_OFF
    if owner.method_id is None:
        return NO_METHOD
    return None


async def plate_owner(plate_normalized: str) -> PlateOwner | None:
    """The driver who registered this plate (None: nobody has). One query: it runs for every camera
    event.

    Two drivers may register one plate (a shared car). The choice is deterministic: among the drivers
    that can be charged automatically (auto-pay on, a default payment method) the one who registered
    the plate first; when none can, the one who registered it first.
    """
    owners: dict[UUID, PlateOwner] = {}
    for row in await fetch_rows(Vehicle, PLATE_OWNERS, plate=plate_normalized):
        driver_id = as_uuid(row["driver_id"])
        assert driver_id is not None
        owners.setdefault(driver_id, PlateOwner(driver_id, bool(row["auto_pay"]), as_uuid(row["method_id"])))
    if not owners:
        return None
    candidates = list(owners.values())
    return next((owner for owner in candidates if owner.can_auto_pay), candidates[0])


async def driver_owner(driver_id: UUID) -> tuple[PlateOwner, PaymentMethod | None] | None:
    """The given driver as a PlateOwner, with their default payment method (None: account gone)."""
    driver = await Driver.get_or_none(id=driver_id)
    if driver is None:
        return None
    method = await PaymentMethod.filter(driver_id=driver_id, is_default=True).order_by("created_at").first()
    return PlateOwner(driver.id, driver.auto_pay, method.id if method else None), method
