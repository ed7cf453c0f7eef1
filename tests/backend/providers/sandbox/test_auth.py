"""Credentials per connection: OAuth2 client credentials with short-lived tokens, bearer and X-Api-Key."""

import asyncio
import base64

import httpx
import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client

from backend.providers.sandbox import SandboxServer
from tests.backend.providers.sandbox.support import (
    EP_KEY,
    PASSPORT_SECRET,
    PBP_KEY,
    SHORT_SECRET,
    passport_token,
    start_body,
    stats,
)

TOKEN = "/passport/oauth/token"
GRANT = {"grant_type": "client_credentials", "client_id": "pp-t", "client_secret": PASSPORT_SECRET}


async def test_the_token_endpoint_takes_a_form_json_or_http_basic(http: httpx.AsyncClient) -> None:
    basic = base64.b64encode(f"pp-t:{PASSPORT_SECRET}".encode()).decode()
    answers = [
        await http.post(TOKEN, data=GRANT),
        await http.post(TOKEN, json=GRANT),
        await http.post(
            TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
        ),
    ]

    for answer in answers:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == 300
        assert answer.headers["cache-control"] == "no-store"
    assert len({answer.json()["access_token"] for answer in answers}) == 3
    counts = await stats(http, "passport-t")
    assert counts["token"] == 3
    assert counts["tokens_issued"] == 3


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({**GRANT, "client_secret": "wrong"}, 401, "invalid_client"),
        ({**GRANT, "client_id": "nobody"}, 401, "invalid_client"),
        ({**GRANT, "grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, 400, "invalid_request"),
    ],
    ids=["wrong-secret", "unknown-client", "wrong-grant", "no-client"],
)
async def test_bad_token_requests_get_oauth2_errors(
    http: httpx.AsyncClient, body: dict, status: int, error: str
) -> None:
    response = await http.post(TOKEN, data=body)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["error_description"]
    assert (await stats(http, "passport-t")).get("tokens_issued", 0) == 0


async def test_a_wrong_secret_is_counted_against_its_connection(http: httpx.AsyncClient) -> None:
    await http.post(TOKEN, data={**GRANT, "client_secret": "wrong"})

    assert (await stats(http, "passport-t")) == {"unauthorized": 1}


@pytest.mark.parametrize(
    ("path", "headers", "code"),
    [
        ("/passport/parking/v2/rights", {}, "missing_credentials"),
        ("/passport/parking/v2/rights", {"Authorization": "Bearer pat_forged"}, "invalid_token"),
        ("/passport/parking/v2/rights", {"Authorization": f"Bearer {PBP_KEY}"}, "invalid_token"),
        ("/paybyphone/v1/rights", {}, "missing_credentials"),
        ("/paybyphone/v1/rights", {"Authorization": "Bearer wrong"}, "invalid_api_key"),
        ("/paybyphone/v1/rights", {"X-Api-Key": PBP_KEY}, "missing_credentials"),
        ("/easypark/v1/rights", {"Authorization": f"Bearer {EP_KEY}"}, "missing_credentials"),
        ("/easypark/v1/rights", {"X-Api-Key": PBP_KEY}, "invalid_api_key"),
        ("/data/v1/lots", {"X-Api-Key": EP_KEY}, "invalid_api_key"),
    ],
)
async def test_requests_without_valid_credentials_are_401(
    http: httpx.AsyncClient, path: str, headers: dict, code: str
) -> None:
    response = await http.get(path, params={"license_plate": "ABC1", "lat": 0, "lon": 0}, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response.headers["www-authenticate"]
    assert (await http.get("/_sandbox/stats")).json()["total"] == {"unauthorized": 1}


async def test_an_expired_token_is_401_and_a_fresh_one_works(http: httpx.AsyncClient) -> None:
    auth = await passport_token(http, "pp-short", SHORT_SECRET)  # this connection's tokens live 1 s
    ok = await http.post("/passport/parking/v2/sessions", json=start_body(), headers=auth)
    assert ok.status_code == 201

    await asyncio.sleep(1.2)
    expired = await http.get(f"/passport/parking/v2/sessions/{ok.json()['session_id']}", headers=auth)

    assert expired.status_code == 401
    assert expired.json()["code"] == "invalid_token"
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]
    fresh = await passport_token(http, "pp-short", SHORT_SECRET)
    again = await http.get(f"/passport/parking/v2/sessions/{ok.json()['session_id']}", headers=fresh)
    assert again.status_code == 200
    assert again.json()["status"] == "active"
    counts = await stats(http, "passport-short")
    assert counts == {
        "token": 2,
        "tokens_issued": 2,
        "start": 1,
        "sessions_created": 1,
        "unauthorized": 1,
        "get": 1,
    }


async def test_an_authlib_client_fetches_once_and_refreshes_after_expiry(sandbox: SandboxServer) -> None:
    # What the passport adapter will do: Authlib's client-credentials client with a small leeway.
    urls = sandbox.urls("passport-short")
    async with AsyncOAuth2Client(
        client_id="pp-short",
        client_secret=SHORT_SECRET,
        token_endpoint=urls["token_url"],
        grant_type="client_credentials",
        leeway=0,
        timeout=5,
    ) as client:
        await client.fetch_token()
        first = await asyncio.gather(
            *(client.get(f"{urls['base_url']}/rights", params={"license_plate": "A1"}) for _ in range(10))
        )
        await asyncio.sleep(1.2)
        second = await client.get(f"{urls['base_url']}/rights", params={"license_plate": "A1"})

    assert [r.status_code for r in first] == [200] * 10
    assert second.status_code == 200
    async with httpx.AsyncClient(base_url=sandbox.url) as admin:
        counts = await stats(admin, "passport-short")
    assert counts["token"] == 2
    assert counts["rights"] == 11
    assert counts.get("unauthorized", 0) == 0
