"""What the platform needs from a payment processor: the `PaymentGateway` Protocol, its DTOs and errors.

Money moves in two phases, so a driver is never charged for parking they did not get:

1. `authorize(token, amount, currency, idempotency_key)` reserves the amount on the card. The
   idempotency key makes a retried call (after a timeout, a crash, a double tap) return the first
   authorization instead of reserving twice.
2. When the parking provider confirms the session, `capture(charge_id)` takes the money (at most
   the authorized amount, once). When the provider refuses or fails, `void(charge_id)` releases the
   reservation and nothing is charged.
3. Later, `refund(charge_id, amount)` returns part or all of a captured amount (stopping early
   with `refund_unused`), never more than was captured minus what was already refunded.

A real processor (Stripe, Adyen, ...) slots in by implementing this Protocol in its own folder
(`payments/gateways/stripe/`) and registering it in the `GatewayRegistry`; its wire payloads stay
there. Its errors split as everywhere else: *rejected* (`PaymentDeclinedError`,
`InsufficientFundsError`, `UnknownPaymentTokenError`: tell the driver) and *technical*
(`PaymentGatewayUnavailableError`: nothing was charged, try again or fail over).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from backend.kit.errors import ConflictError, NotFoundError
from shared.errors import ErrorCode, ParkflowError


class ChargeStatus(StrEnum):
    authorized = "authorized"
    captured = "captured"
    partially_refunded = "partially_refunded"
    refunded = "refunded"
    voided = "voided"


@dataclass(frozen=True)
class CardDetails:
    """What may be shown of a card: never its number."""

    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None


@dataclass(frozen=True)
class Authorization:
    charge_id: str
    status: ChargeStatus
    amount: int
    currency: str


@dataclass(frozen=True)
class Charge:
    """A charge's state after capture, void or refund (amounts in minor units)."""

    charge_id: str
    status: ChargeStatus
    currency: str
    authorized_amount: int
    captured_amount: int
    refunded_amount: int

    @property
    def refundable_amount(self) -> int:
        return self.captured_amount - self.refunded_amount


class PaymentDeclinedError(ParkflowError):
    """The processor refused the card (rejected: tell the driver to use another card)."""

    code = ErrorCode.payment_declined


class InsufficientFundsError(PaymentDeclinedError):
    """A decline for lack of funds; a `PaymentDeclinedError`, so one `except` covers both."""

    code = ErrorCode.insufficient_funds


class UnknownPaymentTokenError(ParkflowError):
    """The processor does not know this token (mistyped, expired or from another account)."""

    code = ErrorCode.unknown_payment_token


class PaymentGatewayUnavailableError(ParkflowError):
    """A technical failure (timeout, 5xx, not configured): nothing was charged; retry or fail over."""

    code = ErrorCode.payment_failed


class ChargeStateError(ConflictError):
    """The charge is not in a state that allows this (capture of a voided charge, over-refund...)."""


class ChargeNotFoundError(NotFoundError):
    """No charge with this id at this processor."""


class InvalidChargeAmountError(ParkflowError):
    """Amounts are positive integers in minor units; currencies ISO 4217 codes."""

    code = ErrorCode.validation_error


@runtime_checkable
class PaymentGateway(Protocol):
    """A payment processor. Every method is safe to call concurrently for the same charge: the
    processor, not the caller, guarantees a charge is captured or refunded at most once."""

    name: str
    """Stored with each payment method (`PaymentMethod.gateway`) to find its processor again."""

    async def describe_token(self, token: str) -> CardDetails:
        """Display details of a processor token. Raises UnknownPaymentTokenError."""
        ...

    async def authorize(self, token: str, amount: int, currency: str, idempotency_key: str) -> Authorization:
        """Reserve `amount` on the card. The same idempotency key returns the same authorization
        (and never reserves twice); reusing a key for a different token, amount or currency is a
        ChargeStateError. Raises PaymentDeclinedError / InsufficientFundsError /
        UnknownPaymentTokenError (rejected) or PaymentGatewayUnavailableError (technical)."""
        ...

    async def capture(self, charge_id: str, amount: int | None = None) -> Charge:
        """Take the money: `amount` (default: all that was authorized, never more), once.
        Capturing a voided or already captured charge is a ChargeStateError."""
        ...

    async def void(self, charge_id: str) -> Charge:
        """Release an uncaptured authorization. Voiding twice is harmless (returns the voided
        charge); voiding a captured charge is a ChargeStateError (refund it instead)."""
        ...

    async def refund(self, charge_id: str, amount: int) -> Charge:
        """Give back `amount` of a captured charge; the total refunded never exceeds the captured
        amount (a ChargeStateError otherwise)."""
        ...

    async def get_charge(self, charge_id: str) -> Charge:
        """The charge's current state (for reconciliation after a timeout). Raises ChargeNotFoundError."""
        ...


def check_amount(amount: object, what: str = "amount") -> int:
    """A positive integer in minor units; bools and floats are programming errors, refused loudly."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidChargeAmountError(
            f"The {what} must be a positive whole number of minor units (got {amount!r})."
        )
    return amount


def check_currency(currency: object) -> str:
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise InvalidChargeAmountError(
            f"The currency must be an ISO 4217 code such as EUR (got {currency!r})."
        )
    return currency
