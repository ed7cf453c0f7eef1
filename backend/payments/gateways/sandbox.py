"""The sandbox processor: Stripe-style test tokens, its ledger in the `sandbox_charge` table.

It behaves like a real processor in what matters to the platform: authorizations are idempotent
per key, a charge is captured at most once and for at most the authorized amount, refunds never
exceed what was captured. Every state change is one conditional UPDATE (`filter(state...).update()`),
so two concurrent captures or refunds cannot both succeed, on SQLite or PostgreSQL.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from backend.models import SandboxCharge
from backend.payments.gateways.base import (
    Authorization,
    CardDetails,
    Charge,
    ChargeNotFoundError,
    ChargeStateError,
    ChargeStatus,
    InsufficientFundsError,
    PaymentDeclinedError,
    UnknownPaymentTokenError,
    check_amount,
    check_currency,
)


class _Outcome(StrEnum):
    approve = "approve"
    decline = "decline"
    insufficient_funds = "insufficient_funds"


@dataclass(frozen=True)
class SandboxCard:
    details: CardDetails
    outcome: _Outcome = _Outcome.approve


# Stripe's test tokens (and their cards' last digits), so the same driver flows work on both.
SANDBOX_CARDS: dict[str, SandboxCard] = {
    "tok_visa": SandboxCard(CardDetails("Visa", "4242", 12, 2034)),
    "tok_mastercard": SandboxCard(CardDetails("Mastercard", "4444", 12, 2034)),
    "tok_chargeDeclined": SandboxCard(CardDetails("Visa", "0002", 12, 2034), _Outcome.decline),
    "tok_insufficientFunds": SandboxCard(CardDetails("Visa", "9995", 12, 2034), _Outcome.insufficient_funds),
}

_REFUNDABLE = (ChargeStatus.captured, ChargeStatus.partially_refunded, ChargeStatus.refunded)


def charge_id_for(idempotency_key: str) -> str:
    """Deterministic from the key: a retry finds the charge the first attempt made (or makes it)."""
    return "ch_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]


def _charge(row: SandboxCharge) -> Charge:
    return Charge(
        charge_id=row.id,
        status=ChargeStatus(row.status),
        currency=row.currency,
        authorized_amount=row.authorized_amount,
        captured_amount=row.captured_amount,
        refunded_amount=row.refunded_amount,
    )


def _authorization(row: SandboxCharge) -> Authorization:
    return Authorization(
        charge_id=row.id, status=ChargeStatus(row.status), amount=row.authorized_amount, currency=row.currency
    )


class SandboxGateway:
    """`PaymentGateway` for demos and tests; tokens: tok_visa, tok_mastercard, tok_chargeDeclined
    (declined when charged), tok_insufficientFunds (declined for lack of funds when charged)."""

    name = "sandbox"

    def _card(self, token: str) -> SandboxCard:
        card = SANDBOX_CARDS.get(token.strip()) if isinstance(token, str) else None
        if card is None:
            known = ", ".join(SANDBOX_CARDS)
            raise UnknownPaymentTokenError(
                f"The payment processor does not know this token; the sandbox accepts {known}."
            )
        return card

    async def describe_token(self, token: str) -> CardDetails:
        return self._card(token).details

    async def authorize(self, token: str, amount: int, currency: str, idempotency_key: str) -> Authorization:
        check_amount(amount)
        check_currency(currency)
        if not idempotency_key:
            raise ChargeStateError("An authorization needs an idempotency key.")
        card = self._card(token)
        charge_id = charge_id_for(idempotency_key)
        existing = await SandboxCharge.get_or_none(id=charge_id)
        if existing is not None:
            return self._replay(existing, token, amount, currency)
        if card.outcome == _Outcome.decline:
            raise PaymentDeclinedError("The card was declined; use another payment method.")
        if card.outcome == _Outcome.insufficient_funds:
            raise InsufficientFundsError(
                "The card was declined for insufficient funds; use another payment method."
            )
        try:
            # A savepoint: on PostgreSQL a failed INSERT would otherwise abort the caller's transaction.
            async with in_transaction():
                row = await SandboxCharge.create(
                    id=charge_id,
                    processor_token=token.strip(),
                    currency=currency,
                    authorized_amount=amount,
                    status=ChargeStatus.authorized,
                )
        except IntegrityError:  # a concurrent retry with the same key created it first
            return self._replay(await SandboxCharge.get(id=charge_id), token, amount, currency)
        return _authorization(row)

    @staticmethod
    def _replay(row: SandboxCharge, token: str, amount: int, currency: str) -> Authorization:
        if (row.processor_token, row.authorized_amount, row.currency) != (token.strip(), amount, currency):
            raise ChargeStateError(
                "This idempotency key was already used for a different payment; use a new key."
            )
        return _authorization(row)

    async def get_charge(self, charge_id: str) -> Charge:
        return _charge(await self._row(charge_id))

    async def _row(self, charge_id: str) -> SandboxCharge:
        row = await SandboxCharge.get_or_none(id=charge_id)
        if row is None:
            raise ChargeNotFoundError(f"No charge with id '{charge_id}'.")
        return row

    async def capture(self, charge_id: str, amount: int | None = None) -> Charge:
        row = await self._row(charge_id)
        amount = row.authorized_amount if amount is None else check_amount(amount)
        if amount > row.authorized_amount:
            raise ChargeStateError(
                f"Cannot capture {amount}: only {row.authorized_amount} was authorized on this charge."
            )
        captured = await SandboxCharge.filter(
            id=charge_id, status=ChargeStatus.authorized, authorized_amount__gte=amount
        ).update(status=ChargeStatus.captured, captured_amount=amount, updated_at=datetime.now(UTC))
        if captured != 1:
            row = await self._row(charge_id)
            raise ChargeStateError(f"The charge cannot be captured: it is already {row.status}.")
        return await self.get_charge(charge_id)

    async def void(self, charge_id: str) -> Charge:
        await self._row(charge_id)
        voided = await SandboxCharge.filter(id=charge_id, status=ChargeStatus.authorized).update(
            status=ChargeStatus.voided, updated_at=datetime.now(UTC)
        )
        row = await self._row(charge_id)
        if voided != 1 and row.status != ChargeStatus.voided:
            raise ChargeStateError(
                f"The charge cannot be voided: it is already {row.status}; refund it instead."
            )
        return _charge(row)

    async def refund(self, charge_id: str, amount: int) -> Charge:
        check_amount(amount)
        row = await self._row(charge_id)
        if row.status not in _REFUNDABLE:
            raise ChargeStateError(f"The charge cannot be refunded: it is {row.status}, not captured.")
        now = datetime.now(UTC)
        async with in_transaction():
            # The amount check lives in the UPDATE itself, so concurrent refunds cannot overshoot.
            refunded = await SandboxCharge.filter(
                id=charge_id,
                status__in=list(_REFUNDABLE),
                captured_amount__gte=F("refunded_amount") + amount,
            ).update(refunded_amount=F("refunded_amount") + amount, updated_at=now)
            if refunded == 1:
                await SandboxCharge.filter(id=charge_id, refunded_amount=F("captured_amount")).update(
                    status=ChargeStatus.refunded
                )
                await SandboxCharge.filter(id=charge_id, refunded_amount__lt=F("captured_amount")).update(
                    status=ChargeStatus.partially_refunded
                )
        if refunded != 1:
            row = await self._row(charge_id)
            raise ChargeStateError(
                f"Cannot refund {amount}: only {row.captured_amount - row.refunded_amount} of this "
                "charge is left to refund."
            )
        return await self.get_charge(charge_id)
