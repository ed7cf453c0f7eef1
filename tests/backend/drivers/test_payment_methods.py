"""`/api/v1/me/payment-methods`: processor tokens, never card numbers."""

import uuid

import pytest

from backend.models import PaymentMethod
from backend.payments.gateways import CardDetails, GatewayRegistry, PaymentGatewayUnavailableError
from backend.payments.gateways.registry import get_gateways
from backend.payments.gateways.sandbox import SandboxGateway
from tests.backend.helpers import bearer, driver_token

METHODS = "/api/v1/me/payment-methods"


@pytest.fixture
async def auth(client) -> dict[str, str]:
    return bearer(await driver_token(client))


async def _add(client, auth, token: str = "tok_visa") -> dict:
    response = await client.post(METHODS, json={"token": token}, headers=auth)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(
    ("token", "brand", "last4"),
    [
        ("tok_visa", "Visa", "4242"),
        ("tok_mastercard", "Mastercard", "4444"),
        ("tok_chargeDeclined", "Visa", "0002"),  # accepted now, declined when charged
        ("tok_insufficientFunds", "Visa", "9995"),
    ],
)
async def test_save_a_sandbox_token(client, auth, token, brand, last4) -> None:
    body = await _add(client, auth, token)
    assert set(body) == {"id", "brand", "last4", "exp_month", "exp_year", "is_default", "created_at"}
    assert (body["brand"], body["last4"], body["is_default"]) == (brand, last4, True)
    assert 1 <= body["exp_month"] <= 12
    uuid.UUID(body["id"])
    stored = await PaymentMethod.get(id=body["id"])
    assert (stored.processor_token, stored.gateway) == (token, "sandbox")


async def test_the_list_never_shows_the_token_and_only_the_first_is_default(client, auth) -> None:
    await _add(client, auth, "tok_visa")
    await _add(client, auth, "tok_mastercard")
    response = await client.get(METHODS, headers=auth)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(m["brand"], m["is_default"]) for m in body["items"]] == [("Visa", True), ("Mastercard", False)]
    assert "tok_" not in response.text
    assert "processor_token" not in response.text


@pytest.mark.parametrize(
    "number", ["4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", "5555555555554444", "4" * 13]
)
async def test_card_numbers_are_refused_and_never_echoed(client, auth, number) -> None:
    response = await client.post(METHODS, json={"token": number}, headers=auth)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "'token'" in body["detail"]
    assert "card number" in body["detail"]
    assert "token" in body["detail"]
    assert number not in response.text
    assert number.replace(" ", "").replace("-", "") not in response.text
    assert await PaymentMethod.all().count() == 0


@pytest.mark.parametrize("token", ["tok_nope", "424242", "tok_VISA"])
async def test_unknown_tokens_are_refused(client, auth, token) -> None:
    response = await client.post(METHODS, json={"token": token}, headers=auth)
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_payment_token"
    assert "tok_visa" in response.json()["detail"]
    assert await PaymentMethod.all().count() == 0


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": None}, {"token": "tok_visa", "number": "1"}])
async def test_malformed_bodies_are_refused(client, auth, body) -> None:
    response = await client.post(METHODS, json=body, headers=auth)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_an_expired_card_is_refused(client, app, auth) -> None:
    class ExpiredCards(SandboxGateway):
        async def describe_token(self, token: str) -> CardDetails:
            return CardDetails("Visa", "0069", 1, 2020)

    app.dependency_overrides[get_gateways] = lambda: GatewayRegistry([ExpiredCards()])
    response = await client.post(METHODS, json={"token": "tok_visa"}, headers=auth)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "expired" in response.json()["detail"]


async def test_a_processor_failure_is_a_502_and_saves_nothing(client, app, auth) -> None:
    class Down(SandboxGateway):
        async def describe_token(self, token: str) -> CardDetails:
            raise PaymentGatewayUnavailableError("The payment processor did not answer; try again shortly.")

    app.dependency_overrides[get_gateways] = lambda: GatewayRegistry([Down()])
    response = await client.post(METHODS, json={"token": "tok_visa"}, headers=auth)
    assert response.status_code == 502
    assert response.json()["code"] == "payment_failed"
    assert await PaymentMethod.all().count() == 0


async def test_delete_and_the_next_oldest_becomes_default(client, auth) -> None:
    first = await _add(client, auth, "tok_visa")
    second = await _add(client, auth, "tok_mastercard")
    response = await client.delete(f"{METHODS}/{first['id']}", headers=auth)
    assert response.status_code == 204
    items = (await client.get(METHODS, headers=auth)).json()["items"]
    assert [(m["id"], m["is_default"]) for m in items] == [(second["id"], True)]
    again = await client.delete(f"{METHODS}/{first['id']}", headers=auth)
    assert again.status_code == 404
    assert again.json()["code"] == "not_found"


async def test_make_another_card_the_default(client, auth) -> None:
    first = await _add(client, auth, "tok_visa")
    second = await _add(client, auth, "tok_mastercard")
    response = await client.post(f"{METHODS}/{second['id']}/default", headers=auth)
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["is_default"]) == (second["id"], True)
    items = (await client.get(METHODS, headers=auth)).json()["items"]
    assert [(m["id"], m["is_default"]) for m in items] == [(first["id"], False), (second["id"], True)]


@pytest.mark.parametrize("method", ["DELETE", "POST"])
async def test_another_drivers_card_is_not_found(client, auth, method) -> None:
    card = await _add(client, auth)
    intruder = bearer(await driver_token(client, "intruder@example.test"))
    path = f"{METHODS}/{card['id']}" + ("/default" if method == "POST" else "")
    response = await client.request(method, path, headers=intruder)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert (await client.get(METHODS, headers=intruder)).json()["count"] == 0
    assert (await client.get(METHODS, headers=auth)).json()["items"][0]["is_default"] is True


@pytest.mark.parametrize("method_id", ["not-a-uuid", str(uuid.uuid4())])
async def test_unknown_or_malformed_ids_are_not_found(client, auth, method_id) -> None:
    for response in (
        await client.delete(f"{METHODS}/{method_id}", headers=auth),
        await client.post(f"{METHODS}/{method_id}/default", headers=auth),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", METHODS),
        ("POST", METHODS),
        ("DELETE", f"{METHODS}/{uuid.uuid4()}"),
        ("POST", f"{METHODS}/{uuid.uuid4()}/default"),
    ],
)
async def test_payment_methods_need_a_signed_in_driver(client, method, path) -> None:
    response = await client.request(method, path, json={"token": "tok_visa"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert await PaymentMethod.all().count() == 0


def test_the_app_registry_defaults_to_the_sandbox(app) -> None:
    registry = app.state.services.extras["gateways"]
    assert registry.default.name == "sandbox"
