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

`apply_delivery` is the one way an entry or exit reaches the stays: the camera webhook here and the
driver's phone (`backend.geofence`) both call it, so both open, price, charge and notify alike. A
caller may pass a `before` check that runs inside the transaction, under the plate's lock, and
answers instead of applying (the phone's "already inside") or refuses.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from backend.anpr import repository, rules
from backend.anpr.delivery import Delivery, DuplicateDeliveryError
from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import Stay
from backend.stays.effects import AfterCommit
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.webhook import CameraEvent, WebhookAccepted, WebhookEvent

MAX_TYPED_PLATE_LENGTH = 40  # Stay.plate; normalised plates are at most 20 characters


@dataclass(frozen=True)
class Applied:
    """What an event led to: its stay's id and status now, and whether this delivery changed anything
    (False: a repeated delivery, or a `before` check that answered)."""

    session_id: str
    status: str
    changed: bool

    @classmethod
    def of(cls, stay: Stay, *, changed: bool) -> "Applied":
        return cls(session_id=str(stay.id), status=stay.status, changed=changed)


Before = Callable[[Delivery], Awaitable[Applied | None]]


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
    applied = await apply_delivery(delivery)
    return WebhookAccepted(session_id=applied.session_id, status=applied.status)


async def apply_delivery(delivery: Delivery, before: Before | None = None) -> Applied:
    """Record `delivery` and apply it to the plate's stays (`rules`), in one transaction; tell the
    driver and wake the charging job after it commits. A repeated delivery answers the first one's
    stay and changes nothing."""
    effects = AfterCommit()
    apply = rules.apply_entry if delivery.event is CameraEvent.entry else rules.apply_exit
    answer: Applied | None = None
    try:
        async with in_transaction() as connection:
            await repository.lock_plate(connection, delivery.facility.id, delivery.plate_normalized)
            if before is not None:
                answer = await before(delivery)
            if answer is None:
                stay = await apply(delivery, effects)
    except DuplicateDeliveryError:
        first = await delivered_answer(delivery)
        if first is None:  # pragma: no cover - the unique row exists, or the insert would have passed
            raise ConflictError("This event conflicts with one being recorded; send it again.") from None
        return first
    if answer is not None:
        return answer
    await effects.run(delivery.services)
    return Applied.of(stay, changed=True)


async def delivered_answer(delivery: Delivery) -> Applied | None:
    """The answer to a repeat of an event recorded before (None: it was not)."""
    event = await repository.delivered_event(
        delivery.facility.id, delivery.plate_normalized, delivery.event.value, delivery.occurred_at
    )
    if event is None:
        return None
    stay = await Stay.get_or_none(id=event.stay_id) if event.stay_id else None  # type: ignore[attr-defined]
    if stay is None:  # the stay was erased since (retention): the event is all that is left
        return Applied(session_id=str(event.id), status=event.outcome, changed=False)
    return Applied.of(stay, changed=False)
