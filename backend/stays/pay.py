"""Paying a stay in the app: ahead while still inside, or the debt of an unpaid stay after leaving.

While inside, the driver pays for every increment started so far; the stay is then paid up to the end
of the last one (`paid_until`, which enforcement honours), and the exit charges only what the rest of
the stay adds (nothing when leaving before `paid_until`). An `unpaid` stay (a declined card, auto-pay
off) is settled by paying what is owed.

The card is charged first, outside any transaction; the stay is then updated only if it is still as
it was read (same status, same paid amount). When it changed meanwhile (the car left and the exit
priced it at that very moment) the payment is refunded and the answer is a 409: never counted twice.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from backend.drivers.repository import PaymentMethodRepository
from backend.kit.errors import ConflictError
from backend.kit.repository import parse_uuid
from backend.kit.services import AppServices
from backend.models import Driver, Payment, PaymentMethod, Stay
from backend.notifications.receipts import queue_receipt
from backend.payments.charging import ChargeRequest, capture_payment, charge, refund_payment
from backend.stays import pricing
from backend.stays.effects import AfterCommit
from backend.stays.repository import DriverParking
from backend.stays.settle import paid_parking_amount
from backend.stays.views import stay_item
from shared.errors import ErrorCode, ParkflowError
from shared.schemas.events import DriverEventKind, StayPaid
from shared.schemas.stays import ParkingItem, StayPayment

PAYABLE = ("open", "unpaid")
PREPAY = "stay_prepay"
DEBT = "stay"


@dataclass(frozen=True)
class Due:
    purpose: str
    parking_amount: int
    service_fee_amount: int
    covers_from: datetime | None
    covers_until: datetime

    @property
    def amount(self) -> int:
        return self.parking_amount + self.service_fee_amount


async def pay_stay(
    services: AppServices, driver: Driver, stay_id: str, body: StayPayment, idempotency_key: str | None
) -> ParkingItem:
    """Charge what is due on the driver's stay now (see the module doc)."""
    parking = DriverParking(driver)
    stay = await parking.stay(parse_uuid(stay_id, "stay"))
    if stay is None:
        await parking.get(stay_id)  # a 404 unless it is one of the driver's prepaid sessions
        raise ConflictError("This is a prepaid session: it was paid when it started.")
    key = f"stay-pay:{driver.id}:{idempotency_key}" if idempotency_key else None
    existing = await Payment.get_or_none(idempotency_key=key) if key else None
    if existing is not None:
        return await _replay(services, parking, stay, existing)
    if stay.status not in PAYABLE:
        raise ConflictError(
            f"This stay is {stay.status.replace('_', ' ')}; only an open or unpaid stay can be paid."
        )

    due = await _due(stay, datetime.now(UTC))
    if due is None:  # nothing to pay: the answer is the stay as it is
        return await _view(parking, stay.id)
    method = await _method(driver, body.payment_method_id)
    if key is None:
        key = f"{due.purpose}:{stay.id}:{due.covers_until.isoformat()}:{stay.paid_amount}:{method.id}"
    request = ChargeRequest(
        tenant_id=stay.tenant_id,  # type: ignore[attr-defined]
        driver_id=driver.id,
        method=method,
        purpose=due.purpose,
        idempotency_key=key,
        parking_amount=due.parking_amount,
        service_fee_amount=due.service_fee_amount,
        currency=stay.currency,
        stay_id=stay.id,
        covers_from=due.covers_from,
        covers_until=due.covers_until,
    )
    payment = await charge(services, request)
    return await _settle(services, parking, stay, payment)


async def _due(stay: Stay, now: datetime) -> Due | None:
    """What paying now would charge; None when nothing is due (a free period, paid ahead, a stay whose
    debt is already covered: such a stay is marked paid here)."""
    paid_parking = await paid_parking_amount(stay.id)
    if stay.status == "open":
        amounts = pricing.amounts(stay.facility, stay.tenant, stay.entered_at, now)
        purpose, covers_until = PREPAY, amounts.charged_until
    else:
        amounts = pricing.StayAmounts(stay.parking_amount, stay.service_fee_amount, stay.exited_at)
        purpose, covers_until = DEBT, stay.exited_at
    parking_due, fee_due = pricing.split_due(amounts, paid_parking, stay.paid_amount)
    if parking_due + fee_due == 0:
        if stay.status == "open" and amounts.total_amount > 0:
            # Paid up to the daily cap: the increments started since cost nothing more.
            await Stay.filter(
                Q(paid_until=None) | Q(paid_until__lt=covers_until), id=stay.id, status="open"
            ).update(paid_until=covers_until)
        elif stay.status == "unpaid":
            await Stay.filter(id=stay.id, status="unpaid").update(status="paid", failure_reason=None)
        return None
    return Due(purpose, parking_due, fee_due, stay.paid_until or stay.entered_at, covers_until)


async def _method(driver: Driver, method_id: str | None) -> PaymentMethod:
    if method_id is not None:
        return await PaymentMethodRepository(driver.id).get(method_id)
    method = await PaymentMethod.filter(driver_id=driver.id, is_default=True).first()
    if method is None:
        raise ParkflowError(
            "You have no saved card; add one under payment methods, then pay again.",
            ErrorCode.validation_error,
        )
    return method


def _declined(payment: Payment) -> ParkflowError:
    try:
        code = ErrorCode(payment.failure_code or ErrorCode.payment_declined)
    except ValueError:
        code = ErrorCode.payment_declined
    return ParkflowError(payment.failure_reason or "The card was declined; use another card.", code)


async def _replay(services: AppServices, parking: DriverParking, stay: Stay, payment: Payment) -> ParkingItem:
    """The same Idempotency-Key again: the first answer, and nothing done twice."""
    if payment.stay_id != stay.id or payment.purpose not in (PREPAY, DEBT):  # type: ignore[attr-defined]
        raise ConflictError("This Idempotency-Key was already used for another payment; use a new key.")
    if payment.status in ("pending", "authorized"):  # the first attempt met a processor outage
        method = await PaymentMethod.get_or_none(id=payment.payment_method_id)  # type: ignore[attr-defined]
        if method is None:
            raise ConflictError("The card of this payment was removed; pay again with a new Idempotency-Key.")
        payment = await charge(services, _retry_request(payment, method))
    return await _settle(services, parking, stay, payment)


def _retry_request(payment: Payment, method: PaymentMethod) -> ChargeRequest:
    return ChargeRequest(
        tenant_id=payment.tenant_id,  # type: ignore[attr-defined]
        driver_id=payment.driver_id,  # type: ignore[attr-defined]
        method=method,
        purpose=payment.purpose,
        idempotency_key=payment.idempotency_key,
        parking_amount=payment.parking_amount,
        service_fee_amount=payment.service_fee_amount,
        currency=payment.currency,
        stay_id=payment.stay_id,  # type: ignore[attr-defined]
        covers_from=payment.covers_from,
        covers_until=payment.covers_until,
    )


def _applied(stay: Stay, payment: Payment) -> bool:
    if payment.purpose == PREPAY:
        return stay.paid_until is not None and stay.paid_until >= payment.covers_until
    return stay.status == "paid"


async def _settle(services: AppServices, parking: DriverParking, stay: Stay, payment: Payment) -> ParkingItem:
    if payment.status == "failed":
        raise _declined(payment)
    if payment.status == "authorized":
        payment = await capture_payment(services, payment)
    if payment.status != "captured" or _applied(stay, payment):
        return await _view(parking, stay.id)  # a refunded payment (a lost race) is not applied again
    if payment.purpose == PREPAY:
        expected_status = "open"
        values = {"paid_until": payment.covers_until}
    else:
        expected_status = "unpaid"
        settled = stay.paid_amount + payment.amount >= stay.total_amount
        values = {"status": "paid", "failure_reason": None} if settled else {}
    async with in_transaction():
        updated = await Stay.filter(id=stay.id, status=expected_status, paid_amount=stay.paid_amount).update(
            paid_amount=stay.paid_amount + payment.amount, **values
        )
        if updated:
            await queue_receipt(payment.id)
    if not updated:
        await stay.refresh_from_db()
        if _applied(stay, payment):  # the same payment applied by a concurrent identical request
            return await _view(parking, stay.id)
        await refund_payment(services, payment, payment.amount - payment.refunded_amount)
        raise ConflictError(
            "The stay changed while you were paying (it may have just ended), so the payment was "
            "refunded; look at the stay and pay again if something is still due."
        )
    effects = AfterCommit()
    effects.wake_jobs()
    effects.notify(
        payment.driver_id,  # type: ignore[attr-defined]
        DriverEventKind.stay_paid,
        StayPaid(
            stay_id=str(stay.id),
            facility=stay.facility.slug,
            facility_name=stay.facility.name,
            license_plate=stay.plate,
            payment_id=str(payment.id),
            paid_until=payment.covers_until if payment.purpose == PREPAY else None,
            amount=payment.amount,
            currency=payment.currency,
        ),
    )
    await effects.run(services)
    return await _view(parking, stay.id)


async def _view(parking: DriverParking, stay_id: UUID) -> ParkingItem:
    stay = await parking.stay(stay_id)
    assert stay is not None  # visible a moment ago; stays are not deleted while in use
    return stay_item(stay, datetime.now(UTC))
