"""Stripe behind the platform: a driver saves a Stripe card, and `charging` moves money with it."""

from types import SimpleNamespace

import pytest

from backend.config import Settings
from backend.models import Driver, Payment, PaymentMethod
from backend.payments.charging import ChargeRequest, charge, refund_payment, void_payment
from backend.payments.gateways import GatewayRegistry, PaymentGatewayUnavailableError
from backend.payments.gateways.registry import build_gateway_registry, get_gateways
from tests.backend.helpers import bearer, driver_token, make_tenant
from tests.backend.payments.stripe.fake_stripe import CUSTOMER, SECRET_KEY

METHODS = "/api/v1/me/payment-methods"


@pytest.fixture
async def registry(fake_stripe):
    settings = Settings(_env_file=None, stripe_secret_key=SECRET_KEY, stripe_api_base=fake_stripe.url)
    registry = build_gateway_registry(SimpleNamespace(settings=settings))
    yield registry
    await registry.get("stripe").aclose()


@pytest.fixture
async def auth(client, app, registry) -> dict[str, str]:
    app.dependency_overrides[get_gateways] = lambda: registry
    return bearer(await driver_token(client))


async def test_a_driver_saves_a_stripe_card(client, auth, fake_stripe) -> None:
    response = await client.post(METHODS, json={"token": f"{CUSTOMER}/pm_1VisaSaved"}, headers=auth)

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["brand"], body["last4"], body["exp_month"], body["exp_year"]) == ("Visa", "4242", 12, 2034)
    stored = await PaymentMethod.get(id=body["id"])
    assert (stored.gateway, stored.processor_token) == ("stripe", f"{CUSTOMER}/pm_1VisaSaved")
    assert [(r.method, r.path) for r in fake_stripe.requests] == [
        ("GET", "/v1/payment_methods/pm_1VisaSaved")
    ]


async def test_sandbox_tokens_still_go_to_the_sandbox(client, auth, fake_stripe) -> None:
    response = await client.post(METHODS, json={"token": "tok_visa"}, headers=auth)
    assert response.status_code == 201
    assert (await PaymentMethod.get(id=response.json()["id"])).gateway == "sandbox"
    assert fake_stripe.requests == []


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        ("pm_1Nobody", 422, "unknown_payment_token"),
        ("cus_Other/pm_1VisaSaved", 422, "unknown_payment_token"),
        ("pm_1Expired", 422, "validation_error"),
    ],
)
async def test_refused_stripe_cards(client, auth, token, status, code) -> None:
    response = await client.post(METHODS, json={"token": token}, headers=auth)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert await PaymentMethod.all().count() == 0


async def test_stripe_down_when_saving_is_a_502(client, auth, fake_stripe) -> None:
    fake_stripe.fail_next(3, status=500)
    response = await client.post(METHODS, json={"token": "pm_1VisaSaved"}, headers=auth)
    assert response.status_code == 502
    assert response.json()["code"] == "payment_failed"
    assert await PaymentMethod.all().count() == 0


async def _request(token: str, key: str, amount: int = 1200) -> ChargeRequest:
    tenant = await make_tenant()
    driver = await Driver.create(email=f"{key}@example.test", password_hash="x")
    method = await PaymentMethod.create(
        driver=driver, gateway="stripe", processor_token=token, brand="Visa", last4="4242"
    )
    return ChargeRequest(
        tenant_id=tenant.id,
        driver_id=driver.id,
        method=method,
        purpose="session",
        idempotency_key=key,
        parking_amount=amount,
        service_fee_amount=30,
        currency="EUR",
    )


async def test_charge_capture_and_refund_through_stripe(client, registry, fake_stripe) -> None:
    services = SimpleNamespace(extras={"gateways": registry})
    request = await _request(f"{CUSTOMER}/pm_1VisaSaved", "session:1")

    payment = await charge(services, request)
    assert (payment.status, payment.gateway, payment.amount) == ("captured", "stripe", 1230)
    assert payment.charge_id in fake_stripe.intents
    assert fake_stripe.intents[payment.charge_id]["amount_received"] == 1230

    again = await charge(services, request)  # the same key: the same payment, nothing sent
    assert again.id == payment.id
    assert len(fake_stripe.posts("/v1/payment_intents")) == 1

    payment = await refund_payment(services, payment, 500)
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", 500)
    payment = await refund_payment(services, payment, 5000)
    assert (payment.status, payment.refunded_amount) == ("refunded", 1230)


async def test_authorize_then_void_through_stripe(client, registry, fake_stripe) -> None:
    services = SimpleNamespace(extras={"gateways": registry})
    payment = await charge(services, await _request("pm_1VisaSaved", "session:2"), capture=False)
    assert payment.status == "authorized"
    payment = await void_payment(services, payment)
    assert payment.status == "voided"
    assert fake_stripe.intents[payment.charge_id]["status"] == "canceled"


async def test_a_stripe_decline_is_a_failed_payment(client, registry) -> None:
    services = SimpleNamespace(extras={"gateways": registry})
    payment = await charge(services, await _request(f"{CUSTOMER}/pm_1NoFunds", "session:3"))
    assert (payment.status, payment.failure_code) == ("failed", "insufficient_funds")
    assert "insufficient funds" in payment.failure_reason


async def test_stripe_down_leaves_the_payment_pending_and_a_retry_charges_once(
    client, registry, fake_stripe
) -> None:
    services = SimpleNamespace(extras={"gateways": registry})
    request = await _request(f"{CUSTOMER}/pm_1VisaSaved", "session:4")
    fake_stripe.fail_next(3, status=500)
    with pytest.raises(PaymentGatewayUnavailableError):
        await charge(services, request)
    assert (await Payment.get(idempotency_key="session:4")).status == "pending"

    payment = await charge(services, request)
    assert payment.status == "captured"
    assert len(fake_stripe.intents) == 1


def test_the_registry_fixture_is_not_the_apps(app, registry) -> None:
    # The app under test keeps the sandbox default: Stripe only where a test asks for it.
    apps: GatewayRegistry = app.state.services.extras["gateways"]
    assert apps.names == ["sandbox"]
    assert registry.default.name == "sandbox"
