"""Correcting a misread plate on a stay: audited, re-linked to the plate's driver, payment re-evaluated.

The driver is found exactly as the camera intake finds one (`backend.stays.owners.plate_owner`), and
the stay is then settled the way its exit would have been with the right plate:

* paid: stays paid, only re-linked (the operator is told whose card paid, should that be refunded);
* exited and unpaid, and the new driver has auto-pay and a card: `payment_pending` and the exit
  charging job (`backend.stays.settle.CHARGE_STAY_EXIT`), whose idempotency key is the stay's: a
  stay is charged at exit once, however often its plate is corrected;
* exited and unpaid otherwise: stays unpaid with the new reason (and the new driver is told, as the
  exit tells them);
* open: the new driver is told of the entry (and reminded before the free period ends), as the
  webhook would; the exit charges them.

Nothing is charged while a live invoice collects the stay, or when an exit charge was already
declined (that job does not retry a declined card). A stay whose card is being charged right now
(`payment_pending`) cannot be corrected until that settles.
"""

from typing import Any

from tortoise.transactions import in_transaction

from backend.anpr.repository import lock_plate
from backend.audit import service as audit
from backend.auth.dependencies import OperatorContext
from backend.kit.errors import ConflictError
from backend.kit.services import AppServices
from backend.models import Driver, Facility, Invoice, Payment, Stay
from backend.notifications.reminders import schedule_free_period_reminder
from backend.records.detail import stay_detail_of
from backend.records.repository import StayRepository
from backend.stays.effects import AfterCommit
from backend.stays.owners import AUTO_PAY_OFF, NO_DRIVER, NO_METHOD, PlateOwner, plate_owner, unpaid_reason
from backend.stays.settle import CHARGE_STAY_EXIT, SETTLED_PAYMENTS
from backend.worker.runner import enqueue
from shared.errors import ErrorCode, ParkflowError
from shared.money import format_amount
from shared.plates import InvalidPlateError, normalize_plate
from shared.schemas.admin_records import CorrectionPayment, PlateCorrection, PlateCorrectionResult
from shared.schemas.events import DriverEventKind, EntryDetected, PaymentFailed

MAX_PLATE_LENGTH = 40  # Stay.plate
_REASONS = {
    NO_DRIVER: CorrectionPayment.no_driver,
    AUTO_PAY_OFF: CorrectionPayment.auto_pay_off,
    NO_METHOD: CorrectionPayment.no_payment_method,
}


def _valid_plate(raw: str) -> tuple[str, str]:
    plate = raw.strip()
    try:
        normalized = normalize_plate(plate)
    except InvalidPlateError as exc:
        raise InvalidPlateError(f"'plate': {exc.detail}") from None
    if len(plate) > MAX_PLATE_LENGTH:
        raise InvalidPlateError(f"'plate': the licence plate is longer than {MAX_PLATE_LENGTH} characters.")
    return plate, normalized


async def _locked_stay(ctx: OperatorContext, stay_id: str) -> Stay:
    stay = await StayRepository(ctx.tenant_id).detail(stay_id)
    # Lock the row (PostgreSQL) so the exit, an in-app payment or a second correction waits for us.
    await Stay.filter(id=stay.id).select_for_update().first()
    await stay.refresh_from_db()
    return stay


class _Decision:
    """What the correction writes and tells, decided from the stay and its new owner."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.payment = CorrectionPayment.nothing_due
        self.message = ""
        self.charge = False


async def _decide(stay: Stay, owner: PlateOwner | None, new_email: str | None) -> _Decision:
    decision = _Decision()
    currency = stay.currency
    due = max(0, stay.total_amount - stay.paid_amount)
    who = new_email or "no driver account"
    if stay.status == "paid":
        decision.payment = CorrectionPayment.already_paid
        payers = await Payment.filter(stay_id=stay.id, status__in=SETTLED_PAYMENTS).select_related("driver")
        others = sorted({p.driver.email for p in payers if p.driver and p.driver.email != new_email})
        decision.message = f"The stay was already paid; it now belongs to {who}."
        if others:
            decision.message += f" It was paid by {', '.join(others)}: refund them if that was wrong."
        return decision
    if stay.status == "open":
        decision.payment = CorrectionPayment.at_exit
        decision.message = f"The car is still inside; {who} is charged when it leaves" + (
            " (the driver was told)." if owner else "."
        )
        return decision
    if stay.status == "needs_review":
        decision.payment = CorrectionPayment.needs_review
        decision.message = f"The stay needs review (its events do not pair up); it now belongs to {who}."
        return decision
    if due == 0:
        decision.message = f"Nothing is owed; the stay now belongs to {who}."
        return decision
    owed = format_amount(due, currency)
    live = await Invoice.filter(stay_id=stay.id, live_slot="live").first()
    if live is not None:
        decision.payment = CorrectionPayment.invoiced
        decision.message = (
            f"A live invoice collects the {owed}; nothing was charged. Void it (and issue a new one for the "
            "corrected plate) to collect otherwise."
        )
        return decision
    reason = unpaid_reason(owner)
    if reason is not None:
        decision.payment = _REASONS.get(reason, CorrectionPayment.no_driver)
        decision.values["failure_reason"] = reason
        decision.message = f"The stay stays unpaid ({owed} owed): {reason.lower()}."
        return decision
    if await Payment.exists(idempotency_key=f"stay-exit:{stay.id}"):
        decision.payment = CorrectionPayment.previously_declined
        decision.message = (
            f"An automatic charge of this stay was already declined and is not retried; {who} can pay the "
            f"{owed} in the app, or issue an invoice."
        )
        return decision
    decision.payment = CorrectionPayment.charge_queued
    decision.values.update(status="payment_pending", failure_reason=None)
    decision.charge = True
    decision.message = f"The stay now belongs to {who}, whose card is being charged {owed}."
    return decision


def _tell_driver(
    effects: AfterCommit, stay: Stay, facility: Facility, owner: PlateOwner, decision: _Decision
) -> None:
    """What the camera intake would have told the new driver about this stay."""
    if decision.payment is CorrectionPayment.at_exit:
        entry = EntryDetected(
            stay_id=str(stay.id),
            facility=facility.slug,
            facility_name=facility.name,
            timezone=facility.timezone,
            license_plate=stay.plate,
            entered_at=stay.entered_at,
            free_until=stay.free_until,
        )
        effects.notify(owner.driver_id, DriverEventKind.entry_detected, entry)
    elif decision.payment in _REASONS.values():
        failed = PaymentFailed(
            stay_id=str(stay.id),
            facility=facility.slug,
            facility_name=facility.name,
            license_plate=stay.plate,
            amount=max(0, stay.total_amount - stay.paid_amount),
            currency=stay.currency,
            reason=decision.values.get("failure_reason") or "The stay is unpaid",
        )
        effects.notify(owner.driver_id, DriverEventKind.payment_failed, failed)


async def correct_plate(
    services: AppServices, ctx: OperatorContext, stay_id: str, body: PlateCorrection
) -> PlateCorrectionResult:
    plate, normalized = _valid_plate(body.plate)
    effects = AfterCommit()
    async with in_transaction() as connection:
        stay = await _locked_stay(ctx, stay_id)
        if normalized == stay.plate_normalized:
            raise ParkflowError(
                f"'plate': the stay already has the plate {stay.plate} (plates compare without spaces, "
                "'-' and '.'); enter the plate it should have.",
                ErrorCode.validation_error,
            )
        if stay.status == "payment_pending":
            raise ConflictError(
                "The driver's card is being charged for this stay right now; correct the plate once that has "
                "settled (in a few seconds)."
            )
        # Serialise with camera events of both plates at this facility (as the intake does).
        for locked in sorted({stay.plate_normalized, normalized}):
            await lock_plate(connection, stay.facility_id, locked)  # type: ignore[attr-defined]
        previous, previous_driver = stay.plate, stay.driver.email if stay.driver else None
        owner = await plate_owner(normalized)
        driver = await Driver.get_or_none(id=owner.driver_id) if owner else None
        new_email = driver.email if driver else None
        decision = await _decide(stay, owner, new_email)
        values = {
            "plate": plate,
            "plate_normalized": normalized,
            "driver_id": owner.driver_id if owner else None,
            **decision.values,
        }
        updated = await Stay.filter(id=stay.id, status=stay.status, paid_amount=stay.paid_amount).update(
            **values
        )
        if updated != 1:  # pragma: no cover - the row is locked on PostgreSQL; SQLite runs one writer
            raise ConflictError("The stay changed while it was being corrected; reload it and try again.")
        await audit.record(
            ctx,
            ctx.tenant_id,
            "stay.plate_corrected",
            "stay",
            stay.id,
            {
                "from": previous,
                "to": plate,
                "reason": body.reason,
                "driver_from": previous_driver,
                "driver_to": new_email,
                "payment": decision.payment.value,
            },
        )
        if decision.charge:
            await enqueue(CHARGE_STAY_EXIT, {"stay_id": str(stay.id)})
            effects.wake_jobs()
        await stay.refresh_from_db()
        stay.driver = driver  # type: ignore[assignment]
        changed_driver = owner is not None and new_email != previous_driver
        if decision.payment is CorrectionPayment.at_exit and owner is not None:
            await schedule_free_period_reminder(
                stay.id, stay.free_until, lead_minutes=services.settings.free_period_reminder_minutes
            )
            effects.wake_jobs()
        if changed_driver and owner is not None:
            _tell_driver(effects, stay, stay.facility, owner, decision)
    await effects.run(services)
    return PlateCorrectionResult(
        previous_plate=previous,
        payment=decision.payment,
        message=decision.message,
        stay=await stay_detail_of(stay),
    )
