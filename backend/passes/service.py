"""Buying a pass: charge the product (+ the operator's service fee), then the pass is valid.

Order of work, so a driver is never charged twice nor charged without a pass:

1. A `pending` pass is stored (invisible to enforcement and to the driver's list).
2. The charge runs outside any transaction, keyed `pass:<driver>:<Idempotency-Key>` (a fresh key
   when the header is absent). The Payment row with that key is the idempotency record: a repeated
   request finds it, and with it the pass of the first request.
3. Captured: one conditional UPDATE `pending -> active` plus the receipt job in one transaction;
   whoever wins it (one request, however many raced) notifies the driver. Declined: the pass becomes
   `failed` and the answer is a 402 — the same 402 for a retry with the same key.

The plate need not be one of the driver's vehicles and is NOT registered as one: a pass bought for
a company or family car must not make this driver's card pay that car's camera-detected stays.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from tortoise.transactions import in_transaction

from backend.drivers.repository import PaymentMethodRepository
from backend.kit.errors import ConflictError, NotFoundError
from backend.kit.services import AppServices
from backend.models import Driver, Facility, ParkingPass, PassProduct, Payment, PaymentMethod, Tenant
from backend.notifications.events import notify_driver
from backend.notifications.receipts import queue_receipt
from backend.passes.listing import pass_out
from backend.passes.repository import PassRow, pass_row
from backend.payments.charging import ChargeRequest, charge
from backend.payments.gateways.base import PaymentGatewayUnavailableError
from shared.errors import ErrorCode, ParkflowError
from shared.plates import InvalidPlateError, normalize_plate
from shared.pricing import service_fee_amount
from shared.schemas.passes import PassOut, PassPurchase
from shared.schemas.tariff import ServiceFee

MAX_TYPED_PLATE_LENGTH = 40  # ParkingPass.plate
MAX_IDEMPOTENCY_KEY_LENGTH = 100
PAST_TOLERANCE = timedelta(minutes=5)  # a valid_from a little in the past: clock skew, slow typing
MAX_ADVANCE = timedelta(days=366)
SETTLED = {"captured", "partially_refunded", "refunded"}


def _invalid(detail: str) -> ParkflowError:
    return ParkflowError(detail, ErrorCode.validation_error)


async def _facility_and_product(body: PassPurchase) -> tuple[Facility, PassProduct]:
    facility = await Facility.get_or_none(slug=body.facility.strip().lower())
    if facility is None:
        raise NotFoundError(f"No facility '{body.facility}'.")
    product = await PassProduct.get_or_none(facility_id=facility.id, slug=body.product.strip().lower())
    if product is None:
        raise NotFoundError(f"The facility '{facility.slug}' sells no pass '{body.product}'.")
    return facility, product


def _for_sale(facility: Facility, product: PassProduct) -> None:
    if not product.is_active:
        raise _invalid(f"The pass '{product.slug}' is no longer on sale at {facility.name}; choose another.")


def _valid_from(body: PassPurchase, now: datetime) -> datetime:
    if body.valid_from is None:
        return now
    if body.valid_from < now - PAST_TOLERANCE:
        raise _invalid("'valid_from' is in the past; a pass can start now or later.")
    if body.valid_from > now + MAX_ADVANCE:
        raise _invalid("'valid_from' is more than a year ahead; buy the pass closer to the date.")
    return body.valid_from


def _plate(body: PassPurchase) -> tuple[str, str]:
    typed = body.license_plate.strip()
    normalized = normalize_plate(typed)
    if len(typed) > MAX_TYPED_PLATE_LENGTH:
        raise InvalidPlateError(
            f"The licence plate is longer than {MAX_TYPED_PLATE_LENGTH} characters; "
            "enter it as it is written on the car."
        )
    return typed, normalized


def _charge_key(driver: Driver, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return f"pass:{driver.id}:{uuid4().hex}"
    key = idempotency_key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise _invalid(f"The Idempotency-Key header must hold 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters.")
    return f"pass:{driver.id}:{key}"


@dataclass(frozen=True)
class _Wanted:
    """What a purchase asks for: a repeated Idempotency-Key must ask for the same."""

    facility: Facility
    product: PassProduct
    plate_normalized: str
    method: PaymentMethod
    valid_from: datetime | None

    def matches(self, first: ParkingPass, payment: Payment) -> bool:
        return (
            first.facility_id == self.facility.id  # type: ignore[attr-defined]
            and first.product_id == self.product.id  # type: ignore[attr-defined]
            and first.plate_normalized == self.plate_normalized
            and payment.payment_method_id == self.method.id  # type: ignore[attr-defined]
            and (self.valid_from is None or self.valid_from == first.valid_from)
        )


def _failure_code(code: str | None) -> ErrorCode:
    try:
        return ErrorCode(code or ErrorCode.payment_declined)
    except ValueError:
        return ErrorCode.payment_declined


def _reused_key() -> ConflictError:
    return ConflictError(
        "This Idempotency-Key was already used for a different pass purchase; "
        "send a new key for a new purchase."
    )


async def purchase(
    services: AppServices, driver: Driver, body: PassPurchase, idempotency_key: str | None
) -> PassOut:
    """Charge and issue a pass (see the module docstring); the same key and body answer the same."""
    typed, normalized = _plate(body)
    facility, product = await _facility_and_product(body)
    method = await PaymentMethodRepository(driver.id).get(body.payment_method_id)
    key = _charge_key(driver, idempotency_key)
    now = datetime.now(UTC)

    wanted = _Wanted(facility, product, normalized, method, body.valid_from)
    existing = await Payment.get_or_none(idempotency_key=key)
    if existing is not None:
        return await _replay(services, driver, existing, wanted)

    _for_sale(facility, product)  # checked after the replay: a retry still gets its first answer
    valid_from = _valid_from(body, now)
    tenant = await Tenant.get(id=facility.tenant_id)  # type: ignore[attr-defined]
    fee = service_fee_amount(
        product.amount,
        ServiceFee(percent=tenant.service_fee_percent, fixed_amount=tenant.service_fee_fixed_amount),
    )
    if product.amount == 0:
        return await _issue_free(services, driver, tenant, facility, product, typed, normalized, valid_from)
    parking_pass = await ParkingPass.create(
        tenant_id=tenant.id,
        facility_id=facility.id,
        product_id=product.id,
        driver_id=driver.id,
        plate=typed,
        plate_normalized=normalized,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=product.days),
        status="pending",
        amount=product.amount,
        currency=tenant.currency,
    )
    request = ChargeRequest(
        tenant_id=tenant.id,
        driver_id=driver.id,
        method=method,
        purpose="pass",
        idempotency_key=key,
        parking_amount=product.amount,
        service_fee_amount=fee,
        currency=tenant.currency,
        pass_id=parking_pass.id,
        covers_from=parking_pass.valid_from,
        covers_until=parking_pass.valid_until,
    )
    try:
        payment = await charge(services, request)
    except PaymentGatewayUnavailableError:
        if idempotency_key is None:  # nobody can retry this one: it will never be paid
            await ParkingPass.filter(id=parking_pass.id, status="pending").update(status="failed")
        raise
    if payment.parking_pass_id != parking_pass.id:  # type: ignore[attr-defined]
        # A concurrent request with the same key created the payment first: answer as it does.
        await ParkingPass.filter(id=parking_pass.id, status="pending").delete()
        return await _replay(services, driver, payment, wanted)
    return await _settle(services, driver, parking_pass.id, payment)


async def _issue_free(
    services: AppServices,
    driver: Driver,
    tenant: Tenant,
    facility: Facility,
    product: PassProduct,
    typed: str,
    normalized: str,
    valid_from: datetime,
) -> PassOut:
    """A product priced 0 (a resident's permit): nothing to charge, no fee, no receipt. Without a
    payment there is no idempotency record: a retried request issues a second (free) pass."""
    parking_pass = await ParkingPass.create(
        tenant_id=tenant.id,
        facility_id=facility.id,
        product_id=product.id,
        driver_id=driver.id,
        plate=typed,
        plate_normalized=normalized,
        valid_from=valid_from,
        valid_until=valid_from + timedelta(days=product.days),
        status="active",
        amount=0,
        currency=tenant.currency,
    )
    row = await pass_row(parking_pass.id)
    await _notify(services, driver, row, None)
    return pass_out(row, datetime.now(UTC))


async def _replay(services: AppServices, driver: Driver, payment: Payment, wanted: _Wanted) -> PassOut:
    pass_id = payment.parking_pass_id  # type: ignore[attr-defined]
    first = await ParkingPass.get_or_none(id=pass_id) if pass_id is not None else None
    if first is None or payment.purpose != "pass" or not wanted.matches(first, payment):
        raise _reused_key()
    if payment.status not in SETTLED and payment.status != "failed":
        # The first attempt stopped half-way (the processor did not answer): finish it, same key.
        payment = await charge(
            services,
            ChargeRequest(
                tenant_id=payment.tenant_id,  # type: ignore[attr-defined]
                driver_id=driver.id,
                method=wanted.method,
                purpose="pass",
                idempotency_key=payment.idempotency_key,
                parking_amount=payment.parking_amount,
                service_fee_amount=payment.service_fee_amount,
                currency=payment.currency,
                pass_id=first.id,
            ),
        )
    return await _settle(services, driver, first.id, payment)


async def _settle(services: AppServices, driver: Driver, pass_id: UUID, payment: Payment) -> PassOut:
    if payment.status == "failed":
        await ParkingPass.filter(id=pass_id, status="pending").update(status="failed")
        raise ParkflowError(
            payment.failure_reason or "The card was declined; use another payment method.",
            _failure_code(payment.failure_code),
        )
    if payment.status not in SETTLED:
        raise PaymentGatewayUnavailableError(
            "The payment did not complete; try again with the same Idempotency-Key."
        )
    async with in_transaction():
        activated = await ParkingPass.filter(id=pass_id, status="pending").update(status="active")
        if activated:
            await queue_receipt(payment.id)
    row = await pass_row(pass_id)
    if activated:
        services.jobs.wake()
        await _notify(services, driver, row, payment)
    return pass_out(row, datetime.now(UTC))


async def _notify(services: AppServices, driver: Driver, row: PassRow, payment: Payment | None) -> None:
    p = row.parking_pass
    await notify_driver(
        services,
        driver.id,
        "pass_purchased",
        {
            "pass_id": str(p.id),
            "payment_id": str(payment.id) if payment else None,
            "facility": row.facility.slug,
            "product": row.product.slug,
            "license_plate": p.plate,
            "valid_from": p.valid_from.isoformat(),
            "valid_until": p.valid_until.isoformat(),
            "amount": payment.amount if payment else 0,
            "currency": p.currency,
        },
    )
