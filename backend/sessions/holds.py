"""The payment hold both a session start and an extension take before asking the provider.

One place decides what a failed authorization tells the driver: the processor not answering is a
502 `payment_failed` saying nothing was charged, any refusal a 402 `payment_declined` / `insufficient_funds`
(other processor codes are reported as a decline). `on_failure(code, detail)` records the failure on
the caller's own row (the session, or the extension's quote) before the error is raised.
"""

from collections.abc import Awaitable, Callable

from backend.kit.services import AppServices
from backend.models import Payment
from backend.payments.charging import ChargeRequest, charge
from backend.payments.gateways.base import PaymentGatewayUnavailableError
from shared.errors import ErrorCode, ParkflowError

DECLINES = (ErrorCode.payment_declined, ErrorCode.insufficient_funds, ErrorCode.unknown_payment_token)
NOT_CHARGED = "The payment processor did not answer; you were not charged."

OnFailure = Callable[[str, str], Awaitable[None]]


async def hold(services: AppServices, request: ChargeRequest, on_failure: OnFailure) -> Payment:
    """Authorize (no capture) or raise the driver's error after `on_failure` has recorded it."""
    try:
        payment = await charge(services, request, capture=False)
    except PaymentGatewayUnavailableError as exc:
        await on_failure(exc.code, NOT_CHARGED)
        # The driver hears that nothing was charged, whatever words the processor's failure had.
        raise PaymentGatewayUnavailableError(NOT_CHARGED) from exc
    if payment.status != "failed":
        return payment
    code = payment.failure_code or ErrorCode.payment_declined
    if code not in DECLINES:
        code = ErrorCode.payment_declined
    error = ParkflowError(
        payment.failure_reason or "The card was declined; nothing was charged.", ErrorCode(code)
    )
    await on_failure(error.code, error.detail)
    raise error
