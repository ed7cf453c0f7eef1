"""Driver accounts: register, log in (form), refresh with rotation, and the access token's limits."""

import uuid
from datetime import timedelta

import pytest

from backend.auth.tokens import TokenSigner
from backend.models import Driver, RefreshToken
from tests.backend.helpers import (
    DRIVER_EMAIL,
    DRIVER_PASSWORD,
    app_of,
    bearer,
    driver_tokens,
    login_driver,
    register_driver,
)

REGISTER = "/api/v1/auth/register"
REFRESH = "/api/v1/auth/refresh"
ME = "/api/v1/auth/me"


async def test_register_creates_an_account(client) -> None:
    response = await register_driver(client, "Aino.Virtanen@Example.TEST", name="  Aino Virtanen ")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "aino.virtanen@example.test"
    assert body["name"] == "Aino Virtanen"
    uuid.UUID(body["id"])
    stored = await Driver.get(id=body["id"])
    assert stored.password_hash.startswith("$argon2")
    assert DRIVER_PASSWORD not in response.text


@pytest.mark.parametrize(
    "password", ["short1!", "aaaaaaaaaaaa", "password11", "qwertyqwerty", "aino-rules-2026"]
)
async def test_weak_passwords_are_refused(client, password) -> None:
    response = await register_driver(client, "aino@example.test", password)
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    assert "password" in response.json()["detail"].lower()
    assert await Driver.all().count() == 0


@pytest.mark.parametrize("again", [DRIVER_EMAIL, DRIVER_EMAIL.upper(), "Aino@example.test"])
async def test_a_taken_email_is_a_conflict_whatever_its_case(client, again) -> None:
    assert (await register_driver(client)).status_code == 201
    response = await register_driver(client, again, "another good passphrase")
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert "log in" in response.json()["detail"]
    assert await Driver.all().count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": DRIVER_PASSWORD}, "email"),
        ({"email": DRIVER_EMAIL}, "password"),
        ({"email": "not-an-email", "password": DRIVER_PASSWORD}, "email"),
        ({"email": DRIVER_EMAIL, "password": 12345678901}, "password"),
        ({"email": DRIVER_EMAIL, "password": DRIVER_PASSWORD, "name": "x" * 201}, "name"),
        ({"email": DRIVER_EMAIL, "password": DRIVER_PASSWORD, "admin": True}, "admin"),
    ],
)
async def test_bad_fields_are_a_422_naming_the_field(client, body, field) -> None:
    response = await client.post(REGISTER, json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert f"'{field}'" in response.json()["detail"]


async def test_a_malformed_json_body_is_a_400(client) -> None:
    response = await client.post(
        REGISTER, content=b'{"email": "aino@example.test", ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert "JSON" in response.json()["detail"]


async def test_log_in_with_the_form_and_see_who_you_are(client) -> None:
    await register_driver(client)
    response = await login_driver(client, " AINO@example.test ", DRIVER_PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert body["refresh_token"].startswith("rt_")
    me = await client.get(ME, headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["email"] == DRIVER_EMAIL


async def test_the_token_endpoint_wants_a_form(client) -> None:
    await register_driver(client)
    response = await client.post(
        "/api/v1/auth/token", json={"username": DRIVER_EMAIL, "password": DRIVER_PASSWORD}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "'username'" in response.json()["detail"]


@pytest.mark.parametrize(
    ("email", "password"), [(DRIVER_EMAIL, "wrong password 123"), ("nobody@example.test", DRIVER_PASSWORD)]
)
async def test_a_wrong_password_or_unknown_email_is_refused_alike(client, email, password) -> None:
    await register_driver(client)
    response = await login_driver(client, email, password)
    assert response.status_code == 401
    assert response.json() == {"detail": "The e-mail or password is wrong.", "code": "invalid_credentials"}


async def test_the_sixth_attempt_in_a_minute_is_rate_limited(client) -> None:
    await register_driver(client)
    for _ in range(5):
        assert (await login_driver(client, DRIVER_EMAIL, "wrong password 123")).status_code == 401
    response = await login_driver(client, DRIVER_EMAIL, DRIVER_PASSWORD)  # even the right password
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 61
    assert f"{retry_after} seconds" in response.json()["detail"]
    # another account from the same address is not locked out by this one
    await register_driver(client, "other@example.test")
    assert (await login_driver(client, "other@example.test")).status_code == 200


async def test_refresh_rotates_the_tokens(client) -> None:
    tokens = await driver_tokens(client)
    response = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 200, response.text
    renewed = response.json()
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert (await client.get(ME, headers=bearer(renewed["access_token"]))).status_code == 200
    # a refresh token works once
    again = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401
    assert again.json()["code"] == "invalid_token"


async def test_reusing_a_spent_refresh_token_revokes_the_newer_one_too(client) -> None:
    tokens = await driver_tokens(client)
    renewed = (await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})).json()
    # someone replays the old (leaked) token: the whole chain is revoked
    replay = await client.post(REFRESH, json={"refresh_token": tokens["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_token"
    newer = await client.post(REFRESH, json={"refresh_token": renewed["refresh_token"]})
    assert newer.status_code == 401
    assert newer.json()["code"] == "invalid_token"
    assert await RefreshToken.all().count() == 0


@pytest.mark.parametrize("body", [{"refresh_token": "rt_garbage"}, {"refresh_token": ""}, {}])
async def test_unknown_refresh_tokens_are_refused(client, body) -> None:
    response = await client.post(REFRESH, json=body)
    if body.get("refresh_token"):
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"
    else:
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"
        assert "'refresh_token'" in response.json()["detail"]


async def test_me_needs_a_token(client) -> None:
    response = await client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
async def test_a_garbage_access_token_is_refused(client, token) -> None:
    response = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["code"] in ("invalid_token", "not_authenticated")
    if token:
        assert response.json()["code"] == "invalid_token"


async def test_an_expired_access_token_is_refused(client) -> None:
    await register_driver(client)
    driver = await Driver.get(email=DRIVER_EMAIL)
    signer: TokenSigner = app_of(client).state.services.tokens
    expired, _ = signer.issue(str(driver.id), "driver", timedelta(minutes=-1))
    response = await client.get(ME, headers=bearer(expired))
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "refresh" in response.json()["detail"]


async def test_a_token_signed_with_another_key_is_refused(client) -> None:
    await register_driver(client)
    driver = await Driver.get(email=DRIVER_EMAIL)
    forged, _ = TokenSigner("another-secret-key-0123456789abcdef").issue(
        str(driver.id), "driver", timedelta(minutes=5)
    )
    response = await client.get(ME, headers=bearer(forged))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


async def test_an_operator_token_is_not_a_driver_token(client) -> None:
    await register_driver(client)
    driver = await Driver.get(email=DRIVER_EMAIL)
    signer: TokenSigner = app_of(client).state.services.tokens
    operator, _ = signer.issue(str(driver.id), "operator", timedelta(minutes=5))
    response = await client.get(ME, headers=bearer(operator))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


async def test_a_deleted_accounts_token_is_refused(client) -> None:
    tokens = await driver_tokens(client)
    await Driver.filter(email=DRIVER_EMAIL).delete()
    response = await client.get(ME, headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
