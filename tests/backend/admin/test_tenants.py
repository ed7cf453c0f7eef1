"""Operators: super admins create and see all; a tenant admin sees and configures their own."""

from tests.backend.admin.conftest import ADMIN, Operator
from tests.backend.helpers import bearer, operator_token

NEW_TENANT = {
    "slug": "tampere-parking",
    "name": "Tampere Parking Oy",
    "currency": "EUR",
    "timezone": "Europe/Helsinki",
    "service_fee": {"percent": "3.0", "fixed_amount": 10},
}


async def test_a_super_admin_creates_an_operator_and_sees_every_operator(
    client, tenant_a: Operator, super_admin
) -> None:
    response = await client.post(f"{ADMIN}/tenants", json=NEW_TENANT, headers=super_admin)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "tampere-parking"
    assert body["service_fee"] == {"percent": "3", "fixed_amount": 10}
    assert body["created_at"].endswith("Z") or "+00:00" in body["created_at"]

    listed = await client.get(f"{ADMIN}/tenants", headers=super_admin)
    assert [t["slug"] for t in listed.json()] == ["alpha", "tampere-parking"]

    tenant = await client.get(f"{ADMIN}/tenants/tampere-parking", headers=super_admin)
    assert tenant.status_code == 200


async def test_a_taken_operator_slug_is_a_409(client, tenant_a: Operator, super_admin) -> None:
    response = await client.post(
        f"{ADMIN}/tenants", json={**NEW_TENANT, "slug": "alpha"}, headers=super_admin
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "slug" in response.json()["detail"]


async def test_bad_operator_fields_are_422_naming_the_field(client, super_admin) -> None:
    cases = [
        ({"currency": "euro"}, "currency"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"slug": "Has Spaces"}, "slug"),
        ({"service_fee": {"percent": "-1"}}, "service_fee.percent"),
    ]
    for change, field in cases:
        response = await client.post(f"{ADMIN}/tenants", json={**NEW_TENANT, **change}, headers=super_admin)
        assert response.status_code == 422, change
        assert response.json()["code"] == "validation_error"
        assert f"'{field}'" in response.json()["detail"]


async def test_only_super_admins_create_operators(client, tenant_a: Operator) -> None:
    response = await client.post(f"{ADMIN}/tenants", json=NEW_TENANT, headers=tenant_a.admin)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_a_tenant_admin_sees_only_their_operator(
    client, tenant_a: Operator, tenant_b: Operator
) -> None:
    listed = await client.get(f"{ADMIN}/tenants", headers=tenant_a.admin)
    assert [t["slug"] for t in listed.json()] == ["alpha"]
    own = await client.get(f"{ADMIN}/tenants/alpha", headers=tenant_a.operator)
    assert own.status_code == 200
    assert own.json()["currency"] == "EUR"


async def test_a_tenant_admin_changes_name_fee_and_timezone_but_not_the_currency(
    client, tenant_a: Operator
) -> None:
    change = {"name": "Alpha Oy", "timezone": "Europe/Stockholm", "service_fee": {"percent": "1.5"}}
    response = await client.patch(f"{ADMIN}/tenants/alpha", json=change, headers=tenant_a.admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["timezone"], body["currency"]) == ("Alpha Oy", "Europe/Stockholm", "EUR")
    assert body["service_fee"] == {"percent": "1.5", "fixed_amount": 0}

    currency = await client.patch(f"{ADMIN}/tenants/alpha", json={"currency": "SEK"}, headers=tenant_a.admin)
    assert currency.status_code == 422
    assert currency.json()["code"] == "validation_error"
    assert "'currency'" in currency.json()["detail"]


async def test_a_super_admin_changes_any_operator(client, tenant_a: Operator, super_admin) -> None:
    response = await client.patch(f"{ADMIN}/tenants/alpha", json={"name": "Renamed"}, headers=super_admin)
    assert response.status_code == 200
    assert response.json()["name"] == "Renamed"


async def test_operators_cannot_change_operator_settings(client, tenant_a: Operator) -> None:
    token = bearer(await operator_token(client, tenant=tenant_a.tenant, role="operator"))
    response = await client.patch(f"{ADMIN}/tenants/alpha", json={"name": "Mine"}, headers=token)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
