"""Ending a stay: price it, then settle it (nothing due, charge the driver's card, or leave it owed).

`close_stay` runs inside the transaction that records the exit (or the late entry that completes an
exit seen first). It prices the whole stay with the facility's tariff, subtracts what was already paid
in the app, and decides:

* nothing due (free period, or paid ahead in the app) -> `paid`;
* the plate's driver has auto-pay on and a default card -> `payment_pending` and a
  `charge_stay_exit` job, queued in the same transaction (the card is never charged inside the
  webhook request);
* otherwise -> `unpaid` with the reason, for the invoice workflow (the driver can pay it in the app).

The job (`charge_stay_exit`) charges what is due with the idempotency key `stay-exit:<stay id>`, so a
retry after a processor outage, or a job run twice, charges once.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backend.kit.services import AppServices
from backend.models import Facility, Payment, PaymentMethod, Stay, Tenant
from backend.notifications.receipts import queue_receipt
from backend.payments.charging import ChargeRequest, capture_payment, charge
from backend.stays import pricing
from backend.stays.effects import AfterCommit
from backend.stays.owners import driver_owner, plate_owner, unpaid_reason
from backend.worker.runner import enqueue
from shared.schemas.events import DriverEventKind, ExitCharged, PaymentFailed

CHARGE_STAY_EXIT = "charge_stay_exit"
CLOSABLE = ("open", "needs_review")
SETTLED_PAYMENTS = ("captured", "partially_refunded", "refunded")


async def close_stay(
    stay: Stay,
    *,
    facility: Facility,
    tenant: Tenant,
    exited_at: datetime,
    effects: AfterCommit,
    changes: dict[str, Any] | None = None,
) -> Stay:
    """End `stay` at `exited_at` and settle it (see the module doc). `changes` are extra column values
    written with it (the exit image, or the entry of a late-arriving entry event).

    The update is conditional on the status and paid amount read, so a payment made in the app at the
    same moment is either counted here or refused there (`pay.py`), never lost or charged twice.
    """
    changes = dict(changes or {})
    owner = await plate_owner(stay.plate_normalized)
    for _ in range(5):
        entered_at = changes.get("entered_at", stay.entered_at)
        amounts = pricing.amounts(facility, tenant, entered_at, exited_at)
        due = max(0, amounts.total_amount - stay.paid_amount)
        reason = None if due == 0 else unpaid_reason(owner)
        status = "paid" if due == 0 else ("unpaid" if reason else "payment_pending")
        values = {
            **changes,
            "status": status,
            "exited_at": exited_at,
            "free_until": pricing.free_until(facility, entered_at),
            "parking_amount": amounts.parking_amount,
            "service_fee_amount": amounts.service_fee_amount,
            "total_amount": amounts.total_amount,
            "failure_reason": reason,
            "review_reason": None,
            "driver_id": owner.driver_id if owner else stay.driver_id,  # type: ignore[attr-defined]
        }
        updated = await Stay.filter(id=stay.id, status=stay.status, paid_amount=stay.paid_amount).update(
            **values
        )
        if updated == 1:
            break
        await stay.refresh_from_db()  # paid in the app meanwhile: price again with that
        if stay.status not in CLOSABLE:
            return stay
    else:  # pragma: no cover - five concurrent in-app payments in one exit
        raise RuntimeError(f"stay {stay.id} kept changing while it was closed")
    for name, value in values.items():
        setattr(stay, name, value)

    if status == "payment_pending":
        await enqueue(CHARGE_STAY_EXIT, {"stay_id": str(stay.id)})
        effects.wake_jobs()
    elif owner is not None and status == "paid":
        effects.notify(owner.driver_id, DriverEventKind.exit_charged, _exit_charged(stay, facility, None))
    elif owner is not None:
        effects.notify(owner.driver_id, DriverEventKind.payment_failed, _payment_failed(stay, facility, None))
    return stay


def _exit_charged(stay: Stay, facility: Facility, payment: Payment | None) -> ExitCharged:
    return ExitCharged(
        stay_id=str(stay.id),
        facility=facility.slug,
        facility_name=facility.name,
        timezone=facility.timezone,
        license_plate=stay.plate,
        exited_at=stay.exited_at,
        payment_id=str(payment.id) if payment else None,
        parking_amount=payment.parking_amount if payment else 0,
        service_fee_amount=payment.service_fee_amount if payment else 0,
        total_amount=payment.amount if payment else 0,
        currency=stay.currency,
        stay_total_amount=stay.total_amount,
        paid_amount=stay.paid_amount,
    )


def _payment_failed(stay: Stay, facility: Facility, payment: Payment | None) -> PaymentFailed:
    return PaymentFailed(
        payment_id=str(payment.id) if payment else None,
        stay_id=str(stay.id),
        facility=facility.slug,
        facility_name=facility.name,
        license_plate=stay.plate,
        amount=max(0, stay.total_amount - stay.paid_amount),
        currency=stay.currency,
        reason=stay.failure_reason or "The stay is unpaid",
    )


async def paid_parking_amount(stay_id: UUID) -> int:
    """The parking part (without fees) of what was paid for this stay so far."""
    amounts = await Payment.filter(
        stay_id=stay_id, status__in=("captured", "partially_refunded")
    ).values_list("parking_amount", flat=True)
    return sum(amounts)


async def charge_stay_exit(services: AppServices, payload: dict[str, Any]) -> None:
    """Job handler: charge an exited stay to the driver's default card, once.

    Returns at once when the stay is no longer `payment_pending` (already settled). The card is
    charged outside any transaction; the stay is then `paid` (and a receipt queued) or `unpaid` with
    the decline as its `failure_reason`, the amount still owed. A processor outage raises
    PaymentGatewayUnavailableError: the job is retried with the same key, so nothing is charged twice.
    """
    stay = await Stay.get_or_none(id=UUID(payload["stay_id"])).select_related("facility")
    if stay is None or stay.status != "payment_pending":
        return
    facility = stay.facility
    effects = AfterCommit()
    key = f"stay-exit:{stay.id}"
    found = await driver_owner(stay.driver_id) if stay.driver_id else None  # type: ignore[attr-defined]
    owner, default_method = found if found else (None, None)
    existing = await Payment.get_or_none(idempotency_key=key)
    method = await _method_for(existing, default_method)
    if owner is None or method is None or (existing is None and not owner.can_auto_pay):
        # Auto-pay was turned off (or the card removed) between the exit and this job.
        reason = unpaid_reason(owner) or "No payment method"
        if await Stay.filter(id=stay.id, status="payment_pending").update(
            status="unpaid", failure_reason=reason
        ):
            stay.status, stay.failure_reason = "unpaid", reason
            failed = _payment_failed(stay, facility, None)
            effects.notify(stay.driver_id, DriverEventKind.payment_failed, failed)  # type: ignore[attr-defined]
        await effects.run(services)
        return

    total = pricing.StayAmounts(stay.parking_amount, stay.service_fee_amount, stay.exited_at)
    parking_due, fee_due = pricing.split_due(total, await paid_parking_amount(stay.id), stay.paid_amount)
    if existing is None and parking_due + fee_due == 0:
        if await Stay.filter(id=stay.id, status="payment_pending").update(status="paid", failure_reason=None):
            stay.status = "paid"
            effects.notify(owner.driver_id, DriverEventKind.exit_charged, _exit_charged(stay, facility, None))
        await effects.run(services)
        return

    payment = await charge(
        services,
        ChargeRequest(
            tenant_id=stay.tenant_id,  # type: ignore[attr-defined]
            driver_id=owner.driver_id,
            method=method,
            purpose="stay",
            idempotency_key=key,
            parking_amount=parking_due,
            service_fee_amount=fee_due,
            currency=stay.currency,
            stay_id=stay.id,
            covers_from=stay.paid_until or stay.entered_at,
            covers_until=stay.exited_at,
        ),
    )
    if payment.status == "authorized":  # a retry after the capture itself failed
        payment = await capture_payment(services, payment)
    await _record_charge(services, stay, facility, payment, effects)


async def _method_for(existing: Payment | None, default: PaymentMethod | None) -> PaymentMethod | None:
    """A retry charges the card the first attempt used; a first attempt the current default."""
    if existing is not None and existing.payment_method_id is not None:  # type: ignore[attr-defined]
        method = await PaymentMethod.get_or_none(id=existing.payment_method_id)  # type: ignore[attr-defined]
        if method is not None:
            return method
    return default


async def _record_charge(
    services: AppServices, stay: Stay, facility: Facility, payment: Payment, effects: AfterCommit
) -> None:
    async with in_transaction():
        if payment.status in SETTLED_PAYMENTS:
            updated = await Stay.filter(id=stay.id, status="payment_pending").update(
                status="paid", paid_amount=F("paid_amount") + payment.amount, failure_reason=None
            )
            if updated:
                await queue_receipt(payment.id)
                stay.status, stay.paid_amount = "paid", stay.paid_amount + payment.amount
                effects.notify(
                    payment.driver_id,  # type: ignore[attr-defined]
                    DriverEventKind.exit_charged,
                    _exit_charged(stay, facility, payment),
                )
                effects.wake_jobs()
        else:
            detail = payment.failure_reason or f"the payment is {payment.status}"
            reason = f"Card declined: {detail}"[:300]
            updated = await Stay.filter(id=stay.id, status="payment_pending").update(
                status="unpaid", failure_reason=reason
            )
            if updated:
                stay.status, stay.failure_reason = "unpaid", reason
                effects.notify(
                    payment.driver_id,  # type: ignore[attr-defined]
                    DriverEventKind.payment_failed,
                    _payment_failed(stay, facility, payment),
                )
    await effects.run(services)


async def give_up_stay_exit(payload: dict[str, Any]) -> None:
    """The charge job failed every attempt (processor down for long): leave the stay `unpaid` with
    the reason, for the invoice workflow, rather than stuck in `payment_pending`."""
    await Stay.filter(id=UUID(payload["stay_id"]), status="payment_pending").update(
        status="unpaid", failure_reason="The payment processor was unavailable; the stay is invoiced instead."
    )
