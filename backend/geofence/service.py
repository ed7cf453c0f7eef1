"""`POST /api/v1/geofence/events`: the driver's phone reports entering or leaving a geofence lot.

The event becomes a stay change through the camera intake's own path (`backend.anpr.intake.
apply_delivery` and its `rules`): one stay model, one pricing, one charging job, the same
`entry_detected` / `exit_charged` notifications and receipts. Its stay and timeline rows say
`source = "geofence"`, so an operator can tell a phone's report from a camera's.

What differs from a camera is what is believed and how repeats are answered:

* the event must be plausible (`plausibility`), and the plate one of the caller's vehicles;
* the same event again (facility, plate, event, `occurred_at`) answers the first one's stay, even
  once it is too old to be accepted afresh;
* an `enter` while the plate's stay there is already open (or at a moment inside a stay already
  recorded) answers that stay and changes nothing: a phone re-reports entry after a restart, and a
  camera's "new entry closes the old stay for review" would be wrong for it;
* an `exit` with no open stay to end is refused (409 `no_open_stay`) rather than kept for review.

These checks run inside the intake's transaction, under the plate's lock, so concurrent repeats
see each other's result.
"""

from datetime import UTC, datetime
from functools import partial

from backend.anpr import intake
from backend.anpr.delivery import Delivery
from backend.anpr.intake import Applied
from backend.anpr.repository import latest_entered_by
from backend.geofence import plausibility, repository
from backend.kit.services import AppServices
from backend.models import Driver
from backend.stays.settle import CLOSABLE
from shared.errors import ErrorCode, ParkflowError
from shared.plates import normalize_plate
from shared.schemas.geofence import GeofenceEvent, GeofenceEventKind
from shared.schemas.webhook import CameraEvent

SOURCE = "geofence"


async def record_event(services: AppServices, driver: Driver, body: GeofenceEvent) -> Applied:
    """Check `body`, then open or close the plate's stay (see the module doc)."""
    plate_normalized = normalize_plate(body.license_plate)
    facility = await repository.facility_by_slug(body.facility)
    plausibility.check_facility(facility)
    vehicle = await repository.drivers_vehicle(driver.id, plate_normalized)
    if vehicle is None:
        raise ParkflowError(
            f"{body.license_plate.strip()} is not one of your vehicles; add it to your vehicles first.",
            ErrorCode.plate_not_yours,
        )
    delivery = Delivery(
        services=services,
        facility=facility,
        tenant=facility.tenant,
        event=CameraEvent.entry if body.event is GeofenceEventKind.enter else CameraEvent.exit,
        plate=vehicle.plate,
        plate_normalized=plate_normalized,
        occurred_at=body.occurred_at,
        image_url=None,
        source=SOURCE,
    )
    return await intake.apply_delivery(delivery, partial(_before, body=body, now=datetime.now(UTC)))


async def _before(delivery: Delivery, *, body: GeofenceEvent, now: datetime) -> Applied | None:
    """Inside the intake's transaction: answer a repeat, refuse the implausible, answer "already
    inside", refuse an exit with nothing to end; None lets the intake apply the event."""
    repeat = await intake.delivered_answer(delivery)
    if repeat is not None:
        return repeat
    settings = delivery.services.settings
    plausibility.check_time(settings, body, now)
    plausibility.check_fix(settings, delivery.facility, body)
    if delivery.event is CameraEvent.entry:
        return await _already_inside(delivery)
    await _require_open_stay(delivery)
    return None


async def _already_inside(delivery: Delivery) -> Applied | None:
    facility_id, plate, at = delivery.facility.id, delivery.plate_normalized, delivery.occurred_at
    open_stay = await repository.open_stay(facility_id, plate)
    if open_stay is not None:
        return Applied.of(open_stay, changed=False)
    latest = await latest_entered_by(facility_id, plate, at)
    if latest is not None and latest.exited_at is not None and latest.exited_at > at:
        return Applied.of(latest, changed=False)  # a moment inside a stay already ended
    return None


async def _require_open_stay(delivery: Delivery) -> None:
    facility_id, plate, at = delivery.facility.id, delivery.plate_normalized, delivery.occurred_at
    latest = await latest_entered_by(facility_id, plate, at)
    if latest is None or latest.exited_at is not None or latest.status not in CLOSABLE:
        raise ParkflowError(
            f"{delivery.plate} has no stay at {delivery.facility.name} open at that time, so there is "
            "nothing to end and nothing was charged.",
            ErrorCode.no_open_stay,
        )
