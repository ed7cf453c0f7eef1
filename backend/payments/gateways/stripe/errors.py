"""Stripe's exceptions translated into the gateway errors of `base` (rejected vs technical).

Rejected, tell the driver: a `CardError` (402) is a decline, `insufficient_funds` its own kind; an
unknown or unusable payment method is an unknown token. Technical, nothing to tell the driver but
"try again": connection errors and timeouts, 5xx, 429, a refused API key (logged loudly here, since
only an operator can fix it). The SDK has already retried the retryable ones under the same
idempotency key before they reach us, so repeating the call later is still safe.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import stripe

from backend.payments.gateways.base import (
    ChargeNotFoundError,
    ChargeStateError,
    InsufficientFundsError,
    PaymentDeclinedError,
    PaymentGatewayUnavailableError,
    UnknownPaymentTokenError,
)
from shared.errors import ParkflowError

logger = logging.getLogger("backend.payments.stripe")

# Stripe error codes meaning "this charge is not in a state for that" (docs.stripe.com/error-codes).
_STATE_CODES = {
    "payment_intent_unexpected_state",
    "charge_already_captured",
    "charge_already_refunded",
    "charge_expired_for_capture",
    "amount_too_large",
    "amount_too_small",
}
# Codes that make a payment impossible for this amount or method, though the card itself is fine.
_AUTHORIZE_REFUSALS = {"amount_too_small", "amount_too_large", "payment_method_unactivated"}


class Action(StrEnum):
    describe = "look up the card"
    authorize = "reserve the payment"
    capture = "take the payment"
    void = "release the payment"
    refund = "refund the payment"
    retrieve = "look up the payment"


def _unavailable(action: Action) -> PaymentGatewayUnavailableError:
    if action in (Action.describe, Action.authorize):
        consequence = "nothing was charged (a reservation that went through is released automatically)"
    else:
        consequence = "the payment is unchanged"
    return PaymentGatewayUnavailableError(
        f"The payment processor did not answer when asked to {action}; {consequence}. Try again shortly."
    )


def _log(level: int, what: str, action: Action, exc: stripe.StripeError) -> None:
    # Never the API key, nor the card: Stripe's request id is what its support asks for.
    logger.log(
        level,
        "Stripe %s while trying to %s: status=%s code=%s request_id=%s message=%s",
        what,
        action,
        exc.http_status,
        exc.code,
        exc.request_id,
        exc.user_message,
    )


def _decline(exc: stripe.CardError) -> PaymentDeclinedError:
    decline_code = exc.error.decline_code if exc.error is not None else None
    # Stripe writes card-error messages to be shown to the cardholder.
    message = (exc.user_message or "The card was declined.").rstrip(".") + "; use another payment method."
    if "insufficient_funds" in (decline_code, exc.code):
        return InsufficientFundsError(message)
    return PaymentDeclinedError(message)


def _invalid_request(exc: stripe.InvalidRequestError, action: Action, charge_id: str | None) -> ParkflowError:
    message = exc.user_message or "The payment processor refused the request."
    if action in (Action.describe, Action.authorize):
        if exc.param in ("payment_method", "customer") or exc.code == "resource_missing":
            return UnknownPaymentTokenError(
                "The payment processor does not know this payment method (or it belongs to another "
                "customer); add the card again."
            )
        if action is Action.authorize and exc.code in _AUTHORIZE_REFUSALS:
            return PaymentDeclinedError(f"The payment processor refused this payment: {message}")
    else:
        if exc.code == "resource_missing":
            return ChargeNotFoundError(f"No charge with id '{charge_id}' at the payment processor.")
        if exc.code in _STATE_CODES:
            return ChargeStateError(f"The payment processor refused to {action}: {message}")
    # A request Stripe finds malformed is our bug, not the driver's: log it for us, fail safe for them.
    _log(logging.ERROR, "refused our request", action, exc)
    return _unavailable(action)


def translate(exc: stripe.StripeError, action: Action, charge_id: str | None = None) -> ParkflowError:
    if isinstance(exc, stripe.CardError):
        return _decline(exc)
    if isinstance(exc, stripe.IdempotencyError):
        return ChargeStateError(
            "This idempotency key was already used for a different payment; use a new key."
        )
    if isinstance(exc, stripe.InvalidRequestError):
        return _invalid_request(exc, action, charge_id)
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        _log(
            logging.ERROR,
            "refused our API key (check PARKFLOW_STRIPE_SECRET_KEY: revoked, wrong mode or permissions)",
            action,
            exc,
        )
        return _unavailable(action)
    transient = isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError)
    level = logging.WARNING if transient else logging.ERROR
    _log(level, "failed (technical)", action, exc)
    return _unavailable(action)


@contextmanager
def translated(action: Action, charge_id: str | None = None) -> Iterator[None]:
    """Run Stripe calls inside; their errors come out as the gateway's own."""
    try:
        yield
    except stripe.StripeError as exc:
        raise translate(exc, action, charge_id) from exc
