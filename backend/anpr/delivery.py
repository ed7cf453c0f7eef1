"""One entry or exit event (a camera's or a phone's) as it is being applied, and its recording (the
intake's first write)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError

from backend.kit.services import AppServices
from backend.models import Facility, Stay, StayEvent, Tenant
from shared.schemas.webhook import CameraEvent


class DuplicateDeliveryError(Exception):
    """This event was recorded before (same facility, plate, event and timestamp)."""


@dataclass(frozen=True)
class Delivery:
    services: AppServices
    facility: Facility
    tenant: Tenant
    event: CameraEvent
    plate: str
    plate_normalized: str
    occurred_at: datetime
    image_url: str | None
    source: str = "anpr"  # who saw it: "anpr" (a camera) or "geofence" (the driver's phone)


async def record_event(delivery: Delivery, stay_id: UUID, outcome: str, new_stay: Stay | None = None) -> None:
    """The first write of every delivery: the event (and the stay it opens, if any).

    Raises DuplicateDeliveryError when the event was recorded before.
    """
    if new_stay is not None:
        await new_stay.save(force_create=True)
    try:
        await StayEvent.create(
            tenant_id=delivery.tenant.id,
            facility_id=delivery.facility.id,
            stay_id=stay_id,
            event=delivery.event.value,
            plate=delivery.plate,
            plate_normalized=delivery.plate_normalized,
            occurred_at=delivery.occurred_at,
            image_url=delivery.image_url,
            source=delivery.source,
            outcome=outcome,
        )
    except IntegrityError as exc:
        raise DuplicateDeliveryError from exc
