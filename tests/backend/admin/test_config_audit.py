"""Every configuration change is in the operator's audit log: who, what, which object, before and
after, and never a secret (keys, tokens, passwords)."""

from tests.backend.admin.conftest import ADMIN, Operator, created, facility_body

PASSWORD = "a long passphrase 7"
ACTOR = "tenant-admin@alpha.example.test"


async def _log(client, operator: Operator, object_type: str | None = None) -> list[dict]:
    query = f"?limit=200&object_type={object_type}" if object_type else "?limit=200"
    response = await client.get(f"{ADMIN}/audit{query}", headers=operator.admin)
    assert response.status_code == 200
    return list(reversed(response.json()["items"]))  # oldest first


def _brief(entries: list[dict]) -> list[tuple]:
    return [(e["actor"], e["action"], e["object_id"]) for e in entries]


async def test_credentials_are_audited_without_their_secrets(client, tenant_a: Operator) -> None:
    key = await created(
        await client.post(f"{ADMIN}/api-keys", json={"name": "wardens"}, headers=tenant_a.admin)
    )
    rotated = await created(await client.post(f"{ADMIN}/api-keys/{key['id']}/rotate", headers=tenant_a.admin))
    await client.post(f"{ADMIN}/api-keys/{rotated['id']}/revoke", headers=tenant_a.admin)
    await client.post(
        f"{ADMIN}/api-keys/{rotated['id']}/revoke", headers=tenant_a.admin
    )  # no change: no entry
    await client.delete(f"{ADMIN}/api-keys/{tenant_a.key_id}", headers=tenant_a.admin)

    token = await created(
        await client.post(f"{ADMIN}/webhook-tokens", json={"name": "gates"}, headers=tenant_a.admin)
    )
    new_token = await created(
        await client.post(f"{ADMIN}/webhook-tokens/{token['id']}/rotate", headers=tenant_a.admin)
    )
    await client.post(f"{ADMIN}/webhook-tokens/{new_token['id']}/revoke", headers=tenant_a.admin)
    await client.delete(f"{ADMIN}/webhook-tokens/{tenant_a.token_id}", headers=tenant_a.admin)

    keys = await _log(client, tenant_a, "api_key")
    assert _brief(keys) == [
        (ACTOR, "api_key.created", tenant_a.key_id),  # made by the fixture
        (ACTOR, "api_key.created", key["id"]),
        (ACTOR, "api_key.rotated", key["id"]),
        (ACTOR, "api_key.revoked", rotated["id"]),
        (ACTOR, "api_key.deleted", tenant_a.key_id),
    ]
    assert keys[1]["details"] == {"name": "wardens", "prefix": key["prefix"], "facilities": None}
    assert keys[2]["details"] == {
        "name": "wardens",
        "prefix": key["prefix"],
        "new_key_id": rotated["id"],
        "new_prefix": rotated["prefix"],
    }
    tokens = await _log(client, tenant_a, "webhook_token")
    assert _brief(tokens) == [
        (ACTOR, "webhook_token.created", tenant_a.token_id),
        (ACTOR, "webhook_token.created", token["id"]),
        (ACTOR, "webhook_token.rotated", token["id"]),
        (ACTOR, "webhook_token.revoked", new_token["id"]),
        (ACTOR, "webhook_token.deleted", tenant_a.token_id),
    ]
    assert tokens[2]["details"]["new_token_id"] == new_token["id"]

    everything = str(await _log(client, tenant_a))
    for secret in (key["key"], rotated["key"], token["token"], new_token["token"]):
        assert secret not in everything
        assert secret[len("whk_") :][-20:] not in everything


async def test_user_changes_are_audited_with_before_and_after(client, tenant_a: Operator) -> None:
    body = {"email": "kalle@alpha.example.test", "password": PASSWORD, "name": "Kalle", "role": "operator"}
    user = await created(await client.post(f"{ADMIN}/users", json=body, headers=tenant_a.admin))
    url = f"{ADMIN}/users/{user['id']}"
    await client.patch(url, json={"role": "enforcement"}, headers=tenant_a.admin)
    await client.patch(url, json={"name": "Kalle K"}, headers=tenant_a.admin)
    await client.patch(url, json={"name": "Kalle K"}, headers=tenant_a.admin)  # no change: no entry
    await client.delete(url, headers=tenant_a.admin)
    await client.patch(url, json={"is_active": True}, headers=tenant_a.admin)

    entries = await _log(client, tenant_a, "user")
    assert [(e["action"], e["details"]) for e in entries] == [
        ("user.created", {"email": "kalle@alpha.example.test", "name": "Kalle", "role": "operator"}),
        (
            "user.role_changed",
            {
                "email": "kalle@alpha.example.test",
                "changes": {"role": {"from": "operator", "to": "enforcement"}},
            },
        ),
        (
            "user.updated",
            {"email": "kalle@alpha.example.test", "changes": {"name": {"from": "Kalle", "to": "Kalle K"}}},
        ),
        (
            "user.deactivated",
            {"email": "kalle@alpha.example.test", "changes": {"is_active": {"from": True, "to": False}}},
        ),
        (
            "user.reactivated",
            {"email": "kalle@alpha.example.test", "changes": {"is_active": {"from": False, "to": True}}},
        ),
    ]
    assert {e["actor"] for e in entries} == {ACTOR}
    assert {e["object_id"] for e in entries} == {user["id"]}
    assert PASSWORD not in str(entries)


async def test_refused_changes_leave_no_entry(client, tenant_a: Operator) -> None:
    before = await _log(client, tenant_a)
    weak = await client.post(
        f"{ADMIN}/users", json={"email": "w@alpha.example.test", "password": "short"}, headers=tenant_a.admin
    )
    assert weak.status_code == 422
    taken = await client.post(
        f"{ADMIN}/facilities", json=facility_body("alpha-p1", "9"), headers=tenant_a.admin
    )
    assert taken.status_code == 409
    assert await _log(client, tenant_a) == before


async def test_facility_changes_are_audited(client, tenant_a: Operator) -> None:
    made = await created(
        await client.post(
            f"{ADMIN}/facilities", json=facility_body("alpha-p2", "2345"), headers=tenant_a.admin
        )
    )
    url = f"{ADMIN}/facilities/alpha-p2"
    await client.patch(url, json={"capacity": 80, "notices": ["Height limit 2.1 m"]}, headers=tenant_a.admin)
    await client.patch(url, json={"capacity": 80}, headers=tenant_a.admin)  # no change: no entry
    await client.patch(url, json={"geometry": None}, headers=tenant_a.admin)
    await client.delete(url, headers=tenant_a.admin)

    entries = [e for e in await _log(client, tenant_a, "facility") if e["object_id"] == made["id"]]
    assert [(e["actor"], e["action"]) for e in entries] == [
        (ACTOR, "facility.created"),
        (ACTOR, "facility.updated"),
        (ACTOR, "facility.updated"),
        (ACTOR, "facility.deleted"),
    ]
    assert entries[0]["details"] == {
        "slug": "alpha-p2",
        "name": "Alpha P2",
        "zone_number": "2345",
        "pass_products": [],
    }
    assert entries[1]["details"] == {
        "slug": "alpha-p2",
        "changes": {
            "capacity": {"from": 120, "to": 80},
            "notices": {"from": [], "to": ["Height limit 2.1 m"]},
        },
    }
    assert entries[2]["details"] == {"slug": "alpha-p2", "changes": {"geometry": "removed"}}
    assert entries[3]["details"] == {"slug": "alpha-p2", "name": "Alpha P2", "zone_number": "2345"}


async def test_a_tariff_change_is_audited_with_both_tariffs(client, tenant_a: Operator) -> None:
    facility = await client.get(f"{ADMIN}/facilities/{tenant_a.facility}", headers=tenant_a.admin)
    old = facility.json()["tariff"]
    new = {**old, "daily_max_amount": 1800}
    await client.patch(
        f"{ADMIN}/facilities/{tenant_a.facility}", json={"tariff": new}, headers=tenant_a.admin
    )
    entry = (await _log(client, tenant_a, "facility"))[-1]
    assert entry["action"] == "facility.updated"
    changed = entry["details"]["changes"]
    assert list(changed) == ["tariff"]
    assert changed["tariff"]["from"]["daily_max_amount"] == 2400
    assert changed["tariff"]["to"]["daily_max_amount"] == 1800
