"""Stays at camera (ANPR) and geofence lots: entries and exits, priced and settled as at a real exit.

Each stay is priced with `backend.stays.pricing` (the facility's tariff in its local time, and the
operator's service fee) and settled as `backend.stays.settle` would: nothing due is `paid`; a plate
with an auto-pay driver is charged (`stay-exit:<id>`, ~3 % declined: `unpaid` with the decline,
some paid later in the app); no driver or auto-pay off is `unpaid` with that reason. About 1 % of
camera stays lack their entry read (`needs_review`). A few plates were misread by the camera and
corrected by an operator (audited), which linked the driver and charged the stay.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backend.anpr.rules import EXIT_WITHOUT_ENTRY
from backend.demo.history.people import Car
from backend.demo.history.rhythm import inside_weights, occupancy_target, parked_for
from backend.demo.history.world import ANPR_VARIANTS, FAILURE_SHARE, Lot, World
from backend.models import AuditEntry, Stay, StayEvent
from backend.stays import pricing
from backend.stays.owners import AUTO_PAY_OFF, NO_DRIVER
from shared.plates import normalize_plate

ANONYMOUS_SHARE = 0.12  # camera stays of plates nobody registered
REVIEW_SHARE = 0.01
CORRECTIONS_PER_TENANT = 5
_MISREADS = {"O": "0", "0": "O", "B": "8", "8": "B", "S": "5", "5": "S", "Z": "2", "2": "Z", "D": "0"}


@dataclass
class Visit:
    """A car at a lot from `start` to `end` (an end after now: still inside)."""

    lot: Lot
    start: datetime
    end: datetime
    minutes: int = 0  # a prepaid session's duration


def assign_stay(world: World, visit: Visit) -> None:
    """Choose whose car it is and record the stay (geofence stays need a driver's phone)."""
    lot, rng = visit.lot, world.rng
    car = None
    if lot.facility.detection == "geofence" or rng.random() >= ANONYMOUS_SHARE:
        car = world.fleet.take(rng, lot.id, visit.start, visit.end, lot.regulars, world.now)
    if car is None and lot.facility.detection == "geofence":
        return
    plate = car.plate if car else world.fleet.stranger(rng, visit.start, visit.end)
    if visit.end > world.now:
        add_open_stay(world, lot, visit.start, car, plate)
    else:
        add_closed_stay(world, lot, visit.start, visit.end, car, plate)


def _stay_row(world: World, lot: Lot, car: Car | None, plate: str, entered_at: datetime | None) -> dict:
    facility = lot.facility
    row = {
        "id": world.new_id(),
        "tenant_id": world.tenant.id,
        "facility_id": facility.id,
        "driver_id": car.driver_id if car else None,
        "plate": plate,
        "plate_normalized": normalize_plate(plate),
        "source": "geofence" if facility.detection == "geofence" else "anpr",
        "status": "open",
        "entered_at": entered_at,
        "exited_at": None,
        "free_until": pricing.free_until(facility, entered_at) if entered_at else None,
        "currency": world.tenant.currency,
        "created_at": entered_at,
        "updated_at": entered_at,
        "_car": car,
        "_lot": lot,
    }
    world.stays.append(row)
    world.rows.add(Stay, row)
    return row


def _event(world: World, row: dict, event: str, at: datetime, outcome: str, read: str | None = None) -> None:
    """The camera's (or phone's) event; `read` is the plate as the camera read it, when misread."""
    anpr = row["source"] == "anpr"
    # The photo shows the real plate, also when the camera misread it: that is how an operator
    # sees the misread and corrects it. Even scenes are entry lanes, odd ones exit lanes.
    variant = 2 * world.rng.randrange(ANPR_VARIANTS // 2) + (event == "exit")
    image = world.image_url(row["plate"], variant) if anpr else None
    if anpr:
        row[f"{event}_image_url"] = image
    plate = read or row["plate"]
    world.rows.add(
        StayEvent,
        {
            "id": world.new_id(),
            "tenant_id": world.tenant.id,
            "facility_id": row["facility_id"],
            "stay_id": row["id"],
            "event": event,
            "plate": plate,
            "plate_normalized": normalize_plate(plate),
            "occurred_at": at,
            "image_url": image,
            "source": row["source"],
            "outcome": outcome,
            "received_at": world.after(at, 0.3, 4),
        },
    )


def add_open_stay(world: World, lot: Lot, entered_at: datetime, car: Car | None, plate: str) -> dict:
    row = _stay_row(world, lot, car, plate, entered_at)
    _event(world, row, "entry", entered_at, "opened")
    world.stats["inside now"] += 1
    return row


def add_closed_stay(
    world: World, lot: Lot, entered_at: datetime, exited_at: datetime, car: Car | None, plate: str
) -> dict:
    rng = world.rng
    if row := _maybe_exit_only(world, lot, exited_at, car, plate):
        return row
    amounts = pricing.amounts(lot.facility, world.tenant, entered_at, exited_at)
    misread = _misread(world, lot, car, plate, exited_at) if amounts.total_amount else None
    row = _stay_row(world, lot, None if misread else car, plate, entered_at)
    _event(world, row, "entry", entered_at, "opened", misread)
    _event(world, row, "exit", exited_at, "closed", misread)
    row.update(
        exited_at=exited_at,
        parking_amount=amounts.parking_amount,
        service_fee_amount=amounts.service_fee_amount,
        total_amount=amounts.total_amount,
        updated_at=world.after(exited_at, 1, 5),
    )
    if amounts.total_amount == 0:
        row["status"] = "paid"
    elif misread:
        _corrected(world, row, car, plate, misread)
    elif car is None:
        row.update(status="unpaid", failure_reason=NO_DRIVER)
    elif not car.auto_pay:
        row.update(status="unpaid", failure_reason=AUTO_PAY_OFF)
        if rng.random() < 0.5:
            _paid_in_app(world, row, car, car.method_id)
    else:
        _charge_at_exit(world, row, car)
    return row


def _charge_at_exit(world: World, row: dict, car: Car) -> None:
    """The `charge_stay_exit` job: the driver's default card, seconds after the exit."""
    failure = world.decline() if world.rng.random() < FAILURE_SHARE else None
    at = world.after(row["exited_at"], 2, 40)
    _stay_payment(world, row, car, f"stay-exit:{row['id']}", car.method_id, at, failure)
    if failure:
        row.update(status="unpaid", failure_reason=f"Card declined: {failure[1]}", updated_at=at)
        if world.rng.random() < 0.4:
            _paid_in_app(world, row, car, car.other_method_id or car.method_id)
    else:
        row.update(status="paid", paid_amount=row["total_amount"], updated_at=at)


def _paid_in_app(world: World, row: dict, car: Car, method_id: Any) -> None:
    """The driver paid the owed stay in the app later (`POST /sessions/{id}/pay`, key as pay.py's)."""
    at = row["exited_at"] + timedelta(minutes=world.rng.randrange(20, 3 * 1440))
    if at >= world.now:
        return
    key = f"stay:{row['id']}:{row['exited_at'].isoformat()}:0:{method_id}"
    _stay_payment(world, row, car, key, method_id, at, None)
    row.update(status="paid", paid_amount=row["total_amount"], failure_reason=None, updated_at=at)


def _stay_payment(
    world: World, row: dict, car: Car, key: str, method_id: Any, at: datetime, failure: tuple[str, str] | None
) -> None:
    world.payment(
        purpose="stay",
        key=key,
        driver_id=car.driver_id,
        method_id=method_id,
        parking=row["parking_amount"],
        fee=row["service_fee_amount"],
        at=at,
        failure=failure,
        stay_id=row["id"],
        facility_id=row["facility_id"],
        covers_from=row["entered_at"],
        covers_until=row["exited_at"],
    )


def _maybe_exit_only(world: World, lot: Lot, exited_at: datetime, car: Car | None, plate: str) -> dict | None:
    """The entry was never read: an exit without a recorded entry, kept for review."""
    if lot.facility.detection != "anpr" or world.rng.random() >= REVIEW_SHARE:
        return None
    row = _stay_row(world, lot, car, plate, None)
    _event(world, row, "exit", exited_at, "exit_without_entry")
    row.update(
        status="needs_review",
        review_reason=EXIT_WITHOUT_ENTRY,
        exited_at=exited_at,
        created_at=exited_at,
        updated_at=exited_at,
    )
    world.stats["needs review"] += 1
    return row


def _misread(world: World, lot: Lot, car: Car | None, plate: str, exited_at: datetime) -> str | None:
    """Now and then the camera misreads a driver's plate (one look-alike character)."""
    if (
        car is None
        or lot.facility.detection != "anpr"
        or world.stats["plate corrections"] >= CORRECTIONS_PER_TENANT
        or exited_at > world.now - timedelta(days=2)
        or world.rng.random() > 0.004
    ):
        return None
    spots = [i for i, ch in enumerate(plate) if ch in _MISREADS]
    if not spots:
        return None
    spot = world.rng.choice(spots)
    world.stats["plate corrections"] += 1
    return plate[:spot] + _MISREADS[plate[spot]] + plate[spot + 1 :]


def _corrected(world: World, row: dict, car: Car, plate: str, misread: str) -> None:
    """An operator corrected the misread plate: the stay now belongs to the driver, who is charged."""
    at = row["exited_at"] + timedelta(minutes=world.rng.randrange(40, 1800))
    staff = world.staff
    world.rows.add(
        AuditEntry,
        {
            "tenant_id": world.tenant.id,
            "actor_id": staff.ops_id,
            "actor_label": staff.ops_email,
            "action": "stay.plate_corrected",
            "object_type": "stay",
            "object_id": str(row["id"]),
            "details": {"from": misread, "to": plate, "driver_id": str(car.driver_id)},
            "created_at": at,
        },
    )
    row.update(driver_id=car.driver_id, _car=car)
    at = world.after(at, 1, 5)
    _stay_payment(world, row, car, f"stay-exit:{row['id']}", car.method_id, at, None)
    row.update(status="paid", paid_amount=row["total_amount"], updated_at=at)


def fill_inside_now(world: World, lot: Lot, *, cars_only: bool, budget: int | None = None) -> int:
    """Top the lot up to its occupancy target for this moment: cars that arrived over the last
    hours and are still inside. Camera lots see strangers too; a geofence lot only app users."""
    rng, facility = world.rng, lot.facility
    target = round(facility.capacity * occupancy_target(rng, lot.kind, world.now.astimezone(lot.tz)))
    inside = sum(1 for s in world.stays if s["_lot"] is lot and s["status"] == "open")
    weights = inside_weights(lot.kind, lot.tz, world.now)
    added = misses = 0
    while inside + added < target and misses < 5 and (budget is None or added < budget):
        entered_at = (world.now - parked_for(rng, lot.kind, weights)).replace(microsecond=0)
        car = None
        if cars_only or rng.random() < 0.15:
            car = world.fleet.take(
                rng, lot.id, entered_at, world.now + timedelta(days=30), lot.regulars, world.now
            )
        if car is None and cars_only:
            misses += 1
            continue
        plate = car.plate if car else world.fleet.new_plate(rng)
        add_open_stay(world, lot, entered_at, car, plate)
        added += 1
    return added
