"""Queries of the phone's entry and exit reports: any operator's facility, the driver's own plate,
and the plate's stay at a facility."""

from uuid import UUID

from backend.kit.errors import NotFoundError
from backend.models import Facility, Stay, Vehicle


async def facility_by_slug(slug: str) -> Facility:
    """Any operator's facility with its operator loaded: drivers park anywhere."""
    facility = await Facility.get_or_none(slug=slug.strip().lower()).select_related("tenant")
    if facility is None:
        raise NotFoundError(f"There is no facility '{slug}'; check the facility code.")
    return facility


async def drivers_vehicle(driver_id: UUID, plate_normalized: str) -> Vehicle | None:
    """The driver's vehicle with this plate (None: not one of theirs)."""
    return await Vehicle.get_or_none(driver_id=driver_id, plate_normalized=plate_normalized)


async def open_stay(facility_id: UUID, plate_normalized: str) -> Stay | None:
    """The plate's open stay at the facility, the latest entry first if there were ever two."""
    return (
        await Stay.filter(facility_id=facility_id, plate_normalized=plate_normalized, status="open")
        .order_by("-entered_at")
        .first()
    )
