"""The Stripe gateway at the wire: the real SDK against a Stripe-shaped server on loopback.

Each test asserts what went over HTTP (form fields, headers) and what the platform gets back
(the Protocol's results and errors).
"""

import logging
import time

import pytest

from backend.payments.gateways import (
    ChargeNotFoundError,
    ChargeStateError,
    ChargeStatus,
    InsufficientFundsError,
    InvalidChargeAmountError,
    PaymentDeclinedError,
    PaymentGateway,
    PaymentGatewayUnavailableError,
    UnknownPaymentTokenError,
)
from backend.payments.gateways.stripe import StripeGateway, parse_token
from tests.backend.payments.stripe.fake_stripe import CUSTOMER, SECRET_KEY

SAVED = f"{CUSTOMER}/pm_1VisaSaved"
INTENTS = "/v1/payment_intents"


def test_the_gateway_implements_the_protocol() -> None:
    assert isinstance(StripeGateway("sk_test_x"), PaymentGateway)
    assert StripeGateway.name == "stripe"


@pytest.mark.parametrize(
    ("token", "customer", "method"),
    [
        ("cus_A1/pm_B2", "cus_A1", "pm_B2"),
        ("pm_1VisaSaved", None, "pm_1VisaSaved"),
        (" pm_card_visa ", None, "pm_card_visa"),
    ],
)
def test_token_formats(token, customer, method) -> None:
    parsed = parse_token(token)
    assert parsed is not None
    assert (parsed.customer, parsed.payment_method) == (customer, method)


@pytest.mark.parametrize(
    "token", ["tok_visa", "cus_A1", "cus_A1/", "pm_", "pm_a/../x", "cus_A1/pm_B2/x", "4242424242424242", ""]
)
def test_other_tokens_are_not_stripe_tokens(token) -> None:
    assert parse_token(token) is None


async def test_authorize_sends_a_manual_capture_off_session_intent(gateway, fake_stripe) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "stay-exit:42")

    assert authorization.status == ChargeStatus.authorized
    assert (authorization.amount, authorization.currency) == (1250, "EUR")
    assert authorization.charge_id.startswith("pi_")
    [sent] = fake_stripe.requests
    assert (sent.method, sent.path) == ("POST", INTENTS)
    assert sent.form["amount"] == "1250"
    assert sent.form["currency"] == "eur"
    assert sent.form["payment_method"] == "pm_1VisaSaved"
    assert sent.form["customer"] == CUSTOMER
    assert sent.form["capture_method"] == "manual"
    assert sent.form["confirm"] == "true"
    assert sent.form["off_session"] == "true"
    assert sent.form["payment_method_types[0]"] == "card"
    assert sent.form["metadata[parkflow_key]"] == "stay-exit:42"
    assert sent.headers["idempotency-key"] == "stay-exit:42"
    assert sent.headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.headers["stripe-version"]
    assert not any(k.startswith("card[") or k in ("number", "cvc") for k in sent.form)


async def test_a_bare_method_saved_for_a_customer_is_charged_with_that_customer(gateway, fake_stripe) -> None:
    authorization = await gateway.authorize("pm_1VisaSaved", 900, "EUR", "key-bare")

    assert authorization.status == ChargeStatus.authorized
    lookup, create = fake_stripe.requests
    assert (lookup.method, lookup.path) == ("GET", "/v1/payment_methods/pm_1VisaSaved")
    assert create.form["customer"] == CUSTOMER


async def test_a_method_without_customer_is_charged_without_one(gateway, fake_stripe) -> None:
    await gateway.authorize("pm_1MastercardLoose", 900, "EUR", "key-loose")
    assert "customer" not in fake_stripe.posts(INTENTS)[0].form


async def test_the_same_idempotency_key_returns_the_same_intent(gateway, fake_stripe) -> None:
    first = await gateway.authorize(SAVED, 1250, "EUR", "session:abc")
    second = await gateway.authorize(SAVED, 1250, "EUR", "session:abc")

    assert first == second
    assert len(fake_stripe.intents) == 1
    assert [r.headers["idempotency-key"] for r in fake_stripe.posts(INTENTS)] == ["session:abc"] * 2


async def test_reusing_a_key_for_another_amount_is_refused(gateway, fake_stripe) -> None:
    await gateway.authorize(SAVED, 1250, "EUR", "session:abc")
    with pytest.raises(ChargeStateError, match="idempotency key"):
        await gateway.authorize(SAVED, 999, "EUR", "session:abc")
    assert len(fake_stripe.intents) == 1


async def test_a_declined_card(gateway, fake_stripe) -> None:
    with pytest.raises(PaymentDeclinedError) as raised:
        await gateway.authorize(f"{CUSTOMER}/pm_1Declined", 1250, "EUR", "k-declined")
    assert not isinstance(raised.value, InsufficientFundsError)
    assert raised.value.code == "payment_declined"
    assert "Your card was declined" in raised.value.detail
    assert "another payment method" in raised.value.detail
    assert len(fake_stripe.posts(INTENTS)) == 1  # a decline is never retried


async def test_insufficient_funds(gateway) -> None:
    with pytest.raises(InsufficientFundsError) as raised:
        await gateway.authorize(f"{CUSTOMER}/pm_1NoFunds", 1250, "EUR", "k-funds")
    assert raised.value.code == "insufficient_funds"
    assert "insufficient funds" in raised.value.detail


async def test_an_unknown_payment_method(gateway, fake_stripe) -> None:
    with pytest.raises(UnknownPaymentTokenError) as raised:
        await gateway.authorize(f"{CUSTOMER}/pm_1Nobody", 1250, "EUR", "k-unknown")
    assert raised.value.code == "unknown_payment_token"
    assert fake_stripe.intents == {}


async def test_an_amount_below_stripes_minimum_is_a_refusal_not_a_crash(gateway) -> None:
    with pytest.raises(PaymentDeclinedError, match="at least"):
        await gateway.authorize(SAVED, 30, "EUR", "k-small")


@pytest.mark.parametrize("token", ["tok_visa", "4242424242424242", "cus_x"])
async def test_tokens_of_another_shape_never_reach_stripe(gateway, fake_stripe, token) -> None:
    with pytest.raises(UnknownPaymentTokenError):
        await gateway.authorize(token, 1250, "EUR", "k-shape")
    with pytest.raises(UnknownPaymentTokenError):
        await gateway.describe_token(token)
    assert fake_stripe.requests == []


@pytest.mark.parametrize(
    ("amount", "currency"), [(0, "EUR"), (-5, "EUR"), (12.5, "EUR"), (True, "EUR"), (100, "eur")]
)
async def test_bad_amounts_never_reach_stripe(gateway, fake_stripe, amount, currency) -> None:
    with pytest.raises(InvalidChargeAmountError):
        await gateway.authorize(SAVED, amount, currency, "k-amount")
    assert fake_stripe.requests == []


async def test_a_500_is_retried_a_bounded_number_of_times_then_unavailable(
    gateway, fake_stripe, caplog
) -> None:
    fake_stripe.fail_next(10, status=500)
    with (
        caplog.at_level(logging.WARNING, logger="backend.payments.stripe"),
        pytest.raises(PaymentGatewayUnavailableError) as raised,
    ):
        await gateway.authorize(SAVED, 1250, "EUR", "k-down")
    assert raised.value.code == "payment_failed"
    assert "nothing was charged" in raised.value.detail
    attempts = fake_stripe.posts(INTENTS)
    assert len(attempts) == 3  # the first try and max_network_retries=2
    assert {r.headers["idempotency-key"] for r in attempts} == {"k-down"}
    assert "request_id" in caplog.text
    assert SECRET_KEY not in caplog.text


async def test_a_retry_after_a_500_goes_through_once(gateway, fake_stripe) -> None:
    fake_stripe.fail_next(1, status=503)
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-flaky")
    assert authorization.status == ChargeStatus.authorized
    assert len(fake_stripe.posts(INTENTS)) == 2
    assert len(fake_stripe.intents) == 1


async def test_rate_limited_is_unavailable(gateway, fake_stripe) -> None:
    fake_stripe.fail_next(1, status=429)
    with pytest.raises(PaymentGatewayUnavailableError):
        await gateway.authorize(SAVED, 1250, "EUR", "k-429")
    assert fake_stripe.intents == {}


async def test_a_refused_api_key_is_unavailable_and_logged_for_the_operator(fake_stripe, caplog) -> None:
    wrong = StripeGateway("sk_test_revoked", api_base=fake_stripe.url, max_network_retries=0)
    try:
        with (
            caplog.at_level(logging.ERROR, logger="backend.payments.stripe"),
            pytest.raises(PaymentGatewayUnavailableError) as raised,
        ):
            await wrong.authorize(SAVED, 1250, "EUR", "k-auth")
    finally:
        await wrong.aclose()
    assert "API key" not in raised.value.detail  # the driver is not told about our keys
    assert "PARKFLOW_STRIPE_SECRET_KEY" in caplog.text
    assert "sk_test_revoked" not in caplog.text


async def test_a_slow_stripe_times_out(fake_stripe) -> None:
    fake_stripe.delay_seconds = 2
    slow = StripeGateway(SECRET_KEY, api_base=fake_stripe.url, timeout_seconds=0.3, max_network_retries=0)
    started = time.monotonic()
    try:
        with pytest.raises(PaymentGatewayUnavailableError):
            await slow.authorize(SAVED, 1250, "EUR", "k-slow")
    finally:
        await slow.aclose()
    assert time.monotonic() - started < 1.5


async def test_stripe_unreachable_is_unavailable() -> None:
    closed = StripeGateway(SECRET_KEY, api_base="http://127.0.0.1:9", max_network_retries=0)
    try:
        with pytest.raises(PaymentGatewayUnavailableError):
            await closed.get_charge("pi_123")
    finally:
        await closed.aclose()


async def test_capture_all(gateway, fake_stripe) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-cap")
    charge = await gateway.capture(authorization.charge_id)

    assert charge.status == ChargeStatus.captured
    assert (charge.authorized_amount, charge.captured_amount, charge.refunded_amount) == (1250, 1250, 0)
    assert charge.currency == "EUR"
    sent = fake_stripe.requests[-1]
    assert (sent.method, sent.path) == ("POST", f"{INTENTS}/{authorization.charge_id}/capture")
    assert "amount_to_capture" not in sent.form
    assert sent.form["expand[0]"] == "latest_charge"


async def test_capture_less_than_authorized(gateway, fake_stripe) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-cap-part")
    charge = await gateway.capture(authorization.charge_id, 1000)
    assert fake_stripe.requests[-1].form["amount_to_capture"] == "1000"
    assert (charge.status, charge.captured_amount) == (ChargeStatus.captured, 1000)


async def test_capturing_twice_is_a_state_error_and_the_charge_says_captured(gateway) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-cap-twice")
    await gateway.capture(authorization.charge_id)
    with pytest.raises(ChargeStateError, match="succeeded"):
        await gateway.capture(authorization.charge_id)
    assert (await gateway.get_charge(authorization.charge_id)).captured_amount == 1250


async def test_void(gateway, fake_stripe) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-void")
    charge = await gateway.void(authorization.charge_id)

    assert charge.status == ChargeStatus.voided
    assert charge.captured_amount == 0
    sent = fake_stripe.requests[-1]
    assert (sent.method, sent.path) == ("POST", f"{INTENTS}/{authorization.charge_id}/cancel")
    assert (await gateway.void(authorization.charge_id)).status == ChargeStatus.voided  # harmless twice
    with pytest.raises(ChargeStateError):
        await gateway.capture(authorization.charge_id)


async def test_voiding_a_captured_charge_says_refund_instead(gateway) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-void-captured")
    await gateway.capture(authorization.charge_id)
    with pytest.raises(ChargeStateError, match="refund it instead"):
        await gateway.void(authorization.charge_id)


async def test_partial_then_full_refund(gateway, fake_stripe) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-refund")
    await gateway.capture(authorization.charge_id)

    partial = await gateway.refund(authorization.charge_id, 450)
    assert partial.status == ChargeStatus.partially_refunded
    assert (partial.captured_amount, partial.refunded_amount, partial.refundable_amount) == (1250, 450, 800)
    sent = fake_stripe.requests[-1]
    assert (sent.method, sent.path) == ("POST", "/v1/refunds")
    assert sent.form["payment_intent"] == authorization.charge_id
    assert sent.form["amount"] == "450"
    assert sent.headers["idempotency-key"]  # the SDK's own, reused if it retries

    full = await gateway.refund(authorization.charge_id, 800)
    assert (full.status, full.refunded_amount) == (ChargeStatus.refunded, 1250)
    assert await gateway.get_charge(authorization.charge_id) == full


async def test_refunds_never_exceed_the_captured_amount(gateway) -> None:
    authorization = await gateway.authorize(SAVED, 1250, "EUR", "k-over")
    with pytest.raises(ChargeStateError):
        await gateway.refund(authorization.charge_id, 100)  # not captured yet
    await gateway.capture(authorization.charge_id)
    with pytest.raises(ChargeStateError, match="greater than"):
        await gateway.refund(authorization.charge_id, 1251)
    await gateway.refund(authorization.charge_id, 1250)
    with pytest.raises(ChargeStateError, match="already been refunded"):
        await gateway.refund(authorization.charge_id, 1)


async def test_get_charge_reads_the_intent(gateway, fake_stripe) -> None:
    authorization = await gateway.authorize(SAVED, 700, "EUR", "k-get")
    charge = await gateway.get_charge(authorization.charge_id)

    assert (charge.charge_id, charge.status, charge.authorized_amount) == (
        authorization.charge_id,
        ChargeStatus.authorized,
        700,
    )
    sent = fake_stripe.requests[-1]
    assert (sent.method, sent.path) == ("GET", f"{INTENTS}/{authorization.charge_id}")
    assert sent.query["expand[0]"] == "latest_charge"


@pytest.mark.parametrize("call", ["get_charge", "capture", "void"])
async def test_an_unknown_charge_is_not_found(gateway, call) -> None:
    with pytest.raises(ChargeNotFoundError) as raised:
        await getattr(gateway, call)("pi_nope")
    assert raised.value.code == "not_found"


@pytest.mark.parametrize(
    ("token", "brand", "last4"),
    [
        (SAVED, "Visa", "4242"),
        ("pm_1MastercardLoose", "Mastercard", "4444"),
        ("pm_1AmexSaved", "American Express", "8431"),
    ],
)
async def test_describe_token(gateway, fake_stripe, token, brand, last4) -> None:
    card = await gateway.describe_token(token)
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == (brand, last4, 12, 2034)
    [sent] = fake_stripe.requests
    assert (sent.method, sent.path) == ("GET", f"/v1/payment_methods/{token.split('/')[-1]}")


async def test_describe_an_unknown_or_foreign_method(gateway) -> None:
    with pytest.raises(UnknownPaymentTokenError):
        await gateway.describe_token("pm_1Nobody")
    with pytest.raises(UnknownPaymentTokenError, match="customer"):
        await gateway.describe_token("cus_SomeoneElse/pm_1VisaSaved")
