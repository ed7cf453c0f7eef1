"""How an entry or an exit changes a plate's stays at a facility, including events out of order.

Cameras and their senders deliver at least once and not always in order (a buffer flushed after a
network outage, a retry). The rules, for events of one plate at one facility:

Entry at T
1. An exit recorded earlier without an entry (`needs_review`, "Exit without a recorded entry") at
   X >= T, with nothing else of the plate between T and X: the entry was simply late. It completes
   that stay (T..X), which is then priced and settled like any exit.
2. T falls inside a stay that already has both its entry and exit: a stray second read. The event is
   kept on that stay's timeline; nothing changes.
3. A later entry of the plate is already recorded: this entry belongs to an earlier visit whose exit
   we have not seen. It is kept as its own `needs_review` stay (no exit); an exit arriving later
   between the two entries completes it (see Exit).
4. Otherwise a new `open` stay starts at T. A stay still open (an earlier entry with no exit) is
   closed as `needs_review`: the contract's "entry while a stay is open".

Exit at X
1. The plate's stay with the latest entry at or before X has no exit yet (`open`, or an entry kept
   as `needs_review` by rule 3 or 4 above): X ends it; it is priced and settled (`backend.stays.settle`).
2. Otherwise (no entry before X, or that stay has already ended: a second exit read, an exit earlier
   than the open stay's entry): a `needs_review` stay with only the exit, "Exit without a recorded
   entry", kept for the invoice workflow; a late entry may still complete it (Entry rule 1).

The plate's driver (`backend.stays.owners.plate_owner`) is looked up at the entry (who is told
"entry detected") and again at the exit (who is charged): a plate registered while the car was
parked is charged at its exit.
"""

from datetime import datetime
from uuid import uuid4

from backend.anpr import repository
from backend.anpr.delivery import Delivery, record_event
from backend.models import Stay
from backend.notifications.reminders import schedule_free_period_reminder
from backend.stays import pricing
from backend.stays.effects import AfterCommit
from backend.stays.owners import PlateOwner, plate_owner
from backend.stays.settle import close_stay
from shared.schemas.events import DriverEventKind, EntryDetected

EXIT_WITHOUT_ENTRY = "Exit without a recorded entry"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _new_stay(
    delivery: Delivery,
    *,
    status: str,
    owner: PlateOwner | None,
    entered_at: datetime | None = None,
    exited_at: datetime | None = None,
    review_reason: str | None = None,
) -> Stay:
    is_entry = entered_at is not None
    return Stay(
        id=uuid4(),
        tenant_id=delivery.tenant.id,
        facility_id=delivery.facility.id,
        driver_id=owner.driver_id if owner else None,
        plate=delivery.plate,
        plate_normalized=delivery.plate_normalized,
        source=delivery.source,
        status=status,
        entered_at=entered_at,
        exited_at=exited_at,
        free_until=pricing.free_until(delivery.facility, entered_at) if is_entry else None,
        currency=delivery.tenant.currency,
        entry_image_url=delivery.image_url if is_entry else None,
        exit_image_url=None if is_entry else delivery.image_url,
        review_reason=review_reason,
    )


def _orphan_exit_for(around: list[Stay], at: datetime) -> Stay | None:
    """Entry rule 1: the earliest exit-only stay at or after `at` with nothing of the plate between."""
    orphans = sorted(
        (s for s in around if s.entered_at is None and s.status == "needs_review" and s.exited_at >= at),
        key=lambda s: s.exited_at,
    )
    if not orphans:
        return None
    orphan = orphans[0]

    def between(moment: datetime | None) -> bool:
        return moment is not None and at < moment < orphan.exited_at

    if any(s.id != orphan.id and (between(s.entered_at) or between(s.exited_at)) for s in around):
        return None
    return orphan


async def apply_entry(delivery: Delivery, effects: AfterCommit) -> Stay:
    """Apply an entry event (see the module doc); returns the stay it belongs to."""
    at = delivery.occurred_at
    facility, tenant = delivery.facility, delivery.tenant
    around = await repository.stays_around(facility.id, delivery.plate_normalized, at)

    orphan = _orphan_exit_for(around, at)
    if orphan is not None:
        await record_event(delivery, orphan.id, "completed_late")
        changes = {"entered_at": at, "entry_image_url": delivery.image_url}
        return await close_stay(
            orphan,
            facility=facility,
            tenant=tenant,
            exited_at=orphan.exited_at,
            effects=effects,
            changes=changes,
        )

    inside = next(
        (s for s in around if s.entered_at and s.exited_at and s.entered_at <= at < s.exited_at), None
    )
    if inside is not None:
        await record_event(delivery, inside.id, "inside_recorded_stay")
        return inside

    owner = await plate_owner(delivery.plate_normalized)
    later = sorted(s.entered_at for s in around if s.entered_at is not None and s.entered_at > at)
    if later:
        reason = f"Entry delivered after a later entry at {_iso(later[0])}; no exit between them was recorded"
        stay = _new_stay(delivery, status="needs_review", owner=owner, entered_at=at, review_reason=reason)
        await record_event(delivery, stay.id, "late_entry", new_stay=stay)
        return stay

    stay = _new_stay(delivery, status="open", owner=owner, entered_at=at)
    await record_event(delivery, stay.id, "opened", new_stay=stay)
    for still_open in (s for s in around if s.status == "open"):
        await Stay.filter(id=still_open.id, status="open").update(
            status="needs_review",
            review_reason=f"A new entry at {_iso(at)} was recorded before this stay's exit",
        )
    if owner is not None:
        await schedule_free_period_reminder(
            stay.id,
            stay.free_until,
            lead_minutes=delivery.services.settings.free_period_reminder_minutes,
        )
        effects.wake_jobs()
        effects.notify(
            owner.driver_id,
            DriverEventKind.entry_detected,
            EntryDetected(
                stay_id=str(stay.id),
                facility=facility.slug,
                facility_name=facility.name,
                timezone=facility.timezone,
                license_plate=stay.plate,
                entered_at=at,
                free_until=stay.free_until,
            ),
        )
    return stay


async def apply_exit(delivery: Delivery, effects: AfterCommit) -> Stay:
    """Apply an exit event (see the module doc); returns the stay it belongs to."""
    at = delivery.occurred_at
    facility = delivery.facility
    latest = await repository.latest_entered_by(facility.id, delivery.plate_normalized, at)
    if latest is not None and latest.exited_at is None and latest.status in ("open", "needs_review"):
        await record_event(delivery, latest.id, "closed")
        return await close_stay(
            latest,
            facility=facility,
            tenant=delivery.tenant,
            exited_at=at,
            effects=effects,
            changes={"exit_image_url": delivery.image_url},
        )
    owner = await plate_owner(delivery.plate_normalized)
    stay = _new_stay(
        delivery, status="needs_review", owner=owner, exited_at=at, review_reason=EXIT_WITHOUT_ENTRY
    )
    await record_event(delivery, stay.id, "exit_without_entry", new_stay=stay)
    return stay
