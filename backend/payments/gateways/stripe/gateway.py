"""`PaymentGateway` on Stripe: manual-capture PaymentIntents on a saved PaymentMethod, off-session.

authorize  POST /v1/payment_intents (confirm, off_session, capture_method=manual) under our key
capture    POST /v1/payment_intents/{id}/capture
void       POST /v1/payment_intents/{id}/cancel
refund     POST /v1/refunds (payment_intent, amount)
get_charge GET  /v1/payment_intents/{id}
Our charge id is the PaymentIntent id. Every call expands `latest_charge`, whose `amount_refunded`
is the refunded total. Stripe guarantees the at-most-once rules of the Protocol itself (a second
capture, an over-refund are refused there); the SDK retries connection errors, 409s and 5xx with
backoff, reusing the idempotency key, and every call has a timeout.
"""

import logging
from typing import Any

import stripe

from backend.payments.gateways.base import (
    Authorization,
    CardDetails,
    Charge,
    ChargeStateError,
    ChargeStatus,
    PaymentDeclinedError,
    PaymentGatewayUnavailableError,
    UnknownPaymentTokenError,
    check_amount,
    check_currency,
)
from backend.payments.gateways.stripe.errors import Action, translated
from backend.payments.gateways.stripe.tokens import StripeToken, parse_token

logger = logging.getLogger("backend.payments.stripe")

_EXPAND = ["latest_charge"]
_BRANDS = {
    "amex": "American Express",
    "cartes_bancaires": "Cartes Bancaires",
    "diners": "Diners Club",
    "discover": "Discover",
    "eftpos_au": "eftpos",
    "jcb": "JCB",
    "mastercard": "Mastercard",
    "unionpay": "UnionPay",
    "visa": "Visa",
}


def _refunded_amount(intent: dict[str, Any]) -> int:
    latest = intent.get("latest_charge")
    return int(latest.get("amount_refunded") or 0) if isinstance(latest, dict) else 0


def _captured_status(captured: int, refunded: int) -> ChargeStatus:
    if refunded <= 0:
        return ChargeStatus.captured
    return ChargeStatus.partially_refunded if refunded < captured else ChargeStatus.refunded


def charge_from_intent(intent: dict[str, Any]) -> Charge:
    """A PaymentIntent (with `latest_charge` expanded) as the Protocol's Charge."""
    status = intent["status"]
    captured = int(intent.get("amount_received") or 0)
    refunded = _refunded_amount(intent)
    if status == "requires_capture":
        charge_status = ChargeStatus.authorized
    elif status == "succeeded":
        charge_status = _captured_status(captured, refunded)
    elif status == "processing":  # money may still move: never report it as released
        charge_status = ChargeStatus.authorized
    else:  # canceled, or a failed attempt (requires_payment_method/_action/_confirmation): nothing is held
        charge_status = ChargeStatus.voided
    return Charge(
        charge_id=intent["id"],
        status=charge_status,
        currency=str(intent["currency"]).upper(),
        authorized_amount=int(intent["amount"]),
        captured_amount=captured,
        refunded_amount=refunded,
    )


def charge_from_card_charge(charge_id: str, card_charge: dict[str, Any]) -> Charge:
    """A refund's expanded `charge` (a captured card charge) as the Protocol's Charge."""
    captured = int(card_charge.get("amount_captured") or 0)
    refunded = int(card_charge.get("amount_refunded") or 0)
    return Charge(
        charge_id=charge_id,
        status=_captured_status(captured, refunded),
        currency=str(card_charge["currency"]).upper(),
        authorized_amount=int(card_charge["amount"]),
        captured_amount=captured,
        refunded_amount=refunded,
    )


class StripeGateway:
    """Stripe through the official SDK's async API. Tokens: `cus_.../pm_...` or `pm_...` (see tokens.py)."""

    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        *,
        api_base: str | None = None,
        timeout_seconds: float = 20.0,
        max_network_retries: int = 2,
    ) -> None:
        self._http = stripe.HTTPXClient(timeout=timeout_seconds)
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
            http_client=self._http,
        )

    async def aclose(self) -> None:
        await self._http.close_async()

    @staticmethod
    def _token(token: str) -> StripeToken:
        parsed = parse_token(token)
        if parsed is None:
            raise UnknownPaymentTokenError(
                "This is not a Stripe payment method; send its id (pm_...) or customer/method "
                "(cus_.../pm_...) from Stripe's card form."
            )
        return parsed

    async def _payment_method(self, token: StripeToken) -> dict[str, Any]:
        with translated(Action.describe):
            method = await self._client.v1.payment_methods.retrieve_async(token.payment_method)
        method = method.to_dict()
        if token.customer is not None and method.get("customer") != token.customer:
            raise UnknownPaymentTokenError(
                "This payment method is not saved for that customer at the payment processor; "
                "add the card again."
            )
        return method

    async def describe_token(self, token: str) -> CardDetails:
        method = await self._payment_method(self._token(token))
        card = method.get("card") if method.get("type") == "card" else None
        if not isinstance(card, dict):
            raise UnknownPaymentTokenError("Only cards can be saved for parking payments; add a card.")
        brand = str(card.get("brand") or "card")
        return CardDetails(
            brand=_BRANDS.get(brand, brand.replace("_", " ").title())[:20],
            last4=str(card.get("last4") or "")[:4],
            exp_month=card.get("exp_month"),
            exp_year=card.get("exp_year"),
        )

    async def authorize(self, token: str, amount: int, currency: str, idempotency_key: str) -> Authorization:
        check_amount(amount)
        check_currency(currency)
        if not idempotency_key:
            raise ChargeStateError("An authorization needs an idempotency key.")
        parsed = self._token(token)
        customer = parsed.customer
        if customer is None:
            # A method saved for a customer can only be charged naming that customer.
            customer = (await self._payment_method(parsed)).get("customer")
        params: dict[str, Any] = {
            "amount": amount,
            "currency": currency.lower(),
            "payment_method": parsed.payment_method,
            "payment_method_types": ["card"],  # no redirect-based methods, so no return_url needed
            "capture_method": "manual",
            "confirm": True,
            "off_session": True,
            "metadata": {"parkflow_key": idempotency_key[:500]},
            "expand": _EXPAND,
        }
        if customer:
            params["customer"] = customer
        with translated(Action.authorize):
            intent = await self._client.v1.payment_intents.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": idempotency_key},
            )
        return self._authorization(intent.to_dict())

    @staticmethod
    def _authorization(intent: dict[str, Any]) -> Authorization:
        status = intent["status"]
        if status in ("requires_action", "requires_payment_method", "requires_confirmation"):
            # Off-session there is nobody to complete 3-D Secure: Stripe usually says so with a 402
            # (a CardError); should an intent come back waiting for it anyway, it is a decline.
            raise PaymentDeclinedError(
                "The card's bank asks the cardholder to confirm this payment, which cannot be done "
                "while they are away; use another payment method."
            )
        if status not in ("requires_capture", "succeeded"):
            logger.warning("Stripe PaymentIntent %s came back %s after confirmation", intent["id"], status)
            raise PaymentGatewayUnavailableError(
                "The payment processor has not finished with this payment; nothing was captured. "
                "Try again shortly."
            )
        charge = charge_from_intent(intent)
        return Authorization(
            charge_id=charge.charge_id,
            status=charge.status,
            amount=charge.authorized_amount,
            currency=charge.currency,
        )

    async def capture(self, charge_id: str, amount: int | None = None) -> Charge:
        params: dict[str, Any] = {"expand": _EXPAND}
        if amount is not None:
            params["amount_to_capture"] = check_amount(amount)
        with translated(Action.capture, charge_id):
            intent = await self._client.v1.payment_intents.capture_async(charge_id, params)  # type: ignore[arg-type]
        return charge_from_intent(intent.to_dict())

    async def void(self, charge_id: str) -> Charge:
        try:
            with translated(Action.void, charge_id):
                intent = await self._client.v1.payment_intents.cancel_async(
                    charge_id,
                    {"expand": _EXPAND},  # type: ignore[arg-type]
                )
        except ChargeStateError:
            current = await self.get_charge(charge_id)
            if current.status == ChargeStatus.voided:  # voiding twice is harmless
                return current
            raise ChargeStateError(
                f"The charge cannot be voided: it is already {current.status}; refund it instead."
            ) from None
        return charge_from_intent(intent.to_dict())

    async def refund(self, charge_id: str, amount: int) -> Charge:
        check_amount(amount)
        with translated(Action.refund, charge_id):
            refund = await self._client.v1.refunds.create_async(
                {
                    "payment_intent": charge_id,
                    "amount": amount,
                    "metadata": {"parkflow_charge": charge_id},
                    "expand": ["charge"],
                }  # type: ignore[arg-type]
            )
        # The state comes from this one answer: a second call that failed after the money moved
        # would make the caller believe nothing was refunded, and refund again.
        return charge_from_card_charge(charge_id, refund.to_dict()["charge"])

    async def get_charge(self, charge_id: str) -> Charge:
        with translated(Action.retrieve, charge_id):
            intent = await self._client.v1.payment_intents.retrieve_async(
                charge_id,
                {"expand": _EXPAND},  # type: ignore[arg-type]
            )
        return charge_from_intent(intent.to_dict())
