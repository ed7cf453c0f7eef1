"""Rotating webhook tokens and enforcement keys: the new secret works on the real endpoints at once,
the old one is refused at once, and the audit log says who did it without ever holding a secret."""

from datetime import UTC, datetime

from backend.models import AuditEntry
from tests.backend.admin.conftest import ADMIN, Operator, created
from tests.backend.helpers import bearer


def _camera_event(facility: str, plate: str = "ROT-123") -> dict:
    now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {"event": "entry", "plate": plate, "facility_id": facility, "timestamp": now}


async def _check(client, key: str, facility: str = "alpha-p1"):
    return await client.get(
        "/api/enforcement/check/ABC-123", params={"facility": facility}, headers={"x-api-key": key}
    )


async def test_a_rotated_webhook_token_is_refused_and_the_new_one_accepted(
    client, tenant_a: Operator
) -> None:
    old = await created(
        await client.post(f"{ADMIN}/webhook-tokens", json={"name": "gate cameras"}, headers=tenant_a.admin)
    )
    works = await client.post(
        "/webhook", json=_camera_event("alpha-p1", "OLD-1"), headers=bearer(old["token"])
    )
    assert works.status_code == 202, works.text

    response = await client.post(f"{ADMIN}/webhook-tokens/{old['id']}/rotate", headers=tenant_a.admin)
    new = await created(response)
    assert set(new) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at", "token"}
    assert new["id"] != old["id"]
    assert (new["name"], new["revoked_at"], new["last_used_at"]) == ("gate cameras", None, None)
    assert new["token"].startswith("whk_")
    assert new["token"].startswith(new["prefix"])
    assert new["token"] != old["token"]

    refused = await client.post(
        "/webhook", json=_camera_event("alpha-p1", "OLD-2"), headers=bearer(old["token"])
    )
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_credentials"
    accepted = await client.post(
        "/webhook", json=_camera_event("alpha-p1", "NEW-1"), headers=bearer(new["token"])
    )
    assert accepted.status_code == 202, accepted.text

    listed = {
        t["id"]: t for t in (await client.get(f"{ADMIN}/webhook-tokens", headers=tenant_a.admin)).json()
    }
    assert listed[old["id"]]["revoked_at"] is not None
    assert listed[new["id"]]["revoked_at"] is None
    assert new["token"] not in str(listed)


async def test_a_rotated_api_key_is_refused_on_the_enforcement_check_and_the_new_one_works(
    client, tenant_a: Operator
) -> None:
    body = {"name": "wardens", "facilities": ["alpha-p1"]}
    old = await created(await client.post(f"{ADMIN}/api-keys", json=body, headers=tenant_a.admin))
    assert (await _check(client, old["key"])).status_code == 200

    new = await created(await client.post(f"{ADMIN}/api-keys/{old['id']}/rotate", headers=tenant_a.admin))
    assert set(new) == {
        "id",
        "name",
        "prefix",
        "facilities",
        "created_at",
        "last_used_at",
        "revoked_at",
        "key",
    }
    assert (new["name"], new["facilities"], new["revoked_at"]) == ("wardens", ["alpha-p1"], None)
    assert new["key"].startswith("ek_")
    assert new["key"] != old["key"]

    refused = await _check(client, old["key"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_credentials"
    fresh = await _check(client, new["key"])
    assert fresh.status_code == 200, fresh.text
    assert fresh.json()["status"] == "not_found"
    # The paid-plates list authenticates differently (the shared dependency): refused there too.
    plates = await client.get(
        "/api/enforcement/facility/alpha-p1/paid-plates", headers={"x-api-key": old["key"]}
    )
    assert plates.status_code == 401
    plates = await client.get(
        "/api/enforcement/facility/alpha-p1/paid-plates", headers={"x-api-key": new["key"]}
    )
    assert plates.status_code == 200


async def test_a_revoked_credential_cannot_be_rotated(client, tenant_a: Operator) -> None:
    await client.post(f"{ADMIN}/api-keys/{tenant_a.key_id}/revoke", headers=tenant_a.admin)
    await client.delete(f"{ADMIN}/webhook-tokens/{tenant_a.token_id}", headers=tenant_a.admin)
    for path in (f"/api-keys/{tenant_a.key_id}/rotate", f"/webhook-tokens/{tenant_a.token_id}/rotate"):
        response = await client.post(ADMIN + path, headers=tenant_a.admin)
        assert response.status_code == 409, path
        assert response.json()["code"] == "conflict"
        assert "revoked" in response.json()["detail"]
        assert "create a new one" in response.json()["detail"]
    keys = (await client.get(f"{ADMIN}/api-keys", headers=tenant_a.admin)).json()
    tokens = (await client.get(f"{ADMIN}/webhook-tokens", headers=tenant_a.admin)).json()
    assert (len(keys), len(tokens)) == (1, 1)


async def test_deleting_a_webhook_token_revokes_it(client, tenant_a: Operator) -> None:
    token = await created(await client.post(f"{ADMIN}/webhook-tokens", json={}, headers=tenant_a.admin))
    response = await client.delete(f"{ADMIN}/webhook-tokens/{token['id']}", headers=tenant_a.admin)
    assert response.status_code == 204
    refused = await client.post("/webhook", json=_camera_event("alpha-p1"), headers=bearer(token["token"]))
    assert refused.status_code == 401
    listed = {
        t["id"]: t["revoked_at"]
        for t in (await client.get(f"{ADMIN}/webhook-tokens", headers=tenant_a.admin)).json()
    }
    assert listed[token["id"]] is not None


async def test_rotation_is_for_tenant_admins_and_not_in_a_preview(
    client, tenant_a: Operator, super_admin
) -> None:
    paths = (f"/api-keys/{tenant_a.key_id}/rotate", f"/webhook-tokens/{tenant_a.token_id}/rotate")
    for path in paths:
        for role in ("operator", "enforcement"):
            response = await client.post(ADMIN + path, headers=getattr(tenant_a, role))
            assert response.status_code == 403
            assert response.json()["code"] == "forbidden"
        preview = await client.post(
            ADMIN + path, headers={**super_admin, "X-Tenant": "alpha", "X-Preview": "true"}
        )
        assert preview.status_code == 403
        assert preview.json()["code"] == "read_only_preview"
    assert not await AuditEntry.filter(action__endswith=".rotated").exists()
    keys = (await client.get(f"{ADMIN}/api-keys", headers=tenant_a.admin)).json()
    assert [(k["id"], k["revoked_at"]) for k in keys] == [(tenant_a.key_id, None)]

    acting = await client.post(ADMIN + paths[0], headers={**super_admin, "X-Tenant": "alpha"})
    assert acting.status_code == 201
    entry = await AuditEntry.get(action="api_key.rotated")
    assert entry.actor_label == "super-admin@platform.example.test"


async def test_rotating_another_operators_credential_is_not_found(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    for path in (f"/api-keys/{tenant_b.key_id}/rotate", f"/webhook-tokens/{tenant_b.token_id}/rotate"):
        response = await client.post(ADMIN + path, headers=tenant_a.admin)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    keys = (await client.get(f"{ADMIN}/api-keys", headers=tenant_b.admin)).json()
    assert [k["revoked_at"] for k in keys] == [None]
