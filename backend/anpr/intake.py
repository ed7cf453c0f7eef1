"""`POST /webhook`: one camera event in, one stay changed, in one short transaction.

Idempotent intake: the event row is unique per (facility, plate, event, timestamp) and is the first
write of the transaction. A repeated delivery fails that insert, the whole transaction rolls back
(nothing it read or decided is kept), and the answer is the first delivery's stay as it is now. On
PostgreSQL, concurrent deliveries of one car's events also wait for each other on an advisory lock
(`repository.lock_plate`), so two deliveries never both decide from the same "before" state; the
unique index stays the guarantee either way. (No savepoint is needed around the insert: the
duplicate's transaction is abandoned as a whole, and the first delivery's rows are read after it.)

Fast path: the token, the facility (with its operator), the plate's stays, the plate's owner, and
the writes; no payment processor call (exits are charged by a job) and no e-mail.
"""

from tortoise.transactions import in_transaction

from backend.anpr import repository, rules
from backend.anpr.delivery import Delivery, DuplicateDeliveryError
from backend.kit.services import AppServices
from backend.models import Stay
from backend.stays.effects import AfterCommit
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.webhook import CameraEvent, WebhookAccepted, WebhookEvent

MAX_TYPED_PLATE_LENGTH = 40  # Stay.plate; normalised plates are at most 20 characters


async def receive(services: AppServices, tenant_id, body: WebhookEvent) -> WebhookAccepted:
    """Record a camera event for the operator `tenant_id` and apply it to the plate's stays."""
    plate_normalized = normalize_plate(body.plate)
    if len(body.plate) > MAX_TYPED_PLATE_LENGTH:
        raise InvalidPlateError(f"The licence plate is longer than {MAX_TYPED_PLATE_LENGTH} characters.")
    facility = await repository.facility_for(services, tenant_id, body.facility_id)
    delivery = Delivery(
        services=services,
        facility=facility,
        tenant=facility.tenant,
        event=body.event,
        plate=body.plate,
        plate_normalized=plate_normalized,
        occurred_at=body.timestamp,
        image_url=body.image_url,
    )
    effects = AfterCommit()
    apply = rules.apply_entry if body.event is CameraEvent.entry else rules.apply_exit
    try:
        async with in_transaction() as connection:
            await repository.lock_plate(connection, facility.id, plate_normalized)
            stay = await apply(delivery, effects)
    except DuplicateDeliveryError:
        return await _first_answer(delivery)
    await effects.run(services)
    return WebhookAccepted(session_id=str(stay.id), status=stay.status)


async def _first_answer(delivery: Delivery) -> WebhookAccepted:
    event = await repository.delivered_event(
        delivery.facility.id, delivery.plate_normalized, delivery.event.value, delivery.occurred_at
    )
    stay = await Stay.get_or_none(id=event.stay_id) if event.stay_id else None  # type: ignore[attr-defined]
    if stay is None:  # the stay was erased since (retention): the event is all that is left
        return WebhookAccepted(session_id=str(event.id), status=event.outcome)
    return WebhookAccepted(session_id=str(stay.id), status=stay.status)
