"""Enforcement API keys and webhook tokens: shown once, stored hashed, revocable, rotatable."""

import hashlib

import httpx
import pytest
from fastapi import FastAPI

from backend.auth.dependencies import EnforcementKey, WebhookCaller
from backend.kit.errors import install_error_handlers
from backend.models import ApiKey, Facility, WebhookToken
from tests.backend.admin.conftest import ADMIN, Operator, created


@pytest.fixture
async def probe() -> httpx.AsyncClient:
    """A bare app that authenticates exactly as the enforcement and webhook endpoints do."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/enforcement")
    async def enforcement(key: EnforcementKey) -> dict:
        ids = None if key.facility_ids is None else sorted(str(i) for i in key.facility_ids)
        return {"tenant_id": str(key.tenant_id), "facility_ids": ids}

    @app.get("/webhook")
    async def webhook(tenant_id: WebhookCaller) -> dict:
        return {"tenant_id": str(tenant_id)}

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://probe.test"
    ) as http:
        yield http


async def test_a_new_key_works_at_once_and_stops_working_when_revoked(
    client, probe, tenant_a: Operator
) -> None:
    key = await created(
        await client.post(f"{ADMIN}/api-keys", json={"name": "wardens"}, headers=tenant_a.admin)
    )
    assert key["key"].startswith("ek_")
    assert key["key"].startswith(key["prefix"])
    assert key["facilities"] is None
    assert key["revoked_at"] is None

    works = await probe.get("/enforcement", headers={"x-api-key": key["key"]})
    assert works.status_code == 200
    assert works.json() == {"tenant_id": str(tenant_a.tenant.id), "facility_ids": None}

    revoked = await client.post(f"{ADMIN}/api-keys/{key['id']}/revoke", headers=tenant_a.admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    refused = await probe.get("/enforcement", headers={"x-api-key": key["key"]})
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_credentials"

    again = await client.post(f"{ADMIN}/api-keys/{key['id']}/revoke", headers=tenant_a.admin)
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]


async def test_the_key_is_shown_once_and_only_its_hash_is_stored(client, tenant_a: Operator) -> None:
    key = await created(
        await client.post(f"{ADMIN}/api-keys", json={"name": "wardens"}, headers=tenant_a.admin)
    )
    plaintext = key["key"]

    listed = await client.get(f"{ADMIN}/api-keys", headers=tenant_a.admin)
    assert listed.status_code == 200
    assert plaintext not in listed.text
    assert all("key" not in item for item in listed.json())
    assert {"wardens", "handhelds"} == {item["name"] for item in listed.json()}

    stored = await ApiKey.get(id=key["id"])
    assert stored.secret_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    row = await ApiKey.filter(id=key["id"]).values()
    assert plaintext not in repr(row)


async def test_rotation_two_keys_work_side_by_side_until_the_old_one_is_revoked(
    client, probe, tenant_a: Operator
) -> None:
    old = await created(await client.post(f"{ADMIN}/api-keys", json={"name": "2025"}, headers=tenant_a.admin))
    new = await created(await client.post(f"{ADMIN}/api-keys", json={"name": "2026"}, headers=tenant_a.admin))
    for key in (old, new):
        assert (await probe.get("/enforcement", headers={"x-api-key": key["key"]})).status_code == 200
    await client.delete(f"{ADMIN}/api-keys/{old['id']}", headers=tenant_a.admin)
    assert (await probe.get("/enforcement", headers={"x-api-key": old["key"]})).status_code == 401
    assert (await probe.get("/enforcement", headers={"x-api-key": new["key"]})).status_code == 200
    listed = {
        k["name"]: k["revoked_at"]
        for k in (await client.get(f"{ADMIN}/api-keys", headers=tenant_a.admin)).json()
    }
    assert listed["2025"] is not None
    assert listed["2026"] is None


async def test_a_key_limited_to_some_facilities(client, probe, tenant_a: Operator) -> None:
    body = {"name": "kamppi only", "facilities": ["alpha-p1"]}
    key = await created(await client.post(f"{ADMIN}/api-keys", json=body, headers=tenant_a.admin))
    assert key["facilities"] == ["alpha-p1"]
    facility = await Facility.get(slug="alpha-p1")
    seen = await probe.get("/enforcement", headers={"x-api-key": key["key"]})
    assert seen.json()["facility_ids"] == [str(facility.id)]
    listed = {
        k["name"]: k["facilities"]
        for k in (await client.get(f"{ADMIN}/api-keys", headers=tenant_a.admin)).json()
    }
    assert listed["kamppi only"] == ["alpha-p1"]


async def test_an_unknown_facility_in_a_key_is_a_422_naming_it(client, tenant_a: Operator) -> None:
    body = {"name": "typo", "facilities": ["alpha-p1", "alpha-p9"]}
    response = await client.post(f"{ADMIN}/api-keys", json=body, headers=tenant_a.admin)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "'alpha-p9'" in response.json()["detail"]
    assert "'alpha-p1'" not in response.json()["detail"]
    empty = await client.post(
        f"{ADMIN}/api-keys", json={"name": "none", "facilities": []}, headers=tenant_a.admin
    )
    assert empty.status_code == 422
    assert empty.json()["code"] == "validation_error"


async def test_webhook_tokens_are_shown_once_work_and_can_be_revoked(
    client, probe, tenant_a: Operator
) -> None:
    token = await created(
        await client.post(f"{ADMIN}/webhook-tokens", json={"name": "barriers"}, headers=tenant_a.admin)
    )
    plaintext = token["token"]
    assert plaintext.startswith("whk_")
    listed = await client.get(f"{ADMIN}/webhook-tokens", headers=tenant_a.admin)
    assert plaintext not in listed.text
    assert (await WebhookToken.get(id=token["id"])).secret_hash == hashlib.sha256(
        plaintext.encode()
    ).hexdigest()

    works = await probe.get("/webhook", headers={"Authorization": f"Bearer {plaintext}"})
    assert works.json() == {"tenant_id": str(tenant_a.tenant.id)}
    used = {
        t["name"]: t["last_used_at"]
        for t in (await client.get(f"{ADMIN}/webhook-tokens", headers=tenant_a.admin)).json()
    }
    assert used["barriers"] is not None

    revoked = await client.post(f"{ADMIN}/webhook-tokens/{token['id']}/revoke", headers=tenant_a.admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    refused = await probe.get("/webhook", headers={"Authorization": f"Bearer {plaintext}"})
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_credentials"


async def test_a_key_name_is_required(client, tenant_a: Operator) -> None:
    response = await client.post(f"{ADMIN}/api-keys", json={}, headers=tenant_a.admin)
    assert response.status_code == 422
    assert response.json() == {"detail": "'name' is required.", "code": "validation_error"}
