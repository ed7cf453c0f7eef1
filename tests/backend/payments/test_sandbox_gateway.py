"""The sandbox processor against the real database: tokens, idempotency and the charge rules."""

import asyncio

import pytest

from backend.models import SandboxCharge
from backend.payments.gateways import (
    ChargeNotFoundError,
    ChargeStateError,
    ChargeStatus,
    GatewayRegistry,
    InsufficientFundsError,
    InvalidChargeAmountError,
    PaymentDeclinedError,
    PaymentGateway,
    PaymentGatewayUnavailableError,
    SandboxGateway,
    UnknownPaymentTokenError,
)
from tests.backend.helpers import app_of


@pytest.fixture
def gateway(client) -> SandboxGateway:
    # `client` truncates the tables; the app's registry is what endpoints use.
    registry: GatewayRegistry = app_of(client).state.services.extras["gateways"]
    gateway = registry.default
    assert isinstance(gateway, SandboxGateway)
    return gateway


def test_the_sandbox_implements_the_protocol() -> None:
    assert isinstance(SandboxGateway(), PaymentGateway)


@pytest.mark.parametrize(
    ("token", "brand", "last4"),
    [
        ("tok_visa", "Visa", "4242"),
        ("tok_mastercard", "Mastercard", "4444"),
        ("tok_chargeDeclined", "Visa", "0002"),
        ("tok_insufficientFunds", "Visa", "9995"),
    ],
)
async def test_describe_token_gives_display_details(gateway, token, brand, last4) -> None:
    card = await gateway.describe_token(token)
    assert (card.brand, card.last4) == (brand, last4)
    assert 1 <= card.exp_month <= 12
    assert card.exp_year >= 2030


@pytest.mark.parametrize("token", ["tok_unknown", "", "4242424242424242", "TOK_VISA"])
async def test_unknown_tokens_are_refused(gateway, token) -> None:
    with pytest.raises(UnknownPaymentTokenError) as caught:
        await gateway.describe_token(token)
    assert caught.value.code == "unknown_payment_token"
    with pytest.raises(UnknownPaymentTokenError):
        await gateway.authorize(token, 500, "EUR", "key-unknown")
    assert await SandboxCharge.all().count() == 0


async def test_authorize_reserves_the_amount(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 1250, "EUR", "session-1")
    assert auth.status is ChargeStatus.authorized
    assert (auth.amount, auth.currency) == (1250, "EUR")
    assert auth.charge_id.startswith("ch_")
    charge = await gateway.get_charge(auth.charge_id)
    assert (charge.authorized_amount, charge.captured_amount, charge.refunded_amount) == (1250, 0, 0)


async def test_declined_card_is_refused_when_charged(gateway) -> None:
    with pytest.raises(PaymentDeclinedError) as caught:
        await gateway.authorize("tok_chargeDeclined", 500, "EUR", "k-declined")
    assert caught.value.code == "payment_declined"
    assert await SandboxCharge.all().count() == 0


async def test_insufficient_funds_is_a_decline_with_its_own_code(gateway) -> None:
    with pytest.raises(InsufficientFundsError) as caught:
        await gateway.authorize("tok_insufficientFunds", 500, "EUR", "k-poor")
    assert caught.value.code == "insufficient_funds"
    assert isinstance(caught.value, PaymentDeclinedError)
    assert await SandboxCharge.all().count() == 0


async def test_authorize_is_idempotent_per_key(gateway) -> None:
    first = await gateway.authorize("tok_visa", 900, "EUR", "same-key")
    again = await gateway.authorize("tok_visa", 900, "EUR", "same-key")
    other = await gateway.authorize("tok_visa", 900, "EUR", "other-key")
    assert again == first
    assert other.charge_id != first.charge_id
    assert await SandboxCharge.all().count() == 2


async def test_concurrent_authorizations_with_one_key_make_one_charge(gateway) -> None:
    results = await asyncio.gather(*(gateway.authorize("tok_visa", 700, "EUR", "race") for _ in range(5)))
    assert len({r.charge_id for r in results}) == 1
    assert await SandboxCharge.all().count() == 1


async def test_reusing_a_key_for_another_payment_is_refused(gateway) -> None:
    await gateway.authorize("tok_visa", 900, "EUR", "reused")
    with pytest.raises(ChargeStateError) as caught:
        await gateway.authorize("tok_visa", 901, "EUR", "reused")
    assert caught.value.code == "conflict"


async def test_a_retry_after_capture_returns_the_captured_charge(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 900, "EUR", "retry")
    await gateway.capture(auth.charge_id)
    again = await gateway.authorize("tok_visa", 900, "EUR", "retry")
    assert again.charge_id == auth.charge_id
    assert again.status is ChargeStatus.captured


@pytest.mark.parametrize("amount", [0, -5, 12.5, "100", True, None])
async def test_amounts_must_be_positive_integers(gateway, amount) -> None:
    with pytest.raises(InvalidChargeAmountError):
        await gateway.authorize("tok_visa", amount, "EUR", "bad-amount")
    assert await SandboxCharge.all().count() == 0


@pytest.mark.parametrize("currency", ["eur", "EURO", "", None])
async def test_currency_must_be_an_iso_code(gateway, currency) -> None:
    with pytest.raises(InvalidChargeAmountError):
        await gateway.authorize("tok_visa", 100, currency, "bad-currency")


async def test_capture_takes_the_authorized_amount_once(gateway) -> None:
    auth = await gateway.authorize("tok_mastercard", 1500, "EUR", "cap")
    charge = await gateway.capture(auth.charge_id)
    assert charge.status is ChargeStatus.captured
    assert charge.captured_amount == 1500
    with pytest.raises(ChargeStateError) as caught:
        await gateway.capture(auth.charge_id)
    assert caught.value.code == "conflict"
    assert (await gateway.get_charge(auth.charge_id)).captured_amount == 1500


async def test_capture_may_take_less_but_never_more(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 1500, "EUR", "cap-less")
    with pytest.raises(ChargeStateError):
        await gateway.capture(auth.charge_id, 1501)
    charge = await gateway.capture(auth.charge_id, 1000)
    assert charge.captured_amount == 1000
    assert charge.refundable_amount == 1000


async def test_concurrent_double_capture_captures_once(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 2000, "EUR", "double")
    results = await asyncio.gather(
        *(gateway.capture(auth.charge_id) for _ in range(4)), return_exceptions=True
    )
    captured = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, ChargeStateError)]
    assert len(captured) == 1
    assert len(refused) == 3
    assert (await gateway.get_charge(auth.charge_id)).captured_amount == 2000


async def test_void_releases_an_uncaptured_authorization(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 800, "EUR", "void")
    charge = await gateway.void(auth.charge_id)
    assert charge.status is ChargeStatus.voided
    assert charge.captured_amount == 0
    assert (await gateway.void(auth.charge_id)).status is ChargeStatus.voided  # harmless twice
    with pytest.raises(ChargeStateError):
        await gateway.capture(auth.charge_id)
    with pytest.raises(ChargeStateError):
        await gateway.refund(auth.charge_id, 100)


async def test_a_captured_charge_cannot_be_voided(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 800, "EUR", "void-late")
    await gateway.capture(auth.charge_id)
    with pytest.raises(ChargeStateError) as caught:
        await gateway.void(auth.charge_id)
    assert "refund" in caught.value.detail
    assert (await gateway.get_charge(auth.charge_id)).status is ChargeStatus.captured


async def test_refunds_add_up_to_the_captured_amount_and_no_more(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 1000, "EUR", "refund")
    with pytest.raises(ChargeStateError):
        await gateway.refund(auth.charge_id, 100)  # not captured yet
    await gateway.capture(auth.charge_id, 900)
    partial = await gateway.refund(auth.charge_id, 400)
    assert partial.status is ChargeStatus.partially_refunded
    assert (partial.refunded_amount, partial.refundable_amount) == (400, 500)
    with pytest.raises(ChargeStateError) as caught:
        await gateway.refund(auth.charge_id, 501)
    assert caught.value.code == "conflict"
    full = await gateway.refund(auth.charge_id, 500)
    assert full.status is ChargeStatus.refunded
    assert full.refunded_amount == 900
    with pytest.raises(ChargeStateError):
        await gateway.refund(auth.charge_id, 1)


async def test_concurrent_refunds_never_exceed_the_captured_amount(gateway) -> None:
    auth = await gateway.authorize("tok_visa", 1000, "EUR", "refund-race")
    await gateway.capture(auth.charge_id)
    results = await asyncio.gather(
        *(gateway.refund(auth.charge_id, 400) for _ in range(4)), return_exceptions=True
    )
    assert sum(not isinstance(r, Exception) for r in results) == 2
    assert all(isinstance(r, ChargeStateError) for r in results if isinstance(r, Exception))
    charge = await gateway.get_charge(auth.charge_id)
    assert charge.refunded_amount == 800
    assert charge.status is ChargeStatus.partially_refunded


@pytest.mark.parametrize("amount", [0, -1, 1.5])
async def test_refund_amounts_must_be_positive_integers(gateway, amount) -> None:
    auth = await gateway.authorize("tok_visa", 1000, "EUR", "refund-bad")
    await gateway.capture(auth.charge_id)
    with pytest.raises(InvalidChargeAmountError):
        await gateway.refund(auth.charge_id, amount)


async def test_unknown_charges_are_not_found(gateway) -> None:
    for call in (gateway.capture("ch_nope"), gateway.void("ch_nope"), gateway.refund("ch_nope", 1)):
        with pytest.raises(ChargeNotFoundError):
            await call


def test_registry_finds_gateways_by_name_and_has_a_default() -> None:
    sandbox = SandboxGateway()
    registry = GatewayRegistry([sandbox])
    assert registry.default is sandbox
    assert registry.get("sandbox") is sandbox
    assert "sandbox" in registry
    with pytest.raises(PaymentGatewayUnavailableError) as caught:
        registry.get("stripe")
    assert caught.value.code == "payment_failed"
    with pytest.raises(PaymentGatewayUnavailableError):
        _ = GatewayRegistry().default
