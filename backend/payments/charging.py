"""Charging a driver's stored payment method, recorded as a `Payment` row — never twice.

Every charge has an idempotency key chosen by the caller from what is being paid for (e.g.
`stay-exit:<stay id>`, `pass:<request key>`). The `Payment` row is created first with that key
(unique); the gateway is asked with the same key (its authorize is idempotent per key too). So a
retried job, a repeated request or two racing processes all end at the one row and one charge.

Call these *outside* a database transaction: the gateway is an external service, and a transaction
held across its latency would block others (and, on SQLite, every writer of the process).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.kit.services import AppServices
from backend.models import Payment, PaymentMethod
from backend.payments.gateways.base import (
    ChargeStateError,
    PaymentDeclinedError,
    PaymentGatewayUnavailableError,
    UnknownPaymentTokenError,
)
from backend.payments.gateways.registry import EXTRAS_KEY

DONE = {"captured", "authorized", "partially_refunded", "refunded", "voided"}


@dataclass(frozen=True)
class ChargeRequest:
    tenant_id: UUID
    driver_id: UUID | None
    method: PaymentMethod
    purpose: str  # stay, stay_prepay, session, extension, pass
    idempotency_key: str
    parking_amount: int
    service_fee_amount: int
    currency: str
    stay_id: UUID | None = None
    session_id: UUID | None = None
    pass_id: UUID | None = None
    covers_from: datetime | None = None
    covers_until: datetime | None = None

    @property
    def amount(self) -> int:
        return self.parking_amount + self.service_fee_amount


async def _payment_row(request: ChargeRequest) -> Payment:
    existing = await Payment.get_or_none(idempotency_key=request.idempotency_key)
    if existing is not None:
        return existing
    try:
        async with in_transaction():  # a savepoint when nested: a lost race must not abort the caller
            return await Payment.create(
                tenant_id=request.tenant_id,
                driver_id=request.driver_id,
                payment_method_id=request.method.id,
                purpose=request.purpose,
                stay_id=request.stay_id,
                session_id=request.session_id,
                parking_pass_id=request.pass_id,
                idempotency_key=request.idempotency_key,
                gateway=request.method.gateway,
                currency=request.currency,
                parking_amount=request.parking_amount,
                service_fee_amount=request.service_fee_amount,
                amount=request.amount,
                covers_from=request.covers_from,
                covers_until=request.covers_until,
            )
    except IntegrityError:
        return await Payment.get(idempotency_key=request.idempotency_key)


async def charge(services: AppServices, request: ChargeRequest, *, capture: bool = True) -> Payment:
    """Authorize (and by default capture) `request.amount` on the stored method.

    Returns the Payment: `captured` (or `authorized` with capture=False) when the money moved,
    `failed` with `failure_code`/`failure_reason` when the card was refused. A technical failure of
    the processor raises PaymentGatewayUnavailableError and leaves the row `pending`: retrying with
    the same key is safe. A key already charged returns its row untouched.
    """
    if request.amount <= 0:
        raise ValueError("charge() needs a positive amount; settle zero amounts without a payment")
    payment = await _payment_row(request)
    if payment.status in DONE or payment.status == "failed":
        return payment
    gateway = services.extras[EXTRAS_KEY].get(payment.gateway)
    try:
        authorization = await gateway.authorize(
            request.method.processor_token, payment.amount, payment.currency, request.idempotency_key
        )
    except (PaymentDeclinedError, UnknownPaymentTokenError) as exc:
        await Payment.filter(id=payment.id, status="pending").update(
            status="failed", failure_code=str(exc.code), failure_reason=exc.detail[:300]
        )
        await payment.refresh_from_db()
        return payment
    except PaymentGatewayUnavailableError as exc:
        await Payment.filter(id=payment.id).update(failure_reason=exc.detail[:300])
        raise
    await Payment.filter(id=payment.id, status="pending").update(
        status="authorized", charge_id=authorization.charge_id, failure_code=None, failure_reason=None
    )
    await payment.refresh_from_db()
    if capture:
        payment = await capture_payment(services, payment)
    return payment


async def capture_payment(services: AppServices, payment: Payment) -> Payment:
    """Capture an authorized payment (once: a second call returns it as it is)."""
    if payment.status != "authorized":
        return payment
    gateway = services.extras[EXTRAS_KEY].get(payment.gateway)
    try:
        await gateway.capture(payment.charge_id)
    except ChargeStateError:
        charge_state = await gateway.get_charge(payment.charge_id)
        if charge_state.captured_amount < payment.amount:
            raise
    await Payment.filter(id=payment.id, status="authorized").update(status="captured")
    await payment.refresh_from_db()
    return payment


async def void_payment(services: AppServices, payment: Payment) -> Payment:
    """Release an authorization that will not be captured (the provider refused the session)."""
    if payment.status != "authorized":
        return payment
    await services.extras[EXTRAS_KEY].get(payment.gateway).void(payment.charge_id)
    await Payment.filter(id=payment.id, status="authorized").update(status="voided")
    await payment.refresh_from_db()
    return payment


async def refund_payment(services: AppServices, payment: Payment, amount: int) -> Payment:
    """Refund up to what is left of a captured payment; the row keeps the refunded total."""
    refundable = payment.amount - payment.refunded_amount
    amount = min(amount, refundable)
    if amount <= 0 or payment.status not in ("captured", "partially_refunded"):
        return payment
    charge_state = await services.extras[EXTRAS_KEY].get(payment.gateway).refund(payment.charge_id, amount)
    status = "refunded" if charge_state.refunded_amount >= payment.amount else "partially_refunded"
    await Payment.filter(id=payment.id).update(
        refunded_amount=charge_state.refunded_amount, status=status, refunded_at=datetime.now(UTC)
    )
    await payment.refresh_from_db()
    return payment


async def refund_rest(services: AppServices, payment: Payment) -> Payment:
    """Refund all that is left of a captured payment. The gateway is asked first what it already
    refunded, so a retry after a crash between its refund and our row update never refunds twice."""
    if payment.status not in ("captured", "partially_refunded"):
        return payment
    gateway = services.extras[EXTRAS_KEY].get(payment.gateway)
    charge_state = await gateway.get_charge(payment.charge_id)
    left = payment.amount - charge_state.refunded_amount
    if left > 0:
        charge_state = await gateway.refund(payment.charge_id, left)
    status = "refunded" if charge_state.refunded_amount >= payment.amount else "partially_refunded"
    await Payment.filter(id=payment.id).update(
        refunded_amount=charge_state.refunded_amount, status=status, refunded_at=datetime.now(UTC)
    )
    await payment.refresh_from_db()
    return payment
